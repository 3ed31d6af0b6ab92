"""What a person browsing the generated tenant would notice: networks, names, anchors, sizes."""

from __future__ import annotations

import ipaddress
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from itglue_mcp.itglue.dataset import DEFAULT_SEED, DEFAULT_SMALL_ORGANIZATIONS, generate_dataset

REFERENCE_NOW = "2026-11-01"
VPN_RUNBOOK = "Sophos VPN — reset a user's VPN access"
DOCUMENTATION_RANGES = [
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
]


def _load(directory: Path) -> dict[str, list[dict[str, Any]]]:
    names = (
        "organizations",
        "configurations",
        "passwords",
        "flexible_assets",
        "documents",
        "contacts",
        "locations",
        "domains",
        "expirations",
    )
    loaded = {}
    for name in names:
        document = json.loads((directory / f"{name}.json").read_text("utf-8"))
        loaded[name] = document["data"]
        loaded[f"{name}:included"] = document.get("included", [])
    return loaded


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("realism")
    generate_dataset(out, organizations=DEFAULT_SMALL_ORGANIZATIONS, seed=DEFAULT_SEED)
    return _load(out)


def _by_org(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in records if r["attributes"]["organization-name"] == name]


def _subnets(tenant: dict[str, list[dict[str, Any]]]) -> dict[int, ipaddress.IPv4Network]:
    """Location id -> subnet, read from the LAN flexible assets."""
    subnets = {}
    for asset in tenant["flexible_assets"]:
        traits = asset["attributes"]["traits"]
        if asset["attributes"]["flexible-asset-type-name"] == "LAN":
            location = traits["location"]["values"][0]["id"]
            subnets[location] = ipaddress.IPv4Network(traits["subnet"])
    return subnets


def test_each_location_has_its_own_private_subnet(tenant: dict[str, list[dict[str, Any]]]) -> None:
    subnets = _subnets(tenant)
    assert set(subnets) == {int(location["id"]) for location in tenant["locations"]}
    per_org: dict[int, list[ipaddress.IPv4Network]] = defaultdict(list)
    for location in tenant["locations"]:
        subnet = subnets[int(location["id"])]
        assert subnet.is_private and subnet.prefixlen in (22, 23, 24)
        per_org[location["attributes"]["organization-id"]].append(subnet)
    for networks in per_org.values():
        assert 1 <= len(networks) <= 4
        for index, network in enumerate(networks):
            assert not any(network.overlaps(other) for other in networks[index + 1 :])


def test_interface_addresses_sit_in_their_location_subnet_once(
    tenant: dict[str, list[dict[str, Any]]],
) -> None:
    subnets = _subnets(tenant)
    interfaces = {
        i["id"]: i["attributes"]
        for i in tenant["configurations:included"]
        if i["type"] == "configuration-interfaces"
    }
    used: dict[int, set[str]] = defaultdict(set)
    for configuration in tenant["configurations"]:
        attributes = configuration["attributes"]
        subnet = subnets[attributes["location-id"]]
        own = [
            interfaces[ref["id"]]
            for ref in configuration["relationships"]["configuration-interfaces"]["data"]
        ]
        primary = [i for i in own if i["primary"]]
        assert len(primary) == 1
        assert attributes["primary-ip"] == primary[0]["ip-address"]
        assert attributes["mac-address"] == primary[0]["mac-address"]
        for interface in own:
            if interface["ip-address"] is None:
                continue
            address = ipaddress.IPv4Address(interface["ip-address"])
            if attributes["configuration-type-name"] == "Firewall" and not interface["primary"]:
                assert any(address in network for network in DOCUMENTATION_RANGES)
                continue
            assert address in subnet, (attributes["name"], interface["ip-address"], subnet)
            assert address not in (subnet.network_address, subnet.broadcast_address)
            assert interface["ip-address"] not in used[attributes["location-id"]]
            used[attributes["location-id"]].add(interface["ip-address"])
        if attributes["primary-ip"] and attributes["configuration-type-name"] != "Firewall":
            assert ipaddress.IPv4Address(attributes["default-gateway"]) in subnet


def test_gateways_are_firewalls_on_the_first_or_last_address(
    tenant: dict[str, list[dict[str, Any]]],
) -> None:
    subnets = _subnets(tenant)
    firewalls = [
        c
        for c in tenant["configurations"]
        if c["attributes"]["configuration-type-name"] == "Firewall"
    ]
    assert {c["attributes"]["location-id"] for c in firewalls} == set(subnets)
    for firewall in firewalls:
        subnet = subnets[firewall["attributes"]["location-id"]]
        address = ipaddress.IPv4Address(firewall["attributes"]["primary-ip"])
        assert address in (subnet.network_address + 1, subnet.broadcast_address - 1)
        assert firewall["attributes"]["manufacturer-name"] in {
            "Fortinet",
            "Sophos",
            "SonicWall",
            "Netgate",
            "Cisco Meraki",
        }


def test_mac_addresses_are_unique_and_well_formed(tenant: dict[str, list[dict[str, Any]]]) -> None:
    macs = [
        i["attributes"]["mac-address"]
        for i in tenant["configurations:included"]
        if i["type"] == "configuration-interfaces"
    ]
    assert all(re.fullmatch(r"([0-9A-F]{2}:){5}[0-9A-F]{2}", mac) for mac in macs)
    assert len(set(macs)) == len(macs)


def test_organization_names_look_real_and_are_unique(
    tenant: dict[str, list[dict[str, Any]]],
) -> None:
    names = [o["attributes"]["name"] for o in tenant["organizations"]]
    short = [o["attributes"]["short-name"] for o in tenant["organizations"]]
    assert len(set(names)) == len(names) and len(set(short)) == len(short)
    for name in names:
        assert not re.search(r"\b(org|organization|company|customer|tenant)\s*#?\d+\b", name, re.I)
        assert len(name.split()) >= 2 and not any(ch.isdigit() for ch in name)
    assert sum(1 for o in tenant["organizations"] if o["attributes"]["primary"]) == 1
    first_words = Counter(name.split()[0] for name in names)
    assert first_words["Northwind"] >= 2 and first_words["Acme"] >= 2  # near-duplicates


def test_two_organizations_each_have_a_dc01(tenant: dict[str, list[dict[str, Any]]]) -> None:
    owners = {
        c["attributes"]["organization-name"]
        for c in tenant["configurations"]
        if c["attributes"]["name"] == "DC01"
    }
    assert len(owners) >= 2
    acme = {c["attributes"]["name"] for c in _by_org(tenant["configurations"], "Acme Corporation")}
    assert "ACME-DC01" in acme and all(name.startswith("ACME-") for name in acme)


def test_acme_has_a_fortigate_with_a_stored_password(
    tenant: dict[str, list[dict[str, Any]]],
) -> None:
    acme = [o for o in tenant["organizations"] if o["attributes"]["name"] == "Acme Corporation"]
    assert tenant["organizations"][0] is acme[0]
    assert acme[0]["attributes"]["short-name"] == "ACME"
    firewalls = [
        c
        for c in _by_org(tenant["configurations"], "Acme Corporation")
        if c["attributes"]["configuration-type-name"] == "Firewall"
    ]
    fortigate = firewalls[0]["attributes"]
    assert fortigate["model-name"].startswith("FortiGate")
    assert fortigate["primary-ip"] == "10.10.10.1"
    passwords = [
        p for p in tenant["passwords"] if p["attributes"]["resource-id"] == int(firewalls[0]["id"])
    ]
    assert passwords and passwords[0]["attributes"]["url"] == "https://10.10.10.1"


def test_northwind_has_a_sophos_firewall_and_a_vpn_runbook(
    tenant: dict[str, list[dict[str, Any]]],
) -> None:
    northwind = tenant["organizations"][1]["attributes"]
    assert (northwind["name"], northwind["short-name"]) == ("Northwind Traders", "NW")
    firewalls = [
        c
        for c in _by_org(tenant["configurations"], "Northwind Traders")
        if c["attributes"]["configuration-type-name"] == "Firewall"
    ]
    assert firewalls and all(c["attributes"]["manufacturer-name"] == "Sophos" for c in firewalls)
    documents = [
        d
        for d in _by_org(tenant["documents"], "Northwind Traders")
        if d["attributes"]["name"] == VPN_RUNBOOK
    ]
    assert len(documents) == 1
    content = documents[0]["attributes"]["content"]
    assert sum(1 for block in content if block["kind"] == "Step") >= 4
    assert firewalls[0]["attributes"]["name"] in " ".join(block["html"] for block in content)


def test_documents_have_html_blocks_and_many_live_in_folders(
    tenant: dict[str, list[dict[str, Any]]],
) -> None:
    documents = tenant["documents"]
    in_folders = [d for d in documents if d["attributes"]["document-folder-id"] is not None]
    assert len(documents) // 2 < len(in_folders) < len(documents)
    kinds = Counter(block["kind"] for d in documents for block in d["attributes"]["content"])
    assert set(kinds) == {"Heading", "Text", "Step", "Gallery"}
    for document in documents:
        for block in document["attributes"]["content"]:
            assert set(block) == {"kind", "html"} and block["html"].startswith("<")
    for organization in tenant["organizations"]:
        names = [
            d["attributes"]["name"] for d in _by_org(documents, organization["attributes"]["name"])
        ]
        assert len(names) >= 10 and len(set(names)) == len(names)


def test_passwords_carry_secrets_and_categories(tenant: dict[str, list[dict[str, Any]]]) -> None:
    passwords = tenant["passwords"]
    assert all(p["attributes"]["password"] for p in passwords)
    resource_types = Counter(p["attributes"]["resource-type"] for p in passwords)
    assert (
        resource_types["Configuration"] and resource_types["FlexibleAsset"] and resource_types[None]
    )
    categories = {p["attributes"]["password-category-name"] for p in passwords}
    assert {
        "Active Directory",
        "Network Device",
        "Web Portal",
        "Email",
        "Wireless",
        "Vendor Portal",
    } <= categories
    for asset in tenant["flexible_assets"]:
        traits = asset["attributes"]["traits"]
        for key in ("dsrm-password", "encryption-password", "license-key"):
            assert key not in traits or len(traits[key]) >= 8
        if traits.get("security") == "WPA2-Personal":
            assert len(traits["pre-shared-key"]) >= 8


def test_warranties_and_domains_expire_around_the_reference_date(
    tenant: dict[str, list[dict[str, Any]]],
) -> None:
    def days(date: str) -> int:
        from datetime import date as day

        return (day.fromisoformat(date) - day.fromisoformat(REFERENCE_NOW)).days

    warranties = [
        days(c["attributes"]["warranty-expires-at"])
        for c in tenant["configurations"]
        if c["attributes"]["warranty-expires-at"]
    ]
    assert any(d < 0 for d in warranties)
    for low, high in ((0, 30), (31, 60), (61, 90)):
        assert any(low <= d <= high for d in warranties), (low, high)
    kinds = Counter(e["attributes"]["resource-type-name"] for e in tenant["expirations"])
    assert set(kinds) == {"Configuration", "Domain", "FlexibleAsset"}
    statuses = Counter(
        c["attributes"]["configuration-status-name"] for c in tenant["configurations"]
    )
    assert set(statuses) == {"Active", "Inactive", "Decommissioned"}
    assert any(c["attributes"]["archived"] for c in tenant["configurations"])


def test_contacts_use_the_organization_domain(tenant: dict[str, list[dict[str, Any]]]) -> None:
    domains: dict[str, str] = {}  # organization -> its first (primary) domain
    for domain in tenant["domains"]:
        domains.setdefault(domain["attributes"]["organization-name"], domain["attributes"]["name"])
    for contact in tenant["contacts"]:
        attributes = contact["attributes"]
        email = attributes["contact-emails"][0]["value"]
        if attributes["contact-type-name"] != "Vendor":
            assert email.endswith("@" + domains[attributes["organization-name"]])
        assert (
            attributes["contact-phones"]
            and attributes["name"] == f"{attributes['first-name']} {attributes['last-name']}"
        )


def test_configurations_cover_the_kinds_of_an_msp_inventory(
    tenant: dict[str, list[dict[str, Any]]],
) -> None:
    types = Counter(c["attributes"]["configuration-type-name"] for c in tenant["configurations"])
    assert set(types) == {
        "Managed Server",
        "Virtual Server",
        "Hypervisor Host",
        "Firewall",
        "Switch",
        "Wireless Access Point",
        "Printer",
        "NAS",
        "UPS",
        "Managed Workstation",
        "Laptop",
    }
    assert types["Managed Workstation"] + types["Laptop"] > len(tenant["configurations"]) // 2
    roles = {
        re.sub(r"^[A-Z]+-|\d+$", "", c["attributes"]["name"]) for c in tenant["configurations"]
    }
    assert {"DC", "FS", "APP", "SQL", "HV", "FW", "SW", "AP", "PRN", "UPS"} <= roles


def test_a_mid_size_run_averages_at_least_750_records_per_organization(tmp_path: Path) -> None:
    summary = generate_dataset(tmp_path, organizations=20, seed=DEFAULT_SEED)
    assert summary.total_records / 20 >= 750
    assert (
        summary.records["passwords"] + summary.records["configurations"] > summary.total_records / 2
    )
