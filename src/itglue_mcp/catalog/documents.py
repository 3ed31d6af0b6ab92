"""Documents: a document with its content as plain-text sections, and its citation.

IT Glue stores a document's content as blocks; the store reads them as
:class:`~itglue_mcp.richtext.DocumentSection` values in reading order
(:mod:`itglue_mcp.store.documents`).

Example::

    async with reading(sessions) as session:
        [document] = await get_documents(session, [5530012])
    document_source(document).name, document.sections[0].heading
"""

from __future__ import annotations

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.store.documents import DocumentView, get_document, get_documents

__all__ = ["DocumentView", "document_source", "get_document", "get_documents"]


def document_source(view: DocumentView) -> SourceRecord:
    """The citation of a stored document."""
    return source_of("documents", view)
