"""Hybrid retrieval over a real store (SQLite and PostgreSQL), the real embedding model and a
local-mode vector index: RRF order, keyword-only mode, organization scoping, deleted and moved
records, exact names first, graph expansion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from qdrant_client import AsyncQdrantClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.index import CollectionLayout, Indexer, QdrantVectorIndex
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.query.fusion import RRF_K, ranked, reciprocal_rank_fusion
from itglue_mcp.query.hits import Retriever
from itglue_mcp.query.retrieval import GRAPH_DECAY, HybridRetriever, keyword_queries
from itglue_mcp.store import RecordType, unit_of_work, upsert_records
from itglue_mcp.store.citations import cite_records, records_named
from itglue_mcp.store.records import replace_related_items
from itglue_mcp.store.search import SearchEntry, delete_search_entries, replace_search_entries
from tests.server.conftest import INDEX_SETTINGS, load_minilm
from tests.statements import recorded_statements

ACME, GLOBEX = 101, 202
VPN_BODY = (
    "When a user cannot connect to the remote access VPN, open the Sophos firewall console, "
    "find the user under Authentication, delete their one-time password token and re-issue "
    "the Sophos Connect profile."
)


@dataclass(frozen=True)
class Row:
    record_type: RecordType
    id: int
    organization_id: int
    name: str
    body: str


ROWS = [
    Row(RecordType.DOCUMENTS, 1, ACME, "Sophos VPN — reset a user's access", VPN_BODY),
    Row(
        RecordType.DOCUMENTS,
        2,
        ACME,
        "Printer troubleshooting",
        "Clear the paper jam, check toner.",
    ),
    Row(RecordType.DOCUMENTS, 3, GLOBEX, "Sophos VPN — reset a user's access", VPN_BODY),
    Row(RecordType.DOCUMENTS, 4, ACME, "Firewall notes", "The ACME-FW01 firewall is a FortiGate."),
    Row(RecordType.CONFIGURATIONS, 10, ACME, "ACME-FW01", "FortiGate 100F perimeter device"),
    Row(RecordType.CONFIGURATIONS, 11, GLOBEX, "GLX-FW01", "Sophos XGS 2100 remote access VPN"),
]


async def _write(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as session:
        await upsert_records(
            session,
            RecordType.ORGANIZATIONS,
            [{"id": ACME, "name": "Acme Test"}, {"id": GLOBEX, "name": "Globex Test"}],
            run_id=None,
        )
        for row in ROWS:
            await upsert_records(
                session,
                row.record_type,
                [
                    {
                        "id": row.id,
                        "organization_id": row.organization_id,
                        "name": row.name,
                        "resource_url": f"https://itglue.test/{row.record_type}/{row.id}",
                    }
                ],
                run_id=None,
            )
        await replace_search_entries(session, _entries())
        # The runbook links the firewall it is about (an IT Glue related item).
        await replace_related_items(
            session,
            "documents",
            [1],
            [{"id": 900, "source_id": 1, "asset_type": "configuration", "resource_id": 10}],
        )


def _entries() -> list[SearchEntry]:
    return [
        SearchEntry(str(row.record_type), row.id, row.organization_id, row.name, row.body)
        for row in ROWS
    ]


@pytest.fixture
async def sessions(
    session_factory: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    await _write(session_factory)
    return session_factory


@pytest.fixture
async def semantic(tmp_path: Path) -> AsyncIterator[SemanticSearch]:
    embedder = load_minilm()
    index = await QdrantVectorIndex.create(
        AsyncQdrantClient(path=str(tmp_path / "qdrant")),
        dimension=embedder.dimension,
        layout=CollectionLayout.PER_ORGANIZATION,
    )
    await Indexer(embedder, index, settings=INDEX_SETTINGS).index_records(_entries())
    yield SemanticSearch(embedder, index, settings=INDEX_SETTINGS)
    await index.close()


def test_rrf_adds_reciprocal_ranks() -> None:
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]])

    assert scores == {
        "a": 1 / 61,
        "b": 1 / 62 + 1 / 61,
        "c": 1 / 63 + 1 / 62,
        "d": 1 / 63,
    }
    assert ranked(scores) == ["b", "c", "a", "d"]
    assert RRF_K == 60


def test_rrf_counts_an_item_once_per_ranking_and_needs_a_positive_k() -> None:
    assert reciprocal_rank_fusion([["a", "a", "b"]], k=1) == {"a": 1 / 2, "b": 1 / 3}
    with pytest.raises(ValueError, match="k"):
        reciprocal_rank_fusion([["a"]], k=0)


def test_keyword_queries_search_all_words_then_each() -> None:
    assert keyword_queries("how do we reset the Sophos VPN?") == [
        "reset sophos vpn",
        "reset",
        "sophos",
        "vpn",
    ]
    assert keyword_queries("firewall") == ["firewall"]
    assert keyword_queries("what is it") == ["what is it"]
    assert keyword_queries("?? --") == []


async def test_hybrid_fuses_both_rankings_within_the_organization(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    retriever = HybridRetriever(sessions, semantic=semantic)

    found = await retriever.retrieve("reset the Sophos VPN", organization_ids={ACME})

    assert found.retrievers == (Retriever.EXACT, Retriever.KEYWORD, Retriever.SEMANTIC)
    assert found.semantic_available and found.note is None
    first = found.hits[0]
    assert first.key == ("documents", 1)
    assert first.found_by == {Retriever.KEYWORD, Retriever.SEMANTIC}
    assert first.keyword_rank == 1
    assert first.score == pytest.approx(2 / (RRF_K + 1))  # first in both rankings
    assert first.snippet is not None and "**" in first.snippet
    assert first.record.organization_name == "Acme Test"
    assert first.record.resource_url == "https://itglue.test/documents/1"
    assert {hit.record.organization_id for hit in found.hits} == {ACME}
    scores = [hit.score for hit in found.hits]
    assert scores == sorted(scores, reverse=True)


async def test_without_an_index_retrieval_is_keyword_only_and_says_so(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    retriever = HybridRetriever(sessions)

    found = await retriever.retrieve("reset the Sophos VPN", organization_ids={ACME})

    assert found.retrievers == (Retriever.EXACT, Retriever.KEYWORD)
    assert not found.semantic_available
    assert found.note is not None and "keyword results only" in found.note
    assert found.hits[0].key == ("documents", 1)
    assert all(hit.semantic_score is None for hit in found.hits)
    with pytest.raises(ValueError, match="mode"):
        await retriever.retrieve("vpn", organization_ids={ACME}, mode="semantic")


async def _write_toner_runbooks(sessions: async_sessionmaker[AsyncSession], count: int) -> None:
    """``count`` ACME runbooks holding both "toner" and "replace" (ids 100…)."""
    rows = [
        Row(RecordType.DOCUMENTS, 100 + n, ACME, f"Runbook {n}", "Replace the toner cartridge.")
        for n in range(count)
    ]
    async with unit_of_work(sessions) as session:
        await upsert_records(
            session,
            RecordType.DOCUMENTS,
            [{"id": row.id, "organization_id": ACME, "name": row.name} for row in rows],
            run_id=None,
        )
        await replace_search_entries(
            session,
            [SearchEntry("documents", row.id, ACME, row.name, row.body) for row in rows],
        )


@pytest.mark.parametrize(("runbooks", "full_text_queries"), [(19, 3), (20, 1)])
async def test_words_are_searched_one_by_one_only_when_all_of_them_find_too_few(
    sessions: async_sessionmaker[AsyncSession], runbooks: int, full_text_queries: int
) -> None:
    # Keyword candidates are at least 20: twenty records holding both words fill them, and
    # "toner" and "replace" are then not searched on their own.
    await _write_toner_runbooks(sessions, runbooks)
    retriever = HybridRetriever(sessions)

    with recorded_statements(sessions) as statements:
        found = await retriever.retrieve(
            "replace toner", organization_ids={ACME}, mode="keyword", limit=10
        )

    full_text = [
        statement
        for statement in statements
        if "search_entries" in statement and ("MATCH" in statement or "@@" in statement)
    ]
    assert len(full_text) == full_text_queries
    assert {hit.key for hit in found.hits} <= {("documents", 100 + n) for n in range(runbooks)}
    assert len(found.hits) == 10 and found.truncated


async def test_semantic_mode_finds_by_meaning_alone(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    retriever = HybridRetriever(sessions, semantic=semantic)

    found = await retriever.retrieve(
        "the printer is out of paper", organization_ids={ACME}, mode="semantic"
    )

    assert found.retrievers == (Retriever.SEMANTIC,)
    assert found.hits[0].key == ("documents", 2)
    assert all(hit.found_by == {Retriever.SEMANTIC} for hit in found.hits)
    # A hit found by meaning only gets its snippet from the chunk that matched.
    assert found.hits[0].snippet == "Clear the paper jam, check toner."


async def test_deleted_record_is_never_returned_though_the_index_still_holds_it(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    async with unit_of_work(sessions) as session:
        table = RecordType.DOCUMENTS.table
        await session.execute(
            update(table).where(table.c.id == 1).values(deleted_at=datetime.now(UTC))
        )
        await delete_search_entries(session, "documents", [1])
    vector_hits = await semantic.search("reset the Sophos VPN", organization_ids={ACME})
    assert vector_hits[0].record_id == 1  # the premise: the index was not told

    for mode in ("hybrid", "semantic"):
        found = await HybridRetriever(sessions, semantic=semantic).retrieve(
            "reset the Sophos VPN", organization_ids={ACME}, mode=mode, limit=20
        )
        assert ("documents", 1) not in {hit.key for hit in found.hits}


async def test_record_moved_to_another_organization_leaves_the_old_scope(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    async with unit_of_work(sessions) as session:
        table = RecordType.DOCUMENTS.table
        await session.execute(update(table).where(table.c.id == 2).values(organization_id=GLOBEX))
    retriever = HybridRetriever(sessions, semantic=semantic)

    found = await retriever.retrieve(
        "the printer is out of paper", organization_ids={ACME}, mode="semantic", limit=20
    )

    assert ("documents", 2) not in {hit.key for hit in found.hits}
    everywhere = await retriever.retrieve(
        "the printer is out of paper", organization_ids=None, mode="semantic"
    )
    assert everywhere.hits[0].record.organization_id == GLOBEX


async def test_exact_name_ranks_above_fused_results(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    retriever = HybridRetriever(sessions, semantic=semantic)

    found = await retriever.retrieve(
        "which firewall is ACME-FW01", organization_ids={ACME}, exact_name="acme-fw01"
    )

    assert found.hits[0].key == ("configurations", 10)
    assert Retriever.EXACT in found.hits[0].found_by
    assert ("documents", 4) in {hit.key for hit in found.hits[1:]}


async def test_graph_expansion_adds_linked_records_with_a_reduced_score(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    retriever = HybridRetriever(sessions, graph=SqlGraphStore(sessions))

    plain = await retriever.retrieve("Sophos Connect profile", organization_ids={ACME})
    expanded = await retriever.retrieve(
        "Sophos Connect profile", organization_ids={ACME}, expand_graph=True
    )

    assert ("configurations", 10) not in {hit.key for hit in plain.hits}
    assert Retriever.GRAPH in expanded.retrievers
    seed = expanded.hits[0]
    assert seed.key == ("documents", 1)
    linked = next(hit for hit in expanded.hits if hit.key == ("configurations", 10))
    assert linked.found_by == {Retriever.GRAPH}
    assert linked.linked_from == seed.key and linked.relation == "related_item"
    assert linked.score == pytest.approx(GRAPH_DECAY * seed.score)
    assert linked.snippet == "FortiGate 100F perimeter device"


async def test_graph_expansion_stays_in_the_organization(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(sessions) as session:
        table = RecordType.CONFIGURATIONS.table
        await session.execute(update(table).where(table.c.id == 10).values(organization_id=GLOBEX))
    retriever = HybridRetriever(sessions, graph=SqlGraphStore(sessions))

    found = await retriever.retrieve(
        "Sophos Connect profile", organization_ids={ACME}, expand_graph=True
    )

    assert found.hits and {hit.record.organization_id for hit in found.hits} == {ACME}


async def test_blank_query_and_bad_limit_are_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    retriever = HybridRetriever(sessions)
    with pytest.raises(ValueError, match="query"):
        await retriever.retrieve("  ", organization_ids=None)
    with pytest.raises(ValueError, match="limit"):
        await retriever.retrieve("vpn", organization_ids=None, limit=0)


async def test_citations_leave_out_deleted_and_uncitable_records(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(sessions) as session:
        table = RecordType.DOCUMENTS.table
        await session.execute(
            update(table).where(table.c.id == 2).values(deleted_at=datetime.now(UTC))
        )
    keys = [
        ("documents", 1),
        ("documents", 2),  # deleted
        ("documents", 99),  # unknown
        ("related-items", 900),  # not a citable type
        ("organizations", ACME),
        ("configurations", 10),
    ]

    async with unit_of_work(sessions, read_only=True) as session:
        cited = await cite_records(session, keys)
        named = await records_named(session, "acme-fw01", organization_ids={GLOBEX})
        everywhere = await records_named(session, "ACME-FW01")

    assert set(cited) == {("documents", 1), ("organizations", ACME), ("configurations", 10)}
    assert cited[("documents", 1)].organization_name == "Acme Test"
    assert cited[("organizations", ACME)].organization_id == ACME
    assert named == []
    assert [record.key for record in everywhere] == [("configurations", 10)]
