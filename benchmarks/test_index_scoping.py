"""What an organization-scoped vector search costs in qdrant-client local mode, as ratios.

Run with ``uv run pytest benchmarks/test_index_scoping.py -s``; nothing here is a pass/fail
threshold. 20 organizations x 1,000 chunks (384-dimensional unit vectors, four record types)
are written, in the same run, to both layouts of ``QdrantVectorIndex`` in local mode, in memory
(queries run on the in-memory copy either way; on disk, local mode commits each point to SQLite
one by one, which makes the 60k writes take minutes under load):

- ``per-organization`` (the embedded default): one collection per organization, and every
  chunk mirrored in one in-memory float32 matrix that answers wide scopes;
- ``single`` (the naive layout, what a Qdrant server runs): one collection filtered by payload,
  which local mode evaluates in Python over every point.

The baseline is an organization-scoped query on the per-organization layout; every other case
is reported as its median time over that baseline's: the same query on the single filtered
collection, a query over all points (both layouts), the widest scope still queried one
collection at a time (``MAX_PARTITION_QUERIES`` organizations) against one organization more
(the all-chunks mirror, the scope masked), and each scoped query with a
record-type filter too. Both layouts must return the same hits for the same scoped query.

``test_mirror_query_at_1000_organizations`` measures the all-chunks mirror alone at the size of
the kept 1,000-organization tenant (51,588 chunks x 384, random unit vectors, 1,000 scopes, four
record types): the numpy mirror (one float32 product, the scope as a mask before the top 10)
against the qdrant-client ``:memory:`` collection it replaced, queried as it was (the nearest
points unfiltered, out-of-scope ones dropped, the fetch widened 4x up to 2,000, then one
filtered query), unscoped, scoped to 100 of the 1,000 organizations, and one record type; and,
for :data:`MAX_PARTITION_QUERIES`, that many one-organization collections (52 points each)
queried one by one. Both mirrors must return the same hits.
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
from qdrant_client import AsyncQdrantClient, models

from itglue_mcp.index import CollectionLayout, IndexDocument, QdrantVectorIndex, VectorHit
from itglue_mcp.index.qdrant_layout import (
    HIT_PAYLOAD,
    MAX_PARTITION_QUERIES,
    ChunkFilter,
    chunk_point_id,
    scope_key,
    vector_hit,
)
from itglue_mcp.index.qdrant_mirror import AllChunksMirror

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
        f"per-organization, {len(wide)} organizations (mirror, masked)": lambda q: per_org.search(
            q, organization_ids=wide
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


MIRROR_CHUNKS = 51_588  # the kept 1,000-organization tenant's index
MIRROR_ORGANIZATIONS = 1_000
OLD_COLLECTION = "all-chunks"
OLD_MAX_FETCH = 2_000


def _chunk_points(vectors: NDArray[np.float32]) -> list[models.PointStruct]:
    """One chunk point per row, organizations and record types dealt round-robin."""
    points = []
    for number, vector in enumerate(vectors):
        organization = 1 + number % MIRROR_ORGANIZATIONS
        record_type = RECORD_TYPES[number // MIRROR_ORGANIZATIONS % len(RECORD_TYPES)]
        points.append(
            models.PointStruct(
                id=chunk_point_id(record_type, number, 0),
                vector=vector.tolist(),
                payload={
                    "organization_id": organization,
                    "scope": scope_key(organization),
                    "record_type": record_type,
                    "record_id": number,
                    "chunk": 0,
                },
            )
        )
    return points


async def _old_mirror_search(
    client: AsyncQdrantClient, query: NDArray[np.float32], wanted: ChunkFilter, fetch: int
) -> list[VectorHit]:
    """The replaced mirror's search: the nearest ``fetch`` points unfiltered (qdrant-client
    local mode), those out of ``wanted`` dropped, the fetch widened until 10 are left."""

    def admitted(hit: VectorHit) -> bool:
        return (wanted.scopes is None or scope_key(hit.organization_id) in wanted.scopes) and (
            wanted.record_types is None or hit.record_type in wanted.record_types
        )

    while True:
        response = await client.query_points(
            OLD_COLLECTION, query=query.tolist(), limit=fetch, with_payload=HIT_PAYLOAD
        )
        fetched = [vector_hit(point) for point in response.points]
        hits = [hit for hit in fetched if admitted(hit)]
        if len(hits) >= 10 or len(fetched) < fetch:
            return hits[:10]
        if fetch >= OLD_MAX_FETCH:
            response = await client.query_points(
                OLD_COLLECTION,
                query=query.tolist(),
                query_filter=wanted.payload_filter(),
                limit=10,
                with_payload=HIT_PAYLOAD,
            )
            return [vector_hit(point) for point in response.points]
        fetch = min(4 * fetch, OLD_MAX_FETCH)


async def _old_mirror(points: list[models.PointStruct]) -> AsyncQdrantClient:
    client = AsyncQdrantClient(":memory:")
    await client.create_collection(
        OLD_COLLECTION,
        vectors_config=models.VectorParams(size=DIMENSION, distance=models.Distance.DOT),
    )
    for start in range(0, len(points), 1_000):
        await client.upsert(OLD_COLLECTION, points=points[start : start + 1_000])
    return client


async def _one_by_one_collections(
    points: list[models.PointStruct], collections: int
) -> AsyncQdrantClient:
    """``collections`` one-organization collections of 52 points each (the tenant's mean)."""
    client = AsyncQdrantClient(":memory:")
    for number in range(collections):
        name = f"org-{number}"
        await client.create_collection(
            name,
            vectors_config=models.VectorParams(size=DIMENSION, distance=models.Distance.COSINE),
        )
        await client.upsert(name, points=points[number * 52 : (number + 1) * 52])
    return client


# The replaced mirror held the whole tenant in one local-mode collection, past this warning.
@pytest.mark.filterwarnings("ignore:Local mode is not recommended:UserWarning")
def test_mirror_query_at_1000_organizations(benchmark) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(51)
    points = _chunk_points(_unit_rows(rng, MIRROR_CHUNKS))
    queries = _unit_rows(rng, QUERIES)
    hundred = ChunkFilter.of(set(range(1, 1_000, 10)), None)
    cases = {
        "every organization": (ChunkFilter.of(None, None), 10),
        "100 of 1,000 organizations": (hundred, 100),
        "one record type": (ChunkFilter.of(None, {"documents"}), 10),
    }
    mirror = AllChunksMirror(DIMENSION)
    started = time.perf_counter()
    mirror.upsert(points)
    new_build_s = time.perf_counter() - started
    with asyncio.Runner() as runner:
        started = time.perf_counter()
        old = runner.run(_old_mirror(points))
        old_build_s = time.perf_counter() - started
        partitions = runner.run(_one_by_one_collections(points, MAX_PARTITION_QUERIES))
        try:
            medians: dict[str, tuple[float, float]] = {}
            for name, (wanted, fetch) in cases.items():
                for query in queries[:5]:
                    found = mirror.query(query, 10, wanted)
                    expected = runner.run(_old_mirror_search(old, query, wanted, fetch))
                    assert [(h.record_id, h.organization_id) for h in found] == [
                        (h.record_id, h.organization_id) for h in expected
                    ]
                    assert [h.score for h in found] == pytest.approx(
                        [h.score for h in expected], abs=1e-5
                    )

                async def new(query: NDArray[np.float32], wanted: ChunkFilter = wanted) -> object:
                    return mirror.query(query, 10, wanted)

                async def replaced(
                    query: NDArray[np.float32], wanted: ChunkFilter = wanted, fetch: int = fetch
                ) -> object:
                    return await _old_mirror_search(old, query, wanted, fetch)

                medians[name] = (
                    _median_ms(runner, replaced, queries),
                    _median_ms(runner, new, queries),
                )

            async def one_by_one(query: NDArray[np.float32]) -> object:
                for number in range(MAX_PARTITION_QUERIES):
                    await partitions.query_points(
                        f"org-{number}", query=query.tolist(), limit=10, with_payload=HIT_PAYLOAD
                    )
                return None

            one_by_one_ms = _median_ms(runner, one_by_one, queries)
            everything = ChunkFilter.of(None, None)
            benchmark.pedantic(
                lambda: mirror.query(queries[0], 10, everything), rounds=20, iterations=1
            )
        finally:
            runner.run(old.close())
            runner.run(partitions.close())
    benchmark.extra_info.update(
        points=MIRROR_CHUNKS,
        median_ms={name: [round(ms, 2) for ms in pair] for name, pair in medians.items()},
        old_over_new={name: round(o / n, 1) for name, (o, n) in medians.items()},
        one_by_one_ms=round(one_by_one_ms, 2),
        build_s={"old": round(old_build_s, 1), "new": round(new_build_s, 1)},
    )
    print(f"\nall-chunks mirror, {MIRROR_CHUNKS:,} x {DIMENSION}, top 10 (median ms):")
    print(f"  {'':<28} {'qdrant :memory:':>16} {'numpy':>8} {'old/new':>8}")
    for name, (old_ms, new_ms) in medians.items():
        print(f"  {name:<28} {old_ms:16.2f} {new_ms:8.2f} {old_ms / new_ms:7.1f}x")
    print(
        f"  {MAX_PARTITION_QUERIES} one-organization collections one by one: "
        f"{one_by_one_ms:.2f} ms; built in {old_build_s:.1f} s (old) / {new_build_s:.1f} s (new)"
    )
