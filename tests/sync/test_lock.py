"""The sync lock seen from outside (SQLite and PostgreSQL): held while a sync holds it, and on
PostgreSQL only by a sync of the same database."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from itglue_mcp.store.database import create_engine
from itglue_mcp.sync.errors import SyncAlreadyRunning
from itglue_mcp.sync.lock import sync_lock, sync_lock_held
from tests.conftest import PostgresDatabases


async def test_the_lock_is_seen_held_only_while_a_sync_holds_it(engine: AsyncEngine) -> None:
    assert await sync_lock_held(engine) is False
    async with sync_lock(engine):
        assert await sync_lock_held(engine) is True
        with pytest.raises(SyncAlreadyRunning):
            async with sync_lock(engine):
                pass
    assert await sync_lock_held(engine) is False


@pytest.mark.postgres
async def test_a_sync_of_another_database_does_not_count(pg_databases: PostgresDatabases) -> None:
    names = [await pg_databases.acquire() for _ in range(2)]
    ours, theirs = (create_engine(pg_databases.url(name), null_pool=True) for name in names)
    try:
        async with sync_lock(theirs):
            assert await sync_lock_held(theirs) is True
            assert await sync_lock_held(ours) is False
    finally:
        await ours.dispose()
        await theirs.dispose()
        for name in names:
            await pg_databases.release(name)
