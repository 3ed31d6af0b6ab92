"""What an organization-scoped vector search costs in qdrant-client local mode, as ratios.

Run with ``uv run pytest benchmarks/test_index_scoping.py -s``; nothing here is a pass/fail
threshold. 20 organizations x 1,000 chunks (384-dimensional unit vectors, four record types)
are written, in the same run, to both layouts of ``QdrantVectorIndex`` in local mode, in memory
(queries run on the in-memory copy either way; on disk, local mode commits each point to SQLite
one by one, which makes the 60k writes take minutes under load):

- ``per-organization`` (the embedded default): one collection per organization, and every
  chunk mirrored in one in-memory all-chunks collection that answers wide scopes;
- ``single`` (the naive layout, what a Qdrant server runs): one collection filtered by payload,
  which local mode evaluates in Python over every point.

The baseline is an organization-scoped query on the per-organization layout; every other case
is reported as its median time over that baseline's: the same query on the single filtered
collection, a query over all points (both layouts), the widest scope still queried one
collection at a time (``MAX_PARTITION_QUERIES`` organizations) against one organization more
(the all-chunks collection, out-of-scope hits dropped), and each scoped query with a
record-type filter too. Both layouts must return the same hits for the same scoped query.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pytest
from numpy.typing import NDArray
from qdrant_client import AsyncQdrantClient

from itglue_mcp.index import CollectionLayout, IndexDocument, QdrantVectorIndex, VectorHit
from itglue_mcp.index.qdrant_layout import MAX_PARTITION_QUERIES

ORGANIZATIONS = 20
CHUNKS_PER_ORGANIZATION = 1_000
DIMENSION = 384
RECORD_TYPES = ("configurations", "documents", "flexible-assets", "passwords")
QUERIES = 40
ORGANIZATION = 11


@dataclass
class Built:
    runner: asyncio.Runner
    indexes: dict[CollectionLayout, QdrantVectorIndex]
    build_points_per_s: dict[CollectionLayout, float]
    queries: NDArray[np.float32]


def _unit_rows(rng: np.random.Generator, rows: int) -> NDArray[np.float32]:
    matrix = rng.standard_normal((rows, DIMENSION)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _documents() -> list[IndexDocument]:
    return [
        IndexDocument(
            record_type=RECORD_TYPES[number % len(RECORD_TYPES)],
            record_id=organization * CHUNKS_PER_ORGANIZATION + number,
            organization_id=organization,
            chunk=0,
            text="",
            content_hash=f"h{organization}-{number}",
        )
        for organization in range(1, ORGANIZATIONS + 1)
        for number in range(CHUNKS_PER_ORGANIZATION)
    ]


async def _build(
    layout: CollectionLayout,
    documents: list[IndexDocument],
    vectors: NDArray[np.float32],
) -> tuple[QdrantVectorIndex, float]:
    index = await QdrantVectorIndex.create(
        AsyncQdrantClient(":memory:"), dimension=DIMENSION, layout=layout
    )
    started = time.perf_counter()
    for start in range(0, len(documents), 1_000):
        await index.upsert(documents[start : start + 1_000], vectors[start : start + 1_000])
    return index, len(documents) / (time.perf_counter() - started)


@pytest.fixture(scope="module")
def built() -> Iterator[Built]:
    rng = np.random.default_rng(20)
    documents = _documents()
    vectors = _unit_rows(rng, len(documents))
    with asyncio.Runner() as runner:
        indexes: dict[CollectionLayout, QdrantVectorIndex] = {}
        rates: dict[CollectionLayout, float] = {}
        for layout in CollectionLayout:
            indexes[layout], rates[layout] = runner.run(_build(layout, documents, vectors))
        yield Built(runner, indexes, rates, _unit_rows(rng, QUERIES))
        for index in indexes.values():
            runner.run(index.close())


Search = Callable[[NDArray[np.float32]], Awaitable[list[VectorHit]]]


def _median_ms(runner: asyncio.Runner, search: Search, queries: NDArray[np.float32]) -> float:
    runner.run(search(queries[0]))  # warm-up
    timings = []
    for query in queries:
        started = time.perf_counter()
        runner.run(search(query))
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def test_org_scoped_query_cost(benchmark, built: Built) -> None:  # type: ignore[no-untyped-def]
    per_org = built.indexes[CollectionLayout.PER_ORGANIZATION]
    single = built.indexes[CollectionLayout.SINGLE]
    scope = {ORGANIZATION}
    typed = {"documents"}
    one_by_one = set(range(1, MAX_PARTITION_QUERIES + 1))
    wide = set(range(1, MAX_PARTITION_QUERIES + 2))
    cases: dict[str, Search] = {
        "per-organization, one organization (baseline)": lambda q: per_org.search(
            q, organization_ids=scope
        ),
        "single collection, payload filter on the organization": lambda q: single.search(
            q, organization_ids=scope
        ),
        "per-organization, all points (all-chunks mirror)": lambda q: per_org.search(q),
        "single collection, all points": lambda q: single.search(q),
        f"per-organization, {len(one_by_one)} organizations (one query each)": lambda q: (
            per_org.search(q, organization_ids=one_by_one)
        ),
        f"per-organization, {len(wide)} organizations (all-chunks, others dropped)": lambda q: (
            per_org.search(q, organization_ids=wide)
        ),
        f"single collection, {len(wide)} organizations, payload filter": lambda q: single.search(
            q, organization_ids=wide
        ),
        "per-organization, one organization + record type": lambda q: per_org.search(
            q, organization_ids=scope, record_types=typed
        ),
        "single collection, organization + record type filter": lambda q: single.search(
            q, organization_ids=scope, record_types=typed
        ),
    }
    for query in built.queries[:5]:
        for organization_ids in (scope, wide, None):
            found = built.runner.run(per_org.search(query, organization_ids=organization_ids))
            expected = built.runner.run(single.search(query, organization_ids=organization_ids))
            # Cosine and dot product over unit vectors differ in the last bits only.
            assert [(hit.record_id, hit.chunk) for hit in found] == [
                (hit.record_id, hit.chunk) for hit in expected
            ]
            assert [hit.score for hit in found] == pytest.approx([hit.score for hit in expected])
    medians = {
        name: _median_ms(built.runner, search, built.queries) for name, search in cases.items()
    }
    baseline_name = next(iter(cases))
    baseline = medians[baseline_name]
    benchmark.pedantic(
        lambda: built.runner.run(cases[baseline_name](built.queries[0])), rounds=20, iterations=1
    )
    benchmark.extra_info.update(
        points=ORGANIZATIONS * CHUNKS_PER_ORGANIZATION,
        median_ms={name: round(ms, 2) for name, ms in medians.items()},
        ratio_to_baseline={name: round(ms / baseline, 1) for name, ms in medians.items()},
        build_points_per_s={k.value: round(v) for k, v in built.build_points_per_s.items()},
    )
    print(f"\n{ORGANIZATIONS} organizations x {CHUNKS_PER_ORGANIZATION} chunks, local mode:")
    for name, ms in medians.items():
        print(f"  {name:<58} {ms:8.2f} ms  x{ms / baseline:6.1f}")
    for layout, rate in built.build_points_per_s.items():
        print(f"  build rate ({layout.value}, in memory): {rate:,.0f} chunks/s written")
