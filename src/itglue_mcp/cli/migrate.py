"""``itglue-mcp migrate``: bring the store's schema up to date (Alembic upgrade)."""

from __future__ import annotations

import asyncio

from rich.console import Console

from itglue_mcp.cli.wiring import load_settings

__all__ = ["migrate"]


def migrate() -> None:
    """Apply every pending Alembic migration to the configured store (idempotent)."""
    from itglue_mcp.store.migrate import upgrade

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(upgrade(settings.effective_database_url))
    Console(stderr=True).print("store schema is up to date")
