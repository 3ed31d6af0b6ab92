"""Readiness: the store answers, the vector index answers, and a sync has succeeded."""

from __future__ import annotations

from pathlib import Path

import httpx

from itglue_mcp.index.search import SemanticSearch
from tests.server.conftest import serve_mcp_app
from tests.sync.indexed import ALL_TYPES, HashEmbedder, open_local_index, run_indexed_sync, serving
from tests.tenant import Simulated


def test_not_ready_before_the_first_sync(database_url: str) -> None:
    for url in serve_mcp_app(database_url):
        response = httpx.get(f"{url}/readyz")
        assert response.status_code == 503
        assert response.json()["reason"] == "no sync has succeeded"
        assert httpx.get(f"{url}/healthz").status_code == 200


async def test_ready_after_an_indexed_sync_until_the_index_fails(
    simulator: Simulated, database_url: str, tmp_path: Path
) -> None:
    index = await open_local_index(tmp_path / "qdrant")
    embedder = HashEmbedder()
    semantic = SemanticSearch(embedder, index, settings=ALL_TYPES)
    try:
        async with (
            serving(database_url, semantic=semantic) as url,
            httpx.AsyncClient(base_url=url) as http,
        ):
            before = await http.get("/readyz")
            await run_indexed_sync(
                simulator.settings(), database_url, index, embedder, types=["organizations"]
            )
            ready = await http.get("/readyz")
            await index.close()  # the index goes away under the server
            broken = await http.get("/readyz")
    finally:
        await index.close()

    assert before.status_code == 503 and before.json()["reason"] == "no sync has succeeded"
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["semantic_search"] is True
    assert broken.status_code == 503
    assert broken.json()["reason"] == "vector index unreachable"
