"""Grounding rules of the answer engine: relevance verdicts and confidence, word and identifier
matching, passage selection, multi-word ``@`` mentions — and, over a real store and index,
that a record deleted since it was indexed is never cited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from qdrant_client import AsyncQdrantClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.organization_matching import OrgCandidate
from itglue_mcp.index import CollectionLayout, Indexer, QdrantVectorIndex
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.query.engine import QueryEngine
from itglue_mcp.query.grounding import (
    EXACT_CONFIDENCE,
    SEMANTIC_STRONG,
    SEMANTIC_SUPPORT,
    judge,
    subject_words,
)
from itglue_mcp.query.hits import RetrievedHit, Retriever
from itglue_mcp.query.matching import coverage, mentions, word_forms
from itglue_mcp.query.passages import Passage, clip, select_passages
from itglue_mcp.query.scope import parse_scope
from itglue_mcp.query.scoping import widen_scope
from itglue_mcp.store import RecordType, unit_of_work, upsert_records
from itglue_mcp.store.search import SearchEntry, delete_search_entries, replace_search_entries
from tests.server.conftest import INDEX_SETTINGS, load_minilm

ACME, GLOBEX = 101, 202


def _hit(
    *found_by: Retriever, similarity: float | None = None, name: str = "Sophos VPN reset"
) -> RetrievedHit:
    record = SourceRecord(
        record_type="documents",
        record_id=1,
        name=name,
        organization_id=ACME,
        organization_name="Acme",
        resource_url=None,
        updated_at=None,
    )
    return RetrievedHit(
        record=record, score=0.03, found_by=frozenset(found_by), semantic_score=similarity
    )


# --- relevance rules -------------------------------------------------------------------------


def test_a_missing_identifier_refuses_whatever_else_matches() -> None:
    hit = _hit(Retriever.EXACT, Retriever.SEMANTIC, similarity=0.9, name="NW-FW01")

    verdict = judge(hit, words=["ip", "acme-fw01"], identifiers=["ACME-FW01"], text="10.0.0.1")

    assert not verdict.supports and verdict.confidence == 0.0


def test_exact_name_supports_with_top_confidence() -> None:
    verdict = judge(
        _hit(Retriever.EXACT, name="DC01"), words=["dc01"], identifiers=["DC01"], text=""
    )
    assert verdict.supports and verdict.confidence == EXACT_CONFIDENCE


def test_every_content_word_supports() -> None:
    verdict = judge(
        _hit(Retriever.KEYWORD), words=["reset", "sophos", "vpn"], identifiers=[], text=""
    )
    assert verdict.supports and verdict.coverage == 1.0 and verdict.confidence == 0.9


@pytest.mark.parametrize(
    ("similarity", "text", "supports"),
    [
        (SEMANTIC_STRONG, "", True),  # strong alone
        (SEMANTIC_SUPPORT, "leaver", True),  # support band with half the words
        (SEMANTIC_SUPPORT, "", False),  # support band, words disagree
        (SEMANTIC_SUPPORT - 0.01, "leaver", False),  # under the band
    ],
)
def test_semantic_bands(similarity: float, text: str, supports: bool) -> None:
    verdict = judge(
        _hit(Retriever.SEMANTIC, similarity=similarity, name="Employee exit checklist"),
        words=["offboarding", "leaver"],
        identifiers=[],
        text=text,
    )
    assert verdict.supports is supports


def test_confidence_rises_with_similarity_and_agreement() -> None:
    alone = judge(
        _hit(Retriever.SEMANTIC, similarity=0.6, name="x"), words=["a1"], identifiers=[], text=""
    )
    both = judge(
        _hit(Retriever.SEMANTIC, Retriever.KEYWORD, similarity=0.6, name="x"),
        words=["a1"],
        identifiers=[],
        text="",
    )
    top = judge(
        _hit(Retriever.SEMANTIC, similarity=0.8, name="x"), words=["a1"], identifiers=[], text=""
    )

    assert alone.confidence == 0.7  # 0.5 + 0.4 x (0.6 - 0.4) / 0.4
    assert both.confidence == 0.75
    assert top.confidence == 0.9


def test_keyword_only_needs_two_thirds_of_three_words() -> None:
    words = ["reset", "sophos", "vpn"]
    two = judge(_hit(Retriever.KEYWORD, name="x"), words=words, identifiers=[], text="VPN reset")
    one = judge(_hit(Retriever.KEYWORD, name="x"), words=words, identifiers=[], text="VPN")
    assert two.supports and not one.supports


def test_answer_kind_words_leave_the_subject() -> None:
    assert subject_words(["offboarding", "procedure", "steps"]) == ["offboarding"]
    assert subject_words(["procedure"]) == ["procedure"]


# --- matching --------------------------------------------------------------------------------


def test_word_forms_join_and_split_compounds() -> None:
    forms = word_forms("Guest Wi-Fi on ACME-FW01")
    assert {"wi", "fi", "wifi", "acme", "fw01", "acmefw01", "guest"} <= forms


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        (["wifi", "guest"], "Guest Wi-Fi key", 1.0),
        (["resetting"], "reset the VPN", 0.0),
        (["reset"], "resetting the VPN", 1.0),
        (["keys"], "the key", 1.0),
        (["ip"], "zip file", 0.0),
        ([], "anything", 0.0),
    ],
)
def test_coverage(words: list[str], text: str, expected: float) -> None:
    assert coverage(words, text) == expected


@pytest.mark.parametrize(
    ("value", "text", "found"),
    [
        ("10.10.10.1", "gateway 10.10.10.1.", True),
        ("10.10.10.1", "gateway 10.10.10.15", False),
        ("10.10.10.1", "range 10.10.10.1.5", False),
        ("ACME-FW01", "see acme-fw01 (FortiGate)", True),
        ("FW01", "see ACME-FW01", False),
        ("00:1A:2B:3C:4D:5E", "mac 00-1a-2b-3c-4d-5e", True),
        ("00:1A:2B:3C:4D:5E", "mac 001a.2b3c.4d5e", True),
        ("00:1A:2B:3C:4D:5E", "mac 00:1A:2B:3C:4D:5F", False),
    ],
)
def test_mentions_whole_identifiers_only(value: str, text: str, found: bool) -> None:
    assert mentions(value, text) is found


# --- passages --------------------------------------------------------------------------------

SECTIONS = [
    Passage("When to use this", "A user cannot connect to the VPN."),
    Passage("Steps", "1. Sign in to the firewall. 2. Reset the token."),
    Passage("History", "Written in 2021 after the migration."),
]


def test_short_records_are_quoted_whole() -> None:
    assert select_passages(SECTIONS, ["vpn"], budget=1000) == SECTIONS


def test_long_records_keep_the_matching_passages_in_reading_order() -> None:
    chosen = select_passages(SECTIONS, ["reset", "token", "vpn"], budget=90)
    assert chosen == SECTIONS[:2]
    assert select_passages(SECTIONS, ["token"], budget=60) == [SECTIONS[1]]


def test_without_matching_words_the_beginning_is_quoted_and_clipped() -> None:
    chosen = select_passages(SECTIONS, ["printer"], budget=20)
    assert chosen == [Passage("When to use this", "A user cannot…")]
    assert clip("short", 10) == "short"
    with pytest.raises(ValueError, match="budget"):
        select_passages(SECTIONS, [], budget=0)


# --- multi-word mentions ---------------------------------------------------------------------

ORGANIZATIONS = [
    OrgCandidate(1, "Northwind Traders", "NW"),
    OrgCandidate(2, "Northwind Logistics", "NWL"),
    OrgCandidate(3, "Acme Corporation", "ACME"),
]


@pytest.mark.parametrize(
    ("question", "ref", "text"),
    [
        ("reset the VPN at @Northwind Traders", "Northwind Traders", "reset the VPN"),
        ("reset the VPN at @Northwind Traders?", "Northwind Traders", "reset the VPN?"),
        ("@Northwind Traders's firewall IP", "Northwind Traders", "firewall IP"),
        ("firewall IP @acme", "acme", "firewall IP"),
        ("@acme firewall IP", "acme", "firewall IP"),
        ("@Northwind reset the VPN", "Northwind", "reset the VPN"),
        ('@"Northwind Logistics" printers', "Northwind Logistics", "printers"),
    ],
)
def test_a_bare_mention_takes_the_rest_of_a_name(question: str, ref: str, text: str) -> None:
    scoped = widen_scope(question, parse_scope(question), ORGANIZATIONS)
    assert (scoped.organization_ref, scoped.text) == (ref, text)


# --- deleted records over a real store and index ------------------------------------------

RUNBOOK = (
    "Open the Sophos firewall console, find the user under Authentication, delete their "
    "one-time password token and re-issue the Sophos Connect profile."
)
ENTRIES = [
    SearchEntry("documents", 1, ACME, "Sophos VPN — reset a user's access", RUNBOOK),
    SearchEntry("documents", 2, ACME, "Sophos VPN — reset (old copy)", RUNBOOK),
    SearchEntry("documents", 3, GLOBEX, "Sophos VPN — reset a user's access", RUNBOOK),
]


@pytest.fixture
async def sessions(
    session_factory: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    async with unit_of_work(session_factory) as session:
        await upsert_records(
            session,
            RecordType.ORGANIZATIONS,
            [{"id": ACME, "name": "Acme Test"}, {"id": GLOBEX, "name": "Globex Test"}],
            run_id=None,
        )
        await upsert_records(
            session,
            RecordType.DOCUMENTS,
            [
                {"id": e.record_id, "organization_id": e.organization_id, "name": e.name}
                for e in ENTRIES
            ],
            run_id=None,
        )
        await replace_search_entries(session, ENTRIES)
    return session_factory


@pytest.fixture
async def semantic(tmp_path: Path) -> AsyncIterator[SemanticSearch]:
    embedder = load_minilm()
    index = await QdrantVectorIndex.create(
        AsyncQdrantClient(path=str(tmp_path / "qdrant")),
        dimension=embedder.dimension,
        layout=CollectionLayout.PER_ORGANIZATION,
    )
    await Indexer(embedder, index, settings=INDEX_SETTINGS).index_records(ENTRIES)
    yield SemanticSearch(embedder, index, settings=INDEX_SETTINGS)
    await index.close()


async def _delete(sessions: async_sessionmaker[AsyncSession], *ids: int) -> None:
    """What the sync does to records IT Glue no longer has; the vector index is not told."""
    async with unit_of_work(sessions) as session:
        table = RecordType.DOCUMENTS.table
        await session.execute(
            update(table).where(table.c.id.in_(ids)).values(deleted_at=datetime.now(UTC))
        )
        await delete_search_entries(session, "documents", ids)


async def test_a_deleted_record_is_never_cited(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    await _delete(sessions, 1)
    engine = QueryEngine(sessions, semantic=semantic)

    answer = await engine.answer("how do we reset the Sophos VPN @Acme Test")

    assert answer.status == "answered"
    cited = {s.record_id for s in answer.sources} | {e.source.record_id for e in answer.excerpts}
    assert cited == {2}


async def test_when_only_deleted_records_matched_there_is_no_data(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    await _delete(sessions, 1, 2)
    assert {
        hit.record_id for hit in await semantic.search("Sophos VPN", organization_ids={ACME})
    } == {
        1,
        2,
    }  # the premise: the index still holds both

    answer = await QueryEngine(sessions, semantic=semantic).answer(
        "how do we reset the Sophos VPN @Acme Test"
    )

    assert answer.status == "no_data" and answer.sources == [] and answer.excerpts == []
    assert any("Globex Test" in suggestion for suggestion in answer.suggestions)
    assert not any("old copy" in suggestion for suggestion in answer.suggestions)
