"""Read side of IT Glue documents: a document with its content as plain-text sections.

IT Glue stores a document's content as a list of blocks ``{"kind", "html", …}`` (``Heading``,
``Text``, ``Step``, ``Gallery``; IT Glue API facts: documents). Readers want text in order,
under its headings, so :func:`document_sections` turns the blocks into
:class:`DocumentSection` values: a heading (a Heading block, or an ``<h1>`` to ``<h6>`` inside a
block) starts a section; paragraphs, list items and table rows become lines; Step blocks are
numbered through the document as IT Glue numbers them on screen; a Gallery becomes an
``Image: <caption>`` line. The HTML is parsed with the standard library's
:class:`html.parser.HTMLParser` (entities decoded, scripts and styles dropped).

Example::

    document = await get_document(session, 5530012, organization_ids={2104807})
    for section in document.sections:
        print(section.heading, section.text)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.record_types import RecordType

__all__ = ["DocumentSection", "DocumentView", "document_sections", "get_document", "get_documents"]

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Tags that end a line of text: what a browser lays out as a block.
_LINE_BREAKS = frozenset(
    {"p", "div", "br", "li", "tr", "pre", "blockquote", "figcaption", "ul", "ol", "table", "hr"}
)
_SKIPPED = frozenset({"script", "style", "template"})


@dataclass(frozen=True, slots=True)
class DocumentSection:
    """Text under one heading; ``heading`` is ``None`` for text before the first heading."""

    heading: str | None
    text: str


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


class _BlockParser(HTMLParser):
    """Splits an HTML fragment into ``("heading" | "line", text)`` items in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str]] = []
        self._words: list[str] = []
        self._prefixes: list[str] = []
        self._lists: list[list[int]] = []  # per open list: [ordered (0/1), next number]
        self._skipping = 0
        self._cells = 0
        self._image: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _HEADINGS or tag in _LINE_BREAKS:
            self._flush()
            if tag in ("ul", "ol"):
                self._lists.append([int(tag == "ol"), 1])
            elif tag == "li":
                self._prefixes.append(self._bullet())
            elif tag == "tr":
                self._cells = 0
        elif tag in ("td", "th"):
            if self._cells:
                self._words.append("|")
            self._cells += 1
        elif tag == "img":
            alt = dict(attrs).get("alt")
            self._image = alt.strip() if alt else None

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _HEADINGS:
            self._flush(kind="heading")
        elif tag in _LINE_BREAKS:
            self._flush()
            if tag in ("ul", "ol") and self._lists:
                self._lists.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._words.extend(data.split())

    def _bullet(self) -> str:
        if not self._lists:
            return "- "
        ordered, number = self._lists[-1]
        if not ordered:
            return "- "
        self._lists[-1][1] += 1
        return f"{number}. "

    def _flush(self, kind: str = "line") -> None:
        text = " ".join(self._words)
        prefix = "".join(self._prefixes)
        self._words, self._prefixes = [], []
        if text:
            self.items.append((kind, prefix + text))

    def finish(self) -> list[tuple[str, str]]:
        """Close the parser and return the items; an image with no caption gives its alt."""
        self.close()
        self._flush()
        if self._image and not any(kind == "line" for kind, _ in self.items):
            self.items.append(("line", self._image))
        return self.items


def _items(html: str) -> list[tuple[str, str]]:
    parser = _BlockParser()
    parser.feed(html)
    return parser.finish()


def document_sections(content: Sequence[Mapping[str, Any]] | None) -> tuple[DocumentSection, ...]:
    """The plain-text sections of a document's content blocks.

    Args:
        content: IT Glue's list of blocks ``{"kind": "Text", "html": "<p>…</p>", …}``;
            blocks without HTML, and anything that is not a block, are skipped.

    Returns:
        Sections in order. A Step block's first line is prefixed with its number (``3. ``)
        and its other lines indented; a Gallery's lines with ``Image: ``.
    """
    sections: list[tuple[str | None, list[str]]] = []
    step = 0
    for block in content or ():
        if not isinstance(block, Mapping) or not isinstance(block.get("html"), str):
            continue
        kind = str(block.get("kind") or "Text")
        if kind == "Step":
            step += 1
        lines_so_far = 0
        for item_kind, text in _items(block["html"]):
            if item_kind == "heading" or kind == "Heading":
                sections.append((text, []))
                continue
            if kind == "Step":
                text = f"{step}. {text}" if lines_so_far == 0 else f"   {text}"
            elif kind == "Gallery":
                text = f"Image: {text}"
            lines_so_far += 1
            if not sections:
                sections.append((None, []))
            sections[-1][1].append(text)
    return tuple(DocumentSection(heading, "\n".join(lines)) for heading, lines in sections)


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
