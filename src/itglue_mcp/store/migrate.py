"""Schema migrations of the store, run programmatically with Alembic (no alembic.ini needed).

Each call opens its own short-lived engine, runs Alembic on one connection inside one
transaction (PostgreSQL and SQLite both have transactional DDL) and disposes of the engine.
On PostgreSQL an advisory lock serialises concurrent migrators (several pods starting at
once). Upgrading an up-to-date database is a no-op.

Example::

    await upgrade("sqlite+aiosqlite:///.itglue-mcp/itglue.db")
    assert await current(url) == head_revision()
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from itglue_mcp.store.database import Dialect, create_engine
from itglue_mcp.store.errors import StoreError, translate_errors

__all__ = ["MIGRATIONS_DIR", "alembic_config", "current", "downgrade", "head_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Arbitrary fixed key of the PostgreSQL advisory lock held while migrating ("ITGLUEMG").
MIGRATION_LOCK_KEY = 0x4954474C55454D47


def alembic_config() -> Config:
    """An Alembic config pointing at the store's migrations, with no ini file and no URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision id shipped with this version of the package."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise StoreError("no migration revisions found")
    return head


def _migrate(connection: Connection, direction: str, revision: str) -> None:
    if Dialect.of(connection) is Dialect.POSTGRESQL:
        # Released at commit; a second migrator waits, then finds nothing left to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    config = alembic_config()
    config.attributes["connection"] = connection
    if direction == "upgrade":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


async def _run(url: str, direction: str, revision: str) -> None:
    engine = create_engine(url, null_pool=True)
    try:
        with translate_errors(f"migration {direction} to {revision}"):
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, direction, revision)
    finally:
        await engine.dispose()


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (default: the newest).

    Args:
        url: SQLAlchemy URL of the store (SQLite or PostgreSQL).
        revision: target revision id, or ``"head"``.

    Raises:
        StoreError: the database is unreachable or a revision failed (nothing is applied).
    """
    await _run(url, "upgrade", revision)


async def downgrade(url: str, revision: str) -> None:
    """Downgrade the database at ``url`` to ``revision`` (``"base"`` drops every table).

    Raises:
        StoreError: the database is unreachable or a revision failed (nothing is applied).
    """
    await _run(url, "downgrade", revision)


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current(url: str) -> str | None:
    """The revision the database at ``url`` is at, or ``None`` when it was never migrated.

    Raises:
        StoreError: the database is unreachable.
    """
    engine = create_engine(url, null_pool=True)
    try:
        with translate_errors("read migration revision"):
            async with engine.connect() as connection:
                return await connection.run_sync(_current_revision)
    finally:
        await engine.dispose()
