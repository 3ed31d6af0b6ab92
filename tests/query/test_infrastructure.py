"""Infrastructure documents over the hand-written fixture (tests/fixtures/handwritten), whose
flexible asset types the generator does not make ("Backup Job", "Wi-Fi", "Software Licence",
"ISP Circuit", "Certificates"), whose devices lack serials and locations, and whose backups
name what they protect only in free text (which protects nothing: the one backup rule counts
links); on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import pytest
import pytest_asyncio

from itglue_mcp.catalog import Catalog, ReadScope
from itglue_mcp.catalog.compliance import ComplianceCheck
from itglue_mcp.query.compliance import check_compliance
from itglue_mcp.query.infrastructure import (
    SECTION_NAMES,
    DocumentEntry,
    DocumentSection,
    InfrastructureDocument,
    build_document,
)
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.conftest import DIALECTS, synced_store
from tests.evaluation.conftest import HANDWRITTEN_DIR

CONTOSO = 880003
TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module", params=DIALECTS)
def handwritten_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A store (SQLite, then PostgreSQL) holding a full sync of the fixture."""
    yield from synced_store(request, HANDWRITTEN_DIR, tmp_path_factory)


@pytest_asyncio.fixture
async def catalog(handwritten_store: str) -> AsyncIterator[Catalog]:
    engine = create_engine(handwritten_store)
    try:
        yield Catalog(create_session_factory(engine))
    finally:
        await engine.dispose()


async def _document(
    catalog: Catalog, organization: str, *, hidden: frozenset[str] = frozenset()
) -> InfrastructureDocument:
    scope: ReadScope = await catalog.scope(
        subject="t", readable=None, hidden_record_types=hidden, organization=organization
    )
    assert scope.organization is not None
    async with catalog.reading() as session:
        return await build_document(session, scope, scope.organization, today=TODAY)


def _section(document: InfrastructureDocument, name: str) -> DocumentSection:
    return next(section for section in document.sections if section.name == name)


def _lines(entries: list[DocumentEntry]) -> list[str]:
    return [line for e in entries for line in (e.text, *_lines(e.details or []))]


def _secrets() -> list[str]:
    """Every password value and Password-kind trait value of the fixture."""
    passwords = json.loads((HANDWRITTEN_DIR / "passwords.json").read_text())["data"]
    types = json.loads((HANDWRITTEN_DIR / "flexible_asset_types.json").read_text())
    secret_keys = {
        field["attributes"]["name-key"]
        for field in types["included"]
        if field["attributes"]["kind"] == "Password"
    }
    assets = json.loads((HANDWRITTEN_DIR / "flexible_assets.json").read_text())["data"]
    values = [p["attributes"]["password"] for p in passwords]
    values += [a["attributes"]["traits"].get(key) for a in assets for key in secret_keys]
    return [value for value in values if isinstance(value, str) and value]


async def test_a_backup_naming_servers_only_in_its_text_protects_none(catalog: Catalog) -> None:
    # The one backup rule (catalog.inventory.protecting_backups) counts links, not names in
    # free text: "SRV FILE 2 and dc-01" in the job's notes is a gap to link, as
    # compliance_check's unprotected_servers reports it.
    document = await _document(catalog, "Contoso Legal")

    [backup] = _section(document, "backups").entries
    assert backup.text.startswith("Veeam - nightly (Backup Job)")
    assert "Schedule: Mon-Fri 10:00 PM" in backup.text
    assert backup.details is None
    [unprotected, *_] = _section(document, "gaps").entries
    assert unprotected.text == "Servers no backup flexible asset protects: 4"
    assert sorted(d.text for d in unprotected.details or ()) == [
        "SRV FILE 2",
        "dc-01.contoso.local",
        "dc-02.contoso.local",
        "hv-01",
    ]


async def test_the_document_and_compliance_check_agree_on_unprotected_servers(
    catalog: Catalog,
) -> None:
    document = await _document(catalog, "Contoso Legal")
    async with catalog.reading() as session:
        report = await check_compliance(
            session,
            organizations=[document.organization],
            checks=[ComplianceCheck.UNPROTECTED_SERVERS],
            today=TODAY,
            limit=50,
        )

    [row] = report.organizations
    [result] = row.checks
    flagged = {finding.source.record_id for finding in result.findings or ()}
    [gap, *_] = _section(document, "gaps").entries
    in_gaps = {int(key.split("/")[1]) for d in gap.details or () for key in d.sources}
    # Both read one rule; the compliance check's servers are those of kind or type "server"
    # (the hypervisor hv-01 is the document's alone).
    assert flagged == {73021, 73022, 73023}
    assert flagged <= in_gaps


async def test_gaps_list_devices_without_a_serial_number(catalog: Catalog) -> None:
    configurations = json.loads((HANDWRITTEN_DIR / "configurations.json").read_text())["data"]
    ours = [
        c["attributes"]
        for c in configurations
        if c["attributes"]["organization-id"] == CONTOSO and not c["attributes"]["archived"]
    ]
    no_serial = sorted(a["name"] for a in ours if not a.get("serial-number"))

    gaps = _section(await _document(catalog, "Contoso Legal"), "gaps").entries

    by_title = {entry.text.split(":")[0]: entry for entry in gaps}
    serial = by_title["Devices without a serial number"]
    assert sorted(d.text for d in serial.details or ()) == no_serial
    assert serial.text == f"Devices without a serial number: {len(no_serial)}"
    # The fixture places every device at a location.
    assert "Devices without a location" not in by_title


async def test_asset_types_are_placed_by_their_names(catalog: Catalog) -> None:
    document = await _document(catalog, "Contoso Legal")

    network = _lines(_section(document, "network").entries)
    assert any(line.startswith("AT&T Dedicated Internet (ISP Circuit)") for line in network)
    assert any(line.startswith("Contoso-Visitor (Wi-Fi)") for line in network)
    assert any(line.startswith("Firewall fw-edge") for line in network)
    licenses = _lines(_section(document, "licenses").entries)
    assert [line.split(" (")[0] for line in licenses] == ["Adobe Acrobat Pro", "Clio Manage"]
    assert "Seats: 30" in licenses[0]
    certificates = _lines(_section(document, "domains_and_certificates").entries)
    assert any(
        line.startswith("*.contosolegal.com (Certificates)") and "expires 2027-02-19" in line
        for line in certificates
    )


async def test_no_secret_reaches_the_document(catalog: Catalog) -> None:
    secrets = _secrets()
    assert secrets  # the fixture has secrets to leak
    for organization in ("Harbor Dental Group", "Contoso Legal", "Pinecrest", "Meridian"):
        dumped = (await _document(catalog, organization)).model_dump_json()
        assert [secret for secret in secrets if secret in dumped] == []


async def test_every_line_cites_records_of_the_organization(catalog: Catalog) -> None:
    document = await _document(catalog, "Contoso Legal")

    assert [section.name for section in document.sections] == list(SECTION_NAMES)
    keys = {f"{r.record_type}/{r.record_id}" for r in document.cited_records()}

    def check(entries: list[DocumentEntry]) -> None:
        for entry in entries:
            assert entry.sources, entry.text
            assert set(entry.sources) <= keys
            check(entry.details or [])

    for section in document.sections:
        check(section.entries)
    assert {record.organization_id for record in document.cited_records()} == {CONTOSO}
    assert document.organization.record_id == CONTOSO
    assert document.organization not in document.records  # its identity once


async def test_hidden_password_entries_are_withheld_not_absent(catalog: Catalog) -> None:
    shown = _section(await _document(catalog, "Contoso Legal"), "passwords")
    hidden = _section(
        await _document(catalog, "Contoso Legal", hidden=frozenset({"passwords"})), "passwords"
    )

    assert shown.entries
    assert (hidden.entries, hidden.note) == ([], "Password entries are not shown to your role.")


def _mermaid_nodes(mermaid: str) -> dict[str, Any]:
    return {line.split("[")[0].strip(): line for line in mermaid.splitlines() if '["' in line}


async def test_the_diagram_draws_devices_and_their_links(catalog: Catalog) -> None:
    diagram = _section(await _document(catalog, "Contoso Legal"), "diagram")

    assert diagram.mermaid is not None
    nodes = _mermaid_nodes(diagram.mermaid)
    assert diagram.mermaid.startswith("flowchart TD")
    assert {"c73024", "c73025", "c73021", "c73022", "c73023"} <= nodes.keys()
    assert "a67024" in nodes  # the backup is drawn; it links no server to protect
    assert not [line for line in diagram.mermaid.splitlines() if "|protects|" in line]
    assert len(diagram.entries) == len(nodes)
