"""Test helpers for the sync's indexing phase: a deterministic embedder, an indexed run, and
the MCP app served over such a store.

:class:`HashEmbedder` implements the :class:`~itglue_mcp.index.Embedder` protocol without a
model: each text maps to a fixed unit vector derived from its SHA-256, so equal texts embed
equally (an exact chunk text finds its own chunk first) and runs are reproducible. It counts
what it embeds and can be told to fail, to interrupt an indexing phase on purpose. The vector
index in these tests is always the real :class:`QdrantVectorIndex` in local mode.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import text

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import IndexSettings, ItglueSettings, Settings, SyncSettings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.index import (
    ChunkKey,
    EmbedderError,
    Indexer,
    QdrantVectorIndex,
    RecordKey,
    Vectors,
    build_documents,
)
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.simulator import Dataset
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store import index_outbox
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.search import SearchEntry
from itglue_mcp.sync.engine import SyncEngine, SyncReport
from itglue_mcp.sync.plan import SYNCED_TYPES
from itglue_mcp.sync.progress import SyncProgress

# Every type embedded: the hash embedder is free, and the tests check every record.
ALL_TYPES = IndexSettings(record_types=list(SYNCED_TYPES), records_per_batch=64)


class HashEmbedder:
    """A deterministic :class:`~itglue_mcp.index.Embedder` (see the module docstring).

    Args:
        name: the model name (part of every content hash).
        dimension: vector length.
        fail_on_call: raise :class:`EmbedderError` on this call (1-based) and after.
        delay_s: sleep per call (to make an indexing phase last long enough to kill).
    """

    def __init__(
        self,
        *,
        name: str = "tests/hash-embedder",
        dimension: int = 16,
        fail_on_call: int | None = None,
        delay_s: float = 0.0,
    ) -> None:
        self._name = name
        self._dimension = dimension
        self.fail_on_call = fail_on_call
        self.delay_s = delay_s
        self.calls = 0
        self.texts: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
        raw = np.random.default_rng(seed).standard_normal(self._dimension)
        return (raw / np.linalg.norm(raw)).astype(np.float32)

    async def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        if self.fail_on_call is not None and self.calls >= self.fail_on_call:
            raise EmbedderError(f"test embedder: failing on call {self.calls} as asked")
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        self.texts.extend(texts)
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self.vector(text) for text in texts])


async def open_local_index(path: Path, dimension: int = 16) -> QdrantVectorIndex:
    """The real vector index in qdrant-client local mode at ``path``."""
    return await QdrantVectorIndex.open(
        IndexSettings(path=path), dimension=dimension, data_dir=path.parent
    )


async def run_indexed_sync(
    client_settings: ItglueSettings,
    database_url: str,
    index: QdrantVectorIndex,
    embedder: HashEmbedder,
    *,
    settings: IndexSettings = ALL_TYPES,
    progress: SyncProgress | None = None,
    **options: object,
) -> SyncReport:
    """One sync run (``client_settings``: the simulator's), the indexing phase feeding ``index``;
    ``progress`` receives the run's progress (log lines by default)."""
    engine = create_engine(database_url)
    try:
        async with ItglueClient(client_settings) as client:
            sync = SyncEngine(
                client,
                engine,
                create_session_factory(engine),
                settings=SyncSettings(),
                indexer=Indexer(embedder, index, settings=settings),
                index_settings=settings,
                progress=progress,
            )
            return await sync.run(**options)  # type: ignore[arg-type]
    finally:
        await engine.dispose()


def dataset_records(dataset: Dataset, record_types: Sequence[str] = SYNCED_TYPES) -> set[RecordKey]:
    """Every record of these types the simulator's live dataset holds."""
    return {
        RecordKey(record_type, int(record["id"]))
        for record_type in record_types
        for record in dataset.ordered(record_type)
    }


async def indexed_records(index: QdrantVectorIndex, keys: set[RecordKey]) -> set[RecordKey]:
    """Which of ``keys`` have at least one chunk in ``index``."""
    hashes = await index.known_hashes(keys)
    return {RecordKey(key.record_type, key.record_id) for key in hashes}


def expected_hashes(
    entries: Sequence[SearchEntry], embedder: HashEmbedder, settings: IndexSettings = ALL_TYPES
) -> dict[ChunkKey, str]:
    """The chunk → content hash map an up-to-date index holds for these search entries."""
    return {
        doc.chunk_key: doc.content_hash
        for entry in entries
        for doc in build_documents(
            entry,
            model_name=embedder.name,
            chunk_chars=settings.chunk_chars,
            chunk_overlap_chars=settings.chunk_overlap_chars,
        )
    }


async def stored_entries(database_url: str) -> list[SearchEntry]:
    """The search entries the store at ``database_url`` holds, in insertion order."""
    engine = create_engine(database_url, null_pool=True)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT record_type, record_id, organization_id, name, body "
                    "FROM search_entries ORDER BY id"
                )
            )
            return [SearchEntry(*row) for row in rows]
    finally:
        await engine.dispose()


async def outbox_pending(database_url: str) -> int:
    """Records waiting in the index outbox of the store at ``database_url``."""
    engine = create_engine(database_url, null_pool=True)
    try:
        async with create_session_factory(engine)() as session:
            return await index_outbox.pending_count(session)
    finally:
        await engine.dispose()


async def outbox_keys(database_url: str) -> set[RecordKey]:
    """The records waiting in the index outbox of the store at ``database_url``."""
    engine = create_engine(database_url, null_pool=True)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT record_type, record_id FROM index_outbox"))
            return {RecordKey(*row) for row in rows}
    finally:
        await engine.dispose()


@asynccontextmanager
async def serving(
    database_url: str, *, semantic: SemanticSearch | None = None, settings: Settings | None = None
) -> AsyncIterator[str]:
    """The MCP HTTP app over the store at ``database_url``, served on loopback; yields its base
    URL. ``semantic`` is the vector search the tools use; ``settings`` default to ``Settings()``.
    """
    # No pool: connections are opened on the server thread's loop and must not be reused here.
    engine = create_engine(database_url, null_pool=True)
    sessions = create_session_factory(engine)
    services = Services(sessions=sessions, graph=SqlGraphStore(sessions), semantic=semantic)
    app = build_http_app(build_server(services), settings or Settings())
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        await engine.dispose()
