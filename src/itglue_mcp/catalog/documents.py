"""Documents: a document with its content as plain-text sections, and its citation.

IT Glue stores a document's content as a list of blocks ``{"kind", "html", …}``; views carry it
as :class:`~itglue_mcp.richtext.DocumentSection` values in reading order
(:func:`~itglue_mcp.richtext.document_sections`).

Example::

    document = await get_document(session, 5530012, organization_ids={2104807})
    for section in document.sections:
        print(section.heading, section.text)
    document_source(document).name
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.richtext import DocumentSection, document_sections
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.record_types import RecordType

__all__ = ["DocumentView", "document_source", "get_document", "get_documents"]


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document with its content as sections (never one marked deleted).

    Attributes:
        document_folder_id: its IT Glue document folder (``None`` at the root).
        public: shared with the client's MyGlue users.
        restricted: only some IT Glue users may open it.
        published: ``False`` for a draft.
        archived: IT Glue's soft delete.
        sections: the content, in order (empty when the document has none).
    """

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    document_folder_id: int | None
    public: bool | None
    restricted: bool | None
    published: bool | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None
    sections: tuple[DocumentSection, ...]


async def get_documents(
    session: AsyncSession,
    document_ids: Collection[int],
    *,
    organization_ids: Collection[int] | None = None,
) -> list[DocumentView]:
    """The documents among ``document_ids`` that exist, are not deleted and are in scope.

    Args:
        session: any session.
        document_ids: IT Glue document ids.
        organization_ids: only documents of these organizations (``None``: any).

    Returns:
        Views in the order of ``document_ids`` (unknown ids skipped).

    Raises:
        StoreError: the database failed.
    """
    wanted = list(dict.fromkeys(document_ids))
    if not wanted:
        return []
    table = RecordType.DOCUMENTS.table
    organizations = RecordType.ORGANIZATIONS.table
    statement = (
        select(
            table.c.id,
            table.c.organization_id,
            organizations.c.name.label("organization_name"),
            table.c.name,
            table.c.document_folder_id,
            table.c.public,
            table.c.restricted,
            table.c.published,
            table.c.archived,
            table.c.resource_url,
            table.c.updated_at,
            table.c.content,
        )
        .select_from(table.outerjoin(organizations, organizations.c.id == table.c.organization_id))
        .where(table.c.id.in_(wanted), table.c.deleted_at.is_(None))
    )
    if organization_ids is not None:
        statement = statement.where(table.c.organization_id.in_(list(organization_ids)))
    with translate_errors("read documents"):
        rows = {row.id: row for row in await session.execute(statement)}
    return [_view(rows[document_id]) for document_id in wanted if document_id in rows]


async def get_document(
    session: AsyncSession, document_id: int, *, organization_ids: Collection[int] | None = None
) -> DocumentView | None:
    """One document (see :func:`get_documents`), or ``None`` when it is not there or out of scope.

    Raises:
        StoreError: the database failed.
    """
    found = await get_documents(session, [document_id], organization_ids=organization_ids)
    return found[0] if found else None


def _view(row: Any) -> DocumentView:
    values = {name: getattr(row, name) for name in row._fields if name != "content"}
    return DocumentView(**values, sections=document_sections(row.content))


def document_source(view: DocumentView) -> SourceRecord:
    """The citation of a stored document."""
    return source_of("documents", view)
