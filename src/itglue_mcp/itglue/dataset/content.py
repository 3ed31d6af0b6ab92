"""Document content blocks and the :class:`Draft` a document template returns.

A document's ``content`` attribute is a list of blocks ``{"kind": ..., "html": ...}`` where
``kind`` is ``Heading``, ``Text``, ``Step`` or ``Gallery`` and ``html`` is an HTML fragment
(text is escaped here, so templates pass plain strings)::

    Draft("Password reset", "Runbooks", [heading("Steps"), step("Verify", "Call the user back.")])
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from itglue_mcp.itglue.dataset.records import BASE_URL, Record

__all__ = ["Draft", "bullets", "gallery", "heading", "step", "text"]

Block = dict[str, str]


@dataclass
class Draft:
    """A document before it gets an id and dates.

    Attributes:
        name: document name, unique within the organization.
        folder: document folder name, ``None`` for a root-level document.
        blocks: the content blocks.
        refs: records the document mentions; each becomes a related item.
        restricted: only some IT Glue users may open it.
        published: ``False`` for a draft.
        archived: soft-deleted.
        public: shared with the client's MyGlue users.
    """

    name: str
    folder: str | None
    blocks: list[Block]
    refs: list[Record] = field(default_factory=list)
    restricted: bool = False
    published: bool = True
    archived: bool = False
    public: bool = False


def heading(title: str) -> Block:
    """A ``Heading`` block."""
    return {"kind": "Heading", "html": f"<h2>{html.escape(title)}</h2>"}


def text(*paragraphs: str) -> Block:
    """A ``Text`` block of one or more paragraphs."""
    return {"kind": "Text", "html": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)}


def bullets(intro: str, items: list[str]) -> Block:
    """A ``Text`` block: a lead paragraph and a bulleted list."""
    listed = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return {"kind": "Text", "html": f"<p>{html.escape(intro)}</p><ul>{listed}</ul>"}


def step(title: str, detail: str) -> Block:
    """A ``Step`` block: a bold title and its instructions."""
    return {
        "kind": "Step",
        "html": f"<p><strong>{html.escape(title)}</strong></p><p>{html.escape(detail)}</p>",
    }


def gallery(caption: str, attachment_id: int) -> Block:
    """A ``Gallery`` block showing one screenshot attachment."""
    src = f"{BASE_URL}/attachments/{attachment_id}"
    alt = html.escape(caption, quote=True)
    return {
        "kind": "Gallery",
        "html": f'<figure><img src="{src}" alt="{alt}"><figcaption>{alt}</figcaption></figure>',
    }
