"""``list_locations`` over Streamable HTTP (SQLite and PostgreSQL): addresses, primary flags and
the configurations and contacts at each location checked against the generated dataset's JSON,
the default limit and how to see more, bad input, no data, and RBAC (a ``client-readonly``
user lists its organization's locations only)."""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.server.tools.locations import DEFAULT_LIMIT
from tests.server.conftest import serve_mcp_app
from tests.server.secured import caller_claims, serve_client_readonly_app

ACME = 2104801
NORTHWIND_TRADERS = 2104807
TOKENS = {"tok-client": caller_claims("cleo", groups=["Northwind IT"])}
BINDINGS = {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]}
_ADDRESS = ("address-1", "address-2", "city", "region-name", "postal-code", "country-name")


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _expected(directory: Path) -> dict[int, dict[str, Any]]:
    """Per location id: what the tool should say of it, from the dataset's JSON."""
    configurations = Counter(
        c["attributes"]["location-id"] for c in _records(directory, "configurations")
    )
    contacts = Counter(c["attributes"]["location-id"] for c in _records(directory, "contacts"))
    expected = {}
    for location in _records(directory, "locations"):
        attributes, key = location["attributes"], int(location["id"])
        address = ", ".join(attributes[part] for part in _ADDRESS if attributes[part])
        expected[key] = {
            "name": attributes["name"],
            "organization_id": attributes["organization-id"],
            "primary": attributes["primary"],
            "address": address,
            "phone": attributes["phone"],
            "configurations": configurations[key],
            "contacts": contacts[key],
            "resource_url": attributes["resource-url"],
        }
    return expected


def _seen(location: dict[str, Any]) -> dict[str, Any]:
    source = location["source"]
    return {
        "name": source["name"],
        "organization_id": source["organization_id"],
        "primary": location.get("primary"),
        "address": location.get("address"),
        "phone": location.get("phone"),
        "configurations": location["configurations"],
        "contacts": location["contacts"],
        "resource_url": source["resource_url"],
    }


async def _call(url: str, arguments: dict[str, Any], token: str | None = None) -> Any:
    async with Client(f"{url}/mcp", auth=token) as client:
        return await client.call_tool("list_locations", arguments)


async def test_an_organizations_locations_match_the_dataset(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    expected = _expected(tools_dataset_dir)
    acme = {key: row for key, row in expected.items() if row["organization_id"] == ACME}
    assert any(row["configurations"] and row["contacts"] for row in acme.values())

    result = await _call(mcp_url, {"organization": "Acme Corporation"})

    listing = result.structured_content
    seen = {loc["source"]["record_id"]: _seen(loc) for loc in listing["locations"]}
    assert seen == acme and listing["total"] == len(acme)
    assert listing["locations"][0]["primary"] is True
    text = result.content[0].text
    for key, row in acme.items():
        line = next(line for line in text.splitlines() if row["resource_url"] in line)
        assert row["address"] in line
        assert f"{row['configurations']} configuration" in line
        assert f"{row['contacts']} contact" in line
        assert (" (primary)" in line) is row["primary"], key


async def test_every_readable_organization_by_default_with_the_notes_fenced(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    expected = _expected(tools_dataset_dir)
    names = {
        int(o["id"]): o["attributes"]["name"] for o in _records(tools_dataset_dir, "organizations")
    }
    noted = [loc for loc in _records(tools_dataset_dir, "locations") if loc["attributes"]["notes"]]
    assert len(expected) <= DEFAULT_LIMIT and noted

    result = await _call(mcp_url, {})

    listing = result.structured_content
    assert {loc["source"]["record_id"]: _seen(loc) for loc in listing["locations"]} == expected
    # By organization name, each organization's primary location first.
    order = [
        (names[loc["source"]["organization_id"]].casefold(), not loc.get("primary", False))
        for loc in listing["locations"]
    ]
    assert order == sorted(order)
    text = result.content[0].text
    [fence] = re.findall(r'<itglue-data untrusted="true" field="notes">\n(.*?)\n</itglue-data>',
                         text, re.S)  # fmt: skip
    for location in noted:
        assert f"locations/{location['id']}: {location['attributes']['notes']}" in fence
    assert text.startswith(f"Locations, by organization, primary first: {len(expected)} of")


async def test_a_smaller_limit_says_how_many_more(mcp_url: str, tools_dataset_dir: Path) -> None:
    total = len(_records(tools_dataset_dir, "locations"))

    result = await _call(mcp_url, {"limit": 5})

    listing = result.structured_content
    assert len(listing["locations"]) == 5 and listing["total"] == total
    assert result.content[0].text.splitlines()[-1] == (
        f"{total - 5} more location(s): raise limit (max 200)."
    )


def test_an_empty_store_has_no_location(database_url: str) -> None:
    # Not a coroutine: serving stops with asyncio.run, outside any running loop.
    for url in serve_mcp_app(database_url):
        result = asyncio.run(_call(url, {}))

    assert result.structured_content == {"locations": [], "total": 0}
    assert result.content[0].text.endswith("(no data available).")


@pytest.mark.parametrize(
    ("arguments", "start"),
    [
        ({"limit": 0}, "limit: must be at least 1"),
        ({"limit": 201}, "limit: must be at most 200"),
        ({"organization": ""}, "organization: must not be empty"),
        ({"organization": "Acme\x00"}, "organization: must not contain control characters"),
        ({"organization": "Zebra Holdings"}, "organization: no organization"),
        ({"colour": "red"}, "colour: not an argument of this tool"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], start: str
) -> None:
    with pytest.raises(ToolError) as raised:
        await _call(mcp_url, arguments)

    message = str(raised.value)
    assert message.startswith(start) and "\n" not in message


@pytest.fixture(scope="module")
def secured_url(
    synced_store_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path
) -> Iterator[str]:
    audit_dir = tmp_path_factory.mktemp("locations-audit")
    yield from serve_client_readonly_app(
        synced_store_url, audit_dir, sqlite_template_file, TOKENS, BINDINGS
    )


async def test_client_readonly_lists_its_organizations_locations_only(
    secured_url: str, tools_dataset_dir: Path
) -> None:
    ours = {
        key: row
        for key, row in _expected(tools_dataset_dir).items()
        if row["organization_id"] == NORTHWIND_TRADERS
    }

    result = await _call(secured_url, {"limit": 200}, "tok-client")

    listing = result.structured_content
    assert {loc["source"]["record_id"]: _seen(loc) for loc in listing["locations"]} == ours
    assert listing["total"] == len(ours)
    with pytest.raises(ToolError) as other:
        await _call(secured_url, {"organization": "Acme Corporation"}, "tok-client")
    with pytest.raises(ToolError) as unknown:
        await _call(secured_url, {"organization": "Zebra Holdings"}, "tok-client")
    assert str(other.value) == str(unknown.value).replace("Zebra Holdings", "Acme Corporation")
