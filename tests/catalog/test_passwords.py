"""Password metadata read from a synced store: by name, id and configuration, never a value."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.passwords import PasswordView, find_passwords, get_passwords
from tests.store.test_network import records

Sessions = async_sessionmaker[AsyncSession]


def _password(directory: Path, name: str) -> dict[str, Any]:
    return next(p for p in records(directory, "passwords") if p["attributes"]["name"] == name)


async def test_a_password_by_name_names_what_it_belongs_to(
    synced: Sessions, dataset_dir: Path
) -> None:
    expected = _password(dataset_dir, "ACME-FW01 - Admin GUI")["attributes"]
    async with synced() as session:
        found = await find_passwords(session, name="acme-fw01 - admin gui")
        partial = await find_passwords(session, name="FW01 - Admin", limit=50)
    assert found[0].name == "ACME-FW01 - Admin GUI"
    first = found[0]
    assert first.username == expected["username"]
    assert first.url == expected["url"]
    assert first.password_category_name == expected["password-category-name"]
    assert first.resource_url == expected["resource-url"]
    assert first.organization_name == expected["organization-name"]
    assert first.linked is not None
    assert (first.linked.record_type, first.linked.id) == (
        "configurations",
        expected["resource-id"],
    )
    assert first.linked.name == expected["cached-resource-name"] == "ACME-FW01"
    assert first.linked.resource_url and first.linked.resource_url.endswith(
        f"/configurations/{expected['resource-id']}"
    )
    assert {view.name for view in partial} == {
        p["attributes"]["name"]
        for p in records(dataset_dir, "passwords")
        if "fw01 - admin" in p["attributes"]["name"].lower()
    }


async def test_exact_names_come_first_and_archived_ones_last(
    synced: Sessions, dataset_dir: Path
) -> None:
    async with synced() as session:
        views = await find_passwords(session, name="admin", limit=1000)

    def tier(name: str) -> int:
        return 0 if name == "admin" else 1 if name.startswith("admin") else 2

    keys = [(tier((view.name or "").lower()), view.archived) for view in views]
    assert keys == sorted(keys)
    expected = [
        p for p in records(dataset_dir, "passwords") if "admin" in p["attributes"]["name"].lower()
    ]
    assert len(views) == len(expected)
    assert set(keys) >= {(2, False), (2, True)}


async def test_passwords_of_a_configuration_within_organizations(
    synced: Sessions, dataset_dir: Path
) -> None:
    firewall = next(
        c for c in records(dataset_dir, "configurations") if c["attributes"]["name"] == "ACME-FW01"
    )
    acme = firewall["attributes"]["organization-id"]
    expected = {
        int(p["id"])
        for p in records(dataset_dir, "passwords")
        if p["attributes"]["resource-type"] == "Configuration"
        and p["attributes"]["resource-id"] == int(firewall["id"])
    }
    async with synced() as session:
        own = await find_passwords(session, configuration_ids=[int(firewall["id"])])
        elsewhere = await find_passwords(
            session, configuration_ids=[int(firewall["id"])], organization_ids={acme + 1}
        )
        named = await find_passwords(
            session, name="Admin GUI", configuration_ids=[int(firewall["id"])]
        )
        by_id = await get_passwords(session, [min(expected), 1], organization_ids={acme})
        with pytest.raises(ValueError, match="name or configuration_ids"):
            await find_passwords(session)
        with pytest.raises(ValueError, match="name"):
            await find_passwords(session, name="  ")
    assert {view.id for view in own} == expected and expected
    assert elsewhere == []
    assert [view.name for view in named] == ["ACME-FW01 - Admin GUI"]
    assert [view.id for view in by_id] == [min(expected)]


async def test_no_view_carries_a_password_value(synced: Sessions, dataset_dir: Path) -> None:
    secrets = {
        p["attributes"]["password"]
        for p in records(dataset_dir, "passwords")
        if p["attributes"].get("password")
    }
    assert secrets, "the dataset holds password values to look for"
    assert "password" not in {field.name for field in dataclasses.fields(PasswordView)}
    async with synced() as session:
        views = await find_passwords(session, name="-", limit=10_000)
        views += await find_passwords(session, name="a", limit=10_000)
    values = {str(value) for view in views for value in dataclasses.astuple(view)}
    assert len(views) > 100
    assert not values & secrets
