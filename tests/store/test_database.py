"""Engines, the unit of work and error translation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    Dialect,
    RecordType,
    SearchEntry,
    StoreError,
    StoreIntegrityError,
    StoreUnavailableError,
    append_audit_event,
    count_records,
    create_engine,
    create_session_factory,
    latest_run,
    list_audit_events,
    normalize_url,
    replace_search_entries,
    search,
    start_run,
    unit_of_work,
    upsert_records,
)
from tests.statements import recorded_statements

from .conftest import configuration, organization

Sessions = async_sessionmaker[AsyncSession]


async def test_unit_of_work_commits(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await upsert_records(
            session, RecordType.ORGANIZATIONS, [organization(7, "Acme")], run_id=None
        )
    async with unit_of_work(session_factory) as session:
        assert (await count_records(session))["organizations"] == 1


async def test_a_rolled_back_unit_of_work_leaves_nothing(session_factory: Sessions) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with unit_of_work(session_factory) as session:
            await start_run(session, "full", {"organization_id": 7})
            await upsert_records(
                session, RecordType.CONFIGURATIONS, [configuration(1, 7, "dc01")], run_id=None
            )
            await replace_search_entries(session, [SearchEntry("configurations", 1, 7, "dc01", "")])
            await append_audit_event(session, subject="alice", decision="allow")
            assert (await count_records(session))["configurations"] == 1
            raise RuntimeError("boom")
    async with unit_of_work(session_factory) as session:
        assert set((await count_records(session)).values()) == {0}
        assert await search(session, "dc01") == []
        assert await latest_run(session) is None
        assert await list_audit_events(session) == []


async def test_a_writer_that_read_first_does_not_fail_on_a_concurrent_write(
    session_factory: Sessions,
) -> None:
    # The sync reads, then writes; meanwhile the server appends an audit event. On SQLite a
    # deferred transaction would fail its first write with SQLITE_BUSY_SNAPSHOT.
    sync_has_read = asyncio.Event()

    async def sync() -> None:
        async with unit_of_work(session_factory) as session:
            await count_records(session)
            sync_has_read.set()
            await asyncio.sleep(0.2)
            await upsert_records(
                session, RecordType.ORGANIZATIONS, [organization(7, "Acme")], run_id=None
            )

    async def server() -> None:
        await sync_has_read.wait()
        async with unit_of_work(session_factory) as session:
            await append_audit_event(session, subject="alice", decision="allow")

    await asyncio.wait_for(asyncio.gather(sync(), server()), timeout=8)
    async with unit_of_work(session_factory, read_only=True) as session:
        assert (await count_records(session))["organizations"] == 1
        assert len(await list_audit_events(session)) == 1


async def test_read_only_units_of_work_run_beside_a_writer(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as writer:
        await upsert_records(
            writer, RecordType.ORGANIZATIONS, [organization(7, "Acme")], run_id=None
        )

        async def read() -> int:
            async with unit_of_work(session_factory, read_only=True) as reader:
                return (await count_records(reader))["organizations"]

        # Well under the 10 s busy timeout: the reader does not wait for the writer.
        assert await asyncio.wait_for(read(), timeout=2) == 0


async def test_read_only_units_of_work_refuse_writes(session_factory: Sessions) -> None:
    with pytest.raises(StoreError, match="upsert into organizations"):
        async with unit_of_work(session_factory, read_only=True) as session:
            await upsert_records(
                session, RecordType.ORGANIZATIONS, [organization(7, "Acme")], run_id=None
            )
    async with unit_of_work(session_factory) as session:
        await upsert_records(
            session, RecordType.ORGANIZATIONS, [organization(7, "Acme")], run_id=None
        )


async def test_a_pooled_connection_takes_each_units_read_only_setting(
    session_factory: Sessions,
) -> None:
    # The setting is remembered per connection: alternating and repeated units of work on the
    # pooled connections still refuse or accept writes as each one asks.
    for read_only in (False, True, True, False, False, True):
        if read_only:
            with pytest.raises(StoreError, match="upsert into organizations"):
                async with unit_of_work(session_factory, read_only=True) as session:
                    await upsert_records(
                        session, RecordType.ORGANIZATIONS, [organization(7, "Acme")], run_id=None
                    )
        else:
            async with unit_of_work(session_factory) as session:
                await upsert_records(
                    session, RecordType.ORGANIZATIONS, [organization(7, "Acme")], run_id=None
                )


async def test_database_errors_escaping_the_block_are_translated(session_factory: Sessions) -> None:
    with pytest.raises(StoreError, match="transaction: database error"):
        async with unit_of_work(session_factory) as session:
            await session.execute(text("SELECT * FROM no_such_table"))


async def test_constraint_violations_name_the_constraint_not_the_values(
    session_factory: Sessions,
) -> None:
    with pytest.raises(StoreIntegrityError) as caught:
        async with unit_of_work(session_factory) as session:
            await session.execute(
                text(
                    "INSERT INTO sync_runs (mode, status, started_at, scope, counts) "
                    "VALUES ('sideways', 'running', CURRENT_TIMESTAMP, '{}', '{}')"
                )
            )
    message = str(caught.value)
    assert "sideways" not in message
    assert "ck_sync_runs_mode" in message or "CHECK constraint failed" in message


async def test_sqlite_connections_are_configured(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'store.db'}")
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: await connection.scalar(text(f"PRAGMA {name}"))
                for name in (
                    "journal_mode",
                    "foreign_keys",
                    "busy_timeout",
                    "synchronous",
                    "cache_size",
                )
            }
    finally:
        await engine.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 10000,
        "synchronous": 1,
        "cache_size": -32768,
    }
    assert (tmp_path / "nested" / "dir" / "store.db").exists()


async def test_a_run_of_read_only_units_sets_query_only_once_per_connection(
    tmp_path: Path,
) -> None:
    # One pooled connection: every request on a serving replica is a read-only unit, and the
    # connection keeps its setting, so only a change of kind costs a PRAGMA.
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    sessions = create_session_factory(engine)
    kinds = (True, True, False, False, True)
    pragmas: list[list[str]] = []
    try:
        async with unit_of_work(sessions) as session:  # the first connection, then pooled
            await session.execute(text("SELECT 1"))
        for read_only in kinds:
            with recorded_statements(engine) as statements:
                async with unit_of_work(sessions, read_only=read_only) as session:
                    await session.execute(text("SELECT 1"))
            pragmas.append([s for s in statements if s.startswith("PRAGMA query_only")])
    finally:
        await engine.dispose()
    assert pragmas == [
        ["PRAGMA query_only = 1"],
        [],
        ["PRAGMA query_only = 0"],
        [],
        ["PRAGMA query_only = 1"],
    ]


async def test_dialect_of_sessions_and_engines(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session:
        assert Dialect.of(session) is Dialect.of(engine)
    assert Dialect.of(engine).value == engine.dialect.name


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+asyncpg"),
        ("postgres://u@h/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg"),
    ],
)
def test_urls_get_the_async_driver(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "not a url"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(StoreError, match="database url"):
        create_engine(url)


async def test_an_unreachable_server_is_reported_as_unavailable() -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    engine = create_engine("postgresql+asyncpg://nobody:secret@127.0.0.1:9/none", null_pool=True)
    sessions = create_session_factory(engine)
    try:
        with pytest.raises(StoreUnavailableError) as caught:
            async with unit_of_work(sessions) as session:
                await count_records(session)
    finally:
        await engine.dispose()
    assert "secret" not in str(caught.value)


async def test_other_errors_pass_through_the_unit_of_work(session_factory: Sessions) -> None:
    with pytest.raises(FileNotFoundError):
        async with unit_of_work(session_factory):
            raise FileNotFoundError("not the database's business")
