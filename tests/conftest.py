"""Fixtures shared by every test package: fresh, migrated stores on both dialects, and a
generated IT Glue tenant served by the simulator.

``database_url`` is parametrized over SQLite and PostgreSQL, so a test that uses it (or
``engine`` / ``session_factory``) runs once per dialect on a database no other test sees
while it runs, migrated to the newest revision and holding no rows:

- SQLite: a copy, in the test's ``tmp_path``, of a file migrated once per session.
- PostgreSQL: a database ``itglue_test_<hex>`` created from a template migrated once per
  session, on the server of ``ITGLUE_MCP_TEST_DATABASE_URL`` (default: the local CI
  server). Creating a database costs ~0.4 s of fsync here, so after a test its database is
  emptied (rows deleted, sequences restarted, other connections ended) and handed to the
  next test; one whose schema the test changed is dropped instead. Everything is dropped
  ``WITH (FORCE)`` at the end of the session. A server that does not answer fails the
  PostgreSQL tests; they are never skipped.

Tests that change the schema (migrations) use ``empty_database_url``: a brand-new database.

Example::

    async def test_counts(session_factory):
        async with unit_of_work(session_factory) as session:
            assert (await count_records(session))["configurations"] == 0
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
import pytest_asyncio
import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from itglue_mcp.background import serve_in_thread
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.migrate import upgrade
from tests.tenant import API_KEY, Simulated, Switchable, run_sync

TEST_DATABASE_URL_ENV = "ITGLUE_MCP_TEST_DATABASE_URL"
DEFAULT_TEST_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"

T = TypeVar("T")

DIALECTS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# What must not change for a database to be reused: every column and index of the schema.
_SCHEMA_FINGERPRINT = """
    SELECT md5(
        (SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ','
                           ORDER BY table_name, column_name)
         FROM information_schema.columns WHERE table_schema = 'public')
        || (SELECT coalesce(string_agg(indexname, ',' ORDER BY indexname), '')
            FROM pg_indexes WHERE schemaname = 'public')
        || (SELECT coalesce(string_agg(version_num, ','), '') FROM alembic_version))
"""


def _database_url(base_url: str, database: str) -> str:
    """``base_url`` pointing at another database on the same server."""
    return make_url(base_url).set(database=database).render_as_string(hide_password=False)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(base_url: str, *statements: str) -> None:
    """Run statements on the base database outside a transaction (CREATE/DROP DATABASE)."""
    connection = await asyncpg.connect(_asyncpg_dsn(base_url), timeout=10)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even while an event loop is running.

    Session fixtures are first requested from inside a test's event loop, where
    ``asyncio.run`` is refused; a worker thread has no loop of its own to clash with.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _unique_database_name(kind: str = "") -> str:
    return f"itglue_test_{kind}{uuid.uuid4().hex[:16]}"


class PostgresDatabases:
    """Migrated PostgreSQL databases lent to one test at a time and emptied on return."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.template = _unique_database_name("template_")
        self._fingerprint = ""
        self._free: list[str] = []
        self._all: set[str] = set()

    async def create_template(self) -> None:
        """Create and migrate the template every database is cloned from."""
        await _admin(self.base_url, f'CREATE DATABASE "{self.template}"')
        await upgrade(_database_url(self.base_url, self.template))
        connection = await asyncpg.connect(self.url(self.template, asyncpg_dsn=True))
        try:
            self._fingerprint = await connection.fetchval(_SCHEMA_FINGERPRINT)
        finally:
            await connection.close()

    def url(self, name: str, *, asyncpg_dsn: bool = False) -> str:
        """URL (SQLAlchemy, or asyncpg DSN) of database ``name``."""
        url = _database_url(self.base_url, name)
        return _asyncpg_dsn(url) if asyncpg_dsn else url

    async def acquire(self) -> str:
        """Name of an empty migrated database nobody else uses until :meth:`release`."""
        if self._free:
            return self._free.pop()
        name = _unique_database_name()
        await _admin(self.base_url, f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self._all.add(name)
        return name

    async def release(self, name: str) -> None:
        """Empty ``name`` for the next test, or drop it when its schema was changed."""
        try:
            reusable = await self._empty(name)
        except (OSError, asyncpg.PostgresError):
            reusable = False
        if reusable:
            self._free.append(name)
            return
        self._all.discard(name)
        await _admin(self.base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def _empty(self, name: str) -> bool:
        connection = await asyncpg.connect(self.url(name, asyncpg_dsn=True), timeout=10)
        try:
            # Connections a test left open (a server in a thread…) would hold locks.
            await connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if await connection.fetchval(_SCHEMA_FINGERPRINT) != self._fingerprint:
                return False
            tables = await connection.fetch(
                "SELECT quote_ident(tablename) AS name FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
            sequences = await connection.fetch(
                "SELECT quote_ident(sequencename) AS name FROM pg_sequences "
                "WHERE schemaname = 'public'"
            )
            # DELETE, not TRUNCATE: TRUNCATE fsyncs a new file per table (~0.5 s in all).
            async with connection.transaction():
                await connection.execute("SET LOCAL session_replication_role = replica")
                for table in tables:
                    await connection.execute(f"DELETE FROM {table['name']}")
                for sequence in sequences:
                    await connection.execute(f"ALTER SEQUENCE {sequence['name']} RESTART")
            return True
        finally:
            await connection.close()

    async def drop_all(self) -> None:
        """Drop every database lent out and the template."""
        names = [*self._all, self.template]
        await _admin(
            self.base_url, *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names)
        )


@pytest.fixture(autouse=True)
def _structlog_defaults() -> None:
    """Each test starts with structlog's defaults: a test that configured logging (a command
    run in process, a JSON-lines check) would otherwise leave its level filter to the next,
    which then misses the events it captures."""
    structlog.reset_defaults()


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    """URL of the PostgreSQL server's base database (fails the test if it does not answer)."""
    url = os.environ.get(TEST_DATABASE_URL_ENV) or DEFAULT_TEST_DATABASE_URL
    try:
        _blocking(_admin(url, "SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL at {shown} does not answer ({type(error).__name__}: {error}); "
            f"start it or point {TEST_DATABASE_URL_ENV} at a server",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session")
def pg_databases(pg_base_url: str) -> Iterator[PostgresDatabases]:
    """The session's pool of migrated PostgreSQL databases (template made on first use)."""
    databases = PostgresDatabases(pg_base_url)
    try:
        _blocking(databases.create_template())
        yield databases
    finally:
        _blocking(databases.drop_all())


@pytest.fixture(scope="session")
def sqlite_template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once per session, copied by each test."""
    path = tmp_path_factory.mktemp("store-template") / "itglue.db"
    _blocking(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest_asyncio.fixture(params=DIALECTS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of an empty database at the newest migration, private to the test."""
    if request.param == "sqlite":
        path = tmp_path / "itglue.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template_file"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    databases: PostgresDatabases = request.getfixturevalue("pg_databases")
    name = await databases.acquire()
    try:
        yield databases.url(name)
    finally:
        await databases.release(name)


@pytest_asyncio.fixture(params=DIALECTS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of a brand-new database with no tables at all (for migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    base_url: str = request.getfixturevalue("pg_base_url")
    name = _unique_database_name("empty_")
    await _admin(base_url, f'CREATE DATABASE "{name}"')
    try:
        yield _database_url(base_url, name)
    finally:
        await _admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on ``database_url``, disposed after the test."""
    store_engine = create_engine(database_url)
    try:
        yield store_engine
    finally:
        await store_engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory on ``engine`` (``expire_on_commit=False``, as in production)."""
    return create_session_factory(engine)


# --- A generated tenant served by the simulator (helpers in tests/tenant.py) ---------------


@pytest.fixture(scope="session")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three generated organizations (a few thousand records), shared read-only."""
    directory = tmp_path_factory.mktemp("dataset")
    generate_dataset(directory, organizations=3, seed=11)
    return directory


@pytest.fixture
def simulator(dataset_dir: Path) -> Iterator[Simulated]:
    """A simulator over a fresh copy of the dataset (tests may change it)."""
    dataset = Dataset.load(dataset_dir)
    app = create_app(dataset, SimulatorConfig(api_keys={API_KEY: True}))
    switch = Switchable(app)
    with serve_in_thread(switch) as url:
        yield Simulated(dataset, url, switch)


def synced_store(
    request: pytest.FixtureRequest, directory: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Yield the URL of a new store holding a full sync of the dataset in ``directory``.

    The dialect is the parametrized fixture's ``request.param`` (an entry of
    :data:`DIALECTS`); a PostgreSQL database is returned to the pool afterwards. Callers are
    read-only fixtures that share the store between tests.
    """
    databases: PostgresDatabases | None = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('synced') / 'itglue.db'}"
        _blocking(upgrade(url))
    else:
        databases = request.getfixturevalue("pg_databases")
        name = _blocking(databases.acquire())
        url = databases.url(name)
    dataset = Dataset.load(directory)
    app = Switchable(create_app(dataset, SimulatorConfig(api_keys={API_KEY: True})))
    with serve_in_thread(app) as simulator_url:
        _blocking(run_sync(Simulated(dataset, simulator_url, app), url, full=True))
    yield url
    if databases is not None:
        _blocking(databases.release(name))


@pytest.fixture(scope="session", params=DIALECTS)
def synced_url(
    request: pytest.FixtureRequest, dataset_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A store (SQLite, then PostgreSQL) holding a full sync of ``dataset_dir``; read-only."""
    yield from synced_store(request, dataset_dir, tmp_path_factory)


@pytest_asyncio.fixture
async def synced(synced_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the synced read-only store (``synced_url``)."""
    engine = create_engine(synced_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()
