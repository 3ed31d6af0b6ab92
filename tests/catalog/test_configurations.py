"""``resolve_configurations``: the interface tiers (name, IP, MAC) and their place among the
others, on hand-made rows in both dialects.

Two organizations: Acme (7) with a hypervisor and a firewall whose interfaces carry the usual
out-of-band and WAN names, and Other (8) with a device whose iDRAC the tests look for from
Acme's scope.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.configurations import (
    ConfigurationMatch,
    interface_references,
    resolve_configurations,
)
from itglue_mcp.store import RecordType, replace_children, start_run, unit_of_work, upsert_records
from tests.store.conftest import configuration, organization

Sessions = async_sessionmaker[AsyncSession]

ACME, OTHER = 7, 8


def _interface(id_: int, configuration_id: int, name: str, ip: str | None, mac: str) -> dict:
    return {
        "id": id_,
        "configuration_id": configuration_id,
        "name": name,
        "ip_address": ip,
        "mac_address": mac,
    }


@pytest.fixture
async def sessions(session_factory: Sessions) -> Sessions:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.ORGANIZATIONS,
            [organization(ACME, "Acme"), organization(OTHER, "Other")],
            run_id=run_id,
        )
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [
                configuration(1, ACME, "ACME-HV01", primary_ip="10.0.0.10"),
                configuration(2, ACME, "ACME-HV010", primary_ip="10.0.0.20"),
                configuration(3, ACME, "ACME-FW01", primary_ip="10.0.0.1"),
                # A device named like an interface: its exact name must win.
                configuration(4, ACME, "MGMT", primary_ip="10.0.0.40"),
                configuration(5, OTHER, "OTHER-SRV01", primary_ip="10.9.0.10"),
            ],
            run_id=run_id,
        )
        await replace_children(
            session,
            RecordType.CONFIGURATION_INTERFACES,
            "configuration_id",
            [1, 2, 3, 5],
            [
                _interface(10, 1, "vmk0", "10.0.0.10", "00:11:22:33:44:10"),
                _interface(11, 1, "iDRAC", "10.0.0.11", "00:11:22:33:44:11"),
                _interface(12, 1, "OOB-MGMT", "10.0.0.12", "00:11:22:33:44:12"),
                _interface(21, 2, "iDRAC", "10.0.0.21", "00:11:22:33:44:21"),
                _interface(30, 3, "igc0 (WAN)", "203.0.113.5", "00:11:22:33:44:30"),
                _interface(31, 3, "MGMT", "10.0.0.2", "00:11:22:33:44:31"),
                _interface(50, 5, "XClarity Controller", "10.9.0.11", "00:11:22:33:44:50"),
            ],
        )
    return session_factory


async def _resolve(
    sessions: Sessions, reference: str, organization_ids: set[int] | None = None
) -> ConfigurationMatch:
    async with sessions() as session:
        return await resolve_configurations(
            session, reference, organization_ids=organization_ids, limit=10
        )


def _found(match: ConfigurationMatch) -> list[tuple[str | None, str | None]]:
    """(configuration name, name of the interface the reference named) per configuration."""
    return [
        (view.name, interface.name if (interface := match.interface_of(view)) else None)
        for view in match.views
    ]


@pytest.mark.parametrize(
    "reference",
    ["ACME-HV01 idrac", "idrac acme-hv01", "iDRAC of ACME-HV01", "acme-hv01's iDRAC interface"],
)
async def test_an_interface_with_its_device_names_that_device(
    sessions: Sessions, reference: str
) -> None:
    found = await _resolve(sessions, reference)

    assert found.matched_by == "interface" and found.exact
    assert _found(found) == [("ACME-HV01", "iDRAC")]
    interface = found.interface_of(found.views[0])
    assert interface is not None
    assert (interface.ip_address, interface.mac_address) == ("10.0.0.11", "00:11:22:33:44:11")


async def test_a_whole_part_of_the_device_name_is_enough_but_not_a_longer_name(
    sessions: Sessions,
) -> None:
    found = await _resolve(sessions, "HV01 iDRAC")

    assert _found(found) == [("ACME-HV01", "iDRAC")], "HV01 is a whole part of ACME-HV01 only"


async def test_an_interface_alone_names_every_device_with_it(sessions: Sessions) -> None:
    found = await _resolve(sessions, "idrac", {ACME})

    assert found.matched_by == "interface"
    assert _found(found) == [("ACME-HV01", "iDRAC"), ("ACME-HV010", "iDRAC")]


@pytest.mark.parametrize("reference", ["oob mgmt", "OOB_MGMT", "ACME-HV01 oob-mgmt"])
async def test_separators_and_case_in_interface_names_do_not_matter(
    sessions: Sessions, reference: str
) -> None:
    assert _found(await _resolve(sessions, reference)) == [("ACME-HV01", "OOB-MGMT")]


@pytest.mark.parametrize("reference", ["ACME-FW01 WAN", "wan", "ACME-FW01 igc0"])
async def test_the_parts_of_a_labelled_interface_name_name_it(
    sessions: Sessions, reference: str
) -> None:
    assert _found(await _resolve(sessions, reference)) == [("ACME-FW01", "igc0 (WAN)")]


async def test_an_exact_configuration_name_beats_an_interface_of_that_name(
    sessions: Sessions,
) -> None:
    found = await _resolve(sessions, "mgmt")

    assert found.matched_by == "exact"
    assert _found(found) == [("MGMT", None)]
    with_device = await _resolve(sessions, "ACME-FW01 MGMT")
    assert _found(with_device) == [("ACME-FW01", "MGMT")]


async def test_an_interface_ip_names_its_device_and_interface(sessions: Sessions) -> None:
    found = await _resolve(sessions, "10.0.0.11")

    assert found.matched_by == "ip"
    assert _found(found) == [("ACME-HV01", "iDRAC")]
    primary = await _resolve(sessions, "10.0.0.10")
    assert _found(primary) == [("ACME-HV01", "vmk0")], "the primary IP is also on vmk0"
    assert (await _resolve(sessions, "10.0.0.40")).matched_by == "ip"


async def test_an_interface_mac_names_its_interface(sessions: Sessions) -> None:
    found = await _resolve(sessions, "0011.2233.4430")

    assert found.matched_by == "mac"
    assert _found(found) == [("ACME-FW01", "igc0 (WAN)")]


async def test_another_organizations_interface_is_not_found(sessions: Sessions) -> None:
    for reference in ("XClarity Controller", "OTHER-SRV01 XClarity Controller", "10.9.0.11"):
        found = await _resolve(sessions, reference, {ACME})
        assert (found.matched_by, found.views) == ("none", []), reference
    everywhere = await _resolve(sessions, "xclarity controller")
    assert _found(everywhere) == [("OTHER-SRV01", "XClarity Controller")]


def test_interface_references_split_a_device_from_its_interface() -> None:
    assert interface_references("HV01's iDRAC") == [
        ("HV01 iDRAC", None),
        ("iDRAC", "HV01"),
        ("HV01", "iDRAC"),
    ]
    assert ("iDRAC", "ACME-HV01") in interface_references("the iDRAC of ACME-HV01")
    assert interface_references("what is the address of the idrac on the hv01 box") == []
