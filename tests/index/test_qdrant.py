"""Contract of the Qdrant vector index in local mode, for both collection layouts.

The single-collection layout is what a Qdrant server runs (with payload indexes, which local
mode does not build); running it here in local mode checks its filtering and bookkeeping.
Vectors are one-hot, so the nearest point to ``one_hot(i)`` is known exactly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from qdrant_client import AsyncQdrantClient

from itglue_mcp.index import (
    ChunkKey,
    CollectionLayout,
    IndexDocument,
    IndexSettings,
    QdrantVectorIndex,
    RecordKey,
    VectorIndexError,
)

DIM = 16


def one_hot(position: int) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[position] = 1.0
    return vector


def doc(
    record_id: int, organization_id: int | None, chunk: int = 0, record_type: str = "configurations"
) -> IndexDocument:
    return IndexDocument(
        record_type=record_type,
        record_id=record_id,
        organization_id=organization_id,
        chunk=chunk,
        text=f"text {record_id}/{chunk}",
        content_hash=f"hash-{record_id}-{chunk}-{organization_id}",
    )


async def _open(path: Path, layout: CollectionLayout, dimension: int = DIM) -> QdrantVectorIndex:
    return await QdrantVectorIndex.create(
        AsyncQdrantClient(path=str(path)), dimension=dimension, layout=layout
    )


@pytest.fixture(params=list(CollectionLayout))
def layout(request: pytest.FixtureRequest) -> CollectionLayout:
    return CollectionLayout(request.param)


@pytest.fixture
async def index(tmp_path: Path, layout: CollectionLayout) -> AsyncIterator[QdrantVectorIndex]:
    opened = await _open(tmp_path / "qdrant", layout)
    yield opened
    await opened.close()


async def _fill(index: QdrantVectorIndex) -> None:
    """Records 1-3 in org 7, 4-5 in org 8, 6 account-wide; record 9 (org 7) a password."""
    documents = [doc(1, 7), doc(2, 7), doc(3, 7), doc(4, 8), doc(5, 8), doc(6, None)]
    documents.append(doc(9, 7, record_type="passwords"))
    await index.upsert(documents, np.stack([one_hot(d.record_id) for d in documents]))


async def test_search_finds_the_nearest_chunk_first(index: QdrantVectorIndex) -> None:
    await _fill(index)
    hits = await index.search(one_hot(4), limit=3)
    assert [(h.record_id, h.organization_id) for h in hits][:1] == [(4, 8)]
    assert hits[0].score == pytest.approx(1.0)
    assert len(hits) == 3
    assert await index.count() == 7


async def test_organization_scope_returns_only_that_organizations_chunks(
    index: QdrantVectorIndex,
) -> None:
    await _fill(index)
    hits = await index.search(one_hot(4), organization_ids={7}, limit=10)
    assert sorted(h.record_id for h in hits) == [1, 2, 3, 9]
    assert {h.organization_id for h in hits} == {7}
    both = await index.search(one_hot(6), organization_ids=[8, None], limit=10)
    assert both[0].record_id == 6
    assert sorted(h.record_id for h in both) == [4, 5, 6]
    assert await index.search(one_hot(1), organization_ids=set(), limit=5) == []
    assert await index.search(one_hot(1), organization_ids={99}, limit=5) == []
    assert await index.search(one_hot(1), record_types=[], limit=5) == []


async def test_record_type_filter(index: QdrantVectorIndex) -> None:
    await _fill(index)
    hits = await index.search(one_hot(9), record_types={"passwords"}, limit=10)
    assert [(h.record_type, h.record_id) for h in hits] == [("passwords", 9)]
    scoped = await index.search(
        one_hot(9), organization_ids={7}, record_types=["configurations"], limit=10
    )
    assert sorted(h.record_id for h in scoped) == [1, 2, 3]


async def test_delete_removes_every_chunk_of_a_record(index: QdrantVectorIndex) -> None:
    await index.upsert(
        [doc(1, 7, chunk=0), doc(1, 7, chunk=1), doc(2, 7)],
        np.stack([one_hot(0), one_hot(1), one_hot(2)]),
    )
    assert await index.delete("configurations", [1, 404]) == 2
    assert await index.count() == 1
    assert [h.record_id for h in await index.search(one_hot(0), limit=5)] == [2]
    assert await index.known_hashes([RecordKey("configurations", 1)]) == {}
    assert await index.delete("configurations", [1]) == 0


async def test_delete_chunks_and_known_hashes(index: QdrantVectorIndex) -> None:
    documents = [doc(1, 7, chunk=n) for n in range(3)]
    await index.upsert(documents, np.stack([one_hot(n) for n in range(3)]))
    keys = [RecordKey("configurations", 1), RecordKey("documents", 1)]
    assert await index.known_hashes(keys) == {d.chunk_key: d.content_hash for d in documents}
    await index.delete_chunks([ChunkKey("configurations", 1, 2), ChunkKey("configurations", 1, 9)])
    assert set(await index.known_hashes(keys)) == {
        ChunkKey("configurations", 1, 0),
        ChunkKey("configurations", 1, 1),
    }
    assert await index.count() == 2


async def test_a_record_moved_to_another_organization_leaves_the_old_one(
    index: QdrantVectorIndex,
) -> None:
    await index.upsert([doc(1, 7, chunk=0), doc(1, 7, chunk=1)], np.stack([one_hot(1)] * 2))
    await index.upsert([doc(1, 8)], np.stack([one_hot(1)]))
    assert await index.search(one_hot(1), organization_ids={7}) == []
    [hit] = await index.search(one_hot(1), organization_ids={8})
    assert (hit.record_id, hit.organization_id) == (1, 8)
    assert await index.count() == 1


async def test_upsert_replaces_a_chunk_in_place(index: QdrantVectorIndex) -> None:
    await index.upsert([doc(1, 7)], np.stack([one_hot(1)]))
    await index.upsert([doc(1, 7)], np.stack([one_hot(5)]))
    assert await index.count() == 1
    [hit] = await index.search(one_hot(5))
    assert hit.score == pytest.approx(1.0)


async def test_bad_input_is_refused(index: QdrantVectorIndex) -> None:
    with pytest.raises(ValueError, match="shape"):
        await index.upsert([doc(1, 7)], np.zeros((1, DIM + 1), dtype=np.float32))
    with pytest.raises(ValueError, match="organizations"):
        await index.upsert([doc(1, 7), doc(1, 8, chunk=1)], np.stack([one_hot(0)] * 2))
    with pytest.raises(ValueError, match="limit"):
        await index.search(one_hot(0), limit=0)
    with pytest.raises(ValueError, match="floats"):
        await index.search([1.0, 0.0])


async def test_index_persists_across_reopening(tmp_path: Path, layout: CollectionLayout) -> None:
    path = tmp_path / "qdrant"
    first = await _open(path, layout)
    await _fill(first)
    await first.close()
    again = await _open(path, layout)
    try:
        assert await again.count() == 7
        [hit] = await again.search(one_hot(5), organization_ids={8}, limit=1)
        assert hit.record_id == 5
        assert await again.known_hashes([RecordKey("configurations", 6)]) == {
            ChunkKey("configurations", 6, 0): "hash-6-0-None"
        }
    finally:
        await again.close()


async def test_reopening_with_another_dimension_is_refused(
    tmp_path: Path, layout: CollectionLayout
) -> None:
    first = await _open(tmp_path / "q", layout)
    await _fill(first)
    await first.close()
    client = AsyncQdrantClient(path=str(tmp_path / "q"))
    with pytest.raises(VectorIndexError, match="dimension 16"):
        await QdrantVectorIndex.create(client, dimension=DIM * 2, layout=layout)
    await client.close()


async def test_local_mode_from_settings_files_organizations_apart(tmp_path: Path) -> None:
    index = await QdrantVectorIndex.open(IndexSettings(), dimension=DIM, data_dir=tmp_path)
    try:
        await _fill(index)
        with pytest.raises(VectorIndexError, match="already accessed by another client"):
            await QdrantVectorIndex.open(IndexSettings(), dimension=DIM, data_dir=tmp_path)
    finally:
        await index.close()
    with pytest.raises(VectorIndexError, match="dimension"):
        await QdrantVectorIndex.open(IndexSettings(), dimension=DIM + 1, data_dir=tmp_path)
    reopened = await QdrantVectorIndex.open(IndexSettings(), dimension=DIM, data_dir=tmp_path)
    assert await reopened.count() == 7
    await reopened.close()
    client = AsyncQdrantClient(path=str(tmp_path / "qdrant"))
    names = {c.name for c in (await client.get_collections()).collections}
    await client.close()
    # The all-chunks mirror lives in memory only: nothing written twice on disk.
    assert names == {"itglue-records", "itglue-org-7", "itglue-org-8", "itglue-account"}
