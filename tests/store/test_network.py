"""Configurations by IP, network, MAC, serial, hostname and kind, over a synced tenant.

``synced`` (tests/conftest.py) is a store holding a full sync of the three-organization
dataset, per dialect.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    RecordType,
    mark_unseen_deleted,
    replace_children,
    start_run,
    unit_of_work,
    upsert_records,
)
from itglue_mcp.store.network import (
    KindRule,
    configurations_by_hostname,
    configurations_by_mac,
    configurations_by_serial,
    configurations_in_network,
    configurations_of_kind,
    find_flexible_assets,
    flexible_assets_with_text,
    normalize_mac,
    parse_network,
)

from .conftest import configuration

Sessions = async_sessionmaker[AsyncSession]


async def _write(
    sessions: Sessions, configurations: list[dict[str, Any]], interfaces: list[dict[str, Any]]
) -> None:
    """Write ``configurations`` (outside any sync run) and ``interfaces``, their children."""
    async with unit_of_work(sessions) as session:
        await upsert_records(session, RecordType.CONFIGURATIONS, configurations, run_id=None)
        await replace_children(
            session,
            RecordType.CONFIGURATION_INTERFACES,
            "configuration_id",
            sorted({interface["configuration_id"] for interface in interfaces}),
            interfaces,
        )


def records(directory: Path, name: str) -> list[dict[str, Any]]:
    """The ``data`` records of one dataset file (``configurations``, ``passwords``…)."""
    return json.loads((directory / f"{name}.json").read_text())["data"]


def interfaces_by_id(directory: Path) -> dict[str, dict[str, Any]]:
    """Configuration interfaces of the dataset (``included`` of configurations.json), by id."""
    included = json.loads((directory / "configurations.json").read_text())["included"]
    return {i["id"]: i for i in included if i["type"] == "configuration-interfaces"}


def _named(directory: Path, name: str) -> dict[str, Any]:
    return next(c for c in records(directory, "configurations") if c["attributes"]["name"] == name)


def _addresses(configuration: dict[str, Any], interfaces: dict[str, dict[str, Any]]) -> set[str]:
    refs = configuration["relationships"]["configuration-interfaces"]["data"]
    values = {configuration["attributes"]["primary-ip"]}
    values |= {interfaces[ref["id"]]["attributes"]["ip-address"] for ref in refs}
    return {value for value in values if value}


def _holders(directory: Path, network: str, organization_id: int | None = None) -> set[int]:
    """Ids of dataset configurations with an address in ``network`` (the expected answer)."""
    wanted = ipaddress.ip_network(network)
    interfaces = interfaces_by_id(directory)
    return {
        int(c["id"])
        for c in records(directory, "configurations")
        if organization_id in (None, c["attributes"]["organization-id"])
        and any(ipaddress.ip_address(a) in wanted for a in _addresses(c, interfaces))
    }


async def test_an_ip_finds_the_configurations_holding_it(
    synced: Sessions, dataset_dir: Path
) -> None:
    firewall = _named(dataset_dir, "ACME-FW01")
    interfaces = interfaces_by_id(dataset_dir)
    wan = next(
        interfaces[ref["id"]]["attributes"]
        for ref in firewall["relationships"]["configuration-interfaces"]["data"]
        if not interfaces[ref["id"]]["attributes"]["primary"]
    )
    async with synced() as session:
        lan = await configurations_in_network(session, parse_network("10.10.10.1"))  # type: ignore[arg-type]
        by_wan = await configurations_in_network(session, parse_network(wan["ip-address"]))  # type: ignore[arg-type]
        other = await configurations_in_network(
            session,
            parse_network("10.10.10.1"),  # type: ignore[arg-type]
            organization_ids={firewall["attributes"]["organization-id"] + 1},
        )
        nowhere = await configurations_in_network(
            session,
            parse_network("10.10.10.1"),  # type: ignore[arg-type]
            organization_ids=set(),
        )

    assert {m.configuration.id for m in lan} == _holders(dataset_dir, "10.10.10.1/32")
    [match] = [m for m in lan if m.configuration.id == int(firewall["id"])]
    assert match.addresses == ("10.10.10.1",) and match.primary
    assert [i.name for i in match.interfaces] == ["port1"]
    assert match.configuration.resource_url == firewall["attributes"]["resource-url"]
    assert match.configuration.organization_name == "Acme Corporation"
    [wan_match] = by_wan
    assert wan_match.configuration.name == "ACME-FW01" and not wan_match.primary
    assert [i.name for i in wan_match.interfaces] == [wan["name"]]
    assert other == [] and nowhere == []


async def test_a_network_finds_every_address_in_it(synced: Sessions, dataset_dir: Path) -> None:
    acme = _named(dataset_dir, "ACME-FW01")["attributes"]["organization-id"]
    async with synced() as session:
        found = await configurations_in_network(
            session,
            parse_network("10.10.10.0/24"),  # type: ignore[arg-type]
            organization_ids={acme},
            limit=1000,
        )
        wide = await configurations_in_network(
            session,
            parse_network("10.10.8.0/22"),  # type: ignore[arg-type]
            limit=1000,
        )
        first = await configurations_in_network(
            session,
            parse_network("10.10.10.0/24"),  # type: ignore[arg-type]
            limit=2,
        )

    assert {m.configuration.id for m in found} == _holders(dataset_dir, "10.10.10.0/24", acme)
    assert len(found) > 10
    assert {m.configuration.id for m in wide} == _holders(dataset_dir, "10.10.8.0/22")
    addresses = [ipaddress.ip_address(m.addresses[0]) for m in found]
    assert addresses == sorted(addresses), "lowest address first"
    assert [m.configuration.name for m in first] == ["ACME-FW01", "ACME-SW01"]


@pytest.mark.parametrize(
    "written", ["{}", "{lower}", "{hyphen}", "{cisco}", "{bare}", " {hyphen_lower} "]
)
async def test_a_mac_in_any_format_finds_its_configuration(
    synced: Sessions, dataset_dir: Path, written: str
) -> None:
    firewall = _named(dataset_dir, "ACME-FW01")
    mac = firewall["attributes"]["mac-address"]
    bare = mac.replace(":", "")
    query = written.format(
        mac,
        lower=mac.lower(),
        hyphen=mac.replace(":", "-"),
        hyphen_lower=mac.replace(":", "-").lower(),
        cisco=".".join(bare[i : i + 4] for i in range(0, 12, 4)).lower(),
        bare=bare,
    )
    async with synced() as session:
        [found] = await configurations_by_mac(session, query)
    assert found.id == int(firewall["id"])


async def test_an_interface_mac_finds_its_configuration(
    synced: Sessions, dataset_dir: Path
) -> None:
    firewall = _named(dataset_dir, "ACME-FW01")
    interfaces = interfaces_by_id(dataset_dir)
    second = firewall["relationships"]["configuration-interfaces"]["data"][1]["id"]
    mac = interfaces[second]["attributes"]["mac-address"]
    async with synced() as session:
        [found] = await configurations_by_mac(session, mac.lower())
        with pytest.raises(ValueError, match="mac"):
            await configurations_by_mac(session, "not-a-mac")
    assert found.name == "ACME-FW01"
    assert normalize_mac("aabb.ccdd.eeff") == "AA:BB:CC:DD:EE:FF"
    assert normalize_mac("aa:bb:cc:dd:ee") is None


async def test_serial_and_hostname_lookups_ignore_case(synced: Sessions, dataset_dir: Path) -> None:
    firewall = _named(dataset_dir, "ACME-FW01")
    printer = next(
        c
        for c in records(dataset_dir, "configurations")
        if c["attributes"]["hostname"] != c["attributes"]["name"]
    )
    async with synced() as session:
        [by_serial] = await configurations_by_serial(
            session, f"  {firewall['attributes']['serial-number'].lower()} "
        )
        [by_hostname] = await configurations_by_hostname(
            session, printer["attributes"]["hostname"].lower()
        )
        [by_fqdn] = await configurations_by_hostname(session, "acme-fw01.corp.example.com.")
        with pytest.raises(ValueError, match="serial_number"):
            await configurations_by_serial(session, " ")
    assert by_serial.id == int(firewall["id"])
    assert by_hostname.id == int(printer["id"]) and by_hostname.name != by_hostname.hostname
    assert by_fqdn.id == int(firewall["id"])


async def test_a_hostname_lookup_ranks_hostnames_first_within_the_organizations_asked(
    session_factory: Sessions,
) -> None:
    await _write(
        session_factory,
        [
            configuration(1, 7, "DC01", hostname="srv-a"),  # by name only
            configuration(2, 7, "Domain controller", hostname="dc01"),
            configuration(3, 8, "Branch DC", hostname="DC01"),  # another organization
            configuration(4, 7, "Print server", hostname="print01"),
        ],
        [{"id": 20, "configuration_id": 2, "name": "eth0", "ip_address": "10.0.0.2"}],
    )
    async with unit_of_work(session_factory, read_only=True) as session:

        async def ids(hostname: str, **options: Any) -> list[int]:
            found = await configurations_by_hostname(session, hostname, **options)
            return [view.id for view in found]

        in_seven = await configurations_by_hostname(session, "DC01", organization_ids=[7])
        everywhere = await ids("DC01")
        by_fqdn = await ids("dc01.corp.example.com.", organization_ids=[7])
        first = await ids("DC01", limit=1)
        in_eight = await ids("dc01", organization_ids={8})
        in_none = await ids("dc01", organization_ids=())
    assert [view.id for view in in_seven] == [2, 1], "the hostname match before the name match"
    assert [i.name for i in in_seven[0].interfaces] == ["eth0"]
    assert everywhere == [3, 2, 1], "hostname matches by name, then name matches"
    assert sorted(by_fqdn) == [1, 2], "a fully qualified name matches by its first label"
    assert first == [3]
    assert in_eight == [3]
    assert in_none == []


async def test_configurations_of_a_kind(synced: Sessions, dataset_dir: Path) -> None:
    configurations = records(dataset_dir, "configurations")
    firewalls = {
        int(c["id"])
        for c in configurations
        if c["attributes"]["configuration-type-name"] == "Firewall"
    }
    # The generator notes every domain controller "Domain controller for <AD domain>".
    controllers = {
        int(c["id"])
        for c in configurations
        if (c["attributes"]["notes"] or "").startswith("Domain controller for")
    }
    dc_rule = KindRule(
        name_codes=("DC",), note_phrases=("domain controller",), role_type_kinds=("server",)
    )
    async with synced() as session:
        found_firewalls = await configurations_of_kind(
            session, KindRule(type_words=("firewall",)), limit=1000
        )
        found_controllers = await configurations_of_kind(session, dc_rule, limit=1000)
        nothing = await configurations_of_kind(session, KindRule(), limit=5)
    assert {view.id for view in found_firewalls} == firewalls
    assert {view.id for view in found_controllers} == controllers and len(controllers) >= 3
    assert nothing == []


async def test_flexible_assets_by_text_and_name_keep_no_secret_trait(
    synced: Sessions, dataset_dir: Path
) -> None:
    included = json.loads((dataset_dir / "flexible_asset_types.json").read_text())["included"]
    secret_keys = {
        f["attributes"]["name-key"] for f in included if f["attributes"]["kind"] == "Password"
    }
    lans = [
        a for a in records(dataset_dir, "flexible_assets") if "subnet" in a["attributes"]["traits"]
    ]
    lan = lans[0]["attributes"]
    async with synced() as session:
        by_text = await flexible_assets_with_text(session, lan["traits"]["subnet"])
        [by_name] = await find_flexible_assets(
            session, lan["name"].upper(), organization_ids={lan["organization-id"]}
        )
        everything = await flexible_assets_with_text(session, '"')
    assert lan["name"] in [asset.name for asset in by_text]
    traits = {trait.key: trait for trait in by_name.traits}
    assert traits["subnet"].value == lan["traits"]["subnet"] and traits["subnet"].label == "Subnet"
    assert by_name.resource_url == lan["resource-url"]
    assert len(everything) == len(records(dataset_dir, "flexible_assets"))
    assert not {trait.key for asset in everything for trait in asset.traits} & secret_keys


async def test_stored_forms_and_deleted_records(session_factory: Sessions) -> None:
    """Addresses with a prefix length, MACs in Cisco form, and deletion, on hand-made rows."""
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [
                configuration(1, 7, "edge", primary_ip="10.0.0.5/24", mac_address="aabb.ccdd.eeff"),
                configuration(2, 7, "core", primary_ip="DHCP"),
            ],
            run_id=run_id,
        )
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [configuration(3, 7, "gone", primary_ip="10.0.0.6", serial_number="S1")],
            run_id=None,
        )
        await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=run_id)
        await replace_children(
            session,
            RecordType.CONFIGURATION_INTERFACES,
            "configuration_id",
            [2, 3],
            [
                {"id": 20, "configuration_id": 2, "name": "eth0", "ip_address": "10.0.0.9"},
                {"id": 30, "configuration_id": 3, "name": "eth0", "ip_address": "10.0.0.7"},
            ],
        )
    async with unit_of_work(session_factory) as session:
        exact = await configurations_in_network(session, parse_network("10.0.0.5"))  # type: ignore[arg-type]
        network = await configurations_in_network(session, parse_network("10.0.0.0/29"))  # type: ignore[arg-type]
        by_mac = await configurations_by_mac(session, "AA:BB:CC:DD:EE:FF")
        deleted = await configurations_by_serial(session, "s1")
    assert [m.configuration.name for m in exact] == ["edge"]
    assert [(m.configuration.name, m.addresses) for m in network] == [("edge", ("10.0.0.5",))]
    assert [view.name for view in by_mac] == ["edge"]
    assert deleted == [], "records marked deleted are never returned"


async def test_one_address_is_found_in_every_stored_form_and_no_other(
    session_factory: Sessions,
) -> None:
    """The address alone, with a prefix length or a netmask; never a longer address."""
    await _write(
        session_factory,
        [
            configuration(1, 7, "masked", primary_ip="10.0.0.5/255.255.255.0"),
            configuration(2, 7, "longer", primary_ip="10.0.0.50"),
            configuration(3, 7, "v6", primary_ip="2001:DB8::5/64"),
        ],
        [{"id": 20, "configuration_id": 2, "name": "eth1", "ip_address": "10.0.0.5/24"}],
    )
    async with unit_of_work(session_factory) as session:
        v4 = await configurations_in_network(session, parse_network("10.0.0.5"))  # type: ignore[arg-type]
        v6 = await configurations_in_network(session, parse_network("2001:db8::5"))  # type: ignore[arg-type]
    assert [(m.configuration.name, m.primary) for m in v4] == [("longer", False), ("masked", True)]
    assert [m.matched.name if m.matched else None for m in v4] == ["eth1", None]
    assert [m.configuration.name for m in v6] == ["v6"]
