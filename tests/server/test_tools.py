"""MCP tools over Streamable HTTP (fastmcp Client → uvicorn on loopback → synced SQLite)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.itglue.simulator import Dataset


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


async def _call(mcp_url: str, tool: str, arguments: dict[str, Any]) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        return await client.call_tool(tool, arguments)


async def test_tools_are_listed_read_only_with_output_schemas(mcp_url: str) -> None:
    async with Client(f"{mcp_url}/mcp") as client:
        tools = {tool.name: tool for tool in await client.list_tools()}

    assert set(tools) == {"list_organizations", "get_configuration"}
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert tool.description


async def test_list_organizations_filters_and_cites(mcp_url: str, tools_dataset_dir: Path) -> None:
    result = await _call(mcp_url, "list_organizations", {"name_contains": "north"})

    names = [org["name"] for org in result.structured_content["organizations"]]
    expected = sorted(
        org["attributes"]["name"]
        for org in _records(tools_dataset_dir, "organizations")
        if "north" in org["attributes"]["name"].lower()
    )
    assert names == expected and names
    first = result.structured_content["organizations"][0]
    assert first["source"]["resource_url"].startswith("https://")
    assert first["name"] in result.content[0].text


async def test_list_organizations_states_its_limit(mcp_url: str) -> None:
    result = await _call(mcp_url, "list_organizations", {"limit": 1})

    assert len(result.structured_content["organizations"]) == 1
    assert result.structured_content["truncated"] is True
    with pytest.raises(ToolError, match="limit"):
        await _call(mcp_url, "list_organizations", {"limit": 5000})


async def test_get_configuration_returns_interfaces_and_source(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    dataset = Dataset.load(tools_dataset_dir)
    firewall = next(
        c for c in dataset.ordered("configurations") if c["attributes"]["name"] == "ACME-FW01"
    )

    result = await _call(
        mcp_url, "get_configuration", {"organization": "acme corporation", "name": "acme-fw01"}
    )

    found = result.structured_content["configurations"][0]
    assert found["id"] == int(firewall["id"])
    assert found["primary_ip"] == firewall["attributes"]["primary-ip"] == "10.10.10.1"
    assert found["source"]["resource_url"] == firewall["attributes"]["resource-url"]
    stored_ips = sorted(i["ip_address"] for i in found["interfaces"])
    expected_ips = sorted(
        dataset.get("configuration-interfaces", ref["id"])["attributes"]["ip-address"]  # type: ignore[index]
        for ref in firewall["relationships"]["configuration-interfaces"]["data"]
    )
    assert stored_ips == expected_ips
    assert "10.10.10.1" in result.content[0].text


async def test_get_configuration_finds_part_of_a_name(mcp_url: str) -> None:
    result = await _call(mcp_url, "get_configuration", {"organization": "NW", "name": "DC01"})

    names = [c["name"] for c in result.structured_content["configurations"]]
    assert names and all("dc01" in name.lower() for name in names)
    assert result.structured_content["organization"]["short_name"] == "NW"


async def test_unknown_configuration_suggests_close_names(mcp_url: str) -> None:
    with pytest.raises(ToolError, match=r"name: no configuration .*close names: .*ACME-FW0"):
        await _call(mcp_url, "get_configuration", {"organization": "ACME", "name": "ACME-FWO1"})


async def test_a_misspelt_organization_is_matched(mcp_url: str) -> None:
    result = await _call(mcp_url, "get_configuration", {"organization": "Acmee", "name": "FW01"})

    assert result.structured_content["organization"]["name"] == "Acme Corporation"


async def test_unknown_organization_is_named(mcp_url: str) -> None:
    with pytest.raises(ToolError, match=r"organization: no organization matches 'Zebra Holdings'"):
        await _call(mcp_url, "get_configuration", {"organization": "Zebra Holdings", "name": "x"})


async def test_ambiguous_organization_lists_candidates(mcp_url: str) -> None:
    with pytest.raises(ToolError, match=r"ambiguous.*Northwind Logistics.*Northwind Traders"):
        await _call(mcp_url, "get_configuration", {"organization": "northwind", "name": "DC01"})


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"organization": "", "name": "DC01"}, "organization"),
        ({"organization": "ACME", "name": ""}, "name"),
        ({"organization": "ACME", "name": "x" * 300}, "name"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _call(mcp_url, "get_configuration", arguments)


def test_health_and_readiness(mcp_url: str) -> None:
    assert httpx.get(f"{mcp_url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{mcp_url}/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_foreign_host_header_is_refused(mcp_url: str) -> None:
    response = httpx.post(
        f"{mcp_url}/mcp",
        headers={"Host": "attacker.example", "Content-Type": "application/json"},
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
    )
    assert response.status_code in (403, 421)
