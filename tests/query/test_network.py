"""IP lookups as grounded facts (query.network) over a synced store, and the kind rules."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.query.lexicon import CONFIGURATION_KINDS, configuration_kind
from itglue_mcp.query.network import KIND_RULES, configurations_of, find_addresses
from itglue_mcp.store.queries import ConfigurationView
from tests.store.test_network import interfaces_by_id, records

Sessions = async_sessionmaker[AsyncSession]


def _view(**values: object) -> ConfigurationView:
    fields = dict.fromkeys(ConfigurationView.__dataclass_fields__) | {
        "id": 1,
        "archived": False,
        "interfaces": (),
    }
    return ConfigurationView(**(fields | values))  # type: ignore[arg-type]


def test_every_kind_the_parser_knows_has_a_rule() -> None:
    assert set(KIND_RULES) == set(CONFIGURATION_KINDS)


@pytest.mark.parametrize(
    ("view", "kind", "expected"),
    [
        (_view(name="ACME-DC01", configuration_type_kind="server"), "domain controller", True),
        (_view(name="DC02", configuration_type_kind="server"), "domain controller", True),
        (
            _view(name="DESKTOP-7DC01XY", configuration_type_kind="server"),
            "domain controller",
            False,
        ),
        (_view(name="DC01", configuration_type_kind="workstation"), "domain controller", False),
        (
            _view(name="SRV1", configuration_type_kind="server", notes="Domain controller for x"),
            "domain controller",
            True,
        ),
        (_view(configuration_type_name="Domain Controller"), "domain controller", True),
        (_view(configuration_type_name="Firewall"), "firewall", True),
        (_view(configuration_type_name="Managed Workstation"), "workstation", True),
        (
            _view(configuration_type_name="Hypervisor Host", configuration_type_kind="server"),
            "server",
            True,
        ),
        (_view(configuration_type_name="UPS", configuration_type_kind="power"), "ups", True),
        (_view(configuration_type_name="Backups Appliance"), "ups", False),
        (_view(configuration_type_name="Virtual Server"), "virtual machine", True),
        (_view(name="NW-SQL01", configuration_type_kind="server"), "sql server", True),
    ],
)
def test_kind_rules(view: ConfigurationView, kind: str, expected: bool) -> None:
    assert KIND_RULES[kind].matches(view) is expected


async def test_an_ip_is_held_by_a_configuration_and_a_lan(
    synced: Sessions, dataset_dir: Path
) -> None:
    lan = next(
        a["attributes"]
        for a in records(dataset_dir, "flexible_assets")
        if a["attributes"]["traits"].get("gateway") == "10.10.10.1"
    )
    async with synced() as session:
        lookup = await find_addresses(session, " 10.10.10.1 ")
    facts = {
        (fact.source.record_type, fact.source.name, fact.label, fact.value)
        for fact in lookup.facts()
    }
    assert lookup.kind == "network" and lookup.network == "10.10.10.1"
    assert ("configurations", "ACME-FW01", "primary IP; interface port1", "10.10.10.1") in facts
    assert ("flexible-assets", lan["name"], "Gateway", "10.10.10.1") in facts
    assert ("flexible-assets", lan["name"], "Subnet", lan["traits"]["subnet"]) in facts
    by_value = {(f.label, f.value): f.confidence for f in lookup.facts()}
    assert by_value[("Gateway", "10.10.10.1")] > by_value[("Subnet", lan["traits"]["subnet"])]
    assert all(f.source.resource_url for f in lookup.facts())


async def test_a_dhcp_address_falls_in_the_lan_range(synced: Sessions, dataset_dir: Path) -> None:
    lan = next(
        a["attributes"]
        for a in records(dataset_dir, "flexible_assets")
        if a["attributes"]["traits"].get("gateway") == "10.10.10.1"
    )
    first, last = (part.strip() for part in lan["traits"]["dhcp-range"].split("-"))
    inside = str(ipaddress.ip_address(first) + 1)
    async with synced() as session:
        lookup = await find_addresses(session, inside, organization_ids={lan["organization-id"]})
    [asset] = lookup.assets
    assert {a.label for a in asset.addresses} == {"Subnet", "DHCP Range"}
    assert f"{first} - {last}" in {a.value for a in asset.addresses}


async def test_a_name_gives_its_addresses(synced: Sessions, dataset_dir: Path) -> None:
    firewall = next(
        c for c in records(dataset_dir, "configurations") if c["attributes"]["name"] == "ACME-FW01"
    )
    interfaces = interfaces_by_id(dataset_dir)
    expected = {
        interfaces[ref["id"]]["attributes"]["ip-address"]
        for ref in firewall["relationships"]["configuration-interfaces"]["data"]
    }
    async with synced() as session:
        by_name = await find_addresses(session, "acme-fw01")
        by_fqdn = await find_addresses(session, "ACME-FW01.corp.example.com")
        by_mac = await find_addresses(session, firewall["attributes"]["mac-address"].lower())
        partial = await find_addresses(session, "FW0")
    for lookup in (by_name, by_fqdn, by_mac):
        [match] = lookup.configurations
        assert set(match.addresses) == expected
        assert lookup.exact
    assert {f.value for f in by_name.facts()} == expected
    assert by_mac.kind == "mac"
    assert not partial.exact and len(partial.configurations) > 1
    assert {f.confidence for f in partial.facts()} == {0.7}


async def test_a_kind_of_device_gives_every_one_of_them(
    synced: Sessions, dataset_dir: Path
) -> None:
    acme = next(
        int(o["id"])
        for o in records(dataset_dir, "organizations")
        if o["attributes"]["name"] == "Acme Corporation"
    )
    firewalls = {
        c["attributes"]["name"]
        for c in records(dataset_dir, "configurations")
        if c["attributes"]["organization-id"] == acme
        and c["attributes"]["configuration-type-name"] == "Firewall"
    }
    async with synced() as session:
        lookup = await find_addresses(session, "firewalls", organization_ids={acme})
        limited = await find_addresses(session, "firewall", limit=1)
        unknown = await find_addresses(session, "no such thing here")
        with pytest.raises(ValueError, match="query"):
            await find_addresses(session, "   ")
        with pytest.raises(ValueError, match="kind"):
            await configurations_of(session, "toaster")
    assert configuration_kind("firewalls") == "firewall"
    assert lookup.kind == "kind" and lookup.configuration_kind == "firewall"
    assert {m.configuration.name for m in lookup.configurations} == firewalls
    assert len(limited.configurations) == 1 and limited.truncated
    assert unknown.kind == "name" and not unknown.configurations and not unknown.assets
