"""``find_ip_address`` over Streamable HTTP, checked against the generated dataset files."""

from __future__ import annotations

import ipaddress
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _interfaces(directory: Path) -> dict[str, dict[str, Any]]:
    included = json.loads((directory / "configurations.json").read_text())["included"]
    return {i["id"]: i["attributes"] for i in included if i["type"] == "configuration-interfaces"}


def _addresses(configuration: dict[str, Any], interfaces: dict[str, dict[str, Any]]) -> set[str]:
    refs = configuration["relationships"]["configuration-interfaces"]["data"]
    values = {configuration["attributes"]["primary-ip"]}
    values |= {interfaces[ref["id"]]["ip-address"] for ref in refs}
    return {value for value in values if value}


async def _find(mcp_url: str, **arguments: Any) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        return await client.call_tool("find_ip_address", arguments)


async def test_an_ip_names_the_firewall_and_the_lan(mcp_url: str, tools_dataset_dir: Path) -> None:
    firewall = next(
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["name"] == "ACME-FW01"
    )
    lan = next(
        a
        for a in _records(tools_dataset_dir, "flexible_assets")
        if a["attributes"]["traits"].get("gateway") == "10.10.10.1"
    )

    result = await _find(mcp_url, query="10.10.10.1")

    found = result.structured_content
    assert found["lookup"] == "network" and found["network"] == "10.10.10.1"
    [holder] = found["configurations"]
    assert (holder["source"]["record_id"], holder["addresses"]) == (
        int(firewall["id"]),
        ["10.10.10.1"],
    )
    assert holder["source"]["organization_name"] == "Acme Corporation"
    assert holder["source"]["resource_url"] == firewall["attributes"]["resource-url"]
    [asset] = found["flexible_assets"]
    assert asset["source"]["record_id"] == int(lan["id"])
    assert {"label": "Gateway", "value": "10.10.10.1", "exact": True} in asset["addresses"]
    assert all(fact["source"]["resource_url"] for fact in found["facts"])
    text = result.content[0].text
    assert "ACME-FW01" in text and firewall["attributes"]["resource-url"] in text
    assert lan["attributes"]["resource-url"] in text


async def test_a_device_name_gives_every_address(mcp_url: str, tools_dataset_dir: Path) -> None:
    firewall = next(
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["name"] == "ACME-FW01"
    )
    expected = _addresses(firewall, _interfaces(tools_dataset_dir))

    result = await _find(mcp_url, query="acme-fw01")

    [holder] = result.structured_content["configurations"]
    assert holder["addresses"][0] == "10.10.10.1" and set(holder["addresses"]) == expected
    facts = {(fact["label"], fact["value"]) for fact in result.structured_content["facts"]}
    assert ("primary IP; interface port1", "10.10.10.1") in facts


async def test_an_ip_used_by_two_organizations(mcp_url: str, tools_dataset_dir: Path) -> None:
    interfaces = _interfaces(tools_dataset_dir)
    owners: dict[str, set[str]] = defaultdict(set)
    for configuration in _records(tools_dataset_dir, "configurations"):
        for address in _addresses(configuration, interfaces):
            owners[address].add(configuration["attributes"]["organization-name"])
    shared, names = next((a, o) for a, o in sorted(owners.items()) if len(o) > 1)

    everywhere = await _find(mcp_url, query=shared)
    one = sorted(names)[0]
    scoped = await _find(mcp_url, query=shared, organization=one)

    held_by = {
        c["source"]["organization_name"] for c in everywhere.structured_content["configurations"]
    }
    assert held_by == names
    assert {
        c["source"]["organization_name"] for c in scoped.structured_content["configurations"]
    } == {one}
    assert scoped.structured_content["organization"]["name"] == one


async def test_a_network_lookup_states_its_limit(mcp_url: str, tools_dataset_dir: Path) -> None:
    interfaces = _interfaces(tools_dataset_dir)
    subnet = ipaddress.ip_network("10.10.10.0/24")
    holders = [
        c
        for c in _records(tools_dataset_dir, "configurations")
        if any(ipaddress.ip_address(a) in subnet for a in _addresses(c, interfaces))
    ]

    limited = await _find(mcp_url, query="10.10.10.0/24", limit=3)
    everything = await _find(mcp_url, query="10.10.10.0/24", organization="ACME", limit=100)

    assert len(limited.structured_content["configurations"]) == 3
    assert limited.structured_content["truncated"] is True
    assert "more records match than the 3 shown" in limited.content[0].text
    assert {c["source"]["record_id"] for c in everything.structured_content["configurations"]} == {
        int(c["id"]) for c in holders
    }
    assert everything.structured_content["truncated"] is (len(holders) > 100)


async def test_a_kind_of_device_in_one_organization(mcp_url: str, tools_dataset_dir: Path) -> None:
    firewalls = {
        c["attributes"]["name"]
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["organization-name"] == "Northwind Traders"
        and c["attributes"]["configuration-type-name"] == "Firewall"
    }

    result = await _find(mcp_url, query="firewall", organization="Northwind Traders")

    assert result.structured_content["lookup"] == "kind"
    assert {c["source"]["name"] for c in result.structured_content["configurations"]} == firewalls
    with pytest.raises(ToolError, match=r"ambiguous.*Northwind Logistics.*Northwind Traders"):
        await _find(mcp_url, query="firewall", organization="Northwind")


async def test_nothing_found(mcp_url: str) -> None:
    empty = await _find(mcp_url, query="10.255.255.254")

    assert empty.structured_content["configurations"] == []
    assert empty.structured_content["flexible_assets"] == []
    assert "No configuration or flexible asset" in empty.content[0].text
    with pytest.raises(
        ToolError, match=r"query: no configuration or network .*close names: ACME-FW01"
    ):
        await _find(mcp_url, query="ACME-FWO1", organization="ACME")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"query": ""}, "query"),
        ({"query": "   "}, "query"),
        ({"query": "x" * 300}, "query"),
        ({"query": "10.0.0.1", "limit": 101}, "limit"),
        ({"query": "10.0.0.1", "limit": 0}, "limit"),
        ({"query": "10.0.0.1", "organization": ""}, "organization"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _find(mcp_url, **arguments)
