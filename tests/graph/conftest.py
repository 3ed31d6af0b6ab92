"""Graph backends over a store synced once from the three-organization dataset.

``graph`` yields a :class:`GraphStore` backend; the contract tests use nothing else, so a
Neo4j backend joins them by adding a parameter here (loaded from the same synced store, run
when ``ITGLUE_MCP_NEO4J_URI`` names a server).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from itglue_mcp.background import serve_in_thread
from itglue_mcp.graph import GraphStore, SqlGraphStore
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.migrate import upgrade
from tests.conftest import DIALECTS, PostgresDatabases, _blocking
from tests.graph.dataset_links import DatasetGraph, load_graph
from tests.tenant import API_KEY, Simulated, Switchable, run_sync

BACKENDS = ["sql"]


@pytest.fixture(scope="session")
def dataset_graph(dataset_dir: Path) -> DatasetGraph:
    """The links of the three-organization dataset, read from its JSON files."""
    return load_graph(dataset_dir)


@pytest.fixture(scope="session", params=DIALECTS)
def graph_store_url(
    request: pytest.FixtureRequest, dataset_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A store (SQLite, then PostgreSQL) holding a full sync of the dataset; read-only."""
    databases: PostgresDatabases | None = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('graph') / 'itglue.db'}"
        _blocking(upgrade(url))
    else:
        databases = request.getfixturevalue("pg_databases")
        name = _blocking(databases.acquire())
        url = databases.url(name)
    dataset = Dataset.load(dataset_dir)
    app = Switchable(create_app(dataset, SimulatorConfig(api_keys={API_KEY: True})))
    with serve_in_thread(app) as simulator_url:
        _blocking(run_sync(Simulated(dataset, simulator_url, app), url, full=True))
    yield url
    if databases is not None:
        _blocking(databases.release(name))


@pytest_asyncio.fixture(params=BACKENDS)
async def graph(request: pytest.FixtureRequest, graph_store_url: str) -> AsyncIterator[GraphStore]:
    """A graph backend over the synced dataset."""
    engine = create_engine(graph_store_url)
    try:
        yield SqlGraphStore(create_session_factory(engine))
    finally:
        await engine.dispose()
