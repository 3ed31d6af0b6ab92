"""Semantic search over the real packaged model and a local-mode index: one hit per record,
organization scoping, and the matched chunk cut out of the stored text again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from qdrant_client import AsyncQdrantClient

from itglue_mcp.index import CollectionLayout, Indexer, IndexSettings, QdrantVectorIndex
from itglue_mcp.index.chunking import chunk_text
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.store.search import SearchEntry
from tests.index.conftest import CountingEmbedder

SETTINGS = IndexSettings(chunk_chars=200, chunk_overlap_chars=40)
RUNBOOK = (
    "Printers on floor two are HP LaserJets; order toner CF259A from the supplier portal. "
    "The scanner sends to the shared mailbox scans@example.com. "
    "To reset a user's Sophos VPN access, open the Sophos firewall console, find the user "
    "under Authentication, delete their one-time password token and re-issue the profile. "
    "Guest Wi-Fi uses the GUEST network and rotates its key every quarter."
)
ENTRIES = [
    SearchEntry("documents", 1, 7, "Office runbook", RUNBOOK),
    SearchEntry("documents", 2, 8, "Sophos VPN reset", "Reset a user's Sophos VPN token."),
    SearchEntry("configurations", 3, 7, "PRN-FL2", "HP LaserJet printer, floor 2."),
]


@pytest.fixture
async def semantic(tmp_path: Path, counting: CountingEmbedder) -> AsyncIterator[SemanticSearch]:
    index = await QdrantVectorIndex.create(
        AsyncQdrantClient(path=str(tmp_path / "q")),
        dimension=384,
        layout=CollectionLayout.PER_ORGANIZATION,
    )
    await Indexer(counting, index, settings=SETTINGS).index_records(ENTRIES)
    yield SemanticSearch(counting, index, settings=SETTINGS)
    await index.close()


async def test_one_hit_per_record_with_its_best_chunk(semantic: SemanticSearch) -> None:
    hits = await semantic.search("reset the Sophos VPN for a user", organization_ids={7})

    assert [hit.record_id for hit in hits] == [1, 3]  # organization 8's record stays out
    runbook = hits[0]
    assert runbook.chunk > 0  # the VPN paragraph is not the runbook's first chunk
    passage = semantic.passage(RUNBOOK, runbook.chunk)
    assert passage is not None and "Sophos VPN" in passage
    assert passage == chunk_text(RUNBOOK, max_chars=200, overlap_chars=40)[runbook.chunk]


async def test_passage_of_a_chunk_the_text_no_longer_has_is_none(
    semantic: SemanticSearch,
) -> None:
    assert semantic.passage("short now", 3) is None
    assert semantic.passage("", 0) is None


async def test_limit_and_blank_query(semantic: SemanticSearch) -> None:
    assert len(await semantic.search("printer toner", limit=1)) == 1
    with pytest.raises(ValueError, match="query"):
        await semantic.search("  ")
    with pytest.raises(ValueError, match="limit"):
        await semantic.search("printer", limit=0)
