"""Records of any type, known by key or by name: cite them, find them, quote them.

Hits reach the answer engine as bare ``(record_type, record_id)`` keys (full-text search, the
vector index, the graph); this is where they become citations and text, through the store's
repositories (:mod:`itglue_mcp.store.citations`):

- :func:`cite_records` — keys → :class:`~itglue_mcp.catalog.citations.SourceRecord`, live
  records only (a deleted record the vector index still holds is never cited);
- :func:`records_named` — live records whose name (or hostname) equals a text;
- :func:`record_names` — the names in a scope, for close-name suggestions;
- :func:`record_texts` — the secret-free searchable text the sync stored, to quote from.

Example::

    async with reading(sessions) as session:
        cited = await cite_records(session, [("documents", 5530375)])
    cited[("documents", 5530375)].organization_name  # 'Northwind Traders'
"""

from itglue_mcp.store.citations import (
    NamedRecord,
    cite_records,
    record_names,
    record_texts,
    records_named,
)

__all__ = ["NamedRecord", "cite_records", "record_names", "record_texts", "records_named"]
