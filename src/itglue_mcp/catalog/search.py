"""Full-text search over the records' searchable text, as a catalog service.

The store keeps one search entry per record (name and secret-free text; FTS5 on SQLite,
tsvector on PostgreSQL) and ranks matches (:mod:`itglue_mcp.store.search`); the answer engine
reads it through here: :func:`search` for ranked hits with snippets, :func:`query_terms` for the
terms a text is searched by.

Example::

    async with reading(sessions) as session:
        hits = await search(session, "vpn reset", organization_ids={7}, limit=10)
    hits[0].record_type, hits[0].snippet
"""

from itglue_mcp.store.search import SearchHit, query_terms, search

__all__ = ["SearchHit", "query_terms", "search"]
