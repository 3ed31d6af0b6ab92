"""The passages of a record worth quoting for a question: whole if short, else the best parts.

A document arrives as its sections (heading + text, from ``catalog.documents``); any other
record as its searchable text cut into pieces of about :data:`PIECE_CHARS` characters on
sentence boundaries. :func:`select_passages` keeps everything when it fits the budget,
otherwise the passages that contain the most of the question's content words (ties: earlier
first), returned in reading order so the quote reads as the record does. When no passage
contains any of the words (a record found by meaning alone) the record's beginning is quoted.

Example::

    passages = select_passages(split_text(body), ("reset", "vpn"), budget=1200)
    text = "\\n\\n".join(passage.quoted for passage in passages)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from itglue_mcp.index.chunking import chunk_text
from itglue_mcp.query.matching import matched_words

__all__ = ["PIECE_CHARS", "Passage", "clip", "select_passages", "split_text"]

PIECE_CHARS = 500
"""Length of the pieces a record's flat text is cut into, in characters."""


@dataclass(frozen=True, slots=True)
class Passage:
    """A quotable part of a record: a document section or a piece of its text."""

    heading: str | None
    text: str

    @property
    def quoted(self) -> str:
        """The heading on its own line above the text, when there is one."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def split_text(text: str, *, piece_chars: int = PIECE_CHARS) -> list[Passage]:
    """``text`` as pieces of at most ``piece_chars`` characters, cut between sentences."""
    return [
        Passage(None, piece) for piece in chunk_text(text, max_chars=piece_chars, overlap_chars=0)
    ]


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def select_passages(
    passages: Sequence[Passage], words: Iterable[str], *, budget: int
) -> list[Passage]:
    """The passages to quote, in reading order, at most ``budget`` characters of text in all.

    Args:
        passages: the record's passages in reading order.
        words: the question's content words.
        budget: most characters quoted (headings not counted), at least 1.

    Returns:
        All passages when they fit; else those containing any of the words, most words
        first, until the budget is spent (a passage longer than what is left is clipped if it
        is the first chosen, skipped otherwise), put back in reading order; when none
        contains a word, the first passages.

    Raises:
        ValueError: ``budget`` is below 1.
    """
    if budget < 1:
        raise ValueError("budget: must be at least 1")
    present = [passage for passage in passages if passage.text.strip()]
    if sum(len(passage.text) for passage in present) <= budget:
        return present
    wanted = tuple(words)
    scored = [
        (len(matched_words(wanted, passage.quoted)), position)
        for position, passage in enumerate(present)
    ]
    if not any(score for score, _ in scored):
        order = list(range(len(present)))
    else:
        ranked = sorted(scored, key=lambda item: (-item[0], item[1]))
        order = [position for score, position in ranked if score]
    chosen: dict[int, Passage] = {}
    left = budget
    for position in order:
        passage = present[position]
        if len(passage.text) <= left:
            chosen[position] = passage
            left -= len(passage.text)
        elif not chosen:
            chosen[position] = Passage(passage.heading, clip(passage.text, left))
            left = 0
        if left <= 0:
            break
    return [chosen[position] for position in sorted(chosen)]
