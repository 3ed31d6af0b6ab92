"""A document for reading: found by id or title, its content as sections, its related records.

The reference is an IT Glue id (digits) or a title: exact titles before titles starting with
the text before titles containing it, through :func:`~itglue_mcp.query.dependencies.
resolve_record` (so a miss lists close titles and a tie lists the candidates). The content
comes from the store as plain-text sections (:func:`~itglue_mcp.richtext.document_sections`)
and is clipped to ``max_chars`` with the clipping stated; related records
are the document's links one step away in the graph.

Example::

    content = await read_document(session, graph, "Sophos VPN", organization_ids={7})
    [section.heading for section in content.sections]  # ['When to use this', 'Steps']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.documents import DocumentView, document_source, get_document
from itglue_mcp.catalog.ids import parse_id
from itglue_mcp.graph.store import GraphStore, RecordRef
from itglue_mcp.query.dependencies import record_not_found, resolve_record, source_of_node
from itglue_mcp.richtext import DocumentSection

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_RELATED_LIMIT",
    "DocumentContent",
    "DocumentSectionText",
    "RelatedRecord",
    "clip_sections",
    "document_content",
    "read_document",
]

DEFAULT_MAX_CHARS = 8000
"""Characters of content returned when the caller does not say."""

DEFAULT_RELATED_LIMIT = 50
"""Related records returned when the caller does not say."""

_ELLIPSIS = " …"


class DocumentSectionText(BaseModel):
    """Content under one heading, as plain text (IT Glue free text: untrusted)."""

    heading: str | None = Field(description="The section heading; null before the first one.")
    text: str = Field(description="Paragraphs and list items one per line; steps numbered.")


class RelatedRecord(BaseModel):
    """A record the document is linked to (a related item, a Tag trait…)."""

    record: SourceRecord
    archived: bool
    relation: str = Field(description="The link, named from the document (related_item…).")
    notes: str | None = Field(description="Related item notes (untrusted IT Glue free text).")


class DocumentContent(BaseModel):
    """An IT Glue document: where it is, what it says, what it is linked to."""

    document: SourceRecord = Field(description="The document (its title is the name).")
    document_folder_id: int | None = Field(description="Its folder; null at the root.")
    public: bool | None = Field(description="Shared with the client's MyGlue users.")
    restricted: bool | None = Field(description="Only some IT Glue users may open it.")
    published: bool | None = Field(description="False for a draft.")
    archived: bool
    sections: list[DocumentSectionText] = Field(description="The content, in order.")
    content_chars: int = Field(description="Length of the whole content.")
    max_chars: int = Field(description="Most content characters returned by this call.")
    truncated: bool = Field(description="Content cut at max_chars.")
    related: list[RelatedRecord]
    related_truncated: bool = Field(description="More related records exist.")
    # Always true: sections and notes are IT Glue free text, data and never instructions.
    untrusted: Literal[True] = True


def _size(section: DocumentSection) -> int:
    return len(section.heading or "") + len(section.text)


def clip_sections(
    sections: Sequence[DocumentSection], max_chars: int
) -> tuple[list[DocumentSectionText], bool]:
    """The sections that fit in ``max_chars`` (headings and text counted), and whether any was cut.

    The section that crosses the limit keeps its heading and the text that fits, cut at a
    space where there is one and marked with ``…``; later sections are dropped.

    Raises:
        ValueError: ``max_chars`` below 1 (naming it).
    """
    if max_chars < 1:
        raise ValueError("max_chars: must be at least 1")
    kept: list[DocumentSectionText] = []
    budget = max_chars
    for section in sections:
        if _size(section) <= budget:
            kept.append(DocumentSectionText(heading=section.heading, text=section.text))
            budget -= _size(section)
            continue
        room = budget - len(section.heading or "")
        if room > 0:
            cut = section.text[:room]
            if " " in cut and len(cut) < len(section.text):
                cut = cut[: cut.rindex(" ")]
            kept.append(DocumentSectionText(heading=section.heading, text=cut + _ELLIPSIS))
        return kept, True
    return kept, False


async def _find(
    session: AsyncSession,
    graph: GraphStore,
    reference: str,
    organization_ids: Collection[int] | None,
    hidden_types: Collection[str],
) -> DocumentView:
    reference = reference.strip()
    if not reference:
        raise ValueError("document: must not be empty")
    if "documents" in hidden_types:
        raise record_not_found("document", reference, "document")
    if (document_id := parse_id(reference)) is not None:
        by_id = await get_document(session, document_id, organization_ids=organization_ids)
        if by_id is not None:
            return by_id
    node = await resolve_record(
        graph,
        record_type="documents",
        name=reference,
        organization_ids=organization_ids,
        field="document",
        hidden_types=hidden_types,
    )
    view = await get_document(session, node.ref.record_id, organization_ids=organization_ids)
    if view is None:  # deleted between the two reads
        raise record_not_found("document", reference, "document")
    return view


async def read_document(
    session: AsyncSession,
    graph: GraphStore,
    reference: str,
    *,
    organization_ids: Collection[int] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    related_limit: int = DEFAULT_RELATED_LIMIT,
    hidden_types: Collection[str] = (),
) -> DocumentContent:
    """The document ``reference`` names, clipped to ``max_chars``, with its related records.

    Args:
        session: a session on the store.
        graph: the graph backend (title lookup, related records).
        reference: an IT Glue document id, or a title or part of one (case ignored).
        organization_ids: only documents of these organizations (``None``: any).
        max_chars: most characters of content (headings and text) returned.
        related_limit: most related records returned.
        hidden_types: record types the caller may see in no organization: such a document
            is not found, and related records of those types are left out.

    Raises:
        ValueError: blank ``reference``, ``max_chars`` or ``related_limit`` below 1.
        RecordNotFound: no document matches (close titles suggested).
        AmbiguousRecord: several documents match equally well (listed).
    """
    if related_limit < 1:
        raise ValueError("related_limit: must be at least 1")
    if max_chars < 1:
        raise ValueError("max_chars: must be at least 1")
    view = await _find(session, graph, reference, organization_ids, hidden_types)
    return await document_content(
        graph,
        view,
        organization_ids=organization_ids,
        max_chars=max_chars,
        related_limit=related_limit,
        hidden_types=hidden_types,
    )


async def document_content(
    graph: GraphStore,
    view: DocumentView,
    *,
    organization_ids: Collection[int] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    related_limit: int = DEFAULT_RELATED_LIMIT,
    hidden_types: Collection[str] = (),
) -> DocumentContent:
    """A document already found (by id, by the caller's scope), clipped to ``max_chars``,
    with its related records: what :func:`read_document` returns once it has found it.

    Args:
        graph: the graph backend (related records).
        view: the document, read within the caller's scope.
        organization_ids, max_chars, related_limit, hidden_types: as :func:`read_document`.

    Raises:
        ValueError: ``max_chars`` or ``related_limit`` below 1.
    """
    if related_limit < 1:
        raise ValueError("related_limit: must be at least 1")
    sections, truncated = clip_sections(view.sections, max_chars)
    ref = RecordRef("documents", view.id)
    subgraph = await graph.expand(
        ref, depth=1, limit=related_limit, organization_ids=organization_ids
    )
    related = [
        RelatedRecord(
            record=source_of_node(subgraph.nodes[edge.target]),
            archived=subgraph.nodes[edge.target].archived,
            relation=edge.relation,
            notes=edge.notes,
        )
        for edge in subgraph.edges
        if edge.source == ref and edge.target.record_type not in hidden_types
    ]
    return DocumentContent(
        document=document_source(view),
        document_folder_id=view.document_folder_id,
        public=view.public,
        restricted=view.restricted,
        published=view.published,
        archived=view.archived,
        sections=sections,
        content_chars=sum(_size(section) for section in view.sections),
        max_chars=max_chars,
        truncated=truncated,
        related=related,
        related_truncated=subgraph.truncated,
    )
