"""The indexer over the real packaged model and a local-mode Qdrant index on disk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from qdrant_client import AsyncQdrantClient

from itglue_mcp.index import (
    CollectionLayout,
    Indexer,
    IndexReport,
    IndexSettings,
    QdrantVectorIndex,
    RecordKey,
)
from itglue_mcp.store.search import SearchEntry
from tests.index.conftest import CountingEmbedder

SETTINGS = IndexSettings(chunk_chars=200, chunk_overlap_chars=40)
VPN_STEPS = " ".join(
    f"Step {n}: in the Sophos XG console open VPN, select the user and reset their SSL VPN profile."
    for n in range(1, 9)
)


ENTRIES = [
    SearchEntry("documents", 1, 7, "Reset the Sophos VPN", VPN_STEPS),
    SearchEntry("configurations", 2, 7, "PRN-FL2", "HP LaserJet printer, floor 2, toner CF259A."),
    SearchEntry("configurations", 3, 8, "FW01", "Sophos XG firewall, WAN 203.0.113.10."),
    SearchEntry("contacts", 4, None, "Service desk", "Escalation contact for every organization."),
]


@pytest.fixture
async def index(tmp_path: Path) -> AsyncIterator[QdrantVectorIndex]:
    opened = await QdrantVectorIndex.create(
        AsyncQdrantClient(path=str(tmp_path / "q")),
        dimension=384,
        layout=CollectionLayout.PER_ORGANIZATION,
    )
    yield opened
    await opened.close()


@pytest.fixture
def indexer(counting: CountingEmbedder, index: QdrantVectorIndex) -> Indexer:
    return Indexer(counting, index, settings=SETTINGS, records_per_batch=3)


async def test_first_run_embeds_every_chunk_and_search_finds_them(
    indexer: Indexer, index: QdrantVectorIndex, counting: CountingEmbedder
) -> None:
    report = await indexer.index_records(ENTRIES)
    vpn_chunks = (await index.known_hashes([RecordKey("documents", 1)])).keys()
    assert len(vpn_chunks) > 2
    assert report == IndexReport(embedded=len(vpn_chunks) + 3, skipped_unchanged=0, deleted=0)
    assert len(counting.texts) == report.embedded
    assert await index.count() == report.embedded
    [query] = await counting.inner.embed(["how do I reset the Sophos VPN for a user"])
    hits = await index.search(query, organization_ids={7}, limit=3)
    assert hits[0].record_type == "documents"
    assert hits[0].record_id == 1
    assert {hit.organization_id for hit in hits} == {7}


async def test_a_plan_counts_the_chunks_to_embed_before_any_is_embedded(
    counting: CountingEmbedder, index: QdrantVectorIndex
) -> None:
    indexer = Indexer(counting, index, settings=SETTINGS.model_copy(update={"batch_size": 4}))
    plan = await indexer.plan(ENTRIES)
    assert counting.texts == [] and await index.count() == 0  # planning embeds nothing
    assert plan.records_to_embed() == {
        "documents": [1],
        "configurations": [2, 3],
        "contacts": [4],
    }

    written: list[int] = []
    embedded = await indexer.embed(plan, on_embedded=written.append)

    # One call per model batch of at most 4 chunks, written as it goes, adding up to the plan.
    assert embedded == plan.to_embed == len(counting.texts) == await index.count() == sum(written)
    assert all(0 < count <= 4 for count in written) and len(written) == -(-plan.to_embed // 4)
    again = await indexer.plan(ENTRIES)
    assert (again.to_embed, again.unchanged, again.stale) == (0, plan.to_embed, ())


async def test_reindexing_unchanged_records_embeds_nothing(
    indexer: Indexer, counting: CountingEmbedder
) -> None:
    first = await indexer.index_records(ENTRIES)
    counting.texts.clear()
    again = await indexer.index_records(ENTRIES)
    assert counting.texts == []
    assert again == IndexReport(embedded=0, skipped_unchanged=first.embedded, deleted=0)


async def test_changed_text_re_embeds_only_that_record(
    indexer: Indexer, index: QdrantVectorIndex, counting: CountingEmbedder
) -> None:
    await indexer.index_records(ENTRIES)
    counting.texts.clear()
    changed = replace(ENTRIES[2], body="Sophos XG firewall, WAN 198.51.100.7.")
    report = await indexer.index_records([*ENTRIES[:2], changed, ENTRIES[3]])
    assert report.embedded == 1
    assert counting.texts == ["FW01 (configuration)\nSophos XG firewall, WAN 198.51.100.7."]
    [query] = await counting.inner.embed(counting.texts)
    [hit] = await index.search(query, organization_ids={8}, limit=1)
    assert (hit.record_id, hit.score) == (3, pytest.approx(1.0, abs=1e-4))


async def test_shrinking_text_removes_stale_chunks(
    indexer: Indexer, index: QdrantVectorIndex, counting: CountingEmbedder
) -> None:
    await indexer.index_records(ENTRIES)
    before = await index.count()
    old_chunks = len(await index.known_hashes([RecordKey("documents", 1)]))
    report = await indexer.index_records([replace(ENTRIES[0], body="Step 1: reset the VPN.")])
    assert report == IndexReport(embedded=1, skipped_unchanged=0, deleted=old_chunks - 1)
    assert await index.count() == before - (old_chunks - 1)
    assert list(await index.known_hashes([RecordKey("documents", 1)])) == [("documents", 1, 0)]


async def test_moved_record_is_found_under_its_new_organization_only(
    indexer: Indexer, index: QdrantVectorIndex, counting: CountingEmbedder
) -> None:
    await indexer.index_records(ENTRIES)
    await indexer.index_records([replace(ENTRIES[1], organization_id=8)])
    [query] = await counting.inner.embed(["printer toner"])
    assert all(hit.record_id != 2 for hit in await index.search(query, organization_ids={7}))
    assert (await index.search(query, organization_ids={8}, limit=1))[0].record_id == 2


async def test_remove_deletes_records_and_the_last_duplicate_wins(
    indexer: Indexer, index: QdrantVectorIndex, counting: CountingEmbedder
) -> None:
    stale = replace(ENTRIES[3], body="An older text that must not be indexed.")
    report = await indexer.index_records([stale, ENTRIES[3]])
    assert report.embedded == 1
    assert counting.texts == ["Service desk (contact)\nEscalation contact for every organization."]
    assert await indexer.remove("contacts", [4, 5]) == 1
    assert await index.count() == 0


def test_records_per_batch_must_be_positive(index: QdrantVectorIndex) -> None:
    with pytest.raises(ValueError, match="records_per_batch"):
        Indexer(CountingEmbedder.__new__(CountingEmbedder), index, records_per_batch=0)
