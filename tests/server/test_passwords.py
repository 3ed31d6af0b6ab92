"""``get_password`` over Streamable HTTP: metadata only, and no tool ever returns a secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _configuration(directory: Path, name: str) -> dict[str, Any]:
    return next(c for c in _records(directory, "configurations") if c["attributes"]["name"] == name)


async def _get(mcp_url: str, **arguments: Any) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        return await client.call_tool("get_password", arguments)


async def test_passwords_of_a_configuration(mcp_url: str, tools_dataset_dir: Path) -> None:
    firewall = _configuration(tools_dataset_dir, "ACME-FW01")
    expected = {
        int(p["id"]): p["attributes"]
        for p in _records(tools_dataset_dir, "passwords")
        if p["attributes"]["resource-type"] == "Configuration"
        and p["attributes"]["resource-id"] == int(firewall["id"])
    }

    result = await _get(mcp_url, configuration="ACME-FW01", organization="Acme Corporation")

    found = result.structured_content
    assert {p["id"] for p in found["passwords"]} == set(expected) and expected
    for entry in found["passwords"]:
        attributes = expected[entry["id"]]
        assert entry["username"] == attributes["username"]
        assert entry["url"] == attributes["url"]
        assert entry["password_category_name"] == attributes["password-category-name"]
        assert entry["source"]["resource_url"] == attributes["resource-url"]
        assert entry["linked"]["record_id"] == int(firewall["id"])
        assert entry["linked"]["name"] == "ACME-FW01"
        assert entry["linked"]["resource_url"] == firewall["attributes"]["resource-url"]
        assert "password" not in entry and "value" not in entry
    assert found["value_returned"] is False
    text = result.content[0].text
    assert "never returned" in text and found["notice"] in text
    assert all(a["resource-url"] in text for a in expected.values())


async def test_a_password_by_name_or_id(mcp_url: str, tools_dataset_dir: Path) -> None:
    admin = next(
        p
        for p in _records(tools_dataset_dir, "passwords")
        if p["attributes"]["name"] == "ACME-FW01 - Admin GUI"
    )

    by_name = await _get(mcp_url, name="acme-fw01 - admin gui")
    by_id = await _get(mcp_url, name=admin["id"])
    both = await _get(
        mcp_url, name="Admin GUI", configuration=str(admin["attributes"]["resource-id"])
    )

    assert by_name.structured_content["passwords"][0]["id"] == int(admin["id"])
    assert [p["id"] for p in by_id.structured_content["passwords"]] == [int(admin["id"])]
    assert [p["id"] for p in both.structured_content["passwords"]] == [int(admin["id"])]
    assert by_id.structured_content["organization"] is None


async def test_scoping_and_limits(mcp_url: str, tools_dataset_dir: Path) -> None:
    traders = {
        int(p["id"])
        for p in _records(tools_dataset_dir, "passwords")
        if p["attributes"]["organization-name"] == "Northwind Traders"
        and "domain administrator" in p["attributes"]["name"].lower()
    }

    scoped = await _get(mcp_url, name="Domain Administrator", organization="NW")
    limited = await _get(mcp_url, name="admin", limit=2)

    assert {p["id"] for p in scoped.structured_content["passwords"]} == traders and traders
    assert len(limited.structured_content["passwords"]) == 2
    assert limited.structured_content["truncated"] is True
    assert "more entries match than the 2 shown" in limited.content[0].text
    with pytest.raises(ToolError, match=r"ambiguous.*Northwind Logistics.*Northwind Traders"):
        await _get(mcp_url, name="Domain Administrator", organization="Northwind")


async def test_not_found_offers_what_exists(mcp_url: str) -> None:
    with pytest.raises(
        ToolError,
        match=r"name: no password of Acme Corporation .*close names: Domain Administrator",
    ):
        await _get(mcp_url, name="domain admn", organization="ACME")
    with pytest.raises(
        ToolError, match=r"configuration: no configuration .*close names: ACME-FW01"
    ):
        await _get(mcp_url, configuration="ACME-FWO1")
    with pytest.raises(
        ToolError,
        match=r"name: no password of ACME-FW01 matches 'zzz'; its passwords: ACME-FW01 - ",
    ):
        await _get(mcp_url, name="zzz", configuration="ACME-FW01")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 300}, "name"),
        ({"configuration": ""}, "configuration"),
        ({"configuration": "  "}, "configuration"),
        ({"name": "admin", "limit": 51}, "limit"),
        ({"name": "admin", "organization": "x" * 300}, "organization"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _get(mcp_url, **arguments)


def _secrets(directory: Path) -> set[str]:
    """Every secret the dataset files hold: password values and Password-kind traits."""
    values = {
        p["attributes"]["password"]
        for p in _records(directory, "passwords")
        if p["attributes"].get("password")
    }
    fields = json.loads((directory / "flexible_asset_types.json").read_text())["included"]
    secret_keys = {
        f["attributes"]["name-key"] for f in fields if f["attributes"]["kind"] == "Password"
    }
    for asset in _records(directory, "flexible_assets"):
        values |= {
            value
            for key, value in asset["attributes"]["traits"].items()
            if key in secret_keys and isinstance(value, str) and value
        }
    return values


async def test_no_tool_output_contains_a_secret(mcp_url: str, tools_dataset_dir: Path) -> None:
    secrets = _secrets(tools_dataset_dir)
    assert len(secrets) > 1000, "the dataset holds secrets to look for"
    organizations = [o["attributes"]["name"] for o in _records(tools_dataset_dir, "organizations")]
    configurations = [
        c["attributes"]["name"]
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["configuration-type-name"] not in ("Laptop", "Managed Workstation")
    ]
    calls: list[tuple[str, dict[str, Any]]] = [
        *(("get_organization", {"organization": name}) for name in organizations),
        *(
            ("get_password", {"name": word, "limit": 50})
            for word in (
                "admin",
                "-",
                "wi-fi",
                "key",
                "bitlocker",
                "backup",
                "vpn",
                "domain",
                "a",
                "e",
            )
        ),
        *(("get_password", {"configuration": name, "limit": 50}) for name in configurations[:25]),
        *(("get_configuration", {"name": name, "detail": "full"}) for name in configurations[:25]),
        *(
            ("find_ip_address", {"query": query, "limit": 100})
            for query in (
                "10.0.0.0/8",
                "192.168.0.0/16",
                "172.16.0.0/12",
                "LAN",
                "Wi-Fi",
                "firewall",
                "server",
            )
        ),
    ]
    outputs = []
    async with Client(f"{mcp_url}/mcp") as client:
        for tool, arguments in calls:
            result = await client.call_tool(tool, arguments, raise_on_error=False)
            outputs.append(result.content[0].text)
            outputs.append(json.dumps(result.structured_content))
    everything = "\n".join(outputs)
    assert "ACME-FW01 - Admin GUI" in everything, "the calls did reach password entries"
    leaked = [secret for secret in secrets if secret in everything]
    assert leaked == []
