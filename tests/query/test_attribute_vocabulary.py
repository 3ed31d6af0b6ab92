"""Reading which attribute a question asks for: the lexicon (configuration fields, interface
roles, contact/password/domain fields) and flexible asset field names given as data."""

from __future__ import annotations

import pytest

from itglue_mcp.catalog.flexible_assets import AssetField, AssetTypeSchema
from itglue_mcp.query.attributes import (
    asked_attributes,
    best_traits,
    operating_system_words,
    stem,
)

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


LICENCE = AssetTypeSchema(
    4,
    "Software Licence",
    (
        AssetField("Product Name", "product-name", "Text"),
        AssetField("Seats", "seats", "Number"),
        AssetField("Reseller", "reseller", "Text"),
        AssetField("Signed By", "signed-by", "Text"),
    ),
)
JOB = AssetTypeSchema(
    5,
    "Backup Job",
    (
        AssetField("Retention", "retention", "Text"),
        AssetField("Product", "product", "Text"),
        AssetField("Valid Until", "valid-until", "Date"),
        AssetField("Network ID", "network-id", "Number"),
    ),
)


def test_operating_system_words_come_from_stored_names_without_kinds_or_versions() -> None:
    words = operating_system_words(
        ["FortiOS 7.4.3", "Windows 11 Pro", "VMware ESXi 8.0 U2", "Ubuntu Server 24.04 LTS"]
    )
    assert {"fortios", "windows", "vmware", "ubuntu"} <= words
    # A kind ("ESXi" names a hypervisor, "Server" a server), an edition or a version is not.
    assert not words & {"esxi", "server", "pro", "7.4.3", "u2", "11"}


@pytest.mark.parametrize(
    "question",
    [
        "what FortiOS version does the branch firewall run",
        "which ubuntu is BUILD-07 on",
        "software version of the core switch",
    ],
)
def test_a_stored_operating_system_word_asks_the_operating_system(question: str) -> None:
    found = asked_attributes(question, (), frozenset({"fortios", "ubuntu"}))
    assert found.configuration is not None
    assert found.configuration.field == "operating_system_name"


def test_an_operating_system_word_alone_is_not_a_question_about_it() -> None:
    found = asked_attributes("steps to patch the ubuntu build box", (), frozenset({"ubuntu"}))
    assert found.configuration is None


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("how many Visio licences does the team have", "Seats"),
        ("whom did we purchase Visio from", "Reseller"),
        ("who signed the Visio package", "Signed By"),
        ("how long are the nightly copies retained", "Retention"),
        ("what tool does the nightly job use", "Product"),
        ("when does the offsite job expire", "Valid Until"),
        ("the network of the offsite job", "Network ID"),
    ],
)
def test_field_cues_and_optional_words_reach_a_field_named_otherwise(
    question: str, field: str
) -> None:
    found = asked_attributes(question, (LICENCE, JOB))
    assert field in [match.field.name for match in best_traits(found.traits, question)]


def test_an_account_manager_is_not_a_username_question() -> None:
    assert "password" not in asked_attributes("who is our ISP account manager", ()).records
    found = asked_attributes("which service account does the backup agent run as", ())
    assert found.records["password"].name == "username"


def test_where_to_log_in_asks_the_login_url_not_the_location() -> None:
    found = asked_attributes("where can we sign in to the Meraki dashboard", ())
    assert found.records["password"].name == "login URL"
    assert found.configuration is None
    assert asked_attributes("where is the Meraki switch", ()).configuration is not None
