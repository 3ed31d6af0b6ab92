"""Alembic environment of the store: runs revisions on an async engine or a given connection.

Alembic imports this file for every command. The database comes from the Alembic config,
never from global settings: :mod:`itglue_mcp.store.migrate` passes an open connection in
``config.attributes["connection"]``; the ``alembic`` command line passes a URL as the main
option ``sqlalchemy.url`` (``alembic -x`` is not used).

Example (what :func:`itglue_mcp.store.migrate.upgrade` does)::

    config.attributes["connection"] = sync_connection
    alembic.command.upgrade(config, "head")
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from itglue_mcp.store.database import create_engine
from itglue_mcp.store.errors import StoreError
from itglue_mcp.store.models import metadata


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode recreates the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations(url: str) -> None:
    engine = create_engine(url, null_pool=True)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def _run() -> None:
    if context.is_offline_mode():
        raise StoreError("offline (--sql) migrations are not supported; give a database")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise StoreError("alembic: set sqlalchemy.url or use itglue_mcp.store.migrate")
    asyncio.run(run_async_migrations(url))


_run()
