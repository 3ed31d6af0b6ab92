"""Clipping a document's sections to a character budget, with the cut stated."""

from __future__ import annotations

import pytest

from itglue_mcp.query.documents import clip_sections
from itglue_mcp.richtext import DocumentSection

SECTIONS = (
    DocumentSection(None, "Intro text."),  # 11 characters
    DocumentSection("Steps", "1. Sign in to the firewall\n2. Find the user"),  # 5 + 43
    DocumentSection("Notes", "Escalate if it fails."),
)


def test_everything_fits() -> None:
    kept, truncated = clip_sections(SECTIONS, 1000)

    assert [(s.heading, s.text) for s in kept] == [(s.heading, s.text) for s in SECTIONS]
    assert not truncated


def test_the_crossing_section_is_cut_at_a_space_and_marked() -> None:
    kept, truncated = clip_sections(SECTIONS, 11 + 5 + 20)

    assert truncated
    assert [s.heading for s in kept] == [None, "Steps"]
    assert kept[1].text == "1. Sign in to the …"
    assert len(kept[0].text) + len("Steps") + len(kept[1].text.removesuffix(" …")) <= 36


def test_a_budget_ending_on_a_boundary_drops_the_rest() -> None:
    kept, truncated = clip_sections(SECTIONS, 11)

    assert [s.text for s in kept] == ["Intro text."]
    assert truncated


def test_max_chars_must_be_positive() -> None:
    with pytest.raises(ValueError, match=r"^max_chars:"):
        clip_sections(SECTIONS, 0)
