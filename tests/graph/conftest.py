"""Graph backends over a store synced once from the three-organization dataset.

``graph`` yields a :class:`GraphStore` backend; the contract tests use nothing else, so a
Neo4j backend joins them by adding a parameter here (loaded from the same synced store, run
when ``ITGLUE_MCP_NEO4J_URI`` names a server).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from itglue_mcp.graph import GraphStore, SqlGraphStore
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.graph.dataset_links import DatasetGraph, load_graph

BACKENDS = ["sql"]


@pytest.fixture(scope="session")
def dataset_graph(dataset_dir: Path) -> DatasetGraph:
    """The links of the three-organization dataset, read from its JSON files."""
    return load_graph(dataset_dir)


@pytest_asyncio.fixture(params=BACKENDS)
async def graph(request: pytest.FixtureRequest, synced_url: str) -> AsyncIterator[GraphStore]:
    """A graph backend over the synced dataset."""
    engine = create_engine(synced_url)
    try:
        yield SqlGraphStore(create_session_factory(engine))
    finally:
        await engine.dispose()
