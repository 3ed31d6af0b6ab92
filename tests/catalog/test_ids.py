"""``parse_id``: only ASCII digits within a signed 64-bit column are an IT Glue id."""

from __future__ import annotations

import pytest

from itglue_mcp.catalog.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2104801", 2104801),
        (" 7 ", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("99999999999999999999999", None),
        ("0", None),
        ("²", None),
        ("١٢٣", None),
        ("-5", None),
        ("", None),
        ("DC01", None),
    ],
)
def test_only_bounded_ascii_digits_are_an_id(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected
