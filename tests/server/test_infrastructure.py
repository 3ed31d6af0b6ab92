"""``document_infrastructure`` and the resource ``itglue://organizations/{id}/infrastructure.md``
over Streamable HTTP, on SQLite and PostgreSQL: the document of a generated organization checked
against the dataset, section selection, bad input, an organization with nothing documented, and
what a ``client-readonly`` caller of another organization can list and read."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mcp_types as mt
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError

from itglue_mcp.config import AuthSettings, Settings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.query.infrastructure import SECTION_NAMES
from itglue_mcp.security.rbac import build_authorizer
from itglue_mcp.server.app import build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store import RecordType, unit_of_work, upsert_records
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.conftest import _blocking
from tests.server.conftest import serve_mcp_app
from tests.server.secured import caller_claims, serve_client_readonly_app

ACME = 2104801
NORTHWIND_TRADERS = 2104807
TOOL = "document_infrastructure"
URI = "itglue://organizations/{}/infrastructure.md"
REFERENCE = re.compile(r"\[([a-z-]+/\d+)\](?!:)")
TOKENS = {"tok-client": caller_claims("cleo", groups=["Northwind IT"])}
BINDINGS = {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]}


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return list(json.loads((directory / f"{name}.json").read_text())["data"])


def _entries(section: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack = list(section.get("entries", []))
    while stack:
        entry = stack.pop()
        yield entry
        stack += entry.get("details", [])


def _section(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(section for section in document["sections"] if section["name"] == name)


async def _call(url: str, arguments: dict[str, Any], token: str | None = None) -> Any:
    async with Client(f"{url}/mcp", auth=token) as client:
        return await client.call_tool(TOOL, arguments)


async def test_the_document_of_an_organization(mcp_url: str, tools_dataset_dir: Path) -> None:
    result = await _call(mcp_url, {"organization": "Acme Corporation"})

    document, text = result.structured_content, result.content[0].text
    assert [section["name"] for section in document["sections"]] == list(SECTION_NAMES)
    assert text.startswith("# Infrastructure of Acme Corporation\n")
    assert "```mermaid\nflowchart TD\n" in text
    cited = [document["organization"], *document["records"]]
    records = {f"{r['record_type']}/{r['record_id']}": r for r in cited}
    assert len(records) == len(cited)  # each record's identity once
    assert {record["organization_id"] for record in records.values()} == {ACME}
    for section in document["sections"]:
        for entry in _entries(section):
            assert entry["sources"] and set(entry["sources"]) <= records.keys(), entry
    # Every reference in the Markdown is defined once, with the record's IT Glue link.
    defined = dict(re.findall(r"^\[([a-z-]+/\d+)\]: <([^>]+)>", text, re.MULTILINE))
    assert set(REFERENCE.findall(text)) == set(defined) == set(records)
    assert all(defined[key] == records[key]["resource_url"] for key in defined)

    # Devices: every live configuration of Acme is counted once, by role or by type.
    ours = [
        c["attributes"]
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["organization-id"] == ACME and not c["attributes"]["archived"]
    ]
    overview = _section(document, "overview")["entries"]
    counted = [int(e["text"].split()[0]) for e in overview if re.match(r"\d+ ", e["text"])]
    assert sum(counted) == len(ours)
    # The firewall's WAN address is the one on its WAN interface.
    configurations = json.loads((tools_dataset_dir / "configurations.json").read_text())
    firewall = next(c for c in configurations["data"] if c["attributes"]["name"] == "ACME-FW01")
    own = {i["id"] for i in firewall["relationships"]["configuration-interfaces"]["data"]}
    wan = [
        i["attributes"]["ip-address"]
        for i in configurations["included"]
        if i["type"] == "configuration-interfaces"
        and i["id"] in own
        and "wan" in i["attributes"]["name"].lower()
    ]
    network = [entry["text"] for entry in _entries(_section(document, "network"))]
    [line] = [t for t in network if t.startswith("Firewall ACME-FW01")]
    assert wan and all(address in line.split("WAN ")[1] for address in wan)
    # A hypervisor comes with what runs on it and the backup that protects it.
    [hv01] = [
        e for e in _section(document, "servers")["entries"] if e["text"].startswith("ACME-HV01 ")
    ]
    details = [d["text"] for d in hv01["details"]]
    assert any(d.startswith("related configurations: ") for d in details)
    assert any(d.startswith("backed up by: ") for d in details)


async def test_a_backup_protects_its_protected_devices_not_its_backup_server(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    def tagged(field: str) -> set[str]:
        return {
            linked["name"]
            for asset in _records(tools_dataset_dir, "flexible_assets")
            if asset["attributes"]["organization-id"] == ACME
            for linked in (asset["attributes"]["traits"].get(field) or {}).get("values", [])
        }

    protected, runners = tagged("protected-devices"), tagged("backup-server")
    result = await _call(mcp_url, {"organization": "Acme Corporation", "sections": ["servers"]})

    [servers] = result.structured_content["sections"]
    backed_up = {
        entry["text"].split(" (")[0]
        for entry in servers["entries"]
        if any(d["text"].startswith("backed up by: ") for d in entry.get("details", []))
    }
    listed = {entry["text"].split(" (")[0] for entry in servers["entries"]}
    assert backed_up == protected
    assert runners and runners <= listed and not runners & backed_up


async def test_no_password_value_reaches_the_document(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    secrets = {
        p["attributes"]["password"]
        for p in _records(tools_dataset_dir, "passwords")
        if p["attributes"]["organization-id"] == ACME and p["attributes"].get("password")
    }
    result = await _call(mcp_url, {"organization": "Acme Corporation"})

    dumped = result.content[0].text + json.dumps(result.structured_content)
    assert secrets and [secret for secret in secrets if secret in dumped] == []
    entries = _section(result.structured_content, "passwords")["entries"]
    assert any(source.startswith("passwords/") for e in entries for source in e["sources"])


async def test_sections_choose_what_the_document_holds(mcp_url: str) -> None:
    result = await _call(mcp_url, {"organization": "acme", "sections": ["gaps", "servers"]})

    names = [section["name"] for section in result.structured_content["sections"]]
    assert names == ["servers", "gaps"]
    assert re.findall(r"^## (.+)$", result.content[0].text, re.MULTILINE) == [
        "Servers, hypervisors and storage",
        "Gaps in the documentation",
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"organization": "Acme", "sections": ["firewalls"]}, r"sections\[0\]: input should be"),
        ({"organization": "Acme", "sections": []}, r"sections: "),
        ({}, r"organization: required"),
        ({"organization": "Zenith Dynamics"}, r"organization: no organization"),
    ],
)
async def test_bad_input_is_one_line_naming_the_argument(
    mcp_url: str, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ToolError) as refused:
        await _call(mcp_url, arguments)

    assert re.match(message, str(refused.value))
    assert "\n" not in str(refused.value)


async def test_the_resource_is_the_document_as_markdown(mcp_url: str) -> None:
    async with Client(f"{mcp_url}/mcp") as client:
        capabilities = client.server_capabilities
        listed = {str(r.uri): r for r in await client.list_resources()}
        templates = [t.uri_template for t in await client.list_resource_templates()]
        [content] = await client.read_resource(URI.format(ACME))
        tool = await client.call_tool(TOOL, {"organization": str(ACME)})

    assert capabilities is not None and capabilities.resources is not None
    assert URI.format("{organization_id}") in templates
    assert len([uri for uri in listed if uri.endswith("/infrastructure.md")]) == 6
    assert listed[URI.format(ACME)].mime_type == "text/markdown"
    assert isinstance(content, mt.TextResourceContents)
    assert content.text == tool.content[0].text


@pytest.mark.parametrize("organization", ["9999999", "acme", "0"])
async def test_a_resource_of_no_organization_is_not_found(mcp_url: str, organization: str) -> None:
    uri = URI.format(organization)
    async with Client(f"{mcp_url}/mcp") as client:
        with pytest.raises(MCPError, match=re.escape(f"Resource not found: {uri!r}")):
            await client.read_resource(uri)


@pytest.fixture(scope="module")
def secured_url(
    synced_store_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path
) -> Iterator[str]:
    audit_dir = tmp_path_factory.mktemp("infrastructure-audit")
    yield from serve_client_readonly_app(
        synced_store_url, audit_dir, sqlite_template_file, TOKENS, BINDINGS
    )


async def test_client_readonly_lists_and_reads_its_organization_only(secured_url: str) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-client") as client:
        listed = [str(r.uri) for r in await client.list_resources()]
        [own] = await client.read_resource(URI.format(NORTHWIND_TRADERS))
        refused = []
        for organization in (ACME, 9999999):
            with pytest.raises(MCPError) as error:
                await client.read_resource(URI.format(organization))
            refused.append(str(error.value).replace(str(organization), "<id>"))

    assert [uri for uri in listed if uri.endswith("/infrastructure.md")] == [
        URI.format(NORTHWIND_TRADERS)
    ]
    assert isinstance(own, mt.TextResourceContents)
    assert own.text.startswith("# Infrastructure of Northwind Traders\n")
    assert "Password entries are not shown to your role." in own.text
    assert "passwords/" not in own.text
    assert refused[0] == refused[1]  # another organization's is as unknown as none


async def test_client_readonly_cannot_document_another_organization(secured_url: str) -> None:
    errors = []
    for reference in ("Acme Corporation", "Zenith Dynamics"):
        with pytest.raises(ToolError) as refused:
            await _call(secured_url, {"organization": reference}, "tok-client")
        errors.append(str(refused.value).replace(reference, "<ref>"))

    assert errors[0] == errors[1]
    assert "acme" not in errors[0].casefold()


async def test_a_role_refused_the_tool_is_refused_its_resource(
    synced_store_url: str, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.csv"
    policy.write_text(
        f"p, role:no-documents, *, *, read, allow\np, role:no-documents, *, {TOOL}, read, deny\n"
    )
    settings = Settings(rbac=RbacSettings(policy_source="file", policy_file=policy))
    engine = create_engine(synced_store_url, null_pool=True)
    sessions = create_session_factory(engine)
    authorizer = await build_authorizer(settings, None)
    services = Services(sessions=sessions, graph=SqlGraphStore(sessions), authorizer=authorizer)
    # In memory the caller is the local one, holding auth.static_roles.
    mcp = build_server(services, AuthSettings(static_roles=["no-documents"]))
    try:
        async with Client(mcp) as client:
            listed = [str(r.uri) for r in await client.list_resources()]
            templates = [t.uri_template for t in await client.list_resource_templates()]
            with pytest.raises(MCPError, match="Resource not found"):
                await client.read_resource(URI.format(ACME))
            [directory] = await client.read_resource("itglue://organizations")
            tools = {tool.name for tool in await client.list_tools()}
    finally:
        await authorizer.aclose()
        await engine.dispose()

    # Only the infrastructure resources go: the directory and documents stay.
    assert [uri for uri in listed if uri.endswith("/infrastructure.md")] == []
    assert URI.format("{organization_id}") not in templates
    assert "itglue://documents/{document_id}" in templates
    assert isinstance(directory, mt.TextResourceContents)
    entries = json.loads(directory.text)["organizations"]
    assert len(entries) == 6 and not [entry for entry in entries if "infrastructure" in entry]
    assert TOOL not in tools and "get_organization" in tools


@pytest.fixture
def sparse_url(database_url: str) -> Iterator[str]:
    """A store holding one organization with nothing documented and one with a single server
    that has no serial number, no location and no backup."""

    async def write() -> None:
        engine = create_engine(database_url, null_pool=True)
        try:
            async with unit_of_work(create_session_factory(engine)) as session:
                await upsert_records(
                    session,
                    RecordType.ORGANIZATIONS,
                    [{"id": 7, "name": "Empty Org"}, {"id": 8, "name": "Lone Server Ltd"}],
                    run_id=None,
                )
                await upsert_records(
                    session,
                    RecordType.CONFIGURATIONS,
                    [
                        {
                            "id": 801,
                            "organization_id": 8,
                            "name": "LONE-SRV01",
                            "configuration_type_name": "Server",
                            "primary_ip": "10.8.0.10",
                        }
                    ],
                    run_id=None,
                )
        finally:
            await engine.dispose()

    _blocking(write())
    yield from serve_mcp_app(database_url)


async def test_an_organization_with_nothing_documented(sparse_url: str) -> None:
    result = await _call(sparse_url, {"organization": "Empty Org"})

    notes = {s["name"]: s.get("note", "") for s in result.structured_content["sections"]}
    assert notes["servers"] == "No server, hypervisor or storage device is recorded."
    assert notes["backups"].startswith("No backup is documented")
    assert notes["network"].startswith("No network is documented")
    assert notes["gaps"].startswith("No gap found")
    assert notes["diagram"].startswith("Nothing to draw")
    assert [s for s in result.structured_content["sections"] if s.get("entries")] == [
        _section(result.structured_content, "overview")
    ]


async def test_gaps_name_what_a_server_lacks(sparse_url: str) -> None:
    result = await _call(sparse_url, {"organization": "Lone Server", "sections": ["gaps"]})

    [gaps] = result.structured_content["sections"]
    assert [(e["text"], [d["text"] for d in e["details"]]) for e in gaps["entries"]] == [
        ("Servers no backup flexible asset protects: 1", ["LONE-SRV01"]),
        ("Devices without a serial number: 1", ["LONE-SRV01"]),
        ("Devices without a location: 1", ["LONE-SRV01"]),
    ]
