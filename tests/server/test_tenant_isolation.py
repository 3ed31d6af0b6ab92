"""Tenant isolation over Streamable HTTP: a ``client-readonly`` user of Northwind Traders sees
nothing of any other organization through any tool.

Every tool is called with arguments aimed at the other organizations (their names, their
records' names, ids and IP addresses) and with broad ones (no organization, large limits,
deep dependency walks). Each result's readable text, structured content and error message is
scanned: no other organization's name, no name only another organization's records carry
(unless the caller typed it), no record id of theirs and no organization id but Northwind
Traders' may appear. A reference to another organization fails exactly as a reference to an
organization that does not exist. ``client-readonly`` sees no password entry at all, not even
its own organization's. ``helpdesk`` may read every organization but reveal none.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from tests.server.secured import caller_claims, serve_secured_app

NORTHWIND_TRADERS = 2104807
TOKENS = {
    "tok-client": caller_claims("cleo", groups=["Northwind IT"]),
    "tok-helpdesk": caller_claims("hal", roles=["helpdesk"]),
}
BINDINGS = {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]}
RAID = "the RAID volume degraded after a disk failed on the NAS"

# Types whose names are scanned for; every type's ids are.
_NAMED_TYPES = ("configurations", "documents", "flexible_assets", "domains")
_ID_TYPES = {
    "configurations": "configurations",
    "documents": "documents",
    "flexible_assets": "flexible-assets",
    "domains": "domains",
    "passwords": "passwords",
    "contacts": "contacts",
    "locations": "locations",
    "expirations": "expirations",
}


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


@dataclass(frozen=True)
class Others:
    """What belongs to the organizations the client may not read."""

    organization_ids: frozenset[int]
    organization_names: frozenset[str]
    record_names: frozenset[str]
    """Names of their records that no Northwind Traders record carries."""
    records: frozenset[tuple[str, int]]
    firewall_id: int
    firewall_ip: str
    document_id: int
    document_name: str


@pytest.fixture(scope="module")
def others(tools_dataset_dir: Path) -> Others:
    organizations = _records(tools_dataset_dir, "organizations")
    other_orgs = {int(o["id"]): o["attributes"]["name"] for o in organizations}
    assert other_orgs.pop(NORTHWIND_TRADERS) == "Northwind Traders"
    ours: set[str] = set()
    theirs: set[str] = set()
    records: set[tuple[str, int]] = set()
    for file_name, record_type in _ID_TYPES.items():
        for record in _records(tools_dataset_dir, file_name):
            attributes = record["attributes"]
            mine = attributes["organization-id"] == NORTHWIND_TRADERS
            if not mine:
                records.add((record_type, int(record["id"])))
            if file_name in _NAMED_TYPES:
                for name in (attributes.get("name"), attributes.get("hostname")):
                    if name and len(name) >= 5:
                        (ours if mine else theirs).add(name.casefold())
    configurations = _records(tools_dataset_dir, "configurations")
    firewall = next(c for c in configurations if c["attributes"]["name"] == "ACME-FW01")
    document = next(
        d
        for d in _records(tools_dataset_dir, "documents")
        if d["attributes"]["organization-id"] == 2104801
        and d["attributes"]["name"].casefold() in theirs - ours
    )
    return Others(
        organization_ids=frozenset(other_orgs),
        organization_names=frozenset(name.casefold() for name in other_orgs.values()),
        record_names=frozenset(theirs - ours),
        records=frozenset(records),
        firewall_id=int(firewall["id"]),
        firewall_ip=firewall["attributes"]["primary-ip"],
        document_id=int(document["id"]),
        document_name=document["attributes"]["name"],
    )


@pytest.fixture(scope="module")
def secured_url(
    synced_store_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path
) -> Iterator[str]:
    audit = tmp_path_factory.mktemp("isolation-audit") / "audit.db"
    shutil.copyfile(sqlite_template_file, audit)
    yield from serve_secured_app(synced_store_url, f"sqlite+aiosqlite:///{audit}", TOKENS, BINDINGS)


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _assert_nothing_of_others(
    others: Others, tool: str, arguments: dict[str, Any], text: str, structured: Any
) -> None:
    """No other organization's name, record name (unless typed by the caller), record or
    organization id in ``text`` (readable text or error) or ``structured``."""
    typed = " ".join(str(value) for value in arguments.values()).casefold()
    haystack = f"{text}\n{json.dumps(structured)}".casefold()
    where = f"{tool}({arguments})"
    for name in others.organization_names | others.record_names:
        if name not in typed:
            # As a whole name: another organization's "LT004" is not "NW-LT004".
            pattern = rf"(?<![\w.-]){re.escape(name)}(?![\w-])"
            assert re.search(pattern, haystack) is None, f"{where} names {name!r}"
    assert "(password)" not in haystack, f"{where} names a password entry"
    for item in _walk(structured):
        organization_id = item.get("organization_id")
        assert organization_id in (None, NORTHWIND_TRADERS), f"{where}: {item}"
        if "record_type" in item and "record_id" in item:
            key = (item["record_type"], int(item["record_id"]))
            assert key not in others.records, f"{where} cites {key}"
            assert item["record_type"] != "passwords", f"{where} cites {key}"


async def _call(
    client: Client, others: Others, tool: str, arguments: dict[str, Any]
) -> tuple[str, Any, str | None]:
    """Call ``tool``, scan what comes back, return (text, structured, error message)."""
    try:
        result = await client.call_tool(tool, arguments)
    except ToolError as error:
        _assert_nothing_of_others(others, tool, arguments, str(error), None)
        return "", None, str(error)
    text = "\n".join(getattr(block, "text", "") for block in result.content)
    _assert_nothing_of_others(others, tool, arguments, text, result.structured_content)
    return text, result.structured_content, None


def _calls(others: Others) -> list[tuple[str, dict[str, Any]]]:
    fw = "ACME-FW01"
    return [
        ("list_organizations", {"limit": 200}),
        ("list_organizations", {"name_contains": "northwind"}),
        ("get_organization", {"organization": "Northwind"}),
        ("search", {"query": "firewall", "limit": 50}),
        ("search", {"query": fw, "limit": 50}),
        ("search", {"query": "Acme Corporation", "limit": 50}),
        ("search", {"query": "reset the VPN", "mode": "keyword", "limit": 50}),
        ("search", {"query": others.firewall_ip, "limit": 50}),
        ("search", {"query": "admin password", "limit": 50}),
        ("search", {"query": "NW-FW01", "mode": "keyword", "limit": 50}),
        ("query_documentation", {"question": f"what is the IP of {fw}"}),
        ("query_documentation", {"question": f"which device has {others.firewall_ip}"}),
        ("query_documentation", {"question": f"what depends on {fw}"}),
        ("query_documentation", {"question": "how do we reset the VPN"}),
        ("query_documentation", {"question": f"{fw} at @Northwind"}),
        ("query_documentation", {"question": f"admin password for {fw} at @Northwind"}),
        ("query_documentation", {"question": "who is the primary contact"}),
        ("query_documentation", {"question": "SSL certificates expiring in 365 days"}),
        ("query_documentation", {"question": "where is the main office"}),
        ("get_dependencies", {"name": "NW-FW01", "depth": 3, "limit": 200}),
        ("query_documentation", {"question": "what depends on NW-FW01"}),
        ("query_documentation", {"question": "admin password for the firewall @Northwind"}),
        ("get_dependencies", {"name": fw}),
        ("get_dependencies", {"record_type": "configurations", "record_id": others.firewall_id}),
        ("list_expirations", {"within_days": 365, "include_expired": True, "limit": 200}),
        ("list_locations", {"limit": 200}),
        ("compliance_check", {"limit": 50, "organization_limit": 1}),
        ("compliance_check", {"limit": 0, "organization_limit": 200}),
        ("get_document", {"document": str(others.document_id)}),
        ("get_document", {"document": others.document_name}),
        ("get_configuration", {"name": fw}),
        ("get_configuration", {"name": str(others.firewall_id)}),
        ("get_configuration", {"name": "FW01", "detail": "full", "limit": 50}),
        ("find_ip_address", {"query": others.firewall_ip}),
        ("find_ip_address", {"query": "firewall", "limit": 100}),
        ("find_ip_address", {"query": "10.0.0.0/8", "limit": 100}),
        ("reveal_flexible_asset_password", {"flexible_asset": "nw.local"}),
        ("discover_asset_types", {}),
        ("list_flexible_assets", {"asset_type": "Active Directory", "limit": 100}),
        ("list_flexible_assets", {"asset_type": "wireless", "filter": {"SSID": "ACME"}}),
        ("get_flexible_asset", {"flexible_asset": "corp.acmecorp.com"}),
        ("get_flexible_asset", {"flexible_asset": "nw.local"}),
        ("document_infrastructure", {"organization": "Northwind"}),
        ("find_similar_issues", {"issue_description": RAID, "limit": 30}),
        ("find_similar_issues", {"issue_description": "a laptop was stolen", "limit": 30}),
        ("find_similar_issues", {"issue_description": RAID, "exclude_organization": "Acme"}),
        ("health", {}),
        # Refused (no sync permission): nothing is queued in the shared store.
        ("sync_data", {"organization": "Northwind"}),
        ("sync_status", {}),
    ]


async def test_client_readonly_sees_nothing_of_other_organizations(
    secured_url: str, others: Others
) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-client") as client:
        outcomes = {
            (tool, json.dumps(arguments)): await _call(client, others, tool, arguments)
            for tool, arguments in _calls(others)
        }

    # The calls did reach the data of Northwind Traders (the scan is not of empty answers).
    organizations = outcomes[("list_organizations", json.dumps({"limit": 200}))][1]
    assert [o["source"]["name"] for o in organizations["organizations"]] == ["Northwind Traders"]
    detail = outcomes[("get_organization", json.dumps({"organization": "Northwind"}))][1]
    assert detail["organization"]["source"]["record_id"] == NORTHWIND_TRADERS
    walk = outcomes[("get_dependencies", json.dumps({"name": "NW-FW01", "depth": 3, "limit": 200}))]
    assert walk[1]["nodes"], "NW-FW01 has linked records"
    expirations = outcomes[
        (
            "list_expirations",
            json.dumps({"within_days": 365, "include_expired": True, "limit": 200}),
        )
    ][1]
    assert expirations["expirations"]
    locations = outcomes[("list_locations", json.dumps({"limit": 200}))][1]
    assert {loc["source"]["organization_id"] for loc in locations["locations"]} == {
        NORTHWIND_TRADERS
    }
    domain = outcomes[("get_flexible_asset", json.dumps({"flexible_asset": "nw.local"}))][1]
    assert domain["tags"]["Domain Controllers"], "nw.local's domain controllers are cited"
    document = outcomes[("document_infrastructure", json.dumps({"organization": "Northwind"}))]
    assert len(document[1]["records"]) > 10, "Northwind Traders' infrastructure is documented"
    similar = outcomes[
        ("find_similar_issues", json.dumps({"issue_description": RAID, "limit": 30}))
    ]
    assert "NW-NAS01" in similar[0], "its own incident is found"
    # Another organization's record is not found, as if it did not exist.
    for tool, arguments in (
        ("get_configuration", {"name": "ACME-FW01"}),
        ("get_dependencies", {"name": "ACME-FW01"}),
        ("find_similar_issues", {"issue_description": RAID, "exclude_organization": "Acme"}),
        ("get_document", {"document": str(others.document_id)}),
        ("get_flexible_asset", {"flexible_asset": "corp.acmecorp.com"}),
    ):
        error = outcomes[(tool, json.dumps(arguments))][2]
        assert error is not None and "no " in error, f"{tool}: {error}"


async def test_the_scan_sees_other_organizations_when_they_are_readable(
    secured_url: str, others: Others
) -> None:
    """The same calls by ``helpdesk`` (every organization) fail the scan: it is not blind."""
    flagged = []
    async with Client(f"{secured_url}/mcp", auth="tok-helpdesk") as client:
        for tool, arguments in _calls(others):
            try:
                await _call(client, others, tool, arguments)
            except AssertionError:
                flagged.append(tool)

    assert {"list_organizations", "search", "get_configuration", "find_ip_address"} <= set(flagged)
    assert {"query_documentation", "list_expirations", "get_dependencies"} <= set(flagged)
    assert {"compliance_check", "list_locations"} <= set(flagged)
    assert {"discover_asset_types", "list_flexible_assets", "get_flexible_asset"} <= set(flagged)
    assert "find_similar_issues" in flagged


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("get_organization", {}),
        ("search", {"query": "vpn"}),
        ("get_configuration", {"name": "FW01"}),
        ("list_expirations", {}),
        ("list_locations", {}),
        ("find_ip_address", {"query": "firewall"}),
        ("get_dependencies", {"name": "FW01"}),
        ("get_document", {"document": "VPN"}),
        ("query_documentation", {"question": "what is the firewall IP"}),
        ("document_infrastructure", {}),
        ("discover_asset_types", {}),
        ("list_flexible_assets", {"asset_type": "Wireless"}),
    ],
)
async def test_other_organization_is_reported_as_unknown(
    secured_url: str, others: Others, tool: str, arguments: dict[str, Any]
) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-client") as client:
        errors = []
        for reference in ("Acme Corporation", "2104801", "Zenith Dynamics", "9999999"):
            with pytest.raises(ToolError) as refused:
                await client.call_tool(tool, {**arguments, "organization": reference})
            errors.append(str(refused.value).replace(reference, "<ref>"))

    acme_by_name, acme_by_id, unknown_by_name, unknown_by_id = errors
    assert acme_by_name == unknown_by_name
    assert acme_by_id == unknown_by_id
    assert "acme" not in " ".join(errors).casefold()


async def test_helpdesk_reads_every_organization_but_reveals_none(secured_url: str) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-helpdesk") as client:
        listed = await client.call_tool("list_organizations", {})
        assert len(listed.structured_content["organizations"]) == 6
        entries = await client.call_tool(
            "get_password", {"organization": "Acme Corporation", "configuration": "ACME-FW01"}
        )
        entry = entries.structured_content["passwords"][0]
        assert "revealed" not in entries.structured_content
        with pytest.raises(ToolError, match="do not allow revealing"):
            await client.call_tool(
                "get_password",
                {
                    "organization": "Acme Corporation",
                    "name": str(entry["source"]["record_id"]),
                    "reveal": True,
                },
            )
        with pytest.raises(ToolError, match="do not allow revealing"):
            await client.call_tool(
                "reveal_flexible_asset_password", {"flexible_asset": "corp.acmecorp.com"}
            )
