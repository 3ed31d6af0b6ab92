"""Expiration windows around today, and the kinds a caller may name."""

from __future__ import annotations

from datetime import date

import pytest

from itglue_mcp.query.expirations import MAX_WINDOW_DAYS, expiration_window, parse_kind
from itglue_mcp.query.lexicon import EXPIRATION_KINDS
from itglue_mcp.store.expirations import ExpirationKind

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, (date(2026, 11, 21), date(2026, 12, 21))),
        ({"within_days": 0}, (TODAY, TODAY)),
        ({"within_days": 10, "include_expired": True}, (date(2026, 11, 11), date(2026, 12, 1))),
        ({"within_days": -7}, (date(2026, 11, 14), date(2026, 11, 20))),
        ({"within_days": -7, "include_expired": True}, (date(2026, 11, 14), date(2026, 11, 20))),
        ({"start": date(2027, 1, 1)}, (date(2027, 1, 1), None)),
        ({"start": TODAY, "end": TODAY}, (TODAY, TODAY)),
    ],
)
def test_windows(options: dict[str, object], expected: tuple[date | None, date | None]) -> None:
    assert expiration_window(TODAY, **options) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"within_days": MAX_WINDOW_DAYS + 1}, "within_days"),
        ({"within_days": 5, "end": TODAY}, "within_days"),
        ({"start": TODAY, "end": date(2026, 11, 1)}, "end"),
    ],
)
def test_bad_windows_name_the_field(options: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        expiration_window(TODAY, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("warranty", ExpirationKind.WARRANTY),
        ("Warranties", ExpirationKind.WARRANTY),
        ("SSL_certificate", ExpirationKind.SSL_CERTIFICATE),
        ("certs", ExpirationKind.SSL_CERTIFICATE),
        ("licence", ExpirationKind.LICENSE),
        ("Domain names", ExpirationKind.DOMAIN),
        ("other", ExpirationKind.OTHER),
    ],
)
def test_kinds_and_synonyms(text: str, kind: ExpirationKind) -> None:
    assert parse_kind(text) is kind


def test_every_kind_the_question_parser_names_is_understood() -> None:
    assert {parse_kind(kind) for kind in EXPIRATION_KINDS} == set(ExpirationKind) - {
        ExpirationKind.OTHER
    }


def test_an_unknown_kind_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"^kind: 'mortgage' is not one of warranty"):
        parse_kind("mortgage")
