"""Alembic migrations of the store (run them with :func:`itglue_mcp.store.migrate.upgrade`)."""

__all__ = []
