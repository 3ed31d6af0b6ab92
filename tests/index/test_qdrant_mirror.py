"""The all-chunks mirror ranks exactly as a brute-force pass over the same points would.

Every case compares the mirror's answer with a plain ranking of the points it should hold
(cosine similarity, filtered first, ties by record type, record id, chunk): unscoped, scoped,
typed, after replacing upserts and deletes (the last row and a middle one), and after building
it again from the vectors qdrant-client stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from qdrant_client import AsyncQdrantClient, models

from itglue_mcp.index import VectorHit
from itglue_mcp.index.qdrant_layout import ChunkFilter, chunk_point_id, scope_key
from itglue_mcp.index.qdrant_mirror import AllChunksMirror

DIM = 16
TYPES = ("configurations", "documents", "passwords")


@dataclass(frozen=True)
class Chunk:
    record_type: str
    record_id: int
    organization_id: int | None
    chunk: int
    vector: np.ndarray

    @property
    def point_id(self) -> str:
        return chunk_point_id(self.record_type, self.record_id, self.chunk)

    def point(self, length: float = 1.0) -> models.PointStruct:
        return models.PointStruct(
            id=self.point_id,
            vector=(self.vector * length).tolist(),
            payload={
                "organization_id": self.organization_id,
                "scope": scope_key(self.organization_id),
                "record_type": self.record_type,
                "record_id": self.record_id,
                "chunk": self.chunk,
                "content_hash": "h",
            },
        )


def _unit(rng: np.random.Generator, rows: int) -> np.ndarray:
    matrix = rng.standard_normal((rows, DIM)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _chunks(rng: np.random.Generator, count: int) -> dict[str, Chunk]:
    """``count`` chunks over organizations 1-30 and account-wide records, three types."""
    vectors = _unit(rng, count)
    chunks = [
        Chunk(
            TYPES[n % 3 if n % 7 else 2],
            n // 2,
            None if n % 31 == 0 else 1 + n % 30,
            n % 2,
            vectors[n],
        )
        for n in range(count)
    ]
    return {chunk.point_id: chunk for chunk in chunks}


def _brute_force(
    chunks: dict[str, Chunk], query: np.ndarray, limit: int, wanted: ChunkFilter
) -> list[tuple[str, int, int | None, int]]:
    admitted = [
        chunk
        for chunk in chunks.values()
        if (wanted.scopes is None or scope_key(chunk.organization_id) in wanted.scopes)
        and (wanted.record_types is None or chunk.record_type in wanted.record_types)
    ]
    admitted.sort(key=lambda c: (-float(c.vector @ query), c.record_type, c.record_id, c.chunk))
    return [(c.record_type, c.record_id, c.organization_id, c.chunk) for c in admitted[:limit]]


def _keys(hits: list[VectorHit]) -> list[tuple[str, int, int | None, int]]:
    return [(h.record_type, h.record_id, h.organization_id, h.chunk) for h in hits]


FILTERS = {
    "everything": ChunkFilter.of(None, None),
    "one organization": ChunkFilter.of({7}, None),
    "account-wide only": ChunkFilter.of({None}, None),
    "a third of the organizations": ChunkFilter.of({*range(1, 11), None}, None),
    "one record type": ChunkFilter.of(None, {"passwords"}),
    "organizations and a type": ChunkFilter.of({3, 4, 5, 99}, {"documents", "passwords"}),
    "an organization not held": ChunkFilter.of({99}, None),
    "a type not held": ChunkFilter.of(None, {"contacts"}),
}


def _assert_exact(mirror: AllChunksMirror, chunks: dict[str, Chunk], seed: int) -> None:
    assert mirror.count() == len(chunks)
    for query in _unit(np.random.default_rng(seed), 5):
        for name, wanted in FILTERS.items():
            for limit in (1, 10, 2_000):
                hits = mirror.query(query, limit, wanted)
                assert _keys(hits) == _brute_force(chunks, query, limit, wanted), (name, limit)
                expected = {key: chunk.vector @ query for key, chunk in chunks.items()}
                assert [h.score for h in hits] == pytest.approx(
                    [expected[chunk_point_id(h.record_type, h.record_id, h.chunk)] for h in hits],
                    abs=1e-5,
                )


def _mirror_of(chunks: dict[str, Chunk]) -> AllChunksMirror:
    mirror = AllChunksMirror(DIM)
    mirror.upsert(chunk.point() for chunk in chunks.values())
    return mirror


def test_every_filter_ranks_as_brute_force_does() -> None:
    chunks = _chunks(np.random.default_rng(1), 1_500)  # more rows than first allocated
    mirror = _mirror_of(chunks)
    _assert_exact(mirror, chunks, seed=2)
    assert mirror.query(_unit(np.random.default_rng(3), 1)[0], 5, FILTERS["a type not held"]) == []


def test_replacing_upserts_and_deletes_keep_it_exact() -> None:
    rng = np.random.default_rng(4)
    chunks = _chunks(rng, 400)
    mirror = _mirror_of(chunks)
    ids = list(chunks)
    # The last row, then a middle row (the row now last fills it), an id twice, an unknown id.
    gone = [ids[-1], ids[200], ids[200], chunk_point_id("documents", 10**6, 0)]
    mirror.delete(gone)
    for point_id in gone:
        chunks.pop(point_id, None)
    _assert_exact(mirror, chunks, seed=5)
    # Replaced in place: the row that moved into the middle one, and a record moved to
    # organization 29; added: a new point, written twice in one batch (the last one counts).
    vectors = _unit(rng, 4)
    filler, moved = chunks[ids[-2]], chunks[ids[3]]
    chunks[ids[-2]] = Chunk(filler.record_type, filler.record_id, None, filler.chunk, vectors[0])
    chunks[ids[3]] = Chunk(moved.record_type, moved.record_id, 29, moved.chunk, vectors[1])
    stale = Chunk("documents", 5_000, 4, 0, vectors[2])
    added = Chunk("documents", 5_000, 4, 0, vectors[3])
    chunks[added.point_id] = added
    mirror.upsert([chunks[ids[-2]].point(), chunks[ids[3]].point(), stale.point(), added.point()])
    _assert_exact(mirror, chunks, seed=6)
    [nearest] = mirror.query(vectors[1], 1, ChunkFilter.of({29}, None))
    assert _keys([nearest]) == [(moved.record_type, moved.record_id, 29, moved.chunk)]
    assert nearest.score == pytest.approx(1.0, abs=1e-5)
    # Emptied a few rows at a time, from both ends.
    remaining = list(chunks)
    while remaining:
        mirror.delete([remaining.pop(), *remaining[:2]])
        remaining = remaining[2:]
    assert mirror.count() == 0
    assert mirror.query(vectors[0], 3, FILTERS["everything"]) == []


def test_ties_are_ordered_by_type_record_and_chunk_even_at_the_cut() -> None:
    vector = _unit(np.random.default_rng(7), 1)[0]
    tied = [Chunk(t, r, 1, c, vector) for t in TYPES[::-1] for r in (9, 2) for c in (1, 0)]
    mirror = _mirror_of({chunk.point_id: chunk for chunk in tied})
    hits = mirror.query(vector, 5, FILTERS["everything"])
    assert [(h.record_type, h.record_id, h.chunk) for h in hits] == [
        ("configurations", 2, 0),
        ("configurations", 2, 1),
        ("configurations", 9, 0),
        ("configurations", 9, 1),
        ("documents", 2, 0),
    ]


def test_a_scope_far_from_the_query_still_gets_its_hits() -> None:
    """The old mirror fetched the nearest points and dropped those out of scope; a scope
    whose points all lie opposite the query got none back until the fetch was widened."""
    rng = np.random.default_rng(8)
    query = _unit(rng, 1)[0]
    near = _unit(rng, 3_000) + 4 * query
    near /= np.linalg.norm(near, axis=1, keepdims=True)
    chunks = {
        c.point_id: c
        for c in [Chunk("configurations", n, 1 + n % 200, 0, near[n]) for n in range(3_000)]
        + [Chunk("documents", 10_000 + n, 500, 0, -near[n]) for n in range(8)]
    }
    mirror = _mirror_of(chunks)
    far = ChunkFilter.of({500}, None)
    hits = mirror.query(query, 5, far)
    assert _keys(hits) == _brute_force(chunks, query, 5, far)
    assert {h.organization_id for h in hits} == {500}
    assert all(h.score < 0 for h in hits)
    assert 500 not in {h.organization_id for h in mirror.query(query, 100, FILTERS["everything"])}


async def test_built_again_from_the_stored_vectors_it_answers_the_same() -> None:
    rng = np.random.default_rng(9)
    chunks = _chunks(rng, 1_200)
    # Organization 1's collection holds more points than one scroll copies.
    many = [Chunk("documents", 100_000 + n, 1, 0, v) for n, v in enumerate(_unit(rng, 1_100))]
    chunks.update((chunk.point_id, chunk) for chunk in many)
    by_scope: dict[str, list[models.PointStruct]] = {"org-77": []}  # an empty collection
    for chunk in chunks.values():
        # Stored at other lengths: a cosine collection keeps them normalized.
        point = chunk.point(length=2.5 if chunk.record_id % 2 else 0.5)
        by_scope.setdefault(scope_key(chunk.organization_id), []).append(point)
    source = AsyncQdrantClient(":memory:")
    try:
        for scope, points in by_scope.items():
            await source.create_collection(
                f"itglue-{scope}",
                vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE),
            )
            if points:
                await source.upsert(f"itglue-{scope}", points=points)
        built = await AllChunksMirror.build(source, [f"itglue-{s}" for s in by_scope], DIM)
    finally:
        await source.close()
    _assert_exact(built, chunks, seed=11)


def test_bad_input_is_refused() -> None:
    chunks = _chunks(np.random.default_rng(12), 20)
    mirror = _mirror_of(chunks)
    query = _unit(np.random.default_rng(13), 1)[0]
    with pytest.raises(ValueError, match="limit must be at least 1"):
        mirror.query(query, 0, FILTERS["everything"])
    with pytest.raises(ValueError, match=f"expected {DIM} floats"):
        mirror.query(query[:-1], 3, FILTERS["everything"])
    wrong = Chunk("documents", 1, 1, 0, np.ones(DIM + 1, dtype=np.float32))
    with pytest.raises(ValueError, match=f"a vector of {DIM} floats"):
        mirror.upsert([next(iter(chunks.values())).point(), wrong.point()])
    _assert_exact(mirror, chunks, seed=14)  # nothing half-written
