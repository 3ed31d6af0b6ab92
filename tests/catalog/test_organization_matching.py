"""Organization matching: ids, folded names, word matches, typos, near-duplicates, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from itglue_mcp.catalog.errors import AmbiguousOrganization, OrganizationNotFound
from itglue_mcp.catalog.organization_matching import (
    FUZZY_ACCEPT,
    ExactNames,
    OrgCandidate,
    candidates_from_views,
    match_organizations,
    name_key,
    resolve_organization,
)
from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.store.queries import OrganizationView

ACME = OrgCandidate(101, "Acme Corporation", "ACME")
ACME_MFG = OrgCandidate(108, "Acme Manufacturing", "AMFG")
NW = OrgCandidate(102, "Northwind Traders", "NW")
NW_LOG = OrgCandidate(105, "Northwind Logistics", "NWL")
BRIGHTPATH = OrgCandidate(103, "BrightPath Technology Partners", "BP")
KESSLER = OrgCandidate(110, "Kessler & Boyd LLP", "KB")
HARBORVIEW = OrgCandidate(111, "Harborview Dental Group", "HDG")
CONTOSO = OrgCandidate(112, "Contoso Ltd", None)
SOCIETE = OrgCandidate(113, "Société Générale Conseil", "SGC")
SUMMIT = OrgCandidate(114, "Summit Ridge Medical", "SRM")

ALL = [ACME, NW, BRIGHTPATH, NW_LOG, ACME_MFG, KESSLER, HARBORVIEW, CONTOSO, SOCIETE, SUMMIT]
# The same account as typed by an MSP that never filled in short names.
NO_SHORT_NAMES = [OrgCandidate(o.id, o.name) for o in ALL]

RESOLVED = [
    # (ref, organizations, status, expected organization)
    ("101", ALL, "exact", ACME),
    ("  108 ", ALL, "exact", ACME_MFG),
    ("Acme Corporation", ALL, "exact", ACME),
    ("acme corporation", ALL, "exact", ACME),
    ("ACME", ALL, "exact", ACME),
    ("acme", ALL, "exact", ACME),
    ("nw", ALL, "exact", NW),
    ("NWL", ALL, "exact", NW_LOG),
    ("Kessler & Boyd LLP", ALL, "exact", KESSLER),
    ("kessler and boyd llp", ALL, "exact", KESSLER),
    ("KESSLER-BOYD-LLP", ALL, "exact", KESSLER),
    ("Bright Path Technology Partners", ALL, "exact", BRIGHTPATH),
    ("Societe Generale Conseil", ALL, "exact", SOCIETE),
    # Word or prefix of exactly one name; same name but for the legal form.
    ("Kessler & Boyd", ALL, "unique", KESSLER),
    ("kessler and boyd", ALL, "unique", KESSLER),
    ("KESSLER-BOYD", ALL, "unique", KESSLER),
    ("Boyd", ALL, "unique", KESSLER),
    ("harborview", ALL, "unique", HARBORVIEW),
    ("Harborview Dental", ALL, "unique", HARBORVIEW),
    ("dental", ALL, "unique", HARBORVIEW),
    ("northwind trad", ALL, "unique", NW),
    ("Acme Corp", ALL, "unique", ACME),
    ("Acme Manuf", ALL, "unique", ACME_MFG),
    ("Contoso", ALL, "unique", CONTOSO),
    ("société générale", ALL, "unique", SOCIETE),
    ("brightpath", ALL, "unique", BRIGHTPATH),
    # Typos.
    ("Nortwind Traders", ALL, "fuzzy", NW),
    ("harbourview dental", ALL, "fuzzy", HARBORVIEW),
    ("Acme Manufactoring", ALL, "fuzzy", ACME_MFG),
    ("kesler boyd", ALL, "fuzzy", KESSLER),
    ("contso", ALL, "fuzzy", CONTOSO),
    ("Nortwind Logistcs", ALL, "fuzzy", NW_LOG),
    ("Sumit Ridge", ALL, "fuzzy", SUMMIT),
]


@pytest.mark.parametrize(("ref", "organizations", "status", "expected"), RESOLVED)
def test_resolves(
    ref: str, organizations: list[OrgCandidate], status: str, expected: OrgCandidate
) -> None:
    match = match_organizations(ref, organizations)
    assert (match.status, match.organization) == (status, expected)
    assert match.candidates[0].organization == expected
    assert resolve_organization(ref, organizations) == expected


# Two organizations whose names fold to the same key (a duplicate created by mistake).
TWINS = (OrgCandidate(200, "Northwind", None), OrgCandidate(201, "NORTH-WIND", None))

AMBIGUOUS = [
    # (ref, organizations, the organizations it could be)
    ("Northwind", ALL, {NW, NW_LOG}),
    ("north", ALL, {NW, NW_LOG}),
    ("Acme", NO_SHORT_NAMES, {ACME, ACME_MFG}),
    ("Acmee", ALL, {ACME, ACME_MFG}),
    # A misspelt first word, equally close to both names that begin with it.
    ("northwnd", ALL, {NW, NW_LOG}),
    ("Nortwind", ALL, {NW, NW_LOG}),
    ("northwind", [*ALL, *TWINS], set(TWINS)),
]


@pytest.mark.parametrize(("ref", "organizations", "expected"), AMBIGUOUS)
def test_ambiguous(
    ref: str, organizations: list[OrgCandidate], expected: set[OrgCandidate]
) -> None:
    match = match_organizations(ref, organizations)
    assert match.status == "ambiguous"
    assert match.organization is None
    expected_ids = {o.id for o in expected}
    assert {c.organization.id for c in match.candidates} == expected_ids
    with pytest.raises(AmbiguousOrganization) as raised:
        resolve_organization(ref, organizations)
    assert {o.id for o in raised.value.suggestions} == expected_ids
    message = str(raised.value)
    assert message.startswith("organization:")
    for organization in expected:
        assert organization.name in message
        assert f"id {organization.id}" in message


@pytest.mark.parametrize(
    "readable", [None, {ACME.id, NW.id, KESSLER.id}, {ACME_MFG.id, NW_LOG.id}, set()]
)
def test_exact_names_decide_ids_and_exact_names_as_the_matcher_does(
    readable: set[int] | None,
) -> None:
    # Every reference of these tables, the twins included, over the readable organizations:
    # the lookups decide exactly when the matcher's tier 1 or 2 does, and the same way.
    organizations = [*ALL, *TWINS]
    exact = ExactNames(organizations)
    visible = [o for o in organizations if readable is None or o.id in readable]
    refs = [row[0] for row in RESOLVED + AMBIGUOUS] + ["200", "999", "Globex", "  nw  "]
    decided = 0
    for ref in refs:
        expected = match_organizations(ref, visible) if visible else None
        found = exact.match(ref, readable)
        if found is None:
            assert expected is None or expected.status != "exact", ref
        else:
            decided += 1
            assert found == expected, ref
    assert decided > 0 or readable == set()


UNKNOWN = [
    # (ref, organizations, suggestions expected among the first ones)
    ("Globex", ALL, set()),
    ("zzz", ALL, set()),
    ("group", ALL, {HARBORVIEW}),
    ("inc", ALL, set()),
    ("Acme", [], set()),
]


@pytest.mark.parametrize(("ref", "organizations", "suggested"), UNKNOWN)
def test_unknown(ref: str, organizations: list[OrgCandidate], suggested: set[OrgCandidate]) -> None:
    match = match_organizations(ref, organizations)
    assert (match.status, match.organization) == ("unknown", None)
    assert suggested <= {c.organization for c in match.candidates}
    assert all(c.score < FUZZY_ACCEPT or ref == "group" for c in match.candidates)
    with pytest.raises(OrganizationNotFound) as raised:
        resolve_organization(ref, organizations)
    assert isinstance(raised.value, ItglueMcpError)
    assert raised.value.ref == ref
    message = str(raised.value)
    assert message.startswith("organization:")
    assert repr(ref) in message
    for organization in suggested:
        assert organization.name in message
    if not match.candidates:
        assert "close matches" not in message


def test_candidates_are_best_first_and_capped() -> None:
    many = [OrgCandidate(i, f"Northwind Branch {i}") for i in range(20)]
    match = match_organizations("Nortwind Branch", many)
    scores = [c.score for c in match.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(match.candidates) <= 5


def test_id_that_exists_nowhere_falls_back_to_names() -> None:
    numbered = [OrgCandidate(1, "1901 Partners"), ACME]
    assert match_organizations("1901", numbered).organization == numbered[0]
    assert match_organizations("999", [ACME]).status == "unknown"


@pytest.mark.parametrize("ref", ["", "   "])
def test_blank_reference_names_the_field(ref: str) -> None:
    with pytest.raises(ValueError, match="organization"):
        match_organizations(ref, ALL)
    with pytest.raises(ValueError, match="organization"):
        resolve_organization(ref, ALL)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Kessler & Boyd", "kessler and boyd"),
        ("Kessler & Boyd", "KESSLER-BOYD"),
        ("Société Générale", "societe generale"),
        ("BrightPath", "Bright Path"),
        ("A+B Networks", "a and b networks"),
    ],
)
def test_name_key_folds(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


def test_name_key_keeps_words_apart_that_differ() -> None:
    assert name_key("Kessler & Boyd LLP") != name_key("Kessler & Boyd")
    assert name_key("Northwind Traders") != name_key("Northwind Logistics")


def test_candidates_from_views() -> None:
    def view(id_: int, name: str | None, short_name: str | None) -> OrganizationView:
        return OrganizationView(
            id=id_, name=name, short_name=short_name, description=None,
            organization_type_name=None, organization_status_name="Active", primary=False,
            parent_id=None, quick_notes=None, alert=None, archived=False,
            resource_url=None, updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip

    candidates = candidates_from_views([view(1, "Acme Corporation", "ACME"), view(2, None, "")])
    assert candidates == [OrgCandidate(1, "Acme Corporation", "ACME"), OrgCandidate(2, "", None)]
    # A nameless organization is still reachable by id, and never matched by name.
    assert match_organizations("2", candidates).organization == candidates[1]
    assert match_organizations("acme", candidates).organization == candidates[0]
