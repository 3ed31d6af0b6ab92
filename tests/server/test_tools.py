"""Organization and configuration tools over Streamable HTTP (fastmcp Client → uvicorn on
loopback → a synced store, SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.itglue.dataset.configurations import INJECTION_NOTE
from itglue_mcp.itglue.simulator import Dataset


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


async def _call(mcp_url: str, tool: str, arguments: dict[str, Any]) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        return await client.call_tool(tool, arguments)


async def test_tools_are_listed_read_only_with_output_schemas(mcp_url: str) -> None:
    async with Client(f"{mcp_url}/mcp") as client:
        tools = {tool.name: tool for tool in await client.list_tools()}

    ours = {
        "list_organizations",
        "get_organization",
        "get_configuration",
        "find_ip_address",
        "get_password",
    }
    assert ours <= set(tools), "other tools may be registered beside these"
    for tool in (tools[name] for name in ours):
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert tool.annotations.open_world_hint is False
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert tool.description


async def test_list_organizations_filters_and_cites(mcp_url: str, tools_dataset_dir: Path) -> None:
    result = await _call(mcp_url, "list_organizations", {"name_contains": "north"})

    names = [org["source"]["name"] for org in result.structured_content["organizations"]]
    expected = sorted(
        org["attributes"]["name"]
        for org in _records(tools_dataset_dir, "organizations")
        if "north" in org["attributes"]["name"].lower()
    )
    assert names == expected and names
    first = result.structured_content["organizations"][0]
    assert first["source"]["resource_url"].startswith("https://")
    assert first["source"]["name"] in result.content[0].text


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
    assert found["source"]["record_id"] == int(firewall["id"])
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

    names = [c["source"]["name"] for c in result.structured_content["configurations"]]
    assert names and all("dc01" in name.lower() for name in names)
    organization = result.structured_content["organization"]
    assert (organization["record_type"], organization["name"]) == (
        "organizations",
        "Northwind Traders",
    )


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


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"name": "DC01", "limit": 51}, "limit"),
        ({"name": "DC01", "detail": "everything"}, "detail"),
        ({"name": "   "}, "name"),
    ],
)
async def test_bad_configuration_options_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _call(mcp_url, "get_configuration", arguments)


def _organization(directory: Path, name: str) -> dict[str, Any]:
    return next(o for o in _records(directory, "organizations") if o["attributes"]["name"] == name)


def _owned(directory: Path, kind: str, organization: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        r
        for r in _records(directory, kind)
        if r["attributes"]["organization-id"] == int(organization["id"])
    ]


async def test_get_organization_shows_locations_contacts_and_counts(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    acme = _organization(tools_dataset_dir, "Acme Corporation")
    locations = _owned(tools_dataset_dir, "locations", acme)
    contacts = [
        c for c in _owned(tools_dataset_dir, "contacts", acme) if c["attributes"]["important"]
    ]

    result = await _call(mcp_url, "get_organization", {"organization": "ACME"})

    detail = result.structured_content
    assert detail["organization"]["source"]["record_id"] == int(acme["id"])
    assert detail["organization"]["source"]["resource_url"] == acme["attributes"]["resource-url"]
    assert detail["locations"][0]["source"]["record_id"] == next(
        int(loc["id"]) for loc in locations if loc["attributes"]["primary"]
    )
    assert {loc["source"]["record_id"] for loc in detail["locations"]} == {
        int(loc["id"]) for loc in locations
    }
    assert (
        {c["source"]["record_id"] for c in detail["contacts"]}
        == {int(c["id"]) for c in contacts}
        != set()
    )
    assert all(c["source"]["resource_url"] for c in detail["contacts"] + detail["locations"])
    for kind, name in (
        ("configurations", "configurations"),
        ("passwords", "passwords"),
        ("contacts", "contacts"),
        ("flexible-assets", "flexible_assets"),
    ):
        assert detail["record_counts"][kind] == len(_owned(tools_dataset_dir, name, acme))
    excerpts = {e["field"]: e for e in detail["excerpts"]}
    assert excerpts["quick_notes"]["untrusted"] is True
    assert "ACME-FW01 (10.10.10.1)" in excerpts["quick_notes"]["text"]
    assert "<p>" not in excerpts["quick_notes"]["text"]
    text = result.content[0].text
    assert 'untrusted="true"' in text and acme["attributes"]["resource-url"] in text
    assert all(c["attributes"]["name"] in text for c in contacts)


async def test_get_organization_by_id_and_bad_references(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    traders = _organization(tools_dataset_dir, "Northwind Traders")

    result = await _call(mcp_url, "get_organization", {"organization": traders["id"]})

    assert result.structured_content["organization"]["source"]["name"] == "Northwind Traders"
    with pytest.raises(ToolError, match=r"ambiguous.*Northwind Logistics.*Northwind Traders"):
        await _call(mcp_url, "get_organization", {"organization": "Northwind"})
    with pytest.raises(ToolError, match=r"organization: no organization matches 'Zebra'"):
        await _call(mcp_url, "get_organization", {"organization": "Zebra"})
    for bad in ("", "x" * 256):
        with pytest.raises(ToolError, match="organization"):
            await _call(mcp_url, "get_organization", {"organization": bad})


async def test_get_configuration_without_organization_names_each_one_s_organization(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    bare = {
        (c["attributes"]["organization-name"], int(c["id"]))
        for c in _records(tools_dataset_dir, "configurations")
        if "dc01" in (c["attributes"]["name"].lower(), c["attributes"]["hostname"].lower())
    }

    result = await _call(mcp_url, "get_configuration", {"name": "dc01", "limit": 50})

    found = result.structured_content["configurations"]
    assert "organization" not in result.structured_content
    exact = {
        (c["source"]["organization_name"], c["source"]["record_id"]) for c in found[: len(bare)]
    }
    assert exact == bare and len({name for name, _ in bare}) >= 2, "exact matches first"
    assert all("dc01" in c["source"]["name"].lower() for c in found[len(bare) :])
    assert all(c["source"]["organization_name"] for c in found)
    text = result.content[0].text
    assert all(f"of {organization}" in text for organization, _ in bare)


async def test_get_configuration_full_detail_quotes_notes_and_names_links(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    dataset = Dataset.load(tools_dataset_dir)
    firewall = next(
        c for c in dataset.ordered("configurations") if c["attributes"]["name"] == "ACME-FW01"
    )
    links = [
        dataset.get("related-items", ref["id"])
        for ref in firewall["relationships"]["related-items"]["data"]
    ]

    result = await _call(mcp_url, "get_configuration", {"name": firewall["id"], "detail": "full"})

    [found] = result.structured_content["configurations"]
    assert found["warranty_expires_at"] == firewall["attributes"]["warranty-expires-at"]
    assert found["serial_number"] == firewall["attributes"]["serial-number"]
    assert sorted(link["name"] for link in found["related_items"]) == sorted(
        link["attributes"]["resource-name"]
        for link in links  # type: ignore[index]
    )
    notes = {e["field"]: e["text"] for e in found["excerpts"]}
    assert notes["notes"] == firewall["attributes"]["notes"]
    assert any(field.startswith("interface ") for field in notes)
    assert all(e["untrusted"] for e in found["excerpts"])
    summary = await _call(mcp_url, "get_configuration", {"name": "ACME-FW01"})
    [brief] = summary.structured_content["configurations"]
    assert brief["excerpts"] == [] and brief["related_items"] == []


async def test_planted_instructions_stay_quoted(mcp_url: str, tools_dataset_dir: Path) -> None:
    planted = next(
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["notes"] == INJECTION_NOTE
    )

    result = await _call(
        mcp_url,
        "get_configuration",
        {
            "name": planted["attributes"]["name"],
            "organization": str(planted["attributes"]["organization-id"]),
            "detail": "full",
        },
    )

    text = result.content[0].text
    start = text.index(INJECTION_NOTE)
    fence = text.rindex("<itglue-data", 0, start)
    assert 'untrusted="true"' in text[fence:start]
    assert "</itglue-data>" not in text[fence:start]
    assert text.index("</itglue-data>", start) > start


async def test_get_configuration_by_serial_number(mcp_url: str, tools_dataset_dir: Path) -> None:
    switch = next(
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["configuration-type-name"] == "Switch"
    )

    result = await _call(
        mcp_url, "get_configuration", {"name": switch["attributes"]["serial-number"].lower()}
    )

    assert [c["source"]["record_id"] for c in result.structured_content["configurations"]] == [
        int(switch["id"])
    ]


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
