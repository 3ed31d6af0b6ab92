"""Alembic revisions of the store, applied in order by ``itglue_mcp.store.migrate``."""

__all__ = []
