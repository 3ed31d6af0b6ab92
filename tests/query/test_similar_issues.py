"""Similar issues over a real store (SQLite and PostgreSQL), the real embedding model and a
local-mode vector index: the relevance floor, the fix passage, the grouping rule, the scope,
hidden record types and bad input."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from qdrant_client import AsyncQdrantClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.index import CollectionLayout, Indexer, QdrantVectorIndex
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.query.handlers import EngineContext
from itglue_mcp.query.retrieval import HybridRetriever
from itglue_mcp.query.similar_issues import MAX_LIMIT, SimilarIssues, find_similar_issues
from itglue_mcp.richtext import document_sections
from itglue_mcp.store import RecordType, unit_of_work, upsert_records
from itglue_mcp.store.search import SearchEntry, replace_search_entries
from tests.server.conftest import INDEX_SETTINGS, load_minilm

ACME, GLOBEX, INITECH = 101, 202, 303
SWAPPED = "Hot-swapped the failed disk; the RAID rebuild finished overnight without data loss."
# The same fix in fewer words: 7 of the 10 content words shared (Jaccard 0.7 >= 0.65).
SWAPPED_AGAIN = "Hot-swapped the failed disk; the RAID rebuild finished overnight."
REPLACED = "Replaced the whole NAS with a new unit and restored the shares from the cloud backup."


def _incident(summary: str, resolution: str) -> list[dict[str, str]]:
    return [
        {"kind": "Heading", "html": "<h2>Summary</h2>"},
        {"kind": "Text", "html": f"<p>{summary}</p>"},
        {"kind": "Heading", "html": "<h2>Resolution</h2>"},
        {"kind": "Text", "html": f"<p>{resolution}</p>"},
    ]


DOCUMENTS = {  # id: (organization, title, content)
    1: (
        ACME,
        "Incident: RAID degraded on ACME-NAS01",
        _incident("One disk failed in the RAID 6 volume of the NAS ACME-NAS01.", SWAPPED),
    ),
    2: (
        ACME,
        "Printer troubleshooting",
        [{"kind": "Text", "html": "<p>Clear the paper jam and check the toner.</p>"}],
    ),
    3: (
        GLOBEX,
        "Incident: RAID degraded on GLX-NAS",
        _incident(
            "A disk failed in the RAID volume of the NAS GLX-NAS; the array degraded.",
            SWAPPED_AGAIN,
        ),
    ),
    5: (
        INITECH,
        "Incident: NAS RAID volume degraded",
        _incident("Two disks failed in the RAID volume of the old NAS; it degraded.", REPLACED),
    ),
}
NAS_NOTES = (
    "Synology file server. The RAID volume degraded when a disk failed in 2025; the failed "
    "disk was hot-swapped and the rebuild finished overnight."
)
DESCRIPTION = "the RAID volume of the NAS degraded after a disk failed"


def _body(content: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{section.heading or ''}\n{section.text}" for section in document_sections(content)
    )


def _entries() -> list[SearchEntry]:
    entries = [
        SearchEntry("documents", record_id, organization, title, _body(content))
        for record_id, (organization, title, content) in DOCUMENTS.items()
    ]
    entries.append(SearchEntry("configurations", 11, GLOBEX, "GLX-NAS", NAS_NOTES))
    return entries


@pytest.fixture
async def sessions(
    session_factory: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    async with unit_of_work(session_factory) as session:
        await upsert_records(
            session,
            RecordType.ORGANIZATIONS,
            [
                {"id": ACME, "name": "Acme Test"},
                {"id": GLOBEX, "name": "Globex Test"},
                {"id": INITECH, "name": "Initech Test"},
            ],
            run_id=None,
        )
        await upsert_records(
            session,
            RecordType.DOCUMENTS,
            [
                {
                    "id": record_id,
                    "organization_id": organization,
                    "name": title,
                    "content": content,
                }
                for record_id, (organization, title, content) in DOCUMENTS.items()
            ],
            run_id=None,
        )
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [{"id": 11, "organization_id": GLOBEX, "name": "GLX-NAS", "notes": NAS_NOTES}],
            run_id=None,
        )
        await replace_search_entries(session, _entries())
    return session_factory


@pytest.fixture
async def semantic(tmp_path: Path) -> AsyncIterator[SemanticSearch]:
    embedder = load_minilm()
    index = await QdrantVectorIndex.create(
        AsyncQdrantClient(path=str(tmp_path / "qdrant")),
        dimension=embedder.dimension,
        layout=CollectionLayout.PER_ORGANIZATION,
    )
    # The default index.record_types: documents are embedded, configurations are not.
    await Indexer(embedder, index, settings=INDEX_SETTINGS).index_records(
        [entry for entry in _entries() if entry.record_type == "documents"]
    )
    yield SemanticSearch(embedder, index, settings=INDEX_SETTINGS)
    await index.close()


def _context(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch | None
) -> EngineContext:
    retriever = HybridRetriever(sessions, semantic=semantic)
    return EngineContext(sessions=sessions, retriever=retriever, semantic=semantic, graph=None)


def _groups(found: SimilarIssues) -> list[list[tuple[str, int]]]:
    return [[hit.source.key for hit in group] for group in found.groups]


async def test_records_are_grouped_by_the_fix_they_describe(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    found = await find_similar_issues(
        _context(sessions, semantic), DESCRIPTION, organization_ids=None
    )

    groups = _groups(found)
    swapped = next(group for group in groups if ("documents", 1) in group)
    assert {("documents", 1), ("documents", 3)} <= set(swapped)
    assert ("documents", 5) not in swapped  # another fix: its own group
    assert any(group[0] == ("documents", 5) for group in groups)
    assert ("documents", 2) not in {key for group in groups for key in group}  # below the floor
    hits = {hit.source.key: hit for group in found.groups for hit in group}
    assert hits[("documents", 1)].fix == SWAPPED  # the Resolution section, quoted whole
    assert hits[("documents", 3)].fix == SWAPPED_AGAIN
    assert hits[("documents", 5)].fix == REPLACED
    assert hits[("documents", 3)].source.organization_name == "Globex Test"
    assert all(0 < hit.confidence <= 1 for hit in hits.values())
    assert "3 organization(s)" in found.message
    assert not found.truncated


async def test_notes_of_a_configuration_are_found_by_keyword_with_their_passage(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    found = await find_similar_issues(
        _context(sessions, semantic),
        "RAID volume degraded disk failed hot-swapped",
        organization_ids={GLOBEX},
    )

    hits = {hit.source.key: hit for group in found.groups for hit in group}
    assert set(hits) == {("documents", 3), ("configurations", 11)}
    assert "hot-swapped" in hits[("configurations", 11)].fix


async def test_without_an_index_the_groups_are_the_same_and_the_message_says_so(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    found = await find_similar_issues(_context(sessions, None), DESCRIPTION, organization_ids=None)

    documents = [{key for key in group if key[0] == "documents"} for group in _groups(found)]
    assert {("documents", 1), ("documents", 3)} in documents
    assert {("documents", 5)} in documents
    assert "keyword results only" in found.message


async def test_nothing_relevant_is_no_similar_issue_never_a_guess(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    found = await find_similar_issues(
        _context(sessions, semantic), "how to bake sourdough bread", organization_ids=None
    )

    assert found.groups == []
    assert found.message == "No similar issue is documented in IT Glue in any organization."


async def test_the_scope_and_hidden_types_are_kept(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    context = _context(sessions, semantic)

    others = await find_similar_issues(
        context, DESCRIPTION, organization_ids={GLOBEX, INITECH}, excluded="Acme Test"
    )
    notes_only = await find_similar_issues(
        context, DESCRIPTION, organization_ids=None, hidden_types={"documents"}
    )
    nothing = await find_similar_issues(context, DESCRIPTION, organization_ids=set())

    assert {hit.source.organization_id for group in others.groups for hit in group} == {
        GLOBEX,
        INITECH,
    }
    assert "any organization but Acme Test" in others.message
    assert {hit.source.record_type for group in notes_only.groups for hit in group} == {
        "configurations"
    }
    assert nothing.groups == []


async def test_limit_counts_records_and_says_when_more_exist(
    sessions: async_sessionmaker[AsyncSession], semantic: SemanticSearch
) -> None:
    found = await find_similar_issues(
        _context(sessions, semantic), DESCRIPTION, organization_ids=None, limit=1
    )

    assert sum(len(group) for group in found.groups) == 1
    assert found.truncated


@pytest.mark.parametrize(
    ("issue_description", "limit", "error"),
    [
        ("  ", 10, r"^issue_description: must not be empty$"),
        ("x" * 1001, 10, r"^issue_description: 1001 characters is over the limit of 1000$"),
        ("disk failed", 0, rf"^limit: must be between 1 and {MAX_LIMIT}, got 0$"),
        ("disk failed", MAX_LIMIT + 1, rf"^limit: must be between 1 and {MAX_LIMIT}"),
    ],
)
async def test_bad_input_names_the_field(
    sessions: async_sessionmaker[AsyncSession], issue_description: str, limit: int, error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        await find_similar_issues(
            _context(sessions, None), issue_description, organization_ids=None, limit=limit
        )
