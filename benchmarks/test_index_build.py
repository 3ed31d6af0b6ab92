"""Semantic index build rate (records/s, chunks/s) in a full sync, as a ratio to embedding alone.

Run with ``uv run pytest benchmarks/test_index_build.py -s`` (``ITGLUE_MCP_BENCH_LARGE=1``
adds the 150-organization tenant); nothing here is a pass/fail threshold. The rate is the
sync's own indexing phase (index outbox → chunking → hashing → embedding → Qdrant local
mode, in batches) on a first, full sync of the tenant, as ``itglue-mcp demo`` runs it; only
the types of ``index.record_types`` are embedded (the rest is found by keyword). The
baseline, measured in the same run: embedding a spread sample of the same chunks with the same
model and nothing else. The ratio (build time per chunk / embed-only time per chunk) says what
the index costs on top of the model; the model's own speed is the rest.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import cast

import pytest
from benchmarks.tenants import SIZES, SyncedTenant
from sqlalchemy import Table, select

from itglue_mcp.config import Settings
from itglue_mcp.index import IndexSettings, SentenceTransformerEmbedder, build_documents
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.models import SearchEntryRow
from itglue_mcp.store.search import SearchEntry

# Syncing and indexing a tenant takes minutes (hours for 150 organizations on 2 cores).
pytestmark = pytest.mark.timeout(6 * 3600)

BASELINE_SAMPLE = 1_000
"""Chunks embedded for the embed-only baseline (a spread sample of all chunks)."""


async def _entries(database_url: str) -> list[SearchEntry]:
    entries = cast(Table, SearchEntryRow.__table__)
    columns = ("record_type", "record_id", "organization_id", "name", "body")
    engine = create_engine(database_url, null_pool=True)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(select(*(entries.c[c] for c in columns)))
            return [SearchEntry(*row) for row in rows]
    finally:
        await engine.dispose()


async def _embed_only_per_chunk(
    entries: list[SearchEntry], settings: IndexSettings
) -> tuple[float, int]:
    """Seconds per chunk embedding a sample of the chunks; and how many chunks there are."""
    embedder = SentenceTransformerEmbedder.from_settings(settings)
    await embedder.load()
    texts = [
        document.text
        for entry in entries
        if entry.record_type in settings.record_types
        for document in build_documents(
            entry,
            model_name=embedder.name,
            chunk_chars=settings.chunk_chars,
            chunk_overlap_chars=settings.chunk_overlap_chars,
        )
    ]
    sample = texts[:: max(1, len(texts) // BASELINE_SAMPLE)][:BASELINE_SAMPLE]
    await embedder.embed(sample[:64])  # warm-up
    started = time.perf_counter()
    await embedder.embed(sample)
    return (time.perf_counter() - started) / len(sample), len(texts)


@pytest.mark.parametrize("organizations", SIZES)
def test_index_build_rate(  # type: ignore[no-untyped-def]
    benchmark, synced_tenant: Callable[[int], SyncedTenant], organizations: int
) -> None:
    tenant = synced_tenant(organizations)
    indexing = tenant.indexing
    settings = Settings(data_dir=tenant.data_dir)  # as the sync ran: the types it embeds
    entries = asyncio.run(_entries(settings.effective_database_url))
    result: dict[str, float] = {}

    def baseline() -> None:
        per_chunk, chunks = asyncio.run(_embed_only_per_chunk(entries, settings.index))
        result.update(per_chunk=per_chunk, chunks=chunks)

    benchmark.pedantic(baseline, rounds=1, iterations=1)
    assert indexing.chunks.embedded == result["chunks"]  # a first sync embeds every chunk
    records_per_s = indexing.records / indexing.duration_s
    chunks_per_s = indexing.chunks.embedded / indexing.duration_s
    embed_only_per_s = 1 / result["per_chunk"]
    ratio = embed_only_per_s / chunks_per_s
    benchmark.extra_info.update(
        organizations=organizations,
        records=tenant.records,
        indexed_records=indexing.records,
        keyword_only_records=indexing.keyword_only,
        chunks=indexing.chunks.embedded,
        sync_s=round(tenant.sync_s, 1),
        indexing_s=round(indexing.duration_s, 1),
        records_per_s=round(records_per_s, 1),
        chunks_per_s=round(chunks_per_s, 1),
        embed_only_chunks_per_s=round(embed_only_per_s, 1),
        ratio_to_embed_only=round(ratio, 2),
    )
    print(
        f"\n{organizations} organizations: sync {tenant.sync_s:.0f} s, of which indexing "
        f"{indexing.duration_s:.0f} s: {indexing.records:,} records, "
        f"{indexing.chunks.embedded:,} chunks embedded ({indexing.keyword_only:,} records "
        f"keyword-only) = {records_per_s:.1f} records/s, "
        f"{chunks_per_s:.1f} chunks/s; embedding alone {embed_only_per_s:.1f} chunks/s "
        f"(indexing time / embed-only time {ratio:.2f})"
    )
