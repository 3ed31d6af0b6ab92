"""Structured answers about devices: lookups by IP, network, MAC, serial and hostname, a
device's IP by name or kind, configurations of a kind — and "no data" naming where the
device does exist (SQLite and PostgreSQL; expectations from the dataset's JSON)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from tests.query.test_structured import ask, included, keys, of, records
from tests.query.test_structured import store_url as store_url
from tests.query.test_structured import tenant as tenant


def _configuration(directory: Path, name: str, organization: str | None = None) -> dict[str, Any]:
    [found] = [
        c
        for c in records(directory, "configurations")
        if c["attributes"]["name"] == name
        and organization in (None, c["attributes"]["organization-name"])
    ]
    return found


def _values(answer: Any, record_id: str) -> list[str]:
    return [fact.value for fact in answer.facts if str(fact.source.record_id) == record_id]


async def test_an_address_names_the_configuration_holding_it(store_url: str, tenant: Path) -> None:
    firewall = _configuration(tenant, "ACME-FW01")
    address = firewall["attributes"]["primary-ip"]

    answer = await ask(store_url, f"which device has {address} @Acme Corporation")

    assert answer.status == "answered" and answer.intent == "ip_lookup"
    assert keys(answer)[0] == ("configurations", firewall["id"])
    assert address in _values(answer, firewall["id"])
    assert {source.organization_name for source in answer.sources} == {"Acme Corporation"}
    assert answer.confidence >= 0.95


async def test_a_network_lists_the_configurations_inside_it(store_url: str, tenant: Path) -> None:
    network = ipaddress.ip_network("10.10.10.0/24")

    answer = await ask(store_url, f"what is on {network} @acme")

    configurations = [s for s in answer.sources if s.record_type == "configurations"]
    assert configurations and keys(answer)[0][1] == _configuration(tenant, "ACME-FW01")["id"]
    addressed = {
        fact.source.record_id: ipaddress.ip_address(fact.value)
        for fact in answer.facts
        if fact.source.record_type == "configurations"
    }
    assert all(address in network for address in addressed.values())
    assert {s.organization_name for s in answer.sources} == {"Acme Corporation"}


async def test_an_address_held_only_elsewhere_is_no_data_naming_where(
    store_url: str, tenant: Path
) -> None:
    holders = {
        c["attributes"]["organization-name"]
        for c in records(tenant, "configurations")
        if c["attributes"]["primary-ip"] == "192.168.20.1"
    }
    assert "Acme Corporation" not in holders and len(holders) == 2

    answer = await ask(store_url, "what device is 192.168.20.1 at @Acme Corporation")
    scoped = await ask(store_url, "what device is 192.168.20.1 at @Northwind Traders")

    assert answer.status == "no_data" and answer.sources == [] and answer.facts == []
    assert answer.message.startswith("No data available in IT Glue")
    [hint] = answer.suggestions
    assert all(organization in hint for organization in holders)
    assert scoped.status == "answered"
    assert keys(scoped)[0] == ("configurations", _configuration(tenant, "NW-FW01")["id"])
    assert {s.organization_name for s in scoped.sources} == {"Northwind Traders"}


async def test_a_mac_in_another_notation_finds_the_device(store_url: str, tenant: Path) -> None:
    firewall = _configuration(tenant, "ACME-FW01")
    stored = firewall["attributes"]["mac-address"]
    written = stored.replace(":", "-").lower()

    answer = await ask(store_url, f"who has MAC {written}")

    assert answer.status == "answered" and answer.intent == "mac_lookup"
    assert keys(answer) == [("configurations", firewall["id"])]
    assert answer.facts[0].label == "MAC address" and answer.facts[0].value == stored


async def test_a_serial_is_found_in_its_organization_only(store_url: str, tenant: Path) -> None:
    firewall = _configuration(tenant, "ACME-FW01")
    serial = firewall["attributes"]["serial-number"]

    found = await ask(store_url, f"serial number {serial}")
    elsewhere = await ask(store_url, f"serial number {serial} @Northwind Traders")

    assert keys(found) == [("configurations", firewall["id"])]
    assert (found.facts[0].label, found.facts[0].value) == ("serial number", serial)
    assert elsewhere.status == "no_data"
    assert any("exists only in Acme Corporation" in hint for hint in elsewhere.suggestions)


async def test_a_hostname_gives_its_fields_and_quotes_its_notes(
    store_url: str, tenant: Path
) -> None:
    controller = _configuration(tenant, "ACME-DC01")
    attributes = controller["attributes"]

    answer = await ask(store_url, "tell me about ACME-DC01")

    assert answer.intent == "hostname_lookup" and keys(answer) == [
        ("configurations", controller["id"])
    ]
    facts = {fact.label: fact.value for fact in answer.facts}
    assert facts["hostname"] == attributes["hostname"]
    assert facts["configuration type"] == attributes["configuration-type-name"]
    assert attributes["primary-ip"] in facts.values()
    [notes] = answer.excerpts
    assert notes.untrusted and notes.text == attributes["notes"]


async def test_a_bare_name_is_read_in_the_organization_asked(store_url: str, tenant: Path) -> None:
    riverbend = _configuration(tenant, "DC01", "Riverbend Labs")

    answer = await ask(store_url, "DC01 @Riverbend Labs")

    assert keys(answer) == [("configurations", riverbend["id"])]
    assert riverbend["attributes"]["primary-ip"] in _values(answer, riverbend["id"])


async def test_the_firewall_ip_lists_every_firewall_of_the_organization(
    store_url: str, tenant: Path
) -> None:
    firewalls = [
        c
        for c in of(tenant, "configurations", "Acme Corporation")
        if c["attributes"]["configuration-type-name"] == "Firewall"
    ]
    assert len(firewalls) == 2

    answer = await ask(store_url, "what's the firewall IP at @Acme")

    assert answer.status == "answered" and answer.intent == "device_ip"
    assert sorted(keys(answer)) == sorted(("configurations", c["id"]) for c in firewalls)
    for firewall in firewalls:
        assert firewall["attributes"]["primary-ip"] in _values(answer, firewall["id"])
    assert 0.5 < answer.confidence < 0.95  # one of several: the question said "the firewall"


async def test_a_device_of_another_organization_is_no_data_naming_where(
    store_url: str,
) -> None:
    answer = await ask(store_url, "what's the IP address of ACME-FW01 @Northwind Traders")

    assert answer.status == "no_data" and answer.intent == "device_ip"
    assert "ACME-FW01" in answer.message
    assert "'ACME-FW01' exists only in Acme Corporation: ACME-FW01 (configuration)." in (
        answer.suggestions
    )


async def test_a_kind_the_organization_lacks_names_organizations_that_have_one(
    store_url: str, tenant: Path
) -> None:
    with_nas = {
        c["attributes"]["organization-name"]
        for c in records(tenant, "configurations")
        if c["attributes"]["configuration-type-name"] == "NAS"
    }
    assert "BrightPath Technology Partners" not in with_nas

    for question in ("the NAS @BrightPath", "what's the IP of the NAS at @BrightPath"):
        answer = await ask(store_url, question)

        assert answer.status == "no_data" and answer.sources == []
        [hint] = answer.suggestions
        assert hint.startswith("NAS devices exist in: ")
        named = [org for org in with_nas if org in hint]
        assert len(named) == min(3, len(with_nas))


async def test_configurations_of_a_kind_by_role(store_url: str, tenant: Path) -> None:
    controllers = [
        c
        for c in of(tenant, "configurations", "Northwind Traders")
        if "domain controller" in (c["attributes"]["notes"] or "").lower()
    ]
    assert len(controllers) >= 2

    answer = await ask(store_url, "domain controllers at @Northwind Traders")

    assert answer.intent == "configuration"
    assert sorted(keys(answer)) == sorted(("configurations", c["id"]) for c in controllers)
    for controller in controllers:
        values = _values(answer, controller["id"])
        assert controller["attributes"]["configuration-type-name"] in values


async def test_other_words_narrow_a_kind(store_url: str, tenant: Path) -> None:
    printers = [
        c
        for c in of(tenant, "configurations", "Acme Corporation")
        if c["attributes"]["configuration-type-name"] == "Printer"
    ]
    second_floor = [c for c in printers if "2nd floor" in c["attributes"]["notes"]]
    assert second_floor and len(second_floor) < len(printers)

    answer = await ask(store_url, "printers on floor 2 @acme")
    nowhere = await ask(store_url, "printers on floor 9 @acme")

    assert sorted(keys(answer)) == sorted(("configurations", c["id"]) for c in second_floor)
    assert answer.confidence >= 0.8
    assert nowhere.confidence <= 0.5 and "'9'" in nowhere.message


async def test_the_value_asked_for_comes_first(store_url: str, tenant: Path) -> None:
    firewall = _configuration(tenant, "ACME-FW01")
    firewalls = {
        c["id"]
        for c in of(tenant, "configurations", "Acme Corporation")
        if c["attributes"]["configuration-type-name"] == "Firewall"
    }
    wan = {
        i["attributes"]["ip-address"]
        for i in included(tenant, "configurations")
        if i["type"] == "configuration-interfaces"
        and str(i["attributes"]["configuration-id"]) in firewalls
        and i["attributes"]["name"].lower().startswith("wan")
    }
    assert len(wan) == len(firewalls)

    serial = await ask(store_url, "what's the serial number of ACME-FW01")
    public = await ask(store_url, "what's the WAN IP of the firewall at @acme")

    assert serial.facts[0].value == firewall["attributes"]["serial-number"]
    assert {fact.value for fact in public.facts[: len(wan)]} == wan
