"""One sync at a time per store: a PostgreSQL advisory lock, or a file lock beside SQLite.

A Kubernetes CronJob with ``concurrencyPolicy: Forbid`` already avoids overlapping runs of
one schedule; this lock also covers a manual ``itglue-mcp sync`` started meanwhile.

Example::

    async with sync_lock(engine):
        await engine_run()
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from itglue_mcp.sync.errors import SyncAlreadyRunning

__all__ = ["SYNC_LOCK_KEY", "sync_lock"]

# Arbitrary, fixed 64-bit key for pg_try_advisory_lock; "ITGLUESY" in ASCII.
SYNC_LOCK_KEY = 0x4954474C55455359


@asynccontextmanager
async def sync_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Hold the store's sync lock for the duration of the block.

    Args:
        engine: the store's engine. PostgreSQL: a session-level advisory lock on a connection
            held for the block. SQLite: a ``.sync.lock`` file next to the database file.

    Raises:
        SyncAlreadyRunning: the lock is held by another process (no waiting).
    """
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            acquired = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": SYNC_LOCK_KEY}
            )
            if not acquired:
                raise SyncAlreadyRunning("another sync is running against this store")
            try:
                yield
            finally:
                await connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": SYNC_LOCK_KEY}
                )
                await connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    lock = FileLock(Path(database).with_suffix(".sync.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise SyncAlreadyRunning("another sync is running against this store") from exc
    try:
        yield
    finally:
        lock.release()
