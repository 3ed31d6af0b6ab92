"""Engines, sessions and the unit of work of the SQL store (SQLite or PostgreSQL).

The dialect is chosen once from the URL. SQLite gets the settings a concurrent reader/one
writer store needs (WAL, foreign keys, busy timeout, real transactions); PostgreSQL gets a
checked connection pool. Repositories only flush; :func:`unit_of_work` is the one place that
commits.

Example::

    engine = create_engine("sqlite+aiosqlite:///.itglue-mcp/itglue.db")
    sessions = create_session_factory(engine)
    async with unit_of_work(sessions) as session:
        await upsert_records(session, RecordType.ORGANIZATIONS, rows, run_id=None)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import NullPool

from itglue_mcp.store.errors import StoreError, translate_errors

__all__ = ["Dialect", "create_engine", "create_session_factory", "normalize_url", "unit_of_work"]

# Milliseconds a SQLite connection waits for another writer before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 10_000

# KiB of page cache each SQLite connection may hold (SQLite's default: 2,048).
SQLITE_CACHE_KIB = 32_768

# Execution option of a read-only SQLite transaction: begun DEFERRED (no write lock) with
# writes refused, like PostgreSQL's READ ONLY.
_SQLITE_READ_ONLY = "itglue_mcp_sqlite_read_only"
# ``Connection.info`` key (the pooled DBAPI connection's, cleared when it reconnects): the
# ``query_only`` setting that connection has now.
_QUERY_ONLY = "itglue_mcp_sqlite_query_only"

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class Dialect(StrEnum):
    """The two databases the store runs on."""

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"

    @classmethod
    def of(cls, bind: AsyncSession | AsyncEngine | Connection) -> Dialect:
        """The dialect of a session, engine or (sync) connection.

        Raises:
            StoreError: the bind is some other database.
        """
        name = bind.get_bind().dialect.name if isinstance(bind, AsyncSession) else bind.dialect.name
        try:
            return cls(name)
        except ValueError:
            raise StoreError(f"unsupported database dialect {name!r}") from None


def normalize_url(url: str) -> URL:
    """Parse a database URL and select the async driver for its database.

    ``sqlite://`` becomes ``sqlite+aiosqlite://`` and ``postgresql://`` becomes
    ``postgresql+asyncpg://``; the async URLs pass unchanged.

    Raises:
        StoreError: the URL cannot be parsed or names another database or driver.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError("database url: cannot be parsed as a SQLAlchemy URL") from None
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        raise StoreError(
            "database url: driver must be sqlite+aiosqlite or postgresql+asyncpg, "
            f"got {parsed.drivername!r}"
        )
    return parsed.set(drivername=driver)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Apply per-connection pragmas and let SQLAlchemy, not sqlite3, emit BEGIN.

    The sqlite3 module's legacy transaction control skips BEGIN before DDL and SELECT, which
    breaks transactional migrations and repeatable reads; disabling it and emitting BEGIN on
    the ``begin`` event gives real transactions (SQLAlchemy's documented recipe). Writers
    begin IMMEDIATE, read-only units of work DEFERRED with ``query_only`` set.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            # NORMAL is durable across application crashes in WAL mode; only an OS crash can
            # lose the last commits, which the next sync re-fetches.
            "synchronous=NORMAL",
            # A page cache of 32 MiB instead of 2: over a large account one full-text query
            # reads more doclist pages than 2 MiB holds, and each pooled connection serves
            # every kind of read in turn (a search's p50 at 1,000 organizations: ~15 % less).
            f"cache_size={-SQLITE_CACHE_KIB}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front. A DEFERRED transaction that reads and
        # then writes fails at once (SQLITE_BUSY_SNAPSHOT, no waiting) when another writer
        # committed in between, e.g. an audit event written by the server during a sync.
        read_only = connection.get_execution_options().get(_SQLITE_READ_ONLY, False)
        # Set only when this transaction wants the other setting than the connection has:
        # a pooled connection never keeps a previous setting, and a run of read-only
        # requests pays no statement for it (each is a hop to aiosqlite's thread). The
        # setting is forgotten first, so a PRAGMA that fails or is interrupted leaves it
        # unknown and the next begin sets it again.
        info = connection.info
        if info.get(_QUERY_ONLY) is not read_only:
            info.pop(_QUERY_ONLY, None)
            connection.exec_driver_sql(f"PRAGMA query_only = {int(read_only)}")
            info[_QUERY_ONLY] = read_only
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def create_engine(
    url: str, *, null_pool: bool = False, pool_size: int = 5, max_overflow: int = 10
) -> AsyncEngine:
    """Create the async engine of the store for a SQLite or PostgreSQL URL.

    For a SQLite file the parent directory is created. Nothing connects until first use.

    Args:
        url: SQLAlchemy URL; ``sqlite``/``postgresql`` select aiosqlite/asyncpg.
        null_pool: open a fresh connection per checkout (migrations, one-shot commands).
        pool_size: PostgreSQL connections kept open per process.
        max_overflow: PostgreSQL connections opened beyond ``pool_size`` under load.

    Returns:
        An :class:`AsyncEngine`; dispose it with ``await engine.dispose()``.

    Raises:
        StoreError: the URL is malformed or names an unsupported database.
    """
    parsed = normalize_url(url)
    options: dict[str, Any] = {}
    if null_pool:
        options["poolclass"] = NullPool
    if parsed.get_backend_name() == Dialect.SQLITE:
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = _create_async_engine(parsed, **options)
        _configure_sqlite(engine)
        return engine
    if not null_pool:
        options.update(
            pool_size=pool_size,
            max_overflow=max_overflow,
            # Connections die behind load balancers and on failover; test before use.
            pool_pre_ping=True,
            pool_recycle=1800,
        )
    return _create_async_engine(
        parsed,
        connect_args={"server_settings": {"application_name": "itglue-mcp"}},
        **options,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory whose objects stay readable after commit (``expire_on_commit=False``).

    Args:
        engine: from :func:`create_engine`.
    """
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(
    session_factory: async_sessionmaker[AsyncSession], *, read_only: bool = False
) -> AsyncIterator[AsyncSession]:
    """One transaction: commit when the block ends normally, roll back when it raises.

    On SQLite a transaction takes the database's single write lock when it begins, so
    writers queue (up to the busy timeout) instead of failing; ``read_only`` transactions
    skip the lock and run beside a writer.

    Args:
        session_factory: from :func:`create_session_factory`.
        read_only: the block only reads: writes are refused (``StoreError``), and on SQLite
            the transaction runs beside a writer instead of waiting for the lock.

    Yields:
        The session repositories write through (they flush; this commits).

    Raises:
        StoreError: the commit failed, or a SQLAlchemy error escaped the block (translated;
            other exceptions pass through unchanged after the rollback).
    """
    async with session_factory() as session:
        try:
            if read_only:
                option = (
                    "postgresql_readonly"
                    if Dialect.of(session) is Dialect.POSTGRESQL
                    else _SQLITE_READ_ONLY
                )
                with translate_errors("begin read-only transaction"):
                    await session.connection(execution_options={option: True})
            with translate_errors("transaction", os_errors=False):
                yield session
            with translate_errors("commit"):
                await session.commit()
        except BaseException:
            await session.rollback()
            raise
