"""Reading which attribute a question asks for: the lexicon (configuration fields, interface
roles, contact/password/domain fields) and flexible asset field names given as data."""

from __future__ import annotations

import pytest

from itglue_mcp.catalog.flexible_assets import AssetField, AssetTypeSchema
from itglue_mcp.query.attributes import asked_attributes, best_traits, stem

CERTIFICATE = AssetTypeSchema(
    1,
    "SSL Certificate",
    (
        AssetField("Common Name", "common-name", "Text"),
        AssetField("Issuer", "issuer", "Select"),
        AssetField("Issued On", "issued-on", "Date"),
        AssetField("Expires On", "expires-on", "Date"),
        AssetField("Private Key Password", "private-key-password", "Password"),
        AssetField("Notes", "notes", "Textbox"),
    ),
)
BACKUP = AssetTypeSchema(
    2,
    "Backup",
    (
        AssetField("Backup Server", "backup-server", "Tag"),
        AssetField("Schedule", "schedule", "Text"),
        AssetField("Retention Days", "retention-days", "Number"),
    ),
)
CIRCUIT = AssetTypeSchema(3, "ISP Circuit", (AssetField("Circuit ID", "circuit-id", "Text"),))
SCHEMAS = (CERTIFICATE, BACKUP, CIRCUIT)


def _fields(question: str, subject: str = "") -> list[str]:
    found = asked_attributes(question, SCHEMAS)
    return [match.field.name for match in best_traits(found.traits, question, subject)]


def test_stems_join_the_forms_of_a_word() -> None:
    assert stem("expiry") == stem("expires") == stem("expiration") == "expir"
    assert stem("seats") == stem("seat")
    assert stem("renewal") == stem("renews")


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("serial number of ACME-FW01", "serial_number"),
        ("ACME-HV01 service tag", "serial_number"),
        ("who makes NW-HV01", "manufacturer_name"),
        ("what OS does HV01 run", "operating_system_name"),
        ("firmware version of BP-FW01", "operating_system_name"),
        ("asset tag of ACME-FW01", "asset_tag"),
        ("MAC address of ACME-DC01", "mac_address"),
    ],
)
def test_configuration_fields_are_read_from_the_lexicon(question: str, field: str) -> None:
    found = asked_attributes(question, ())

    assert found.configuration is not None and found.configuration.field == field


@pytest.mark.parametrize(
    ("question", "role", "mac"),
    [
        ("what's the WAN IP of the firewall", "WAN", False),
        ("untrust address of NW-FW01", "WAN", False),
        ("public IP of the firewall", "WAN", False),
        ("iDRAC IP of ACME-HV01", "out-of-band management", False),
        ("out-of-band management address of HV01", "out-of-band management", False),
        ("MAC of the management interface of HV03", "management", True),
    ],
)
def test_interface_roles_need_an_address_word(question: str, role: str, mac: bool) -> None:
    found = asked_attributes(question, ())

    assert found.interface is not None
    assert (found.interface.role, found.interface.mac) == (role, mac)


def test_a_role_word_without_an_address_word_is_no_interface_question() -> None:
    assert asked_attributes("how do we fail over the WAN", ()).interface is None


def test_record_fields_are_read_for_contacts_passwords_and_domains() -> None:
    assert asked_attributes("e-mail address of Grace Hall", ()).records["contact"].name == (
        "e-mail address"
    )
    assert asked_attributes("what is Jean Holmes's job title", ()).records["contact"].name == (
        "title"
    )
    assert asked_attributes("URL of the Meraki login", ()).records["password"].name == ("login URL")
    assert asked_attributes("who is the registrar of acme.com", ()).records["domain"].name == (
        "registrar"
    )


def test_flexible_asset_fields_come_from_the_schemas_given() -> None:
    assert _fields("what is the circuit ID of the Lakeshore line") == ["Circuit ID"]
    assert _fields("how long is the retention of the nightly backup") == ["Retention Days"]
    assert asked_attributes("what is the circuit ID", ()).traits == ()


def test_secret_and_note_fields_are_never_attributes() -> None:
    assert _fields("private key password of www.acme.com") == []
    assert _fields("notes of the www.acme.com certificate") == []


def test_who_takes_the_issuer_and_when_takes_the_date() -> None:
    assert _fields("who issued the www.acme.com certificate") == ["Issuer"]
    assert _fields("when was the www.acme.com certificate issued") == ["Issued On"]


def test_a_field_naming_the_asset_itself_is_not_the_attribute() -> None:
    question = "what is the retention of the nightly server backup"

    # Without the asset known, the most specific field wins; with it, "Backup Server" is
    # seen to name the asset ("Nightly server backup"), not the attribute asked.
    assert _fields(question) == ["Backup Server"]
    assert _fields(question, subject="Nightly server backup") == ["Retention Days"]
