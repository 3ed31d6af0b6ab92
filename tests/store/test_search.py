"""Full-text search on both dialects: ranking, filters, hostile input, deletion."""

from __future__ import annotations

import pytest
from sqlalchemy import literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    RecordType,
    SearchEntry,
    delete_search_entries,
    mark_unseen_deleted,
    replace_search_entries,
    search,
    start_run,
    unit_of_work,
    upsert_records,
)
from itglue_mcp.store.models import SearchEntryRow
from itglue_mcp.store.search import (
    MAX_INDEXED_SCOPE,
    MAX_QUERY_TERMS,
    fts5_match,
    pg_organization_tsquery,
    pg_tsquery,
    query_terms,
)
from tests.statements import recorded_statements

from .conftest import configuration

Sessions = async_sessionmaker[AsyncSession]

ENTRIES = [
    SearchEntry("configurations", 1, 7, "Exchange server", "Mail for the Acme office."),
    SearchEntry("documents", 2, 7, "Backup runbook", "Restore the exchange mailboxes nightly."),
    SearchEntry("configurations", 3, 8, "srv-dc01", "Domain controller, IP 192.168.1.10"),
    SearchEntry("passwords", 4, 8, "Exchange admin", ""),
    SearchEntry("organizations", 8, 8, "Müller GmbH", "Zürich office with naïve café"),
]


@pytest.fixture
async def entries(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await replace_search_entries(session, ENTRIES)


async def _search(
    session_factory: Sessions, query: str, **options: object
) -> list[tuple[str, int]]:
    async with unit_of_work(session_factory) as session:
        hits = await search(session, query, **options)  # type: ignore[arg-type]
    return [(hit.record_type, hit.record_id) for hit in hits]


async def test_name_match_ranks_above_body_match(session_factory: Sessions, entries: None) -> None:
    async with unit_of_work(session_factory) as session:
        hits = await search(session, "exchange")
    assert [(hit.record_type, hit.record_id) for hit in hits][-1] == ("documents", 2)
    assert {hit.record_id for hit in hits} == {1, 2, 4}
    assert hits[0].rank >= hits[1].rank > hits[2].rank
    body_hit = hits[-1]
    assert body_hit.name == "Backup runbook"
    assert body_hit.organization_id == 7
    assert body_hit.snippet is not None and "**exchange**" in body_hit.snippet.lower()
    assert next(hit for hit in hits if hit.record_id == 4).snippet is None, "empty body"


async def test_a_search_matches_the_full_text_index_once(
    session_factory: Sessions, entries: None
) -> None:
    # Ranking, excerpts and (with a filter on the entries) the filter in one pass over the
    # matches: a second MATCH for the excerpts ran the whole query twice.
    async with unit_of_work(session_factory) as session:
        with recorded_statements(session) as statements:
            plain = await search(session, "exchange")
            typed = await search(session, "exchange", record_types=["documents"])
    matches = [s.count(" MATCH ") + s.count("@@") for s in statements if "search_entries" in s]
    assert sum(matches) == 2, statements
    assert [hit.record_id for hit in typed] == [2]
    assert typed[0].snippet is not None and len(plain) == 3


async def test_a_name_match_beats_a_body_full_of_the_word(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await replace_search_entries(
            session,
            [
                SearchEntry("documents", 1, 7, "Mail notes", " ".join(["firewall"] * 30)),
                SearchEntry("configurations", 2, 7, "Firewall", "Rack 2, shelf 3."),
            ],
        )
    assert await _search(session_factory, "firewall") == [("configurations", 2), ("documents", 1)]


async def test_every_term_must_match(session_factory: Sessions, entries: None) -> None:
    assert await _search(session_factory, "exchange mailboxes") == [("documents", 2)]
    assert await _search(session_factory, "exchange zürich") == []


async def test_last_term_matches_as_a_prefix(session_factory: Sessions, entries: None) -> None:
    assert await _search(session_factory, "backup run") == [("documents", 2)]
    assert await _search(session_factory, "srv-dc0") == [("configurations", 3)]
    assert await _search(session_factory, "runbook backu") == [("documents", 2)]


async def test_addresses_and_non_ascii_words(session_factory: Sessions, entries: None) -> None:
    assert await _search(session_factory, "192.168.1.10") == [("configurations", 3)]
    assert await _search(session_factory, "Müller") == [("organizations", 8)]
    assert await _search(session_factory, "EXCHANGE ADMIN") == [("passwords", 4)]


async def test_filters(session_factory: Sessions, entries: None) -> None:
    assert await _search(session_factory, "exchange", organization_ids={8}) == [("passwords", 4)]
    found = await _search(session_factory, "exchange", record_types=[RecordType.DOCUMENTS])
    assert found == [("documents", 2)]
    assert await _search(session_factory, "exchange", organization_ids=[]) == []
    assert await _search(session_factory, "exchange", record_types=set()) == []
    assert len(await _search(session_factory, "exchange", limit=1)) == 1


@pytest.mark.parametrize(
    "query",
    [
        '"',
        'exchange"',
        "'",
        "it's",
        "(",
        "exchange)",
        "AND",
        "exchange AND",
        "OR NOT exchange",
        "a AND (b OR",
        "*",
        "exchange*",
        "-",
        "-exchange",
        "NEAR(exchange server)",
        "name:exchange",
        "^exchange",
        "exchange:*",
        "!exchange & | <->",
        "\\",
        "%_",
        "😀 exchange",
        "Ünïcödé 中文 العربية",
        "a" * 500,
        " ".join(["exchange"] * (MAX_QUERY_TERMS + 5)),
        "{col1 col2}: x",
        "exchange + server",
    ],
)
async def test_hostile_queries_never_raise(
    session_factory: Sessions, entries: None, query: str
) -> None:
    async with unit_of_work(session_factory) as session:
        hits = await search(session, query)
    assert isinstance(hits, list)


async def test_operators_are_matched_as_words(session_factory: Sessions, entries: None) -> None:
    found = await _search(session_factory, "exchange server)")
    assert found == [("configurations", 1)]


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
async def test_empty_query_is_refused(session_factory: Sessions, query: str) -> None:
    async with unit_of_work(session_factory) as session:
        with pytest.raises(ValueError, match="query"):
            await search(session, query)
        with pytest.raises(ValueError, match="limit"):
            await search(session, "exchange", limit=0)


async def test_replacing_and_deleting_entries(session_factory: Sessions, entries: None) -> None:
    async with unit_of_work(session_factory) as session:
        await replace_search_entries(
            session, [SearchEntry("configurations", 1, 7, "Postfix relay", "Mail for Acme.")]
        )
        await replace_search_entries(session, ENTRIES[1:2])  # unchanged: left alone
        await delete_search_entries(session, "passwords", [4, 404])
    assert await _search(session_factory, "exchange") == [("documents", 2)]
    assert await _search(session_factory, "postfix") == [("configurations", 1)]


async def test_records_marked_deleted_are_not_found(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [configuration(1, 7, "keeper"), configuration(2, 7, "goner")],
            run_id=run_id,
        )
        await replace_search_entries(
            session,
            [
                SearchEntry("configurations", 1, 7, "keeper", "rack A"),
                SearchEntry("configurations", 2, 7, "goner", "rack A"),
            ],
        )
    assert len(await _search(session_factory, "rack")) == 2
    async with unit_of_work(session_factory) as session:
        next_run = await start_run(session, "full", {})
        await upsert_records(session, RecordType.CONFIGURATIONS, [{"id": 1}], run_id=next_run)
        await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=next_run)
    assert await _search(session_factory, "rack") == [("configurations", 1)]


def test_query_conversion_quotes_every_term() -> None:
    terms = query_terms('say "hi" OR - ( x* NEAR(a b)')
    assert terms == ["say", '"hi"', "OR", "x*", "NEAR(a", "b)"]
    assert fts5_match(terms) == '{name body} : ("say" """hi""" "OR" "x*" "NEAR(a" "b)"*)'
    assert fts5_match(["a"], {9, 7}) == '{name body} : ("a"*) AND organization_id : ("7" OR "9")'
    with pytest.raises(ValueError, match="organization_ids"):
        fts5_match(["a"], set())


async def _index_matches(
    session_factory: Sessions, query: str, organization_ids: set[int]
) -> list[int | None]:
    """Organizations of the entries the full-text index alone yields for the scoped query
    (no filter on ``search_entries.organization_id`` anywhere in the statement)."""
    terms = query_terms(query)
    async with unit_of_work(session_factory) as session:
        if session.bind.dialect.name == "sqlite":
            statement = text(
                "SELECT e.organization_id FROM search_entries_fts f "
                "JOIN search_entries e ON e.id = f.rowid WHERE search_entries_fts MATCH :match"
            )
            rows = await session.execute(statement, {"match": fts5_match(terms, organization_ids)})
        else:
            tsquery = pg_tsquery(terms).op("&&")(pg_organization_tsquery(organization_ids))
            entries = SearchEntryRow.__table__
            rows = await session.execute(
                select(entries.c.organization_id).where(
                    literal_column("search_vector").op("@@")(tsquery)
                )
            )
        return sorted(row[0] for row in rows)


async def test_a_scoped_search_is_answered_by_the_index(
    session_factory: Sessions, entries: None
) -> None:
    # "exchange" is in organizations 7 and 8; the index yields only the scope's entries.
    assert await _index_matches(session_factory, "exchange", {8}) == [8]
    assert await _index_matches(session_factory, "exchange", {7}) == [7, 7]
    assert await _index_matches(session_factory, "exchange", {7, 8}) == [7, 7, 8]
    assert await _index_matches(session_factory, "exchange", {99}) == []


async def test_the_organization_is_never_matched_as_a_word(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await replace_search_entries(session, [SearchEntry("documents", 1, 7, "Runbook", "x")])
    for query in ("7", "org7", "organization_id"):
        assert await _search(session_factory, query) == []
        assert await _search(session_factory, query, organization_ids={7}) == []


async def test_scopes_wider_than_the_index_takes_find_the_same(
    session_factory: Sessions, entries: None
) -> None:
    wide = {7, *range(1000, 1000 + MAX_INDEXED_SCOPE)}
    assert len(wide) > MAX_INDEXED_SCOPE
    assert await _search(session_factory, "exchange", organization_ids=wide) == await _search(
        session_factory, "exchange", organization_ids={7}
    )


async def test_an_entry_moved_to_another_organization_is_found_there(
    session_factory: Sessions, entries: None
) -> None:
    async with unit_of_work(session_factory) as session:
        await replace_search_entries(
            session, [SearchEntry("configurations", 1, 8, "Exchange server", "Moved.")]
        )
    assert ("configurations", 1) not in await _search(
        session_factory, "exchange", organization_ids={7}
    )
    assert ("configurations", 1) in await _search(session_factory, "exchange", organization_ids={8})
    assert await _index_matches(session_factory, "moved", {8}) == [8]
    assert await _index_matches(session_factory, "moved", {7}) == []
