"""A store synced once from a generated tenant, served by the MCP app over loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import Settings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.migrate import upgrade
from tests.conftest import DIALECTS, PostgresDatabases, _blocking
from tests.tenant import API_KEY, Simulated, Switchable, run_sync


@pytest.fixture(scope="session")
def tools_dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six generated organizations: enough for two Northwinds and two "DC01"s."""
    directory = tmp_path_factory.mktemp("tools-dataset")
    generate_dataset(directory, organizations=6, seed=11)
    return directory


@pytest.fixture(scope="session", params=DIALECTS)
def synced_store_url(
    request: pytest.FixtureRequest,
    tools_dataset_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A store (SQLite, then PostgreSQL) holding a full sync of the six-organization tenant.

    Read-only for the tests: they share it for the whole session.
    """
    databases: PostgresDatabases | None = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('synced') / 'itglue.db'}"
        _blocking(upgrade(url))
    else:
        databases = request.getfixturevalue("pg_databases")
        name = _blocking(databases.acquire())
        url = databases.url(name)
    dataset = Dataset.load(tools_dataset_dir)
    app = Switchable(create_app(dataset, SimulatorConfig(api_keys={API_KEY: True})))
    with serve_in_thread(app) as simulator_url:
        _blocking(run_sync(Simulated(dataset, simulator_url, app), url, full=True))
    yield url
    if databases is not None:
        _blocking(databases.release(name))


def serve_mcp_app(database_url: str) -> Iterator[str]:
    """Serve the MCP HTTP app on loopback over ``database_url``; yields the base URL."""
    # No pool: connections opened on the server thread's loop must not outlive it.
    engine = create_engine(database_url, null_pool=True)
    sessions = create_session_factory(engine)
    services = Services(sessions=sessions, graph=SqlGraphStore(sessions))
    app = build_http_app(build_server(services), Settings())
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        asyncio.run(engine.dispose())


@pytest.fixture(scope="session")
def mcp_url(synced_store_url: str) -> Iterator[str]:
    """Base URL of an MCP server over the synced store (``/mcp`` is the endpoint)."""
    yield from serve_mcp_app(synced_store_url)
