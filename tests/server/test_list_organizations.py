"""``list_organizations`` over Streamable HTTP: a misspelt name still finds the organization
(the synced six-organization tenant, SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client


async def _names(mcp_url: str, name_contains: str) -> list[str]:
    async with Client(f"{mcp_url}/mcp") as client:
        result: Any = await client.call_tool("list_organizations", {"name_contains": name_contains})
    return [org["source"]["name"] for org in result.structured_content["organizations"]]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Northwind Traders", ["Northwind Traders"]),
        ("Northwnd Traders", ["Northwind Traders"]),  # one letter missing
        ("Acme Coporation", ["Acme Corporation"]),
        ("BrightPth", ["BrightPath Technology Partners"]),
    ],
)
async def test_list_organizations_tolerates_a_typo(
    mcp_url: str, typed: str, expected: list[str]
) -> None:
    assert await _names(mcp_url, typed) == expected


async def test_list_organizations_lists_both_names_a_shared_typo_could_mean(
    mcp_url: str,
) -> None:
    assert await _names(mcp_url, "north") == await _names(mcp_url, "Nortwind")
    assert len(await _names(mcp_url, "Nortwind")) == 2
    assert await _names(mcp_url, "Globex Industries") == []
