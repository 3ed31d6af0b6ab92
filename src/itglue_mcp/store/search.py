"""Full-text search over the records' names and bodies (SQLite FTS5 or PostgreSQL tsvector).

The sync writes one :class:`SearchEntry` per record (a name, and a body it assembles from the
record's text fields); :func:`search` ranks them for a free-text query, a match in the name
weighing more than one in the body. User text never reaches the query parser as syntax:
each whitespace-separated word becomes one quoted term, all terms must match, and the last
one also matches as a prefix (search as you type).

A search scoped to a few organizations (at most :data:`MAX_INDEXED_SCOPE`) is answered by the
full-text index itself: each entry's organization is indexed with its text (an FTS5 column on
SQLite, a weight-D lexeme ``org<id>`` in the ``tsvector`` on PostgreSQL; migration 0006), so
the index intersects the organization with the terms and never yields another organization's
entries. A wider scope is filtered in the same statement, after the match.

Example::

    await replace_search_entries(session, [SearchEntry("configurations", 5, 7, "dc01", "…")])
    hits = await search(session, "dc01 backup", organization_ids={7})
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    Table,
    case,
    column,
    delete,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import ARRAY, REAL, REGCONFIG, TSQUERY, TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnClause

from itglue_mcp.store.database import Dialect
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.models import SearchEntryRow

__all__ = [
    "MAX_INDEXED_SCOPE",
    "MAX_QUERY_TERMS",
    "SearchEntry",
    "SearchHit",
    "delete_search_entries",
    "fts5_match",
    "pg_organization_tsquery",
    "pg_tsquery",
    "query_terms",
    "replace_search_entries",
    "search",
]

# Terms beyond this are ignored: each term costs an index lookup, and longer queries are
# pasted text rather than a search.
MAX_QUERY_TERMS = 16

MAX_INDEXED_SCOPE = 16
"""Most organizations a search matches in the full-text index itself; a wider scope (a
caller who reads most of the account) is filtered after the match, which is then cheaper
than a union of that many organizations' postings."""

# Relative weight of a name match to a body match, the same on both dialects: bm25 column
# weights on SQLite; ts_rank weights of labels {D, C, B, A} on PostgreSQL, where the name
# is label A and the body label B.
_NAME_WEIGHT, _BODY_WEIGHT = 10.0, 1.0
_TS_RANK_WEIGHTS = literal_column(
    f"'{{0, 0, {_BODY_WEIGHT / _NAME_WEIGHT}, 1}}'::float4[]", ARRAY(REAL)
)

_HIGHLIGHT = "**"
_SNIPPET_WORDS = 16

_ENTRIES = cast(Table, SearchEntryRow.__table__)
_FTS = table("search_entries_fts", column("rowid"))
_FTS_NAME: ColumnClause[Any] = literal_column("search_entries_fts")
_SEARCH_VECTOR = literal_column("search_entries.search_vector", TSVECTOR)


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """The searchable text of one record.

    Attributes:
        record_type: JSON:API type of the record (a ``RecordType`` value).
        record_id: IT Glue id of the record.
        organization_id: its organization, for scoping (``None`` for account-wide records).
        name: the record's name (weighted high).
        body: the rest of its searchable text (plain text, secrets removed).
    """

    record_type: str
    record_id: int
    organization_id: int | None
    name: str
    body: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result; ``rank`` is higher for better matches (comparable within a query)."""

    record_type: str
    record_id: int
    organization_id: int | None
    name: str
    rank: float
    snippet: str | None


async def replace_search_entries(session: AsyncSession, entries: Sequence[SearchEntry]) -> None:
    """Insert or replace search entries by (record_type, record_id); the last one wins.

    Args:
        session: the unit of work's session.
        entries: the entries to write.

    Raises:
        StoreError: the database refused the write.
    """
    rows = {
        (str(entry.record_type), entry.record_id): {
            "record_type": str(entry.record_type),
            "record_id": entry.record_id,
            "organization_id": entry.organization_id,
            "name": entry.name,
            "body": entry.body,
        }
        for entry in entries
    }
    if not rows:
        return
    dialect = Dialect.of(session)
    insert = pg_insert if dialect is Dialect.POSTGRESQL else sqlite_insert
    statement = insert(_ENTRIES)
    changed = [
        _ENTRIES.c[name].is_distinct_from(statement.excluded[name])
        for name in ("organization_id", "name", "body")
    ]
    # Rows whose text did not change are left alone: no re-indexing, no dead tuples. The
    # statement runs with a list of parameter sets so SQLAlchemy compiles it once and
    # batches the rows itself.
    statement = statement.on_conflict_do_update(
        index_elements=["record_type", "record_id"],
        set_={name: statement.excluded[name] for name in ("organization_id", "name", "body")},
        where=or_(*changed),
    )
    with translate_errors("write search_entries"):
        await session.execute(statement, list(rows.values()))


async def delete_search_entries(
    session: AsyncSession, record_type: str, record_ids: Collection[int]
) -> None:
    """Remove the search entries of some records of one type (absent ones are ignored).

    Raises:
        StoreError: the database refused the delete.
    """
    ids = sorted(set(record_ids))
    with translate_errors("delete from search_entries"):
        for start in range(0, len(ids), 10_000):
            await session.execute(
                delete(_ENTRIES).where(
                    _ENTRIES.c.record_type == str(record_type),
                    _ENTRIES.c.record_id.in_(ids[start : start + 10_000]),
                )
            )


def query_terms(query: str) -> list[str]:
    """Split a user query into at most :data:`MAX_QUERY_TERMS` words with a letter or digit.

    Words made only of punctuation (``-``, ``*``, ``()``) are dropped: both full-text
    tokenizers would reduce them to nothing.
    """
    terms = [word for word in query.split() if any(char.isalnum() for char in word)]
    return terms[:MAX_QUERY_TERMS]


def fts5_match(terms: Sequence[str], organization_ids: Collection[int] | None = None) -> str:
    """An FTS5 MATCH expression requiring every term in the name or body, the last one also
    as a prefix, and, when ``organization_ids`` is given, an entry of one of them.

    Each term is a double-quoted FTS5 string (quotes doubled), so operators, parentheses,
    column filters and ``*`` in user text are matched as text, never parsed; terms never
    match the ``organization_id`` column.

    Raises:
        ValueError: ``organization_ids`` is empty (a search of no organization matches nothing
            and is not run).
    """
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    quoted[-1] += "*"
    text = "{name body} : (" + " ".join(quoted) + ")"
    if organization_ids is None:
        return text
    if not organization_ids:
        raise ValueError("organization_ids: must not be empty")
    organizations = " OR ".join(f'"{int(org)}"' for org in sorted(organization_ids))
    return f"{text} AND organization_id : ({organizations})"


def _tsquery_lexeme(term: str, *, prefix: bool) -> str:
    """A quoted tsquery lexeme of a name or body word (``'it''s':*AB``): quotes doubled,
    backslashes escaped, weights A (name) and B (body) only, never the organization's D."""
    escaped = term.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}':" + ("*" if prefix else "") + "AB"


def pg_tsquery(terms: Sequence[str]) -> ColumnElement[Any]:
    """A tsquery requiring every term, each matched as a name word or a stemmed body word.

    Names are indexed with the ``simple`` configuration and bodies with ``english``, so
    each term is parsed with both and OR-ed; the terms are AND-ed. The lexemes are bound
    parameters, quoted so that ``to_tsquery`` never sees an operator from user text.
    """
    combined: ColumnElement[Any] | None = None
    for index, term in enumerate(terms):
        lexeme = literal(_tsquery_lexeme(term, prefix=index == len(terms) - 1))
        either = func.to_tsquery(literal("simple", REGCONFIG), lexeme, type_=TSQUERY).op("||")(
            func.to_tsquery(literal("english", REGCONFIG), lexeme, type_=TSQUERY)
        )
        combined = either if combined is None else combined.op("&&")(either)
    assert combined is not None  # callers pass at least one term
    return combined


def pg_organization_tsquery(organization_ids: Collection[int]) -> ColumnElement[Any]:
    """A tsquery matching the entries of any of ``organization_ids`` (their weight-D
    ``org<id>`` lexeme; migration 0006).

    Raises:
        ValueError: ``organization_ids`` is empty.
    """
    if not organization_ids:
        raise ValueError("organization_ids: must not be empty")
    lexemes = " | ".join(f"'org{int(org)}':D" for org in sorted(organization_ids))
    return func.to_tsquery(literal("simple", REGCONFIG), literal(lexemes), type_=TSQUERY)


def _filters(
    organization_ids: Collection[int] | None, record_types: Collection[str] | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if organization_ids is not None:
        conditions.append(_ENTRIES.c.organization_id.in_(sorted(organization_ids)))
    if record_types is not None:
        conditions.append(_ENTRIES.c.record_type.in_(sorted(map(str, record_types))))
    return conditions


def _indexed_scope(organization_ids: Collection[int] | None) -> Collection[int] | None:
    """The organizations the full-text index itself is asked for (``None``: filter after)."""
    if organization_ids is not None and len(organization_ids) <= MAX_INDEXED_SCOPE:
        return organization_ids
    return None


def _sqlite_ranking(
    terms: Sequence[str],
    filters: list[ColumnElement[bool]],
    limit: int,
    organization_ids: Collection[int] | None,
) -> Select[Any]:
    """The best ``limit`` matches as (entry id, rank, excerpt), best first; see
    :func:`_sqlite_search` for the entries' own columns."""
    match = _FTS_NAME.op("MATCH")(fts5_match(terms, _indexed_scope(organization_ids)))
    # The organization column weighs nothing: a match ranks by its name and body.
    bm25 = func.bm25(_FTS_NAME, _NAME_WEIGHT, _BODY_WEIGHT, 0.0, type_=Float)
    # snippet() needs the FTS cursor of the MATCH; in a top-level query SQLite computes a
    # column the ORDER BY does not use only for the rows that leave the sorter, so the
    # excerpts cost the `limit` rows, not every match. (As a subquery joined to the entries
    # it is materialized, excerpts and all; matching again outside it ran the full-text
    # query twice: 1.2-2.8x the time of this one at 1,000 organizations.)
    snippet = func.snippet(_FTS_NAME, 1, _HIGHLIGHT, _HIGHLIGHT, "…", _SNIPPET_WORDS)
    # Every match is ranked. Without a filter on the entries' own columns the index alone
    # ranks them (its rowid is the entry's id): joining the entries for each match costs more
    # than ranking it (3x for a word held by thousands of records across an account). The
    # rowid breaks ties either way.
    ranking = select(_FTS.c.rowid.label("id"), (-bm25).label("rank"), snippet.label("snippet"))
    if filters:
        ranking = ranking.select_from(_FTS.join(_ENTRIES, _ENTRIES.c.id == _FTS.c.rowid)).where(
            *filters
        )
    return ranking.where(match).order_by(bm25, _FTS.c.rowid).limit(limit)


async def _sqlite_search(
    session: AsyncSession,
    terms: Sequence[str],
    filters: list[ColumnElement[bool]],
    limit: int,
    organization_ids: Collection[int] | None,
) -> list[SearchHit]:
    """Two statements: the ranking (:func:`_sqlite_ranking`), then the entries of its hits."""
    ranked = (await session.execute(_sqlite_ranking(terms, filters, limit, organization_ids))).all()
    if not ranked:
        return []
    entries = {
        row.id: row
        for row in await session.execute(
            select(
                _ENTRIES.c.id,
                _ENTRIES.c.record_type,
                _ENTRIES.c.record_id,
                _ENTRIES.c.organization_id,
                _ENTRIES.c.name,
                (_ENTRIES.c.body == "").label("empty"),
            ).where(_ENTRIES.c.id.in_([hit.id for hit in ranked]))
        )
    }
    hits = []
    for hit in ranked:
        # Written in the same transaction as its index row; were one missing, it is left
        # out, as a join would.
        entry = entries.get(hit.id)
        if entry is None:
            continue
        # An excerpt of an empty body is no excerpt.
        hits.append(_hit(entry, hit.rank, None if entry.empty else hit.snippet))
    return hits


def _hit(entry: Any, rank: float, snippet: str | None) -> SearchHit:
    """A :class:`SearchHit` of a row holding an entry's identifying columns."""
    return SearchHit(
        record_type=entry.record_type,
        record_id=entry.record_id,
        organization_id=entry.organization_id,
        name=entry.name,
        rank=float(rank),
        snippet=snippet,
    )


def _pg_statement(
    terms: Sequence[str],
    filters: list[ColumnElement[bool]],
    limit: int,
    organization_ids: Collection[int] | None,
) -> Select[Any]:
    tsquery = pg_tsquery(terms)
    rank = func.ts_rank(_TS_RANK_WEIGHTS, _SEARCH_VECTOR, tsquery, type_=Float)
    scope = _indexed_scope(organization_ids)
    # The organization is matched in the same tsquery, so the GIN index intersects it with
    # the terms; the rank is the terms' alone.
    matched = tsquery if scope is None else tsquery.op("&&")(pg_organization_tsquery(scope))
    top = (
        select(_ENTRIES.c.id, rank.label("rank"))
        .where(_SEARCH_VECTOR.op("@@")(matched), *filters)
        .order_by(rank.desc(), _ENTRIES.c.id)
        .limit(limit)
        .subquery("top")
    )
    # ts_headline re-parses the body: computed only for the rows returned.
    options = (
        f"StartSel={_HIGHLIGHT}, StopSel={_HIGHLIGHT}, "
        f"MaxWords={_SNIPPET_WORDS}, MinWords={_SNIPPET_WORDS // 2}"
    )
    headline = func.ts_headline(literal("english", REGCONFIG), _ENTRIES.c.body, tsquery, options)
    return (
        select(*_hit_columns(top.c.rank), _nonempty(headline))
        .select_from(top.join(_ENTRIES, _ENTRIES.c.id == top.c.id))
        .order_by(top.c.rank.desc(), _ENTRIES.c.id)
    )


def _hit_columns(rank: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    return [
        _ENTRIES.c.record_type,
        _ENTRIES.c.record_id,
        _ENTRIES.c.organization_id,
        _ENTRIES.c.name,
        rank.label("rank"),
    ]


def _nonempty(snippet: ColumnElement[Any]) -> ColumnElement[Any]:
    """The snippet, or NULL for an empty body (an excerpt of nothing is no excerpt)."""
    return case((_ENTRIES.c.body == "", null()), else_=snippet).label("snippet")


async def search(
    session: AsyncSession,
    query: str,
    *,
    organization_ids: Collection[int] | None = None,
    record_types: Collection[str] | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Rank search entries against a free-text query; any text is a safe query.

    Args:
        session: any session.
        query: the user's words; quotes, operators and other syntax are matched as text.
        organization_ids: only entries of these organizations (``None``: all; empty: none).
        record_types: only entries of these JSON:API types (``None``: all; empty: none).
        limit: most hits returned, best first (at least 1).

    Returns:
        Hits ordered by descending rank; ``snippet`` is an excerpt of the body with matches
        between ``**`` (``None`` when the body is empty). Records marked deleted have no
        entry and are never returned. A query without any letter or digit finds nothing.

    Raises:
        ValueError: ``query`` is empty or blank, or ``limit`` is below 1.
        StoreError: the database failed.
    """
    if not query.strip():
        raise ValueError("query must not be empty")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    terms = query_terms(query)
    if (
        not terms
        or (organization_ids is not None and not organization_ids)
        or (record_types is not None and not record_types)
    ):
        return []
    if Dialect.of(session) is Dialect.SQLITE:
        # A scope the FTS5 index matches itself needs no second check on the entries.
        indexed = _indexed_scope(organization_ids) is not None
        filters = _filters(None if indexed else organization_ids, record_types)
        with translate_errors("search"):
            return await _sqlite_search(session, terms, filters, limit, organization_ids)
    filters = _filters(organization_ids, record_types)
    statement = _pg_statement(terms, filters, limit, organization_ids)
    with translate_errors("search"):
        rows = (await session.execute(statement)).all()
    return [_hit(row, row.rank, row.snippet) for row in rows]
