"""Full-text search over the records' searchable text, as a catalog service.

The store keeps one search entry per record (name and secret-free text; FTS5 on SQLite,
tsvector on PostgreSQL) and ranks matches (:mod:`itglue_mcp.store.search`); the answer engine
reads it through here: :func:`search` for ranked hits with snippets, :func:`query_terms` for the
terms a text is searched by.

One answer asks the same words more than once: retrieval searches each of the question's words,
then the no-data hints ask whether the organization mentions a subject, which is one of those
words. :func:`search` remembers, per transaction, what it read, and answers a repeat (the same
terms, organizations and record types, no more hits than already read) from it: the ranking is a
total order (rank, then the entry's id), so the best ``n`` are a prefix of the best ``m >= n``.
A common word's prefix query over a large account costs tens of milliseconds
(benchmarks/README.md), which a repeat would pay again.

Example::

    async with reading(sessions) as session:
        hits = await search(session, "vpn reset", organization_ids={7}, limit=10)
    hits[0].record_type, hits[0].snippet
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.search import SearchHit, query_terms
from itglue_mcp.store.search import search as store_search

__all__ = ["SearchHit", "query_terms", "search"]

_READ = "itglue_mcp.catalog.search.read"
"""``session.info`` key: (the transaction, {query key: (limit read, hits)})."""


def _key(
    query: str, organization_ids: Collection[int] | None, record_types: Collection[str] | None
) -> tuple[Any, ...]:
    return (
        tuple(query_terms(query)),
        None if organization_ids is None else frozenset(organization_ids),
        None if record_types is None else frozenset(record_types),
    )


async def search(
    session: AsyncSession,
    query: str,
    *,
    organization_ids: Collection[int] | None = None,
    record_types: Collection[str] | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """:func:`itglue_mcp.store.search.search` (same arguments, result and errors), a repeat
    within the same transaction answered from the first read (see the module docstring)."""
    if not query.strip() or limit < 1:
        # The store's one-line errors, unchanged.
        return await store_search(
            session,
            query,
            organization_ids=organization_ids,
            record_types=record_types,
            limit=limit,
        )
    transaction = session.get_transaction()
    held = session.info.get(_READ)
    if held is None or held[0] is not transaction:
        held = (transaction, {})
        session.info[_READ] = held
    read: dict[tuple[Any, ...], tuple[int, list[SearchHit]]] = held[1]
    key = _key(query, organization_ids, record_types)
    known = read.get(key)
    if known is not None and known[0] >= limit:
        return known[1][:limit]
    hits = await store_search(
        session, query, organization_ids=organization_ids, record_types=record_types, limit=limit
    )
    read[key] = (limit, hits)
    return hits
