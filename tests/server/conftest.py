"""A store synced once from a generated tenant, served by the MCP app over loopback HTTP, with a
semantic index over its search entries.

The vector index is built once per session from the first synced store a test asks for (the
SQLite and PostgreSQL stores hold the same search entries: same dataset, same sync) and then
shared by both servers. qdrant-client's local mode locks its directory for one client, so the
index is opened once, in a worker thread, and closed at the end of the session; its local
mode is plain Python with no event-loop state, so the servers' threads use it from their
own loops. The embedding model is loaded once per process (:func:`load_minilm`).

Only :data:`INDEXED_TYPES` — the default ``index.record_types`` — are embedded: on this 2-core
machine all-MiniLM-L6-v2 embeds about 13-27 chunks a second depending on load, so the whole
six-organization tenant (5,598 chunks) took 208 s, while these types (292 chunks) take 10-25 s
(plus 10-18 s to load the model). The other types are still found by keyword: hybrid
retrieval works per record.
"""

from __future__ import annotations

import asyncio
import functools
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import cast

import pytest
import pytest_asyncio
from sqlalchemy import Table, select

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import Settings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.index import (
    Indexer,
    IndexSettings,
    QdrantVectorIndex,
    SentenceTransformerEmbedder,
)
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.models import SearchEntryRow
from itglue_mcp.store.search import SearchEntry
from tests.conftest import DIALECTS, PostgresDatabases, _blocking, synced_store
from tests.tenant import API_KEY

INDEX_SETTINGS = IndexSettings()

INDEXED_TYPES = tuple(INDEX_SETTINGS.record_types)
"""Record types embedded for the served tests: the production default (prose-carrying types;
see the module docstring for why not all)."""


@functools.cache
def load_minilm() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded once per process with the Hugging Face hub offline."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        embedder = SentenceTransformerEmbedder.from_settings(INDEX_SETTINGS)
        assert embedder.dimension == 384  # loads the model
    return embedder


async def read_search_entries(
    database_url: str, record_types: tuple[str, ...] | None = None
) -> list[SearchEntry]:
    """The search entries the sync wrote into the store at ``database_url`` (some types only)."""
    entries = cast(Table, SearchEntryRow.__table__)
    statement = select(
        entries.c.record_type,
        entries.c.record_id,
        entries.c.organization_id,
        entries.c.name,
        entries.c.body,
    ).order_by(entries.c.id)
    if record_types is not None:
        statement = statement.where(entries.c.record_type.in_(record_types))
    engine = create_engine(database_url, null_pool=True)
    try:
        async with create_session_factory(engine)() as session:
            rows = (await session.execute(statement)).all()
    finally:
        await engine.dispose()
    return [SearchEntry(*row) for row in rows]


class SharedSemanticIndex:
    """One local-mode vector index for the whole session, built on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._index: QdrantVectorIndex | None = None
        self._lock = threading.Lock()

    def search_for(self, database_url: str) -> SemanticSearch:
        """Semantic search over the index, building it from ``database_url``'s entries once."""
        with self._lock:
            if self._index is None:
                self._index = _blocking(self._build(database_url))
            return SemanticSearch(load_minilm(), self._index, settings=INDEX_SETTINGS)

    async def _build(self, database_url: str) -> QdrantVectorIndex:
        embedder = load_minilm()
        index = await QdrantVectorIndex.open(
            INDEX_SETTINGS.model_copy(update={"path": self.path}),
            dimension=embedder.dimension,
            data_dir=self.path.parent,
        )
        entries = await read_search_entries(database_url, INDEXED_TYPES)
        await Indexer(embedder, index, settings=INDEX_SETTINGS).index_records(entries)
        return index

    def close(self) -> None:
        """Release the index directory."""
        if self._index is not None:
            _blocking(self._index.close())
            self._index = None


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
    yield from synced_store(request, tools_dataset_dir, tmp_path_factory)


@pytest.fixture(scope="session")
def semantic_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedSemanticIndex]:
    """The session's vector index (built by the first test that serves a store)."""
    shared = SharedSemanticIndex(tmp_path_factory.mktemp("semantic") / "qdrant")
    try:
        yield shared
    finally:
        shared.close()


def serve_mcp_app(database_url: str, semantic: SemanticSearch | None = None) -> Iterator[str]:
    """Serve the MCP HTTP app on loopback over ``database_url``; yields the base URL.

    ``semantic`` is the vector search the tools use; ``None`` serves keyword-only retrieval.
    """
    # No pool: connections opened on the server thread's loop must not outlive it.
    engine = create_engine(database_url, null_pool=True)
    sessions = create_session_factory(engine)
    services = Services(sessions=sessions, graph=SqlGraphStore(sessions), semantic=semantic)
    settings = Settings()
    app = build_http_app(build_server(services, settings.auth), settings)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        asyncio.run(engine.dispose())


@pytest.fixture(scope="session")
def mcp_url(synced_store_url: str, semantic_index: SharedSemanticIndex) -> Iterator[str]:
    """Base URL of an MCP server over the synced store (``/mcp`` is the endpoint), with
    semantic search over :data:`INDEXED_TYPES`."""
    yield from serve_mcp_app(synced_store_url, semantic_index.search_for(synced_store_url))


@pytest.fixture(scope="module")
def live_itglue(tools_dataset_dir: Path) -> Iterator[str]:
    """The simulator over the tenant the served store was synced from (same ids, secrets)."""
    app = create_app(Dataset.load(tools_dataset_dir), SimulatorConfig(api_keys={API_KEY: True}))
    with serve_in_thread(app) as url:
        yield url


@pytest_asyncio.fixture
async def audit_url(
    request: pytest.FixtureRequest, synced_store_url: str, tmp_path: Path
) -> AsyncIterator[str]:
    """An empty store of the served store's dialect, for the audit events of one test."""
    if synced_store_url.startswith("sqlite"):
        path = tmp_path / "audit.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template_file"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    databases: PostgresDatabases = request.getfixturevalue("pg_databases")
    name = await databases.acquire()
    try:
        yield databases.url(name)
    finally:
        await databases.release(name)
