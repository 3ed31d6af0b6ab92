"""The organization directory's name search: substrings first, then tolerant of misspellings,
within the organizations a caller may read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from itglue_mcp.catalog.organizations import DirectorySnapshot, OrganizationView


def _view(id_: int, name: str, short_name: str | None = None) -> OrganizationView:
    return OrganizationView(
        id=id_, name=name, short_name=short_name, description=None,
        organization_type_name=None, organization_status_name="Active", primary=False,
        parent_id=None, quick_notes=None, alert=None, archived=False,
        resource_url=None, updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip


ACME = _view(1, "Acme Corporation", "ACME")
NW = _view(2, "Northwind Traders", "NW")
NWL = _view(3, "Northwind Logistics", "NWL")
RP = _view(4, "Rosewood Pharmacy", "RP")
SNAPSHOT = DirectorySnapshot(generation=1, organizations=(ACME, NWL, NW, RP))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("north", [NWL, NW]),  # a part of the name: every name containing it, in order
        ("PHARMACY", [RP]),
        ("Northwind Trader", [NW]),
        # One letter missing, changed or swapped: the organization the matcher finds.
        ("Northwnd Traders", [NW]),
        ("Rosewod Pharmacy", [RP]),
        ("Rosewod", [RP]),
        ("Acme Coporation", [ACME]),
        # A misspelling two names share: both.
        ("Nortwind", [NWL, NW]),
        ("Globex", []),
    ],
)
def test_search_finds_names_despite_a_typo(text: str, expected: list[OrganizationView]) -> None:
    assert SNAPSHOT.search(text, readable=None) == expected


def test_search_names_only_readable_organizations() -> None:
    assert SNAPSHOT.search("Nortwind", readable={NW.id, ACME.id}) == [NW]
    assert SNAPSHOT.search("Rosewod Pharmacy", readable={NW.id}) == []
    assert SNAPSHOT.search("north", readable={ACME.id}) == []
