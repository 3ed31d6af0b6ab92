"""The organization directory (``itglue://organizations``) and the document resource template
(``itglue://documents/{document_id}``) over Streamable HTTP, on SQLite and PostgreSQL: the
directory against the dataset, a document read as ``get_document`` writes it, unknown and
other organizations' documents refused alike, what a ``client-readonly`` caller and a caller
with no role list and read, the audit event a refused read leaves, and a role denied
documents."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mcp_types as mt
import pytest
from fastmcp import Client
from mcp.shared.exceptions import MCPError

from itglue_mcp.config import AuthSettings, Settings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.security.rbac import build_authorizer
from itglue_mcp.server.app import build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.audit import AuditDecision, AuditEvent, list_audit_events
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.server.secured import caller_claims, serve_secured_app

ACME = 2104801
NORTHWIND_TRADERS = 2104807
DIRECTORY = "itglue://organizations"
DOCUMENT = "itglue://documents/{}"
DOCUMENT_TEMPLATE = DOCUMENT.format("{document_id}")
INFRASTRUCTURE = "itglue://organizations/{}/infrastructure.md"
INFRASTRUCTURE_TEMPLATE = INFRASTRUCTURE.format("{organization_id}")
TOKENS = {
    "tok-client": caller_claims("cleo", groups=["Northwind IT"]),
    "tok-probe": caller_claims("pat", groups=["Northwind IT"]),
    "tok-nobody": caller_claims("nemo"),
}
BINDINGS = {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]}


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return list(json.loads((directory / f"{name}.json").read_text())["data"])


def _document_of(directory: Path, organization_id: int) -> dict[str, Any]:
    """The first live document of an organization in the dataset (id, attributes)."""
    return next(
        record
        for record in _records(directory, "documents")
        if record["attributes"]["organization-id"] == organization_id
        and not record["attributes"]["archived"]
    )


def _text(contents: list[mt.TextResourceContents | mt.BlobResourceContents]) -> str:
    [content] = contents
    assert isinstance(content, mt.TextResourceContents)
    return content.text


async def test_the_directory_lists_every_organization_with_its_resources(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    async with Client(f"{mcp_url}/mcp") as client:
        listed = {str(r.uri): r for r in await client.list_resources()}
        [content] = await client.read_resource(DIRECTORY)

    assert isinstance(content, mt.TextResourceContents)
    assert content.mime_type == listed[DIRECTORY].mime_type == "application/json"
    directory = json.loads(content.text)
    expected = sorted(
        (
            {
                "id": int(record["id"]),
                "name": record["attributes"]["name"],
                "short_name": record["attributes"]["short-name"],
                "resource_url": record["attributes"]["resource-url"],
                "infrastructure": INFRASTRUCTURE.format(record["id"]),
            }
            for record in _records(tools_dataset_dir, "organizations")
        ),
        key=lambda entry: (entry["name"].casefold(), entry["id"]),
    )
    assert directory == {
        "organizations": expected,
        "documents": DOCUMENT_TEMPLATE,
        "untrusted": True,
    }
    # Every infrastructure URI it names is listed, and reads.
    assert {entry["infrastructure"] for entry in expected} <= listed.keys()


async def test_templates_list_the_infrastructure_and_document_templates(mcp_url: str) -> None:
    async with Client(f"{mcp_url}/mcp") as client:
        templates = {t.uri_template: t for t in await client.list_resource_templates()}
        listed = [str(r.uri) for r in await client.list_resources()]

    assert set(templates) == {INFRASTRUCTURE_TEMPLATE, DOCUMENT_TEMPLATE}
    assert templates[DOCUMENT_TEMPLATE].mime_type == "text/plain"
    # Documents are reached through the template, never listed one by one.
    assert not [uri for uri in listed if uri.startswith("itglue://documents/")]


async def test_a_document_reads_as_get_document_writes_it(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    document = _document_of(tools_dataset_dir, ACME)
    async with Client(f"{mcp_url}/mcp") as client:
        text = _text(await client.read_resource(DOCUMENT.format(document["id"])))
        tool = await client.call_tool(
            "get_document", {"document": document["id"], "max_chars": 50_000}
        )

    assert text == tool.content[0].text
    title, citation, fence, *_ = text.splitlines()
    assert title.startswith(f"Document: {document['attributes']['name']} — Acme Corporation")
    assert citation == (
        f"source: {document['attributes']['name']} (documents {document['id']}, "
        f"Acme Corporation) {document['attributes']['resource-url']}"
    )
    assert fence == (
        f'<itglue-data untrusted="true" record="documents/{document["id"]}" field="content">'
    )
    assert text.count("</itglue-data>") == text.count("<itglue-data")


@pytest.mark.parametrize("document_id", ["9999999", "0", "abc", "5530003/x"])
async def test_an_unknown_document_is_not_found(mcp_url: str, document_id: str) -> None:
    uri = DOCUMENT.format(document_id)
    async with Client(f"{mcp_url}/mcp") as client:
        with pytest.raises(MCPError, match=re.escape(f"Resource not found: {uri!r}")):
            await client.read_resource(uri)


@pytest.fixture(scope="module")
def audit_store(tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path) -> str:
    """A private store (migrated SQLite) for this module's audit events."""
    path = tmp_path_factory.mktemp("resources-audit") / "audit.db"
    shutil.copyfile(sqlite_template_file, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
def secured_url(synced_store_url: str, audit_store: str) -> Iterator[str]:
    yield from serve_secured_app(synced_store_url, audit_store, TOKENS, BINDINGS)


async def _denials(audit_store: str, subject: str) -> list[AuditEvent]:
    engine = create_engine(audit_store, null_pool=True)
    try:
        async with create_session_factory(engine)() as session:
            events = await list_audit_events(session, subject=subject)
    finally:
        await engine.dispose()
    return [event for event in events if event.decision is AuditDecision.DENY]


async def test_client_readonly_lists_and_reads_its_organization_only(
    secured_url: str, tools_dataset_dir: Path, audit_store: str
) -> None:
    own = _document_of(tools_dataset_dir, NORTHWIND_TRADERS)
    async with Client(f"{secured_url}/mcp", auth="tok-client") as client:
        listed = sorted(str(r.uri) for r in await client.list_resources())
        templates = {t.uri_template for t in await client.list_resource_templates()}
        directory = json.loads(_text(await client.read_resource(DIRECTORY)))
        text = _text(await client.read_resource(DOCUMENT.format(own["id"])))

    assert listed == [DIRECTORY, INFRASTRUCTURE.format(NORTHWIND_TRADERS)]
    assert templates == {INFRASTRUCTURE_TEMPLATE, DOCUMENT_TEMPLATE}
    assert [entry["id"] for entry in directory["organizations"]] == [NORTHWIND_TRADERS]
    assert directory["organizations"][0]["name"] == "Northwind Traders"
    assert text.splitlines()[1].startswith(f"source: {own['attributes']['name']} (documents ")
    assert await _denials(audit_store, "cleo") == []  # reads it may make leave no denial


async def test_another_organizations_document_is_as_unknown_as_none_and_audited(
    secured_url: str, tools_dataset_dir: Path, audit_store: str
) -> None:
    other = _document_of(tools_dataset_dir, ACME)
    refused = []
    async with Client(f"{secured_url}/mcp", auth="tok-probe") as client:
        for uri in (
            DOCUMENT.format(other["id"]),
            DOCUMENT.format(9999999),
            INFRASTRUCTURE.format(ACME),
            INFRASTRUCTURE.format(9999999),
        ):
            with pytest.raises(MCPError) as error:
                await client.read_resource(uri)
            refused.append(str(error.value).replace(uri, "<uri>"))

    assert len(set(refused)) == 1
    assert "acme" not in refused[0].casefold()
    # The two reads of Acme's resources are refusals; the unknown ids are not.
    events = await _denials(audit_store, "pat")
    assert [
        (e.tool, e.organization_id, e.record_type, e.record_id, e.client_id) for e in events
    ] == [
        (DOCUMENT_TEMPLATE, ACME, "documents", int(other["id"]), "client-of-pat"),
        (INFRASTRUCTURE_TEMPLATE, ACME, None, None, "client-of-pat"),
    ]
    assert all(e.reason and "organization" in e.reason for e in events)


async def test_a_caller_without_a_role_lists_nothing_and_its_reads_are_audited(
    secured_url: str, tools_dataset_dir: Path, audit_store: str
) -> None:
    document = _document_of(tools_dataset_dir, NORTHWIND_TRADERS)
    async with Client(f"{secured_url}/mcp", auth="tok-nobody") as client:
        listed = await client.list_resources()
        templates = await client.list_resource_templates()
        for uri in (DIRECTORY, DOCUMENT.format(document["id"])):
            with pytest.raises(MCPError, match=re.escape(f"Resource not found: {uri!r}")):
                await client.read_resource(uri)

    assert (listed, templates) == ([], [])
    events = await _denials(audit_store, "nemo")
    assert [(e.tool, e.reason, e.organization_id, e.record_id) for e in events] == [
        (DIRECTORY, "no role of the caller grants read on list_organizations", None, None),
        (DOCUMENT_TEMPLATE, "no role of the caller grants read on get_document", None, None),
    ]


async def test_a_role_denied_documents_lists_and_reads_none(
    synced_store_url: str, tools_dataset_dir: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.csv"
    policy.write_text(
        "p, role:no-documents, *, *, read, allow\np, role:no-documents, *, documents, read, deny\n"
    )
    settings = Settings(rbac=RbacSettings(policy_source="file", policy_file=policy))
    engine = create_engine(synced_store_url, null_pool=True)
    sessions = create_session_factory(engine)
    authorizer = await build_authorizer(settings, None)
    services = Services(sessions=sessions, graph=SqlGraphStore(sessions), authorizer=authorizer)
    # In memory the caller is the local one, holding auth.static_roles.
    mcp = build_server(services, AuthSettings(static_roles=["no-documents"]))
    document = _document_of(tools_dataset_dir, ACME)
    try:
        async with Client(mcp) as client:
            templates = {t.uri_template for t in await client.list_resource_templates()}
            directory = json.loads(_text(await client.read_resource(DIRECTORY)))
            with pytest.raises(MCPError, match="Resource not found"):
                await client.read_resource(DOCUMENT.format(document["id"]))
    finally:
        await authorizer.aclose()
        await engine.dispose()

    assert templates == {INFRASTRUCTURE_TEMPLATE}
    assert "documents" not in directory
    assert len(directory["organizations"]) == 6
