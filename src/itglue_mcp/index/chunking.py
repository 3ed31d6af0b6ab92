"""Splitting long record text into overlapping chunks that each fit the embedding model.

all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest, so a long IT Glue
document embedded whole would be represented by its first page only. Text is cut on paragraph
boundaries first, then sentence boundaries, then between words, and only a single word longer
than a chunk is cut inside. Each chunk after the first starts with the last units (sentences or
paragraphs) of the one before, up to ``overlap_chars``, so a passage cut at a boundary is still
found whole in one of the two chunks. Pure functions: the same text and limits always give the
same chunks, which is what makes content hashes stable between sync runs.

Example::

    chunks = chunk_text(document_body, max_chars=1000, overlap_chars=150)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["chunk_text"]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A sentence ends at . ! or ? followed by whitespace; abbreviations may split early, which
# only moves a boundary, never loses text.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Unit:
    """A piece of text never split further: a sentence, or a run of words of a long one."""

    text: str
    starts_paragraph: bool


def _join(units: list[_Unit]) -> str:
    parts: list[str] = []
    for position, unit in enumerate(units):
        if position:
            parts.append("\n\n" if unit.starts_paragraph else " ")
        parts.append(unit.text)
    return "".join(parts)


def _joined_length(units: list[_Unit]) -> int:
    separators = sum(2 if unit.starts_paragraph else 1 for unit in units[1:])
    return sum(len(unit.text) for unit in units) + separators


def _word_runs(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than ``max_chars`` as runs of whole words (hard cuts inside a word)."""
    runs: list[str] = []
    current = ""
    for word in sentence.split(" "):
        pieces = [word[start : start + max_chars] for start in range(0, len(word), max_chars)]
        for piece in pieces:
            if not current:
                current = piece
            elif len(current) + 1 + len(piece) <= max_chars:
                current = f"{current} {piece}"
            else:
                runs.append(current)
                current = piece
    if current:
        runs.append(current)
    return runs


def _units(text: str, max_chars: int) -> list[_Unit]:
    units: list[_Unit] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        first = True
        for raw_sentence in _SENTENCE_END.split(paragraph):
            sentence = _WHITESPACE.sub(" ", raw_sentence).strip()
            if not sentence:
                continue
            for run in _word_runs(sentence, max_chars):
                units.append(_Unit(run, starts_paragraph=first))
                first = False
    return units


def _overlap_tail(units: list[_Unit], overlap_chars: int) -> list[_Unit]:
    """The longest suffix of ``units`` whose joined text is at most ``overlap_chars`` long."""
    tail: list[_Unit] = []
    for unit in reversed(units):
        candidate = [unit, *tail]
        if _joined_length(candidate) > overlap_chars:
            break
        tail = candidate
    return tail


def chunk_text(text: str, *, max_chars: int, overlap_chars: int) -> list[str]:
    """Split ``text`` into chunks of at most ``max_chars`` characters that overlap.

    Whitespace inside a sentence is collapsed to single spaces; paragraphs (blank-line
    separated) are kept apart by a blank line inside a chunk.

    Args:
        text: plain text (HTML already reduced to text), any length.
        max_chars: longest chunk, in characters (> 0).
        overlap_chars: at most this many characters of whole sentences from the end of a chunk
            are repeated at the start of the next; a final sentence longer than this is not
            repeated. Must be smaller than ``max_chars``.

    Returns:
        The chunks in reading order, none empty; ``[]`` when ``text`` has no visible
        characters, a single chunk when it fits in ``max_chars``.

    Raises:
        ValueError: ``max_chars`` is not positive or ``overlap_chars`` is not in
            ``[0, max_chars)``.
    """
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    if not 0 <= overlap_chars < max_chars:
        raise ValueError(f"overlap_chars must be in [0, {max_chars}), got {overlap_chars}")
    chunks: list[str] = []
    current: list[_Unit] = []
    for unit in _units(text, max_chars):
        if current and _joined_length([*current, unit]) > max_chars:
            chunks.append(_join(current))
            current = _overlap_tail(current, overlap_chars)
            while current and _joined_length([*current, unit]) > max_chars:
                current.pop(0)
        current.append(unit)
    if current:
        chunks.append(_join(current))
    return chunks
