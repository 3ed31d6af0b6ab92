"""One-attribute questions ("the serial number of ACME-FW01", "the WAN IP of the firewall",
"the retention of the nightly backup", "Patricia Barnes's e-mail") answered with that
attribute only, cited, over the six-organization tenant of :mod:`tests.query.test_structured`
(SQLite and PostgreSQL); and "no data" naming what exists when the thing asked about lacks the
attribute or lives in another organization. Expected values are read from the dataset's JSON.

A flexible asset type the generator never makes ("ISP Circuit" with a "Circuit ID" field) is
added to a dataset, synced, and asked about: the vocabulary comes from the data.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from itglue_mcp.background import serve_in_thread
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from tests.query.test_structured import ask, included, records, secret_values
from tests.query.test_structured import store_url as store_url
from tests.query.test_structured import tenant as tenant
from tests.tenant import API_KEY, Simulated, Switchable, run_sync

ACME = "Acme Corporation"
NW = "Northwind Traders"
BP = "BrightPath Technology Partners"
SC = "Silver Creek CPA Group"
RL = "Riverbend Labs"

Record = dict[str, Any]


def _one(directory: Path, kind: str, organization: str, name: str) -> Record:
    found = [
        r
        for r in records(directory, kind)
        if r["attributes"].get("organization-name") == organization
        and r["attributes"].get("name", _contact_name(r)) == name
    ]
    assert found, f"premise: {kind} {name!r} exists in {organization}"
    return found[0]


def _contact_name(record: Record) -> str:
    attributes = record["attributes"]
    return f"{attributes.get('first-name')} {attributes.get('last-name')}"


def _interfaces(directory: Path, configuration: Record) -> list[dict[str, Any]]:
    ids = {i["id"] for i in configuration["relationships"]["configuration-interfaces"]["data"]}
    return [
        i["attributes"]
        for i in included(directory, "configurations")
        if i["type"] == "configuration-interfaces" and i["id"] in ids
    ]


def _interface(directory: Path, configuration: Record, name: str) -> dict[str, Any]:
    [found] = [i for i in _interfaces(directory, configuration) if i["name"] == name]
    return found


def _trait(directory: Path, organization: str, name: str, key: str, type_name: str) -> Any:
    assets = [
        a
        for a in records(directory, "flexible_assets")
        if a["attributes"]["organization-name"] == organization
        and a["attributes"]["name"] == name
        and a["attributes"]["flexible-asset-type-name"] == type_name
    ]
    assert assets, f"premise: {type_name} {name!r} exists in {organization}"
    return assets[0]["attributes"]["traits"][key]


Expect = Callable[[Path], tuple[str, set[str]]]
"""From the dataset: the id every fact must cite (its record) and the values expected."""


@dataclass(frozen=True)
class Probe:
    question: str
    organization: str | None
    expect: Expect


def _config_field(organization: str, name: str, attribute: str) -> Expect:
    def expect(directory: Path) -> tuple[str, set[str]]:
        record = _one(directory, "configurations", organization, name)
        assert record["attributes"][attribute] is not None, "premise: the value is recorded"
        return record["id"], {str(record["attributes"][attribute])}

    return expect


def _interface_field(organization: str, name: str, interface: str, field: str) -> Expect:
    def expect(directory: Path) -> tuple[str, set[str]]:
        record = _one(directory, "configurations", organization, name)
        return record["id"], {_interface(directory, record, interface)[field]}

    return expect


def _asset_field(organization: str, name: str, key: str, type_name: str) -> Expect:
    def expect(directory: Path) -> tuple[str, set[str]]:
        assets = [
            a
            for a in records(directory, "flexible_assets")
            if a["attributes"]["organization-name"] == organization
            and a["attributes"]["name"] == name
            and a["attributes"]["flexible-asset-type-name"] == type_name
        ]
        assert assets, f"premise: {type_name} {name!r} exists in {organization}"
        return assets[0]["id"], {str(assets[0]["attributes"]["traits"][key])}

    return expect


def _contact_field(
    organization: str, name: str, read: Callable[[Record], str | set[str]]
) -> Expect:
    def expect(directory: Path) -> tuple[str, set[str]]:
        record = _one(directory, "contacts", organization, name)
        value = read(record["attributes"])
        return record["id"], value if isinstance(value, set) else {value}

    return expect


def _record_field(kind: str, organization: str, name: str, attribute: str) -> Expect:
    def expect(directory: Path) -> tuple[str, set[str]]:
        record = _one(directory, kind, organization, name)
        return record["id"], {str(record["attributes"][attribute])}

    return expect


_ADDRESS = ("address-1", "address-2", "city", "region-name", "postal-code", "country-name")


def _location_field(organization: str, name: str, keys: tuple[str, ...]) -> Expect:
    def expect(directory: Path) -> tuple[str, set[str]]:
        record = _one(directory, "locations", organization, name)
        return record["id"], {record["attributes"][k] for k in keys if record["attributes"][k]}

    return expect


def _phones(attributes: Record) -> set[str]:
    phones = attributes["contact-phones"]
    return {p["value"] for p in phones} | {p["extension"] for p in phones if p.get("extension")}


def _first_email(attributes: Record) -> str:
    return str(attributes["contact-emails"][0]["value"])


def _title(attributes: Record) -> str:
    return str(attributes["title"])


ANSWERED = [
    # A configuration's own fields.
    Probe(
        "what is the serial number of ACME-FW01",
        None,
        _config_field(ACME, "ACME-FW01", "serial-number"),
    ),
    Probe("ACME-HV01 service tag", ACME, _config_field(ACME, "ACME-HV01", "serial-number")),
    Probe("what model is NW-FW01", NW, _config_field(NW, "NW-FW01", "model-name")),
    Probe("who makes NW-HV01", NW, _config_field(NW, "NW-HV01", "manufacturer-name")),
    Probe("what OS does HV01 run", SC, _config_field(SC, "HV01", "operating-system-name")),
    Probe("firmware version of BP-FW01", BP, _config_field(BP, "BP-FW01", "operating-system-name")),
    Probe("asset tag of ACME-FW01", ACME, _config_field(ACME, "ACME-FW01", "asset-tag")),
    Probe("where is ACME-FW01 located", None, _config_field(ACME, "ACME-FW01", "location-name")),
    Probe("hostname of ACME-FW02", ACME, _config_field(ACME, "ACME-FW02", "hostname")),
    # The IP or MAC of an interface named by its role or by its own name.
    Probe(
        "what's the WAN IP of ACME-FW01",
        None,
        _interface_field(ACME, "ACME-FW01", "wan1", "ip-address"),
    ),
    Probe(
        "what's the WAN address of ACME-FW02",
        ACME,
        _interface_field(ACME, "ACME-FW02", "wan1", "ip-address"),
    ),
    Probe(
        "untrust address of NW-FW01",
        NW,
        _interface_field(NW, "NW-FW01", "Port2 (WAN)", "ip-address"),
    ),
    Probe(
        "public IP of the firewall", BP, _interface_field(BP, "BP-FW01", "Internet 1", "ip-address")
    ),
    Probe(
        "iDRAC IP of ACME-HV01", ACME, _interface_field(ACME, "ACME-HV01", "iDRAC", "ip-address")
    ),
    Probe(
        "out-of-band management IP of NW-HV01",
        NW,
        _interface_field(NW, "NW-HV01", "XClarity Controller", "ip-address"),
    ),
    Probe("management IP of HV03", SC, _interface_field(SC, "HV03", "Management", "ip-address")),
    Probe("what is the X1 address of FW02", SC, _interface_field(SC, "FW02", "X1", "ip-address")),
    Probe(
        "MAC address of the wan1 interface of ACME-FW01",
        ACME,
        _interface_field(ACME, "ACME-FW01", "wan1", "mac-address"),
    ),
    # A flexible asset's field, the field names read from the synced types.
    Probe(
        "who issued the www.acmecorp.com certificate",
        ACME,
        _asset_field(ACME, "www.acmecorp.com", "issuer", "SSL Certificate"),
    ),
    Probe(
        "how many seats does the AutoCAD LT licence have",
        ACME,
        _asset_field(ACME, "AutoCAD LT", "seats", "Licensing"),
    ),
    Probe(
        "backup schedule of the Microsoft 365 backup",
        ACME,
        _asset_field(ACME, "Microsoft 365 backup", "schedule", "Backup"),
    ),
    Probe(
        "what is the retention of the nightly server backup",
        RL,
        _asset_field(RL, "Nightly server backup", "retention-days", "Backup"),
    ),
    Probe(
        "SSID of the NW-Guest wireless network",
        NW,
        _asset_field(NW, "NW-Guest", "ssid", "Wireless"),
    ),
    Probe(
        "what VLAN is the ACME-Guest wifi on",
        ACME,
        _asset_field(ACME, "ACME-Guest", "vlan", "Wireless"),
    ),
    Probe(
        "subnet of the Ottawa Office LAN",
        ACME,
        _asset_field(ACME, "Ottawa Office LAN", "subnet", "LAN"),
    ),
    Probe(
        "which version of PaperCut MF is installed",
        RL,
        _asset_field(RL, "PaperCut MF", "version", "Application"),
    ),
    # Only the field and the organization: every asset of the organization holding it.
    Probe(
        "how many licensed mailboxes are there",
        ACME,
        _asset_field(ACME, "Microsoft 365", "licensed-mailboxes", "Email"),
    ),
    Probe(
        "what is the NetBIOS name",
        NW,
        _asset_field(NW, "nw.local", "netbios-name", "Active Directory"),
    ),
    # Contacts, password entries, domains.
    Probe(
        "e-mail address of Patricia Barnes",
        ACME,
        _contact_field(ACME, "Patricia Barnes", _first_email),
    ),
    Probe("what is Jean Holmes's job title", ACME, _contact_field(ACME, "Jean Holmes", _title)),
    Probe(
        "URL of the ACME-FW02 admin GUI login",
        ACME,
        _record_field("passwords", ACME, "ACME-FW02 - Admin GUI", "url"),
    ),
    Probe(
        "username of the NW-BKP01 Veeam console",
        NW,
        _record_field("passwords", NW, "NW-BKP01 - Veeam console", "username"),
    ),
    Probe("phone number of Raj Lee", ACME, _contact_field(ACME, "Raj Lee", _phones)),
    Probe(
        "phone number of the Raleigh Branch", NW, _location_field(NW, "Raleigh Branch", ("phone",))
    ),
    Probe(
        "street address of the Ottawa Office",
        ACME,
        _location_field(ACME, "Ottawa Office", _ADDRESS),
    ),
    Probe(
        "who is the registrar of acmecorp.org",
        None,
        _record_field("domains", ACME, "acmecorp.org", "registrar-name"),
    ),
]


@pytest.mark.parametrize("probe", ANSWERED, ids=[p.question for p in ANSWERED])
async def test_an_attribute_question_is_answered_with_that_attribute(
    store_url: str, tenant: Path, probe: Probe
) -> None:
    record_id, values = probe.expect(tenant)

    answer = await ask(store_url, probe.question, probe.organization)

    assert answer.status == "answered", answer.message
    assert answer.facts, answer.message
    assert {fact.value for fact in answer.facts} == values
    assert {str(fact.source.record_id) for fact in answer.facts} == {record_id}
    assert str(answer.sources[0].record_id) == record_id


async def test_a_warranty_question_gives_the_warranty_date_only(
    store_url: str, tenant: Path
) -> None:
    record = _one(tenant, "configurations", NW, "NW-HV01")

    answer = await ask(store_url, "warranty end date of NW-HV01", NW)

    assert answer.status == "answered"
    assert {fact.value for fact in answer.facts} == {record["attributes"]["warranty-expires-at"]}
    assert str(answer.sources[0].record_id) == record["id"]


@pytest.mark.parametrize(
    ("question", "organization", "name", "key", "type_name"),
    [
        (
            "when does the remote.northwindtraders.com certificate expire",
            NW,
            "remote.northwindtraders.com",
            "expires-on",
            "SSL Certificate",
        ),
        ("expiry date of the www.acmecorp.com certificate", ACME, "www.acmecorp.com",
         "expires-on", "SSL Certificate"),
        ("renewal date of the Sophos Xstream Protection licence", NW,
         "Sophos Xstream Protection", "renewal-date", "Licensing"),
    ],
)  # fmt: skip
async def test_an_expiry_or_renewal_gives_that_date_only(
    store_url: str, tenant: Path, question: str, organization: str, name: str, key: str,
    type_name: str,
) -> None:  # fmt: skip
    due = _trait(tenant, organization, name, key, type_name)

    answer = await ask(store_url, question, organization)

    assert answer.status == "answered"
    assert {fact.value for fact in answer.facts} == {due}
    assert {source.organization_name for source in answer.sources} == {organization}


async def test_several_things_of_a_kind_each_give_the_attribute(
    store_url: str, tenant: Path
) -> None:
    firewalls = [
        c
        for c in records(tenant, "configurations")
        if c["attributes"]["organization-name"] == NW
        and c["attributes"]["configuration-type-name"] == "Firewall"
        and not c["attributes"]["archived"]
    ]
    assert len(firewalls) > 1
    wan = {_interface(tenant, c, "Port2 (WAN)")["ip-address"] for c in firewalls}

    answer = await ask(store_url, "WAN IP of the firewall", NW)

    assert {fact.value for fact in answer.facts} == wan
    assert {source.organization_name for source in answer.sources} == {NW}


async def test_the_address_of_a_device_is_its_ip_not_a_location(
    store_url: str, tenant: Path
) -> None:
    record = _one(tenant, "configurations", ACME, "ACME-FW01")
    addresses = {record["attributes"]["primary-ip"]} | {
        i["ip-address"] for i in _interfaces(tenant, record) if i["ip-address"]
    }

    answer = await ask(store_url, "what's the address of ACME-FW01", ACME)

    assert {fact.value for fact in answer.facts} == addresses
    assert {source.record_type for source in answer.sources} == {"configurations"}


async def test_an_attribute_of_a_kind_the_organization_lacks_is_no_data(
    store_url: str, tenant: Path
) -> None:
    holders = {
        c["attributes"]["organization-name"]
        for c in records(tenant, "configurations")
        if "NAS" in c["attributes"]["name"]
    }
    assert holders and BP not in holders  # the premise

    answer = await ask(store_url, "serial number of the NAS", BP)

    assert answer.status == "no_data" and not answer.facts
    assert "NAS" in " ".join(answer.suggestions)


async def test_a_field_named_like_a_kind_of_record_does_not_take_the_question(
    store_url: str,
) -> None:
    # LAN and Wireless assets have a "Location" field; the question asks for locations.
    answer = await ask(store_url, "what locations does @Acme Corporation have")

    assert {source.record_type for source in answer.sources} == {"locations"}


async def test_a_password_attribute_never_carries_the_value(store_url: str, tenant: Path) -> None:
    answer = await ask(store_url, "URL of the ACME-FW02 admin GUI login", ACME)

    assert not secret_values(tenant) & {fact.value for fact in answer.facts}
    assert "never returned" in answer.message


async def test_an_attribute_the_device_lacks_is_no_data_naming_what_it_holds(
    store_url: str, tenant: Path
) -> None:
    record = _one(tenant, "configurations", RL, "HV01")
    assert record["attributes"]["asset-tag"] is None  # the premise

    answer = await ask(store_url, "asset tag of HV01", RL)

    assert answer.status == "no_data" and not answer.facts
    assert "HV01" in answer.message and "no asset tag" in answer.message
    assert any("serial number" in hint for hint in answer.suggestions)


async def test_a_missing_interface_is_no_data_listing_the_interfaces(
    store_url: str, tenant: Path
) -> None:
    record = _one(tenant, "configurations", ACME, "ACME-HV01")
    names = [i["name"] for i in _interfaces(tenant, record)]
    assert not any("wan" in name.lower() for name in names)  # the premise

    answer = await ask(store_url, "WAN IP of ACME-HV01", ACME)

    assert answer.status == "no_data" and not answer.facts
    assert all(name in " ".join(answer.suggestions) for name in names)


async def test_an_empty_asset_field_is_no_data_not_another_field(
    store_url: str, tenant: Path
) -> None:
    assert _trait(tenant, ACME, "LexiCore Case Manager", "database-server", "Application") is None

    answer = await ask(store_url, "database server of LexiCore Case Manager", ACME)

    assert answer.status == "no_data" and not answer.facts
    assert "Database Server" in answer.message


@pytest.mark.parametrize(
    ("question", "organization", "elsewhere"),
    [
        ("serial number of ACME-FW01", NW, ACME),
        ("who is the registrar of northwindtraders.com", ACME, NW),
        ("how many seats does the Sophos Xstream Protection licence have", ACME, NW),
        ("iDRAC IP of NW-HV01", ACME, NW),
    ],
)
async def test_an_attribute_of_a_thing_in_another_organization_is_no_data(
    store_url: str, question: str, organization: str, elsewhere: str
) -> None:
    answer = await ask(store_url, question, organization)

    assert answer.status == "no_data" and not answer.facts and not answer.sources
    assert any(elsewhere in hint for hint in answer.suggestions)


async def test_a_contact_of_another_organization_gives_no_e_mail(store_url: str) -> None:
    answer = await ask(store_url, "e-mail address of Patricia Barnes", NW)

    assert answer.status == "no_data" and not answer.facts


# --- a flexible asset type the generator never makes ---------------------------------------

_CIRCUIT_TYPE = "9900001"
_CIRCUIT_FIELDS = [
    ("9900011", "Provider", "provider", "Text"),
    ("9900012", "Circuit ID", "circuit-id", "Text"),
    ("9900013", "Bandwidth", "bandwidth", "Text"),
    ("9900014", "Notes", "notes", "Textbox"),
]


def _add_circuit_type(directory: Path, organization: dict[str, Any]) -> dict[str, str]:
    """Write an "ISP Circuit" type and one asset of it for ``organization``; its traits."""
    types_path = directory / "flexible_asset_types.json"
    types = json.loads(types_path.read_text())
    stamp = "2026-01-05T10:00:00.000Z"
    types["data"].append(
        {
            "id": _CIRCUIT_TYPE,
            "type": "flexible-asset-types",
            "attributes": {
                "name": "ISP Circuit",
                "description": "WAN circuits",
                "icon": "fa-globe",
                "enabled": True,
                "show-in-menu": True,
                "created-at": stamp,
                "updated-at": stamp,
            },
            "relationships": {
                "flexible-asset-fields": {
                    "data": [
                        {"type": "flexible-asset-fields", "id": field_id}
                        for field_id, *_ in _CIRCUIT_FIELDS
                    ]
                }
            },
        }
    )
    types["included"] += [
        {
            "id": field_id,
            "type": "flexible-asset-fields",
            "attributes": {
                "order": order,
                "name": name,
                "name-key": key,
                "kind": kind,
                "hint": None,
                "tag-type": None,
                "required": False,
                "show-in-list": True,
                "use-for-title": order == 1,
                "expiration": False,
                "default-value": None,
                "flexible-asset-type-id": int(_CIRCUIT_TYPE),
                "created-at": stamp,
                "updated-at": stamp,
            },
        }
        for order, (field_id, name, key, kind) in enumerate(_CIRCUIT_FIELDS, start=1)
    ]
    types["meta"]["total-count"] = len(types["data"])
    types_path.write_text(json.dumps(types))
    traits = {
        "provider": "Lakeshore Telecom",
        "circuit-id": "LKT/ETH/40419/0082",
        "bandwidth": "500/500 Mbps",
        "notes": "<p>Demarc in the basement comms room.</p>",
    }
    assets_path = directory / "flexible_assets.json"
    assets = json.loads(assets_path.read_text())
    assets["data"].append(
        {
            "id": "9900100",
            "type": "flexible-assets",
            "attributes": {
                "organization-id": int(organization["id"]),
                "organization-name": organization["attributes"]["name"],
                "resource-url": None,
                "flexible-asset-type-id": int(_CIRCUIT_TYPE),
                "flexible-asset-type-name": "ISP Circuit",
                "name": "Lakeshore fibre line",
                "traits": traits,
                "archived": False,
                "created-at": stamp,
                "updated-at": stamp,
            },
        }
    )
    assets["meta"]["total-count"] = len(assets["data"])
    assets_path.write_text(json.dumps(assets))
    return traits  # fmt: skip


async def _synced_with_circuit(
    database_url: str, dataset_dir: Path, tmp_path: Path
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    directory = tmp_path / "dataset"
    shutil.copytree(dataset_dir, directory)
    organizations = records(directory, "organizations")
    traits = _add_circuit_type(directory, organizations[0])
    dataset = Dataset.load(directory)
    app = Switchable(create_app(dataset, SimulatorConfig(api_keys={API_KEY: True})))
    with serve_in_thread(app) as url:
        await run_sync(Simulated(dataset, url, app), database_url, full=True)
    return traits, organizations


async def test_a_new_flexible_asset_type_is_answerable_from_its_synced_fields(
    database_url: str, dataset_dir: Path, tmp_path: Path
) -> None:
    traits, organizations = await _synced_with_circuit(database_url, dataset_dir, tmp_path)
    owner, other = (o["attributes"]["name"] for o in organizations[:2])

    by_name = await ask(database_url, "what is the circuit ID of the Lakeshore fibre line", owner)
    by_type = await ask(database_url, "ISP circuit ID", owner)
    bandwidth = await ask(database_url, "bandwidth of the ISP circuit", owner)
    elsewhere = await ask(database_url, "what is the ISP circuit ID", other)
    field_only = await ask(database_url, "what is the circuit ID", other)

    for answer in (by_name, by_type):
        assert answer.status == "answered", answer.message
        assert [(f.label, f.value) for f in answer.facts] == [("Circuit ID", traits["circuit-id"])]
        assert [s.record_id for s in answer.sources] == [9900100]
    assert [f.value for f in bandwidth.facts] == [traits["bandwidth"]]
    for answer in (elsewhere, field_only):
        assert answer.status == "no_data" and not answer.facts
        assert any(owner in hint for hint in answer.suggestions)


# --- the asked value leads ------------------------------------------------------------------


async def test_a_login_question_leads_with_the_username_not_the_entry_name(
    store_url: str, tenant: Path
) -> None:
    entry = _one(tenant, "passwords", NW, "NW-BKP01 - Veeam console")

    answer = await ask(store_url, "the NW-BKP01 Veeam console login", NW)

    assert answer.status == "answered"
    assert (answer.facts[0].label, answer.facts[0].value) == (
        "username",
        entry["attributes"]["username"],
    )


async def test_a_mobile_number_question_leads_with_the_mobile_phone(
    store_url: str, tenant: Path
) -> None:
    with_mobile = [
        c
        for c in records(tenant, "contacts")
        if c["attributes"]["organization-name"] == ACME
        and len(c["attributes"]["contact-phones"]) > 1
        and c["attributes"]["contact-phones"][0]["label-name"] != "Mobile"
        and any(p["label-name"] == "Mobile" for p in c["attributes"]["contact-phones"])
    ]
    assert with_mobile, "premise: an Acme contact has a Mobile phone after another phone"
    contact = with_mobile[0]["attributes"]
    [mobile] = [p["value"] for p in contact["contact-phones"] if p["label-name"] == "Mobile"]

    answer = await ask(store_url, f"cell number for {_contact_name(with_mobile[0])}", ACME)

    assert answer.status == "answered"
    assert answer.facts[0].value == mobile


async def test_a_word_of_a_stored_operating_system_asks_the_operating_system(
    store_url: str, tenant: Path
) -> None:
    record = _one(tenant, "configurations", ACME, "ACME-FW01")
    system = record["attributes"]["operating-system-name"]
    word = system.split()[0]
    assert word.isalpha(), "premise: the operating system's name starts with a word"

    answer = await ask(store_url, f"which {word} version is ACME-FW01 running", ACME)

    assert answer.status == "answered"
    assert (answer.facts[0].label, answer.facts[0].value) == ("operating system", system)


async def test_the_warranty_of_a_device_kind_is_that_device_s_not_every_expiration(
    store_url: str, tenant: Path
) -> None:
    firewall = _one(tenant, "configurations", BP, "BP-FW01")

    answer = await ask(store_url, "when does the firewall warranty run out", BP)

    assert answer.status == "answered"
    assert {fact.value for fact in answer.facts} == {firewall["attributes"]["warranty-expires-at"]}
    assert str(answer.sources[0].record_id) == firewall["id"]


async def test_the_registrar_of_an_organization_s_domains(store_url: str, tenant: Path) -> None:
    domains = [d for d in records(tenant, "domains") if d["attributes"]["organization-name"] == RL]
    assert domains, "premise: Riverbend Labs keeps domains"

    answer = await ask(store_url, "which registrar is the domain with", RL)

    assert answer.status == "answered"
    assert {fact.value for fact in answer.facts} <= {
        d["attributes"]["registrar-name"] for d in domains
    }
    assert {source.organization_name for source in answer.sources} == {RL}


async def test_a_brand_none_of_the_kind_is_of_is_no_data_not_another_device(
    store_url: str, tenant: Path
) -> None:
    firewalls = [
        c["attributes"]
        for c in records(tenant, "configurations")
        if c["attributes"]["organization-name"] == BP
        and c["attributes"]["configuration-type-name"] == "Firewall"
    ]
    assert firewalls, "premise: BrightPath has a firewall"
    made = " ".join(
        f"{f['name']} {f['manufacturer-name']} {f['model-name']}" for f in firewalls
    ).lower()
    brand = next(b for b in ("WatchGuard", "SonicWall", "FortiGate") if b.lower() not in made)

    answer = await ask(store_url, f"serial number of the {brand}", BP)

    assert answer.status == "no_data"
    assert brand.lower() in answer.message.lower()
    assert not answer.facts
