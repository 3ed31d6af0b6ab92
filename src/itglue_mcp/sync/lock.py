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

__all__ = ["SYNC_LOCK_KEY", "sync_lock", "sync_lock_held"]

# Arbitrary, fixed 64-bit key for pg_try_advisory_lock; "ITGLUESY" in ASCII.
SYNC_LOCK_KEY = 0x4954474C55455359

# pg_locks shows a bigint advisory key as classid (high 32 bits), objid (low 32 bits) and
# objsubid 1, in the database that took it: advisory locks are per database, and other
# databases of the server have syncs of their own (PostgreSQL manual, "pg_locks").
_HELD_SQL = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1)"
)


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


async def sync_lock_held(engine: AsyncEngine) -> bool:
    """Whether some process holds the store's sync lock right now (a sync is running).

    Only looks: on PostgreSQL it reads ``pg_locks`` (taking the lock to test it would make a
    sync starting at that instant fail); on SQLite it tries the lock file without waiting and
    lets go at once. An in-memory SQLite store has no lock: never held.
    """
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            held = await connection.scalar(
                _HELD_SQL, {"high": SYNC_LOCK_KEY >> 32, "low": SYNC_LOCK_KEY & 0xFFFFFFFF}
            )
        return bool(held)
    database = engine.url.database
    if not database or database == ":memory:":
        return False
    lock = FileLock(Path(database).with_suffix(".sync.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False
