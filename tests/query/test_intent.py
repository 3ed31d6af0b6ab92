"""``detect_intent``: realistic technician questions, precedence, targets and confidence."""

from __future__ import annotations

from typing import Any

import pytest

from itglue_mcp.query.intent import PRECEDENCE, Entities, IntentKind, detect_intent
from itglue_mcp.query.scope import parse_scope

K = IntentKind

# (question, intent, entities that must have these values; others are not checked)
CASES: list[tuple[str, IntentKind, dict[str, Any]]] = [
    # ip_lookup: an IP literal in the question.
    ("which device has 10.10.10.25", K.IP_LOOKUP, {"ip": "10.10.10.25", "target": "10.10.10.25"}),
    ("10.10.10.1", K.IP_LOOKUP, {"ip": "10.10.10.1"}),
    ("what is 192.168.20.254?", K.IP_LOOKUP, {"ip": "192.168.20.254"}),
    ("whose is 172.16.0.10.", K.IP_LOOKUP, {"ip": "172.16.0.10"}),
    ("what lives on 192.168.20.0/24", K.IP_LOOKUP, {"ip": "192.168.20.0/24"}),
    ("which host is 2001:db8::25", K.IP_LOOKUP, {"ip": "2001:db8::25"}),
    ("what device has IP 10.10.10.5", K.IP_LOOKUP, {"ip": "10.10.10.5"}),
    # mac_lookup: any common notation, normalised.
    ("who has mac 00-1a-2b-3c-4d-5e", K.MAC_LOOKUP, {"mac": "00:1A:2B:3C:4D:5E"}),
    ("find 00:1A:2B:3C:4D:5E", K.MAC_LOOKUP, {"mac": "00:1A:2B:3C:4D:5E"}),
    ("which switch port is 001a.2b3c.4d5e on", K.MAC_LOOKUP, {"mac": "00:1A:2B:3C:4D:5E"}),
    ("MAC address 001A2B3C4D5E", K.MAC_LOOKUP, {"mac": "00:1A:2B:3C:4D:5E"}),
    ("device with mac aa-bb-cc-dd-ee-ff and its IP", K.MAC_LOOKUP, {"mac": "AA:BB:CC:DD:EE:FF"}),
    # serial_lookup
    ("serial ABC123", K.SERIAL_LOOKUP, {"serial": "ABC123", "hostname": None}),
    ("which device has serial number FGT60FTK21001234", K.SERIAL_LOOKUP,
     {"serial": "FGT60FTK21001234"}),
    ("S/N: 5CD1234XYZ", K.SERIAL_LOOKUP, {"serial": "5CD1234XYZ"}),
    ("lookup service tag 7XK2L33", K.SERIAL_LOOKUP, {"serial": "7XK2L33"}),
    ("what is SN# CN12345678", K.SERIAL_LOOKUP, {"serial": "CN12345678"}),
    # hostname_lookup
    ("ACME-DC01", K.HOSTNAME_LOOKUP, {"hostname": "ACME-DC01", "target": "ACME-DC01"}),
    ("tell me about nw-fs01.corp.local", K.HOSTNAME_LOOKUP, {"hostname": "nw-fs01.corp.local"}),
    ("what is NW-SQL02?", K.HOSTNAME_LOOKUP, {"hostname": "NW-SQL02"}),
    ("details for srv12", K.HOSTNAME_LOOKUP, {"hostname": "srv12"}),
    ("show ACME-DC01 domain controller", K.HOSTNAME_LOOKUP,
     {"hostname": "ACME-DC01", "configuration_kind": "domain controller"}),
    # device_ip: asks for an IP, gives none.
    ("what's the firewall IP", K.DEVICE_IP,
     {"configuration_kind": "firewall", "target": "firewall"}),
    ("IP of DC01", K.DEVICE_IP, {"hostname": "DC01", "target": "DC01"}),
    ("DC01's IP address", K.DEVICE_IP, {"hostname": "DC01", "target": "DC01"}),
    ("what is the management IP of the core switch", K.DEVICE_IP,
     {"configuration_kind": "switch", "target": "core switch"}),
    ("what IP does the printer have", K.DEVICE_IP,
     {"configuration_kind": "printer", "target": "printer"}),
    ("ip address for nw-fs01.corp.local", K.DEVICE_IP, {"target": "nw-fs01.corp.local"}),
    ("what's the default gateway", K.DEVICE_IP, {"ip": None}),
    ("what is the WAN IP at the main office", K.DEVICE_IP, {"target": "WAN"}),
    ("IPs of the ESXi hosts", K.DEVICE_IP,
     {"configuration_kind": "hypervisor", "target": "ESXi hosts"}),
    # credential: the entity is what the credential is for.
    ("password for the firewall at 10.0.0.1", K.CREDENTIAL,
     {"ip": "10.0.0.1", "target": "firewall", "configuration_kind": "firewall"}),
    ("what's the Sophos VPN password", K.CREDENTIAL, {"target": "Sophos VPN"}),
    ("admin password for the Hyper-V host", K.CREDENTIAL,
     {"target": "Hyper-V host", "configuration_kind": "hypervisor"}),
    ("login for the HP printer", K.CREDENTIAL, {"target": "HP printer"}),
    ("credentials for nw-fs01.corp.local", K.CREDENTIAL, {"target": "nw-fs01.corp.local"}),
    ("office wifi password", K.CREDENTIAL, {"target": "office wifi"}),
    ("admin account for the Synology", K.CREDENTIAL,
     {"target": "Synology", "configuration_kind": "nas"}),
    ("how do I log in to the FortiGate", K.CREDENTIAL, {"target": "FortiGate"}),
    ("username on DC01", K.CREDENTIAL, {"target": "DC01"}),
    ("what is the wifi PSK", K.CREDENTIAL, {"target": "wifi"}),
    ("mail password for bob@acme.com", K.CREDENTIAL, {"hostname": None}),
    ("what's the bitlocker key for LAPTOP-0042", K.CREDENTIAL,
     {"target": "LAPTOP-0042", "hostname": "LAPTOP-0042"}),
    # configuration: by kind.
    ("the firewall", K.CONFIGURATION, {"configuration_kind": "firewall"}),
    ("domain controllers", K.CONFIGURATION, {"configuration_kind": "domain controller"}),
    ("printers on floor 2", K.CONFIGURATION,
     {"configuration_kind": "printer", "window_days": None}),
    ("list the DCs", K.CONFIGURATION, {"configuration_kind": "domain controller"}),
    ("show me the APs in the warehouse", K.CONFIGURATION,
     {"configuration_kind": "wireless access point"}),
    ("which WAP is in the lobby", K.CONFIGURATION, {"configuration_kind": "wireless access point"}),
    ("the NAS box", K.CONFIGURATION, {"configuration_kind": "nas"}),
    ("list Hyper-V hosts", K.CONFIGURATION, {"configuration_kind": "hypervisor"}),
    ("which servers run Windows Server 2019", K.CONFIGURATION,
     {"configuration_kind": "server", "hostname": None}),
    ("what SQL servers do they have", K.CONFIGURATION, {"configuration_kind": "sql server"}),
    ("the file server", K.CONFIGURATION, {"configuration_kind": "file server"}),
    ("UPS in the server room", K.CONFIGURATION, {"configuration_kind": "ups"}),
    ("laptops running Win10", K.CONFIGURATION, {"configuration_kind": "laptop", "hostname": None}),
    ("where is the NAS box", K.CONFIGURATION, {"configuration_kind": "nas"}),
    ("what devices are in the comms cabinet", K.CONFIGURATION, {"configuration_kind": None}),
    # contact
    ("who is the primary contact", K.CONTACT, {"target": "primary contact"}),
    ("who's the IT contact", K.CONTACT, {"target": "IT contact"}),
    ("phone number for Jane Smith", K.CONTACT, {"target": "Jane Smith"}),
    ("email address of the office manager", K.CONTACT, {"target": "office manager"}),
    ("who do I call after hours", K.CONTACT, {}),
    ("list contacts", K.CONTACT, {}),
    # location
    ("address of the main office", K.LOCATION, {"target": "main office"}),
    ("where is site Riverside", K.LOCATION, {"target": "site Riverside"}),
    ("what's the Dallas office address", K.LOCATION, {"target": "Dallas office"}),
    ("list their locations", K.LOCATION, {}),
    # document
    ("how do we reset the Sophos VPN", K.DOCUMENT, {"target": "Sophos VPN"}),
    ("how do I set up a new user", K.DOCUMENT, {"target": "new user"}),
    ("how to restore the file server from backup", K.DOCUMENT,
     {"target": "file server", "configuration_kind": "file server"}),
    ("steps to onboard a new employee", K.DOCUMENT, {"target": "new employee"}),
    ("runbook for DC01 patching", K.DOCUMENT, {"target": "DC01 patching"}),
    ("Sophos VPN procedure", K.DOCUMENT, {"target": "Sophos VPN"}),
    ("how does the backup work", K.DOCUMENT, {"target": "backup"}),
    ("how do I reset the admin password on the firewall", K.DOCUMENT, {"target": "admin password"}),
    ("how do we renew the SSL certificate", K.DOCUMENT, {"target": "SSL certificate"}),
    ("documentation for the phone system", K.DOCUMENT, {"target": "phone system"}),
    ("VPN setup steps", K.DOCUMENT, {"target": "VPN setup"}),
    # expiration
    ("what expires this month", K.EXPIRATION, {"window_days": 31, "expiration_kind": None}),
    ("warranties expiring in the next 30 days", K.EXPIRATION,
     {"window_days": 30, "expiration_kind": "warranty"}),
    ("when does the SSL cert expire", K.EXPIRATION,
     {"expiration_kind": "ssl certificate", "target": "SSL cert", "window_days": None}),
    ("licences expiring next month", K.EXPIRATION,
     {"window_days": 62, "expiration_kind": "license"}),
    ("any domains expiring within 90 days", K.EXPIRATION,
     {"window_days": 90, "expiration_kind": "domain"}),
    ("what's expiring this week", K.EXPIRATION, {"window_days": 7}),
    ("license renewals in the next 3 months", K.EXPIRATION,
     {"window_days": 90, "expiration_kind": "license"}),
    ("warranty status for DC01", K.EXPIRATION, {"target": "DC01", "expiration_kind": "warranty"}),
    ("when does acmecorp.com expire", K.EXPIRATION,
     {"target": "acmecorp.com", "hostname": "acmecorp.com"}),
    ("certificates expiring in the next two weeks", K.EXPIRATION,
     {"window_days": 14, "expiration_kind": "ssl certificate"}),
    ("when does the domain admin password expire", K.EXPIRATION, {"expiration_kind": None}),
    # relationship
    ("what depends on DC01", K.RELATIONSHIP, {"target": "DC01"}),
    ("what is related to the SQL server", K.RELATIONSHIP, {"target": "SQL server"}),
    ("what uses the SQL server", K.RELATIONSHIP, {"target": "SQL server"}),
    ("which servers use the NAS", K.RELATIONSHIP, {"target": "NAS"}),
    ("dependencies of ACME-FS01", K.RELATIONSHIP, {"target": "ACME-FS01"}),
    ("what is connected to the core switch", K.RELATIONSHIP, {"target": "core switch"}),
    ("what would break if the firewall went down", K.RELATIONSHIP, {"target": "firewall"}),
    ("what depends on 10.10.10.5", K.RELATIONSHIP, {"ip": "10.10.10.5", "target": "10.10.10.5"}),
    # search: nothing more specific.
    ("Sophos VPN", K.SEARCH, {"keywords": ("sophos", "vpn")}),
    ("backup retention policy", K.SEARCH, {}),
    ("tell me about Microsoft 365", K.SEARCH, {"hostname": None}),
    ("what about Windows 10.0.19045", K.SEARCH, {"ip": None, "hostname": None}),
    ("FortiOS 7.2.4.1 upgrade notes", K.SEARCH, {"ip": None}),
]  # fmt: skip


@pytest.mark.parametrize(("question", "kind", "expected"), CASES, ids=[c[0] for c in CASES])
def test_detect_intent(question: str, kind: IntentKind, expected: dict[str, Any]) -> None:
    intent = detect_intent(question)
    assert intent.kind is kind
    assert {name: getattr(intent.entities, name) for name in expected} == expected
    assert 0.0 <= intent.confidence <= 1.0


def test_enough_cases_for_every_intent() -> None:
    assert len(CASES) >= 60
    assert {kind for _, kind, _ in CASES} == set(IntentKind)


@pytest.mark.parametrize(
    ("question", "organization", "kind", "target"),
    [
        ("what's the firewall IP at @Acme", "Acme", K.DEVICE_IP, "firewall"),
        ("how do we reset the Sophos VPN at Northwind", None, K.DOCUMENT, "Sophos VPN"),
        ("@Northwind how do we reset the Sophos VPN", "Northwind", K.DOCUMENT, "Sophos VPN"),
        ('what depends on DC01 @"Acme Corporation"?', "Acme Corporation", K.RELATIONSHIP, "DC01"),
        ("@[Kessler & Boyd LLP] who is the primary contact", "Kessler & Boyd LLP", K.CONTACT,
         "primary contact"),
    ],
)  # fmt: skip
def test_issue_questions_end_to_end(
    question: str, organization: str | None, kind: IntentKind, target: str
) -> None:
    scoped = parse_scope(question)
    intent = detect_intent(scoped.text)
    assert (scoped.organization_ref, intent.kind, intent.entities.target) == (
        organization,
        kind,
        target,
    )


def test_precedence_lists_every_intent_but_search_once() -> None:
    assert len(PRECEDENCE) == len(set(PRECEDENCE))
    assert set(PRECEDENCE) == set(IntentKind) - {IntentKind.SEARCH}


@pytest.mark.parametrize(
    ("question", "kind", "why"),
    [
        ("password for the firewall at 10.0.0.1", K.CREDENTIAL, "credential over ip_lookup"),
        ("how do we reset the Sophos VPN password", K.DOCUMENT, "how-to over credential"),
        ("how do I log in to the Sophos VPN", K.CREDENTIAL, "log-in how-to is a credential"),
        ("how do we renew the domain", K.DOCUMENT, "how-to over expiration"),
        ("when does the firewall warranty expire", K.EXPIRATION, "expiration over configuration"),
        ("what depends on the firewall", K.RELATIONSHIP, "relationship over configuration"),
        ("password for DC01", K.CREDENTIAL, "credential over hostname"),
        ("who is the contact for the firewall", K.CONTACT, "contact over configuration"),
        ("ip of the device with mac 00:1a:2b:3c:4d:5e", K.MAC_LOOKUP, "mac over device_ip"),
        ("what device has IP 10.0.0.5", K.IP_LOOKUP, "literal IP over device_ip"),
        ("IP of the printer at the main office", K.DEVICE_IP, "device_ip over location"),
        ("printers at the main office", K.CONFIGURATION, "configuration over location"),
        ("DC01 at the Dallas site", K.HOSTNAME_LOOKUP, "hostname over location"),
        ("serial FGT60F123 at 10.0.0.1", K.IP_LOOKUP, "ip over serial"),
    ],
)
def test_precedence(question: str, kind: IntentKind, why: str) -> None:
    assert detect_intent(question).kind is kind, why


@pytest.mark.parametrize(
    ("question", "field", "absent"),
    [
        ("Windows 10.0.19045 build", "ip", True),
        ("Windows 10.0.19045.2965", "ip", True),
        ("firmware 7.2.4.1", "ip", True),
        ("is 256.1.1.1 reachable", "ip", True),
        ("is 10.0.0.256 reachable", "ip", True),
        ("call at 10:30:00", "ip", True),
        ("Server 2019", "hostname", True),
        ("Windows Server 2012 R2", "hostname", True),
        ("Win10 and O365 and M365", "hostname", True),
        ("UTF-8 and SHA-256 and x86-64", "hostname", True),
        ("run setup.exe and install.ps1", "hostname", True),
        ("the 24-port switch", "hostname", True),
        ("KB5034441 broke printing", "hostname", True),
        ("mail bob@acme.com", "hostname", True),
        ("serial number of DC01", "serial", True),
        ("what is the serial", "serial", True),
        ("serial 001122aabbcc", "mac", True),
        ("floor 2", "window_days", True),
        ("the domain controller", "expiration_kind", True),
        ("ap invoices", "configuration_kind", True),
        ("https://portal.acmecorp.com/login", "hostname", False),
        ("ping 10.0.0.1", "ip", False),
    ],
)
def test_entities_not_invented(question: str, field: str, absent: bool) -> None:
    value = getattr(detect_intent(question).entities, field)
    assert (value is None) is absent


@pytest.mark.parametrize(
    ("question", "days"),
    [
        ("what expires today", 1),
        ("expiring this week", 7),
        ("expiring next week", 14),
        ("what expires this month", 31),
        ("expiring by the end of the month", 31),
        ("next month", 62),
        ("this quarter", 92),
        ("this year", 365),
        ("in the next 10 days", 10),
        ("within 6 weeks", 42),
        ("next 2 months", 60),
        ("within a year", 365),
        ("a 90-day window", 90),
        ("in the next couple of weeks", 14),
    ],
)
def test_window_days(question: str, days: int) -> None:
    assert detect_intent(question).entities.window_days == days


def test_keywords_drop_stop_words_and_repeats() -> None:
    words = detect_intent("What's the IP of the DC01 server and the DC01 NIC on floor 2?")
    assert words.entities.keywords == ("ip", "dc01", "server", "nic", "floor", "2")


def test_empty_text_is_a_low_confidence_search() -> None:
    intent = detect_intent("")
    assert intent.kind is K.SEARCH
    assert intent.entities == Entities()
    assert intent.confidence == pytest.approx(0.1)


def test_confidence_orders_evidence() -> None:
    literal = detect_intent("which device has 10.10.10.25").confidence
    hostname_only = detect_intent("ACME-DC01").confidence
    fallback = detect_intent("Sophos VPN").confidence
    assert literal > hostname_only > fallback
    # Competing readings lower the confidence of the one chosen.
    plain = detect_intent("password for the VPN").confidence
    contested = detect_intent("password for the firewall at 10.0.0.1").confidence
    assert plain > contested
