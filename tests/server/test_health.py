"""The ``health`` tool over HTTP, after an indexed sync, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from fastmcp import Client

from itglue_mcp import __version__
from itglue_mcp.index import QdrantVectorIndex
from itglue_mcp.index.search import SemanticSearch
from tests.sync.indexed import (
    ALL_TYPES,
    HashEmbedder,
    expected_hashes,
    open_local_index,
    run_indexed_sync,
    serving,
    stored_entries,
)
from tests.tenant import Simulated

# Organizations and their documents: enough to show counts, quick to index.
TYPES = ["organizations", "documents"]


@pytest_asyncio.fixture
async def index(tmp_path: Path) -> AsyncIterator[QdrantVectorIndex]:
    vector_index = await open_local_index(tmp_path / "qdrant")
    try:
        yield vector_index
    finally:
        await vector_index.close()


async def _health(url: str) -> dict[str, object]:
    async with Client(f"{url}/mcp") as client:
        tool = next(t for t in await client.list_tools() if t.name == "health")
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert tool.output_schema is not None
        assert "record_counts" in tool.output_schema["properties"]
        result = await client.call_tool("health", {})
    assert "itglue-mcp" in result.content[0].text  # type: ignore[union-attr]
    return result.structured_content  # type: ignore[return-value]


async def test_health_reports_the_sync_the_store_and_the_index(
    simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    embedder = HashEmbedder()
    report = await run_indexed_sync(
        simulator.settings(), database_url, index, embedder, full=True, types=TYPES
    )
    semantic = SemanticSearch(embedder, index, settings=ALL_TYPES)

    async with serving(database_url, semantic=semantic) as url:
        health = await _health(url)

    dataset = simulator.dataset
    assert health["version"] == __version__
    assert health["ready"] is True and "reason" not in health
    assert health["store"] == {
        "dialect": database_url.split("+", 1)[0],
        "reachable": True,
    }
    last = health["last_sync"]
    assert isinstance(last, dict)
    assert last["run_id"] == report.run_id and last["mode"] == "full"
    assert last["records"] == dataset.count("organizations") + dataset.count("documents")
    counts = health["record_counts"]
    assert isinstance(counts, dict)
    assert counts["organizations"] == dataset.count("organizations")
    assert counts["documents"] == dataset.count("documents")
    assert counts["passwords"] == 0
    chunks = len(expected_hashes(await stored_entries(database_url), embedder))
    assert health["semantic_search"] is True
    assert health["index"] == {
        "configured": True,
        "reachable": True,
        "model": "tests/hash-embedder",
        "chunks": chunks,
        "pending_records": 0,
    }


async def test_health_before_any_sync_and_without_an_index(database_url: str) -> None:
    async with serving(database_url) as url:
        health = await _health(url)

    assert health["ready"] is False and health["reason"] == "no sync has succeeded"
    assert "last_sync" not in health
    assert health["semantic_search"] is False
    assert health["index"] == {"configured": False}  # nothing else to say: no index
    counts = health["record_counts"]
    assert isinstance(counts, dict) and counts["organizations"] == 0
