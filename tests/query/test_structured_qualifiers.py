"""A question naming *which* device it means — a make ("the SonicWall"), or a word that names
such a device somewhere ("the Canon printer") — is answered only by a device carrying it; an
organization holding only other devices of the kind gets ``no_data`` naming what it does
hold, and where the one asked about exists (SQLite and PostgreSQL; expectations from the
dataset's JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from itglue_mcp.query.intent import IntentKind, detect_intent
from itglue_mcp.query.matching import kind_brand_words, missing_qualifiers
from tests.query.test_structured import ask, keys, of, records
from tests.query.test_structured import store_url as store_url
from tests.query.test_structured import tenant as tenant


def _of_type(tenant: Path, organization: str, type_name: str) -> list[dict[str, Any]]:
    return [
        c
        for c in of(tenant, "configurations", organization)
        if c["attributes"]["configuration-type-name"] == type_name
    ]


def _makes(configurations: list[dict[str, Any]]) -> set[str]:
    return {c["attributes"]["manufacturer-name"].lower() for c in configurations}


def test_a_make_named_through_a_kind_qualifies_it() -> None:
    assert kind_brand_words("the serial of our Palo Alto box", "firewall") == ["palo", "alto"]
    assert kind_brand_words("reboot the ESXi hosts", "hypervisor") == ["esxi"]
    assert kind_brand_words("list the domain controllers", "domain controller") == []
    assert kind_brand_words("the NAS box upstairs", "nas") == []


def test_a_record_missing_a_qualifier_is_another_thing() -> None:
    assert missing_qualifiers(["canon", "lobby"], "Lobby MFP\nCanon imageRUNNER") == []
    assert missing_qualifiers(["canon", "lobby"], "Lobby MFP\nHP LaserJet") == ["canon"]
    assert missing_qualifiers(["wi-fi"], "Guest WiFi") == []


async def test_a_make_the_organization_lacks_is_no_data_naming_what_it_has(
    store_url: str, tenant: Path
) -> None:
    acme = _of_type(tenant, "Acme Corporation", "Firewall")
    assert "sonicwall" not in _makes(acme)
    holders = {
        c["attributes"]["organization-name"]
        for c in records(tenant, "configurations")
        if c["attributes"]["manufacturer-name"] == "SonicWall"
    }
    assert holders

    serial = await ask(store_url, "serial number of the SonicWall at @Acme")
    address = await ask(store_url, "the sonicwall's IP @Acme")

    for answer in (serial, address):
        assert answer.status == "no_data" and answer.facts == [] and answer.sources == []
        assert "'sonicwall'" in answer.message
        assert all(c["attributes"]["name"] in answer.message for c in acme)
        assert any(org in hint for hint in answer.suggestions for org in holders)


async def test_the_make_it_has_is_answered(store_url: str, tenant: Path) -> None:
    acme = _of_type(tenant, "Acme Corporation", "Firewall")
    [make] = _makes(acme)
    model = acme[0]["attributes"]["model-name"].split()[0]

    answer = await ask(store_url, f"serial number of the {model} at @Acme")

    assert answer.status == "answered", make
    assert {fact.value for fact in answer.facts} == {c["attributes"]["serial-number"] for c in acme}


async def test_a_word_naming_devices_elsewhere_narrows_or_is_no_data(
    store_url: str, tenant: Path
) -> None:
    printers = _of_type(tenant, "Acme Corporation", "Printer")
    ricoh = [c for c in printers if c["attributes"]["manufacturer-name"] == "Ricoh"]
    assert ricoh and len(ricoh) < len(printers) and "canon" not in _makes(printers)

    narrowed = await ask(store_url, "IP addresses of the Ricoh printers @Acme")
    absent = await ask(store_url, "which Canon printers does @Acme have")
    benign = await ask(store_url, "what's the IP of our main firewall @Acme")

    assert sorted(keys(narrowed)) == sorted(("configurations", c["id"]) for c in ricoh)
    assert absent.status == "no_data" and "'canon'" in absent.message
    assert any("Canon" in hint or "exists" in hint for hint in absent.suggestions)
    assert benign.status == "answered" and benign.facts


def test_whether_an_action_is_safe_is_a_procedure_question() -> None:
    for question in (
        "is it safe to restart the print server after 5pm",
        "can we patch the NAS during business hours",
        "should I power-cycle the core switch",
    ):
        assert detect_intent(question).kind is IntentKind.DOCUMENT, question
    assert detect_intent("can I get the NAS admin password").kind is IntentKind.CREDENTIAL
    assert detect_intent("can we sign in to the Meraki dashboard").kind is IntentKind.CREDENTIAL
    assert detect_intent("where do we log into the UniFi console").kind is IntentKind.CREDENTIAL
