"""``parse_scope``: ``@organization`` notations, positions, e-mail addresses and bad input."""

from __future__ import annotations

import pytest

from itglue_mcp.query.scope import MAX_QUESTION_LENGTH, ScopedQuestion, parse_scope

SCOPES = [
    # (question, organization_ref, remaining text)
    ("what's the firewall IP at @Acme", "Acme", "what's the firewall IP"),
    ("what's the firewall IP at @Acme?", "Acme", "what's the firewall IP?"),
    ("@Northwind how do we reset the Sophos VPN", "Northwind", "how do we reset the Sophos VPN"),
    ("@Northwind: how do we reset the Sophos VPN", "Northwind", "how do we reset the Sophos VPN"),
    ("@Northwind, who is the primary contact", "Northwind", "who is the primary contact"),
    ("password for @acme firewall", "acme", "password for firewall"),
    ('printers on floor 2 @"Acme Corp"', "Acme Corp", "printers on floor 2"),
    ("@'Acme Corp' printers on floor 2", "Acme Corp", "printers on floor 2"),
    (
        "@[Kessler & Boyd LLP] who is the primary contact",
        "Kessler & Boyd LLP",
        "who is the primary contact",
    ),
    ("@\u201cHarborview Dental\u201d fax number", "Harborview Dental", "fax number"),
    ('@"  Acme   Corp " DC01', "Acme Corp", "DC01"),
    ("@Acme's firewall IP", "Acme", "firewall IP"),
    ("firewall IP for @Acme.", "Acme", "firewall IP"),
    ("what depends on DC01 in @NW!", "NW", "what depends on DC01!"),
    ("the VPN at @Acme, and the DC", "Acme", "the VPN, and the DC"),
    ("@acme-corp DC01", "acme-corp", "DC01"),
    ("@Kessler&Boyd DC01", "Kessler&Boyd", "DC01"),
    ("@Société DC01", "Société", "DC01"),
    ("@12345 DC01", "12345", "DC01"),
    ("@Acme", "Acme", ""),
    ("DC01 @acme   and   @ACME", "acme", "DC01 and"),
    # No scope: e-mail addresses, a lone "@", plain text.
    ("mail bob@acme.com about the VPN", None, "mail bob@acme.com about the VPN"),
    ("is j.doe+it@northwind.com a contact", None, "is j.doe+it@northwind.com a contact"),
    ("meet @ 10am about the DC", None, "meet @ 10am about the DC"),
    ("  how   do we reset the VPN  ", None, "how do we reset the VPN"),
    ("mail bob@acme.com at @Northwind", "Northwind", "mail bob@acme.com"),
]


@pytest.mark.parametrize(("question", "ref", "text"), SCOPES)
def test_parse_scope(question: str, ref: str | None, text: str) -> None:
    assert parse_scope(question) == ScopedQuestion(organization_ref=ref, text=text)


@pytest.mark.parametrize(
    ("question", "fragments"),
    [
        ("", ["question", "empty"]),
        ("   \n\t ", ["question", "empty"]),
        ("x" * (MAX_QUESTION_LENGTH + 1), ["question", str(MAX_QUESTION_LENGTH)]),
        ("@Acme and @Northwind firewall", ["organization", "'Acme'", "'Northwind'"]),
        (
            '@"Acme Corp" vs @[Acme Manufacturing]',
            ["organization", "Acme Corp", "Acme Manufacturing"],
        ),
        ('@"" firewall', ["organization", "empty"]),
        ("@[ ] firewall", ["organization", "empty"]),
        ('@"Acme Corp firewall', ["organization", "closed"]),
    ],
)
def test_parse_scope_rejects(question: str, fragments: list[str]) -> None:
    with pytest.raises(ValueError) as raised:
        parse_scope(question)
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_question_at_the_limit_is_accepted() -> None:
    question = "a" * (MAX_QUESTION_LENGTH - 6) + " @Acme"
    assert parse_scope(question).organization_ref == "Acme"
