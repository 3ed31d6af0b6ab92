"""Contacts and locations read from a synced store, checked against the dataset files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog import ReadScope
from itglue_mcp.catalog.organizations import OrganizationDirectory
from itglue_mcp.catalog.people import ContactPoint, find_contacts, find_locations, list_locations
from tests.statements import recorded_statements
from tests.store.test_network import records

Sessions = async_sessionmaker[AsyncSession]


def _acme(directory: Path) -> int:
    return next(
        int(o["id"])
        for o in records(directory, "organizations")
        if o["attributes"]["name"] == "Acme Corporation"
    )


def _of(directory: Path, name: str, organization_id: int) -> list[dict[str, Any]]:
    return [
        r["attributes"] | {"id": int(r["id"])}
        for r in records(directory, name)
        if r["attributes"]["organization-id"] == organization_id
    ]


async def test_important_contacts_are_the_ones_to_call(synced: Sessions, dataset_dir: Path) -> None:
    acme = _acme(dataset_dir)
    expected = {c["id"]: c for c in _of(dataset_dir, "contacts", acme) if c["important"]}
    async with synced() as session:
        important = await find_contacts(session, important=True, organization_ids={acme})
        everyone = await find_contacts(session, organization_ids={acme}, limit=1000)
    assert {view.id for view in important} == set(expected) and expected
    for view in important:
        contact = expected[view.id]
        assert (view.name, view.title, view.contact_type_name) == (
            contact["name"],
            contact["title"],
            contact["contact-type-name"],
        )
        assert view.emails[0] == ContactPoint(
            contact["contact-emails"][0]["value"], "Work", True, None
        )
        assert [p.value for p in view.phones] == [
            p["value"] for p in sorted(contact["contact-phones"], key=lambda p: not p["primary"])
        ]
        assert view.resource_url == contact["resource-url"]
        assert view.organization_name == "Acme Corporation"
    assert len(everyone) == len(_of(dataset_dir, "contacts", acme))
    assert [view.important for view in everyone[: len(expected)]] == [True] * len(expected)


async def test_contacts_by_role_and_name(synced: Sessions, dataset_dir: Path) -> None:
    acme = _acme(dataset_dir)
    contacts = _of(dataset_dir, "contacts", acme)
    vendors = {c["id"] for c in contacts if c["contact-type-name"] == "Vendor"}
    someone = contacts[0]
    async with synced() as session:
        by_type = await find_contacts(session, role="vendor", organization_ids={acme}, limit=100)
        [it] = await find_contacts(session, role="IT Contact", organization_ids={acme})
        by_name = await find_contacts(
            session, name=someone["name"].upper(), organization_ids={acme}
        )
        not_important = await find_contacts(
            session, important=False, organization_ids={acme}, limit=1000
        )
        with pytest.raises(ValueError, match="role"):
            await find_contacts(session, role=" ")
    assert {view.id for view in by_type} == vendors and vendors
    assert it.important is True
    assert by_name[0].name == someone["name"]
    assert not any(view.important for view in not_important)
    assert len(not_important) == sum(1 for c in contacts if not c["important"])


async def test_locations_primary_first(synced: Sessions, dataset_dir: Path) -> None:
    acme = _acme(dataset_dir)
    expected = _of(dataset_dir, "locations", acme)
    primary = next(loc for loc in expected if loc["primary"])
    others = {int(o["id"]) for o in records(dataset_dir, "organizations")} - {acme}
    async with synced() as session:
        found = await find_locations(session, organization_ids={acme})
        [only] = await find_locations(session, primary=True, organization_ids={acme})
        by_city = await find_locations(session, name=primary["city"].lower())
        elsewhere = await find_locations(session, organization_ids=others)
    assert found[0].id == primary["id"]
    assert {view.id for view in found} == {loc["id"] for loc in expected}
    assert (only.name, only.address_1, only.city, only.postal_code, only.phone) == (
        primary["name"],
        primary["address-1"],
        primary["city"],
        primary["postal-code"],
        primary["phone"],
    )
    assert primary["id"] in {view.id for view in by_city}
    assert {view.organization_id for view in elsewhere} == others


async def test_location_counts_take_the_same_few_queries_for_any_number_of_locations(
    synced: Sessions, dataset_dir: Path
) -> None:
    """One query for the page, one for the total when the page is full, and one grouped count
    per record type: never one per location."""
    locations = records(dataset_dir, "locations")
    configurations = Counter(
        c["attributes"]["location-id"] for c in records(dataset_dir, "configurations")
    )
    contacts = Counter(c["attributes"]["location-id"] for c in records(dataset_dir, "contacts"))
    async with synced() as session:
        directory = await OrganizationDirectory(synced).snapshot(session)
        runs = []
        for organization, limit in ((None, 200), (_acme(dataset_dir), 200), (None, 2)):
            scope = ReadScope.build(
                directory,
                subject="test",
                readable=None,
                hidden_record_types=(),
                organization=None if organization is None else str(organization),
            )
            with recorded_statements(session) as statements:
                listing = await list_locations(session, scope, limit=limit)
            runs.append((listing, len(statements)))
        hidden = ReadScope.build(
            directory, subject="test", readable=None, hidden_record_types=("contacts",)
        )
        with recorded_statements(session) as statements:
            without_contacts = await list_locations(session, hidden, limit=200)
        hidden_run = len(statements)

    (every, every_queries), (acme, acme_queries), (page, page_queries) = runs
    assert len(every.locations) == every.total == len(locations) > len(acme.locations) > 1
    assert every_queries == acme_queries == 3 and page_queries == 4
    assert (len(page.locations), page.total) == (2, len(locations))
    assert every.configurations == {k: n for k, n in configurations.items() if k is not None}
    assert every.contacts == {k: n for k, n in contacts.items() if k is not None}
    assert without_contacts.contacts is None and hidden_run == 2
