"""``find_similar_issues`` over Streamable HTTP (SQLite and PostgreSQL) on the generated tenant:
the same incident documented in several organizations comes back as one fix group with each
organization cited, ``exclude_organization`` leaves one out, nothing relevant is "no similar
issue", bad input names the field, and a ``client-readonly`` user sees its organization only."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.query.similar_issues import MAX_LIMIT
from tests.server.secured import caller_claims, serve_client_readonly_app

NORTHWIND_TRADERS = 2104807
TOKENS = {"tok-client": caller_claims("cleo", groups=["Northwind IT"])}
BINDINGS = {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]}
RAID = "the RAID volume degraded after a disk failed on the NAS"
# The generator's incident write-ups: one template per kind of device, one resolution each.
RAID_TITLE = re.compile(r"^Incident \S+: RAID degraded on ")
RAID_FIX = "Hot-swapped the disk; the rebuild finished overnight without data loss."


def _incidents(directory: Path) -> dict[int, dict[str, Any]]:
    """The RAID incident documents of the dataset (three organizations with seed 11)."""
    documents = json.loads((directory / "documents.json").read_text())["data"]
    return {
        int(d["id"]): d["attributes"]
        for d in documents
        if RAID_TITLE.match(d["attributes"]["name"])
    }


async def _call(url: str, arguments: dict[str, Any], token: str | None = None) -> Any:
    async with Client(f"{url}/mcp", auth=token) as client:
        return await client.call_tool("find_similar_issues", arguments)


def _hits(result: Any) -> list[dict[str, Any]]:
    return [hit for group in result.structured_content["groups"] for hit in group]


async def test_the_same_incident_in_several_organizations_is_one_fix_group(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    incidents = _incidents(tools_dataset_dir)
    assert len({a["organization-id"] for a in incidents.values()}) == 3

    result = await _call(mcp_url, {"issue_description": RAID})

    groups = result.structured_content["groups"]
    [group] = [g for g in groups if any(hit["source"]["record_id"] in incidents for hit in g)]
    assert {hit["source"]["record_id"] for hit in group} == set(incidents)
    assert {hit["source"]["organization_name"] for hit in group} == {
        a["organization-name"] for a in incidents.values()
    }
    assert {hit["fix"] for hit in group} == {RAID_FIX}  # each one's Resolution section
    text = result.content[0].text
    assert 'field="fix"' in text and text.count(RAID_FIX) == 3  # one fence, a line per record
    for record_id, attributes in incidents.items():
        assert f"documents {record_id}, {attributes['organization-name']})" in text
        assert attributes["resource-url"] in text


async def test_exclude_organization_leaves_it_out(mcp_url: str, tools_dataset_dir: Path) -> None:
    incidents = _incidents(tools_dataset_dir)

    result = await _call(
        mcp_url, {"issue_description": RAID, "exclude_organization": "Northwind Traders"}
    )

    found = {hit["source"]["record_id"] for hit in _hits(result)}
    ours = {i for i, a in incidents.items() if a["organization-id"] == NORTHWIND_TRADERS}
    assert ours and not found & ours
    assert set(incidents) - ours <= found
    assert NORTHWIND_TRADERS not in {hit["source"]["organization_id"] for hit in _hits(result)}
    assert "but Northwind Traders" in result.structured_content["message"]


async def test_nothing_relevant_says_no_similar_issue_is_documented(mcp_url: str) -> None:
    result = await _call(mcp_url, {"issue_description": "sourdough starter smells of acetone"})

    assert result.structured_content["groups"] == []
    assert result.structured_content["message"] == (
        "No similar issue is documented in IT Glue in any organization."
    )
    assert "itglue-data" not in result.content[0].text


async def test_limit_bounds_the_records_and_says_more_exist(mcp_url: str) -> None:
    result = await _call(mcp_url, {"issue_description": "backup job failed", "limit": 2})

    assert len(_hits(result)) == 2
    assert result.structured_content["truncated"]
    assert f"raise limit (max {MAX_LIMIT})" in result.content[0].text


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"issue_description": ""}, "issue_description"),
        ({"issue_description": "   "}, "issue_description: must not be empty"),
        ({"issue_description": "x" * 1001}, "issue_description"),
        ({"issue_description": RAID, "limit": 0}, "limit"),
        ({"issue_description": RAID, "limit": MAX_LIMIT + 1}, "limit"),
        ({"issue_description": RAID, "exclude_organization": ""}, "exclude_organization"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError) as raised:
        await _call(mcp_url, arguments)

    message = str(raised.value)
    assert message.startswith(field) and "\n" not in message


async def test_an_unknown_organization_to_exclude_suggests_close_names(mcp_url: str) -> None:
    with pytest.raises(ToolError) as raised:
        await _call(mcp_url, {"issue_description": RAID, "exclude_organization": "Riverside Labs"})

    assert str(raised.value) == (
        "exclude_organization: no organization matches 'Riverside Labs'; "
        "close matches: Riverbend Labs (id 2104824)"
    )


@pytest.fixture(scope="module")
def secured_url(
    synced_store_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path
) -> Iterator[str]:
    audit_dir = tmp_path_factory.mktemp("similar-audit")
    yield from serve_client_readonly_app(
        synced_store_url, audit_dir, sqlite_template_file, TOKENS, BINDINGS
    )


async def test_client_readonly_sees_only_its_organization(
    secured_url: str, tools_dataset_dir: Path
) -> None:
    incidents = _incidents(tools_dataset_dir)
    ours = {i for i, a in incidents.items() if a["organization-id"] == NORTHWIND_TRADERS}

    result = await _call(secured_url, {"issue_description": RAID, "limit": MAX_LIMIT}, "tok-client")

    hits = _hits(result)
    assert ours <= {hit["source"]["record_id"] for hit in hits}
    assert {hit["source"]["organization_id"] for hit in hits} == {NORTHWIND_TRADERS}
    others = {a["organization-name"] for i, a in incidents.items() if i not in ours}
    everything = result.content[0].text + json.dumps(result.structured_content)
    assert not [name for name in others if name in everything]
    with pytest.raises(ToolError) as other:
        await _call(
            secured_url, {"issue_description": RAID, "exclude_organization": "Acme"}, "tok-client"
        )
    with pytest.raises(ToolError) as unknown:
        await _call(
            secured_url, {"issue_description": RAID, "exclude_organization": "Zebra"}, "tok-client"
        )
    assert str(other.value) == str(unknown.value).replace("Zebra", "Acme")
