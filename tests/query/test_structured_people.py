"""Structured answers about credentials (metadata only, never a value), contacts and
locations, scoped to the organization asked, with "no data" naming where else the person,
password or place exists (SQLite and PostgreSQL; expectations from the dataset's JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from itglue_mcp.query.credentials import VALUE_WITHHELD
from tests.query.test_structured import ask, keys, of, records
from tests.query.test_structured import store_url as store_url
from tests.query.test_structured import tenant as tenant


def _named(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    [found] = [item for item in items if item["attributes"]["name"] == name]
    return found


async def test_a_device_kind_and_a_word_pick_its_passwords(store_url: str, tenant: Path) -> None:
    firewalls = {
        c["id"]
        for c in of(tenant, "configurations", "Acme Corporation")
        if c["attributes"]["configuration-type-name"] == "Firewall"
    }
    admin = [
        p
        for p in of(tenant, "passwords", "Acme Corporation")
        if str(p["attributes"]["resource-id"]) in firewalls and "Admin" in p["attributes"]["name"]
    ]
    assert len(admin) == len(firewalls)

    answer = await ask(store_url, "admin password for the firewall at @Acme Corporation")

    assert answer.status == "answered" and answer.intent == "credential"
    assert sorted(keys(answer)) == sorted(("passwords", p["id"]) for p in admin)
    facts = {(str(fact.source.record_id), fact.label): fact.value for fact in answer.facts}
    for password in admin:
        assert facts[(password["id"], "password entry")] == password["attributes"]["name"]
        assert facts[(password["id"], "username")] == password["attributes"]["username"]
        assert password["attributes"]["password"] not in answer.model_dump_json()
    assert VALUE_WITHHELD in answer.message


async def test_a_hostname_gives_every_password_of_the_device(store_url: str, tenant: Path) -> None:
    firewall = _named(records(tenant, "configurations"), "ACME-FW01")
    passwords = [
        p
        for p in records(tenant, "passwords")
        if p["attributes"]["resource-type"] == "Configuration"
        and str(p["attributes"]["resource-id"]) == firewall["id"]
    ]

    answer = await ask(store_url, "password for ACME-FW01")

    assert sorted(keys(answer)) == sorted(("passwords", p["id"]) for p in passwords)
    assert all(
        fact.value != p["attributes"]["password"] for fact in answer.facts for p in passwords
    )


async def test_a_service_is_found_by_its_words(store_url: str, tenant: Path) -> None:
    portal = _named(of(tenant, "passwords", "Acme Corporation"), "Microsoft 365 Global Admin")

    answer = await ask(store_url, "what is the Microsoft 365 global admin login @acme")

    assert keys(answer)[0] == ("passwords", portal["id"])
    assert portal["attributes"]["username"] in [fact.value for fact in answer.facts]


async def test_a_password_only_other_organizations_hold_is_no_data_naming_them(
    store_url: str, tenant: Path
) -> None:
    holders = {
        p["attributes"]["organization-name"]
        for p in records(tenant, "passwords")
        if "meraki" in p["attributes"]["name"].lower()
    }
    assert holders and "Acme Corporation" not in holders

    answer = await ask(store_url, "Meraki dashboard password at @Acme Corporation")
    nowhere = await ask(store_url, "Salesforce admin login at @Northwind Traders")

    assert answer.status == "no_data" and answer.intent == "credential"
    [hint] = answer.suggestions
    assert all(organization in hint for organization in holders)
    assert not any(
        "salesforce" in (p["attributes"]["name"] + str(p["attributes"]["url"])).lower()
        for p in records(tenant, "passwords")
    )
    assert nowhere.status == "no_data" and "salesforce" in nowhere.message


async def test_the_primary_contact_is_the_contacts_marked_important(
    store_url: str, tenant: Path
) -> None:
    important = [
        c for c in of(tenant, "contacts", "Acme Corporation") if c["attributes"]["important"]
    ]
    assert important

    answer = await ask(store_url, "who is the primary contact at @acme")

    assert answer.status == "answered" and answer.intent == "contact"
    assert sorted(keys(answer)) == sorted(("contacts", c["id"]) for c in important)
    for contact in important:
        values = [f.value for f in answer.facts if f.source.record_id == int(contact["id"])]
        assert contact["attributes"]["contact-phones"][0]["value"] in values


async def test_a_phone_question_about_a_person_leads_with_a_phone(
    store_url: str, tenant: Path
) -> None:
    person = _named(of(tenant, "contacts", "Acme Corporation"), "Roger Martinez")
    phones = [phone["value"] for phone in person["attributes"]["contact-phones"]]

    answer = await ask(store_url, "phone number of Roger Martinez")
    elsewhere = await ask(store_url, "phone number of Roger Martinez at @Northwind Traders")

    assert keys(answer) == [("contacts", person["id"])]
    assert answer.facts[0].value in phones and "phone" in answer.facts[0].label
    assert [e.text for e in answer.excerpts] == [person["attributes"]["notes"]]
    assert elsewhere.status == "no_data"
    assert elsewhere.suggestions == [
        "'Roger Martinez' exists only in Acme Corporation: Roger Martinez (contact)."
    ]


async def test_a_role_is_read_from_the_contact_type(store_url: str, tenant: Path) -> None:
    it_contacts = [
        c
        for c in of(tenant, "contacts", "Riverbend Labs")
        if c["attributes"]["contact-type-name"] == "IT Contact"
    ]

    answer = await ask(store_url, "who is the IT contact at @Riverbend Labs")

    assert sorted(keys(answer)) == sorted(("contacts", c["id"]) for c in it_contacts)


async def test_a_vendor_is_found_by_the_words_of_its_title(store_url: str, tenant: Path) -> None:
    managers = [
        c
        for c in of(tenant, "contacts", "Northwind Traders")
        if "Metro Fiber" in (c["attributes"]["title"] or "")
    ]
    assert len(managers) == 1

    answer = await ask(store_url, "who is our Metro Fiber account manager at @Northwind Traders")

    assert keys(answer) == [("contacts", managers[0]["id"])]


async def test_the_main_office_is_the_primary_location(store_url: str, tenant: Path) -> None:
    [primary] = [
        site
        for site in of(tenant, "locations", "Acme Corporation")
        if site["attributes"]["primary"]
    ]

    answer = await ask(store_url, "address of the main office at @Acme Corporation")

    assert keys(answer) == [("locations", primary["id"])]
    facts = {fact.label: fact.value for fact in answer.facts}
    assert facts["address line 1"] == primary["attributes"]["address-1"]
    assert facts["city"] == primary["attributes"]["city"]


async def test_a_location_by_name_here_and_elsewhere(store_url: str, tenant: Path) -> None:
    ottawa = _named(records(tenant, "locations"), "Ottawa Office")
    assert ottawa["attributes"]["organization-name"] == "Acme Corporation"

    answer = await ask(store_url, "where is the Ottawa office @acme")
    elsewhere = await ask(store_url, "address of the Ottawa office at @Northwind Traders")

    assert keys(answer) == [("locations", ottawa["id"])]
    assert elsewhere.status == "no_data"
    assert any("exists only in Acme Corporation" in hint for hint in elsewhere.suggestions)


async def test_locations_in_the_plural_lists_them_all(store_url: str, tenant: Path) -> None:
    sites = of(tenant, "locations", "Silver Creek CPA Group")
    assert len(sites) > 1

    answer = await ask(store_url, "what locations does @silver creek have")

    assert sorted(keys(answer)) == sorted(("locations", site["id"]) for site in sites)


async def test_a_place_nowhere_in_it_glue_is_no_data(store_url: str, tenant: Path) -> None:
    places = records(tenant, "locations")
    assert not any("tokyo" in str(site["attributes"]).lower() for site in places)

    answer = await ask(store_url, "where is the Tokyo office")

    assert answer.status == "no_data" and answer.intent == "location"


async def test_a_generic_word_does_not_pick_a_contact(store_url: str, tenant: Path) -> None:
    contacts = of(tenant, "contacts", "Acme Corporation")
    assert not any("alarm" in str(c["attributes"]).lower() for c in contacts)

    answer = await ask(store_url, "who is the contact for the alarm company @acme")

    assert answer.status == "no_data" and "alarm" in answer.message
