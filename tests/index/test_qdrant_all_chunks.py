"""The per-organization layout's all-chunks mirror: wide scopes answered from one matrix.

Every chunk is written to its organization's collection and mirrored in memory; a search over
more than ``MAX_PARTITION_QUERIES`` organizations (or over everything) asks the mirror, which
ranks only the points in scope. The single layout (one payload-filtered collection, an independent
way to answer) holds the same data, so both must give the same hits for every scope; a scoped
search must never return another organization's chunk.

The search cases run on in-memory clients (local mode commits every point to SQLite one by
one, which is slow under load); the mirror's own cases reopen a small index on disk: built at
open from the stored vectors, kept in step by writes and deletes, answering as the
per-organization collections do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from qdrant_client import AsyncQdrantClient

from itglue_mcp.index import (
    ChunkKey,
    CollectionLayout,
    IndexDocument,
    QdrantVectorIndex,
    VectorHit,
)
from itglue_mcp.index.qdrant_layout import MAX_PARTITION_QUERIES

DIM = 16
ORGANIZATIONS = 30
PER_ORGANIZATION = 20
RARE = "passwords"


def _documents(
    organizations: int = ORGANIZATIONS, per_organization: int = PER_ORGANIZATION
) -> list[IndexDocument]:
    """``per_organization`` records in each organization (1-30) and 20 account-wide; one
    password in organizations 1, 11 and 21."""
    documents = [
        IndexDocument(
            record_type=RARE if number == 0 and organization % 10 == 1 else "configurations",
            record_id=organization * 1_000 + number,
            organization_id=organization,
            chunk=0,
            text="",
            content_hash=f"h{organization}-{number}",
        )
        for organization in range(1, organizations + 1)
        for number in range(per_organization)
    ]
    documents += [
        IndexDocument("documents", 900_000 + number, None, 0, "", f"a{number}")
        for number in range(20)
    ]
    return documents


def _unit_rows(rng: np.random.Generator, rows: int) -> np.ndarray:
    matrix = rng.standard_normal((rows, DIM)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


@dataclass
class Twins:
    """The same chunks in both layouts; ``vectors`` row i belongs to ``documents[i]``."""

    per_organization: QdrantVectorIndex
    single: QdrantVectorIndex
    documents: list[IndexDocument]
    vectors: np.ndarray

    async def write(self, documents: list[IndexDocument], vectors: np.ndarray) -> None:
        for index in (self.per_organization, self.single):
            await index.upsert(documents, vectors)

    def vector_of(self, record_id: int) -> np.ndarray:
        [row] = [i for i, d in enumerate(self.documents) if d.record_id == record_id]
        return self.vectors[row]


async def _open(layout: CollectionLayout, path: Path | None = None) -> QdrantVectorIndex:
    client = AsyncQdrantClient(path=str(path)) if path else AsyncQdrantClient(":memory:")
    return await QdrantVectorIndex.create(client, dimension=DIM, layout=layout)


@pytest.fixture
async def twins() -> AsyncIterator[Twins]:
    documents = _documents()
    vectors = _unit_rows(np.random.default_rng(3), len(documents))
    built = Twins(
        await _open(CollectionLayout.PER_ORGANIZATION),
        await _open(CollectionLayout.SINGLE),
        documents,
        vectors,
    )
    await built.write(documents, vectors * 2.5)  # cosine similarity ignores the length
    yield built
    await built.per_organization.close()
    await built.single.close()


def _keys(hits: list[VectorHit]) -> list[tuple[str, int, int | None]]:
    return [(hit.record_type, hit.record_id, hit.organization_id) for hit in hits]


SCOPES: dict[str, set[int | None] | None] = {
    "one organization": {11},
    "the most queried one by one": set(range(1, MAX_PARTITION_QUERIES + 1)),
    "one more than that": set(range(1, MAX_PARTITION_QUERIES + 2)),
    "most organizations and account-wide records": {*range(3, ORGANIZATIONS + 1), None},
    "every organization, no account-wide records": set(range(1, ORGANIZATIONS + 1)),
    "everything": None,
}


@pytest.mark.parametrize("scope", SCOPES.values(), ids=SCOPES.keys())
@pytest.mark.parametrize("record_types", [None, {"configurations"}, {RARE}])
async def test_both_layouts_find_the_same_hits_for_every_scope(
    twins: Twins, scope: set[int | None] | None, record_types: set[str] | None
) -> None:
    queries = _unit_rows(np.random.default_rng(11), 8)
    for query in queries:
        wide = await twins.per_organization.search(
            query, organization_ids=scope, record_types=record_types, limit=12
        )
        assert _keys(wide) == _keys(
            await twins.single.search(
                query, organization_ids=scope, record_types=record_types, limit=12
            )
        )
        assert wide, "every case has chunks to find"


async def test_scores_are_cosine_similarities_in_both_layouts(twins: Twins) -> None:
    query = _unit_rows(np.random.default_rng(2), 1)[0]
    wide = await twins.per_organization.search(query * 0.3)
    single = await twins.single.search(query)
    assert [hit.score for hit in wide] == pytest.approx([hit.score for hit in single], abs=1e-5)
    assert wide[0].score == pytest.approx(float(np.max(twins.vectors @ query)), abs=1e-5)


async def test_a_wide_scope_is_the_union_of_its_organizations_answers(twins: Twins) -> None:
    scope = set(range(1, 21))
    query = twins.vector_of(25_007)  # nearest to a chunk of organization 25, outside the scope
    union: list[VectorHit] = []
    for organization in scope:
        union += await twins.per_organization.search(query, organization_ids={organization})
    union.sort(key=lambda hit: -hit.score)
    wide = await twins.per_organization.search(query, organization_ids=scope)
    assert _keys(wide) == _keys(union[:10])
    assert {hit.organization_id for hit in wide} <= scope


async def test_a_narrow_scope_never_sees_another_organization(twins: Twins) -> None:
    for scope in ({7}, {7, 8}, set(range(1, 18)), set(range(2, ORGANIZATIONS + 1))):
        for record_id in (1_000, 7_003, 25_010, 900_001):  # orgs 1, 7, 25, account-wide
            hits = await twins.per_organization.search(
                twins.vector_of(record_id), organization_ids=scope, limit=50
            )
            assert hits
            assert {hit.organization_id for hit in hits} <= scope


async def test_writes_and_deletes_reach_wide_and_narrow_searches_alike(twins: Twins) -> None:
    moved = twins.documents[5]  # record 1005 of organization 1
    await twins.write(
        [IndexDocument(moved.record_type, moved.record_id, 29, 0, "", "moved")],
        twins.vectors[5:6],
    )
    for index in (twins.per_organization, twins.single):
        await index.delete("configurations", [2_000 + n for n in range(PER_ORGANIZATION)])
        await index.delete_chunks([ChunkKey("configurations", 3_001, 0)])
    for record_id in (1_005, 2_010, 3_001):
        query = twins.vectors[[d.record_id for d in twins.documents].index(record_id)]
        for scope in (None, set(range(1, ORGANIZATIONS + 1)), {1}, {2}, {3}, {29}):
            found = _keys(await twins.per_organization.search(query, organization_ids=scope))
            assert found == _keys(await twins.single.search(query, organization_ids=scope))
            top = found[0] if found else None
            if record_id == 1_005 and (scope is None or 29 in scope):
                assert top == ("configurations", 1_005, 29)
            else:
                assert top is None or top[1] != record_id
    assert await twins.per_organization.count() == await twins.single.count()


ON_DISK_ORGANIZATIONS = MAX_PARTITION_QUERIES + 4
NEW_ORGANIZATION = 2 * ON_DISK_ORGANIZATIONS  # its first chunk is written after the open


@dataclass
class OnDisk:
    """A per-organization index written to ``path`` and closed, and what was written."""

    path: Path
    documents: list[IndexDocument]
    vectors: np.ndarray


@pytest.fixture
async def on_disk(tmp_path: Path) -> OnDisk:
    documents = _documents(organizations=ON_DISK_ORGANIZATIONS, per_organization=2)
    vectors = _unit_rows(np.random.default_rng(3), len(documents))
    index = await _open(CollectionLayout.PER_ORGANIZATION, tmp_path)
    await index.upsert(documents, vectors * 0.4)
    await index.close()
    return OnDisk(tmp_path, documents, vectors)


async def _one_by_one(
    index: QdrantVectorIndex, query: np.ndarray, scope: set[int | None], limit: int
) -> list[VectorHit]:
    """The best hits of ``scope`` merged from one-organization searches (each answered by
    that organization's own collection, never the all-chunks mirror)."""
    hits: list[VectorHit] = []
    for organization in scope:
        hits += await index.search(query, organization_ids={organization}, limit=limit)
    hits.sort(key=lambda hit: (-hit.score, hit.record_type, hit.record_id, hit.chunk))
    return hits[:limit]


WIDE: dict[str, set[int | None]] = {
    "everything": {*range(1, NEW_ORGANIZATION + 1), None},
    "every organization": set(range(1, ON_DISK_ORGANIZATIONS + 1)),
    "one more than queried one by one": set(range(2, MAX_PARTITION_QUERIES + 3)),
}


async def _wide_answers(index: QdrantVectorIndex, queries: np.ndarray) -> list[list[VectorHit]]:
    """Each query's hits over every wide scope (and unscoped), after checking each against
    the per-organization collections' own answers."""
    answers = []
    for query in queries:
        for name, scope in WIDE.items():
            wide = await index.search(query, organization_ids=scope, limit=12)
            expected = await _one_by_one(index, query, scope, 12)
            assert _keys(wide) == _keys(expected), name
            assert [hit.score for hit in wide] == pytest.approx(
                [hit.score for hit in expected], abs=1e-5
            )
            answers.append(wide)
        unscoped = await index.search(query, limit=12)
        assert _keys(unscoped) == _keys(answers[-len(WIDE)]), "unscoped is everything"
    return answers


async def test_the_mirror_is_built_at_open_from_the_stored_vectors(on_disk: OnDisk) -> None:
    index = await _open(CollectionLayout.PER_ORGANIZATION, on_disk.path)
    try:
        queries = on_disk.vectors[[0, 17, 41]]  # organizations 1 and 9, account-wide
        answers = await _wide_answers(index, queries)
        # Nearest to itself, with a cosine similarity of 1 (written at length 0.4).
        assert _keys(answers[0][:1]) == [(RARE, 1_000, 1)]
        assert answers[0][0].score == pytest.approx(1.0, abs=1e-5)
        assert len(await index.search(queries[0], limit=500)) == len(on_disk.documents)
    finally:
        await index.close()


async def test_the_mirror_kept_by_writes_equals_one_built_from_disk(on_disk: OnDisk) -> None:
    rng = np.random.default_rng(9)
    queries = np.vstack([on_disk.vectors[[3, 20, 30]], _unit_rows(rng, 3)])
    index = await _open(CollectionLayout.PER_ORGANIZATION, on_disk.path)
    try:
        moved = on_disk.documents[3]  # record 2001 of organization 2, moved to organization 20
        await index.upsert(
            [
                IndexDocument(moved.record_type, moved.record_id, 20, 0, "", "moved"),
                IndexDocument("documents", 77, NEW_ORGANIZATION, 0, "", "a new organization"),
            ],
            np.vstack([on_disk.vectors[3], queries[3]]),
        )
        await index.delete("configurations", [5_000, 5_001])  # all of organization 5
        await index.delete_chunks([ChunkKey("documents", 900_004, 0)])
        kept = await _wide_answers(index, queries)
        assert ("configurations", 2_001, 20) in _keys(kept[0])
        assert _keys(await index.search(queries[3]))[0] == ("documents", 77, NEW_ORGANIZATION)
        everything = _keys(await index.search(queries[0], limit=500))
        assert len(everything) == len(on_disk.documents) + 1 - 2 - 1
        assert not {key for key in everything if key[2] == 5 or key[1] == 900_004}
    finally:
        await index.close()
    index = await _open(CollectionLayout.PER_ORGANIZATION, on_disk.path)
    try:
        built = await _wide_answers(index, queries)
    finally:
        await index.close()
    assert [_keys(hits) for hits in built] == [_keys(hits) for hits in kept]
