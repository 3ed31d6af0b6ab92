"""Real tool results against the output schemas ``tools/list`` advertises (compact form).

The MCP specification (2026-07-28, Tools → Output Schema): a server that declares an
``outputSchema`` MUST return structured content that conforms to it, and clients SHOULD
validate. So every tool is called over Streamable HTTP on the synced tenant, and its
``structuredContent`` is checked with jsonschema (Draft 2020-12, formats checked) against the
schema the same client listed — not against the pydantic model, which the compaction rewrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

from tests.server.reveal import REVEAL_TOKEN, a_secret, serving_reveal

# Generated tenant (seed 11): names the other server tests use too.
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("query_documentation", {"question": "how do we reset the Sophos VPN at @Northwind Traders"}),
    ("query_documentation", {"question": "what is the IP address of NW-FW01"}),
    ("query_documentation", {"question": "what is the IP of NO-SUCH-DEVICE-42"}),
    ("search", {"query": "firewall"}),
    ("search", {"query": "sophos vpn", "organization": "NW", "mode": "keyword"}),
    ("list_organizations", {}),
    ("get_organization", {"organization": "Northwind Traders"}),
    ("get_configuration", {"name": "NW-FW01", "detail": "full"}),
    ("get_configuration", {"name": "fw", "organization": "NW"}),
    ("find_ip_address", {"query": "NW-FW01"}),
    ("find_ip_address", {"query": "10.0.0.0/8", "limit": 5}),
    ("find_ip_address", {"query": "firewall", "organization": "NW"}),
    ("get_password", {"name": "NW-FW01"}),
    ("get_document", {"document": "Sophos VPN", "organization": "NW", "max_chars": 300}),
    ("get_dependencies", {"name": "NW-FW01", "organization": "NW", "depth": 2}),
    ("list_expirations", {}),
    ("list_expirations", {"within_days": 365, "include_expired": True, "limit": 200}),
    ("document_infrastructure", {"organization": "Northwind Traders"}),
    ("document_infrastructure", {"organization": "NW", "sections": ["diagram", "gaps"]}),
    ("list_locations", {}),
    ("list_locations", {"organization": "NW", "limit": 1}),
    ("compliance_check", {}),
    ("compliance_check", {"checks": ["stale_documents"], "organizations": ["NW"], "limit": 0}),
    ("discover_asset_types", {}),
    ("list_flexible_assets", {"asset_type": "Active Directory", "limit": 2}),
    (
        "list_flexible_assets",
        {"asset_type": "Backup", "organization": "NW", "filter": {"Schedule": "zz"}},
    ),
    ("get_flexible_asset", {"flexible_asset": "nw.local"}),
    ("find_similar_issues", {"issue_description": "RAID degraded after a disk failed"}),
    ("find_similar_issues", {"issue_description": "sourdough starter recipe", "limit": 1}),
    ("health", {}),
]


def _check(schema: dict[str, Any], tool: str, arguments: dict[str, Any], content: Any) -> None:
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(content)]
    assert errors == [], f"{tool}({json.dumps(arguments)}): {errors[:5]}"


async def test_every_result_conforms_to_its_advertised_output_schema(mcp_url: str) -> None:
    async with Client(f"{mcp_url}/mcp") as client:
        schemas = {tool.name: tool.output_schema for tool in await client.list_tools()}
        called = set()
        for tool, arguments in CALLS:
            result = await client.call_tool(tool, arguments)
            schema = schemas[tool]
            assert schema is not None and result.structured_content is not None, tool
            _check(schema, tool, arguments, result.structured_content)
            called.add(tool)

    revealing = {"get_password", "reveal_flexible_asset_password"}
    # The sync tools change the store: checked on a store of their own (test_sync_tools).
    syncing = {"sync_data", "sync_status"}
    assert set(schemas) - called <= revealing | syncing, "every tool is called somewhere"


async def test_revealed_secrets_conform_to_their_output_schemas(
    synced_store_url: str, audit_url: str, live_itglue: str, tools_dataset_dir: Path
) -> None:
    entry = a_secret(tools_dataset_dir)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("get_password", {"name": entry["id"], "reveal": True}),
        (
            "reveal_flexible_asset_password",
            {"flexible_asset": "corp.acmecorp.com", "trait": "DSRM Password"},
        ),
    ]
    async with serving_reveal(
        synced_store_url, audit_url, live_itglue, roles=["technician"]
    ) as url:
        transport = StreamableHttpTransport(f"{url}/mcp", auth=REVEAL_TOKEN)
        async with Client(transport) as client:
            schemas = {tool.name: tool.output_schema for tool in await client.list_tools()}
            for tool, arguments in calls:
                result = await client.call_tool(tool, arguments)
                schema = schemas[tool]
                assert schema is not None and result.structured_content is not None, tool
                _check(schema, tool, arguments, result.structured_content)
