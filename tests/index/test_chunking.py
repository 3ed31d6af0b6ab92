from __future__ import annotations

import re
from itertools import pairwise

import pytest

from itglue_mcp.index import chunk_text


def _sentences(count: int) -> list[str]:
    return [f"Sentence number {n} talks about the firewall rule {n * 7}." for n in range(count)]


def test_short_text_is_one_chunk_with_whitespace_collapsed() -> None:
    assert chunk_text("  Reset the  VPN.\n Then log in. ", max_chars=200, overlap_chars=20) == [
        "Reset the VPN. Then log in."
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n"])
def test_blank_text_has_no_chunks(text: str) -> None:
    assert chunk_text(text, max_chars=100, overlap_chars=10) == []


def test_chunks_fit_are_not_empty_and_cover_every_sentence() -> None:
    sentences = _sentences(60)
    chunks = chunk_text(" ".join(sentences), max_chars=300, overlap_chars=80)
    assert len(chunks) > 5
    assert all(0 < len(chunk) <= 300 for chunk in chunks)
    for sentence in sentences:
        assert any(sentence in chunk for chunk in chunks), sentence


def test_chunks_end_on_sentence_boundaries() -> None:
    chunks = chunk_text(" ".join(_sentences(40)), max_chars=250, overlap_chars=60)
    assert all(chunk.endswith(".") and chunk[0].isupper() for chunk in chunks)


def test_consecutive_chunks_overlap_by_whole_sentences_within_the_limit() -> None:
    chunks = chunk_text(" ".join(_sentences(40)), max_chars=250, overlap_chars=120)
    for previous, current in pairwise(chunks):
        first_sentence = re.match(r"[^.]*\.", current)
        assert first_sentence is not None
        assert first_sentence.group(0) in previous
        shared = next(
            len(current[:end])
            for end in range(len(current), 0, -1)
            if previous.endswith(current[:end])
        )
        assert 0 < shared <= 120


def test_no_overlap_when_asked_for_none() -> None:
    chunks = chunk_text(" ".join(_sentences(30)), max_chars=200, overlap_chars=0)
    joined = " ".join(chunks)
    assert all(joined.count(sentence) == 1 for sentence in _sentences(30))


def test_paragraphs_are_kept_apart_and_preferred_as_boundaries() -> None:
    text = "First paragraph one. First paragraph two.\n\nSecond paragraph one."
    assert chunk_text(text, max_chars=200, overlap_chars=0) == [
        "First paragraph one. First paragraph two.\n\nSecond paragraph one."
    ]
    assert chunk_text(text, max_chars=45, overlap_chars=0) == [
        "First paragraph one. First paragraph two.",
        "Second paragraph one.",
    ]


def test_long_sentence_is_cut_between_words_and_a_long_word_inside() -> None:
    words = " ".join(f"word{n:03d}" for n in range(100))
    chunks = chunk_text(words + " " + "x" * 250, max_chars=100, overlap_chars=0)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert all(re.fullmatch(r"(word\d{3} ?)+", chunk) for chunk in chunks[:7])
    assert "".join(chunk for chunk in chunks if chunk.startswith("x")).count("x") == 250


def test_deterministic() -> None:
    text = "\n\n".join(" ".join(_sentences(n)) for n in range(1, 12))
    assert chunk_text(text, max_chars=333, overlap_chars=90) == chunk_text(
        text, max_chars=333, overlap_chars=90
    )


@pytest.mark.parametrize(("max_chars", "overlap_chars"), [(0, 0), (100, 100), (100, -1)])
def test_refuses_inconsistent_limits(max_chars: int, overlap_chars: int) -> None:
    with pytest.raises(ValueError, match="chars"):
        chunk_text("text", max_chars=max_chars, overlap_chars=overlap_chars)
