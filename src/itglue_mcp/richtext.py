"""IT Glue rich text (HTML notes, document content blocks) as plain text for people and search.

IT Glue stores notes as HTML fragments and a document's content as a list of blocks
``{"kind", "html", …}`` (``Heading``, ``Text``, ``Step``, ``Gallery``; IT Glue API facts:
documents). :func:`html_to_text` gives the visible words of a fragment (for search text and
short notes); :func:`document_sections` gives a document's text in order, under its headings:
a heading (a Heading block, or an ``<h1>`` to ``<h6>`` inside a block) starts a section;
paragraphs, list items and table rows become lines; Step blocks are numbered through the
document as IT Glue numbers them on screen; a Gallery becomes an ``Image: <caption>`` line.
The HTML is parsed with the standard library's :class:`html.parser.HTMLParser` (entities
decoded, scripts and styles dropped). No other package is imported: the sync, the store and
the tools all read rich text the same way.

Example::

    html_to_text("<p>Call <b>Ops</b> first</p>")         # 'Call Ops first'
    [section.heading for section in document_sections(blocks)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

__all__ = ["DocumentSection", "document_sections", "html_to_text"]

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


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded), one line per block.

    Plain text (no ``<`` or ``&``) comes back stripped, unchanged otherwise.
    """
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    return "\n".join(text for _, text in _items(fragment))


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
