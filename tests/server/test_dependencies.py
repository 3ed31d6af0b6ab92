"""``get_dependencies`` over Streamable HTTP, checked against the dataset's links; and the
planted prompt injection, which every A2 tool returns only inside an untrusted fence."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.graph import RecordRef
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.dataset.configurations import INJECTION_NOTE
from tests.conftest import DIALECTS, synced_store
from tests.graph.dataset_links import DatasetGraph, load_graph
from tests.server.conftest import serve_mcp_app

FENCED = re.compile(r"<itglue-data untrusted=\"true\"[^>]*>\n(.*?)\n</itglue-data>", re.S)


async def _call(mcp_url: str, tool: str, arguments: dict[str, Any]) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        return await client.call_tool(tool, arguments)


@pytest.fixture(scope="module")
def links(tools_dataset_dir: Path) -> DatasetGraph:
    return load_graph(tools_dataset_dir)


def _nodes(result: Any) -> dict[RecordRef, dict[str, Any]]:
    return {
        RecordRef(n["record"]["record_type"], int(n["record"]["record_id"])): n
        for n in result.structured_content["nodes"]
    }


async def test_a_firewalls_links_are_its_related_items_and_attribute_links(
    mcp_url: str, links: DatasetGraph
) -> None:
    [firewall] = links.by_name("configurations", "NW-FW01")

    result = await _call(
        mcp_url, "get_dependencies", {"name": "NW-FW01", "organization": "Northwind Traders"}
    )

    nodes = _nodes(result)
    assert set(nodes) == {target for target, _ in links.links[firewall]}
    [runbook] = links.by_name("documents", "Sophos VPN — reset a user's VPN access")
    assert nodes[runbook]["relation"] == "related_item" and nodes[runbook]["depth"] == 1
    assert nodes[runbook].get("notes") == links.notes[(firewall, runbook)]
    for ref, node in nodes.items():
        assert node["record"]["resource_url"] == links.records[ref]["resource-url"]
        assert node["via"] == str(firewall)
    assert result.structured_content["record"]["record_id"] == firewall.record_id
    assert "NW-SW01" in result.content[0].text


async def test_a_document_by_id_leads_back_to_its_configuration(
    mcp_url: str, links: DatasetGraph
) -> None:
    [runbook] = links.by_name("documents", "Sophos VPN — reset a user's VPN access")
    [firewall] = links.by_name("configurations", "NW-FW01")

    result = await _call(
        mcp_url,
        "get_dependencies",
        {"record_type": "documents", "record_id": runbook.record_id},
    )

    assert _nodes(result)[firewall]["relation"] == "related_item"


@pytest.mark.parametrize("depth", [2, 3])
async def test_deeper_walks_give_shortest_distances(
    mcp_url: str, links: DatasetGraph, depth: int
) -> None:
    [firewall] = links.by_name("configurations", "NW-FW01")
    expected = links.depths(firewall, depth, organization_ids={links.organization(firewall)})
    del expected[firewall]

    result = await _call(
        mcp_url,
        "get_dependencies",
        {"name": "NW-FW01", "organization": "NW", "depth": depth, "limit": 200},
    )

    assert len(expected) <= 200 and not result.structured_content["truncated"]
    assert {ref: node["depth"] for ref, node in _nodes(result).items()} == expected
    depths = [node["depth"] for node in result.structured_content["nodes"]]
    assert depths == sorted(depths)


async def test_the_limit_is_stated(mcp_url: str) -> None:
    result = await _call(
        mcp_url, "get_dependencies", {"name": "NW-FW01", "organization": "NW", "limit": 2}
    )

    assert len(result.structured_content["nodes"]) == 2
    assert result.structured_content["truncated"] is True
    assert "more linked records exist" in result.content[0].text


async def test_a_name_in_several_organizations_is_ambiguous(
    mcp_url: str, links: DatasetGraph
) -> None:
    owners = sorted(
        links.records[ref]["organization-name"] for ref in links.by_name("configurations", "DC01")
    )
    assert len(owners) > 1

    with pytest.raises(ToolError, match=r"^name: 'DC01' matches several records") as error:
        await _call(mcp_url, "get_dependencies", {"name": "DC01"})

    assert all(owner in str(error.value) for owner in owners)


async def test_an_unknown_name_suggests_close_ones(mcp_url: str) -> None:
    with pytest.raises(ToolError, match=r"^name: no configuration .* close names: NW-FW01"):
        await _call(
            mcp_url,
            "get_dependencies",
            {"name": "NW-FWO1", "record_type": "configurations", "organization": "NW"},
        )


async def test_records_of_other_organizations_are_not_found(mcp_url: str) -> None:
    with pytest.raises(ToolError, match=r"^name: no configuration or document"):
        await _call(
            mcp_url, "get_dependencies", {"name": "ACME-FW01", "organization": "Northwind Traders"}
        )


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"name": "NW-FW01", "depth": 4}, "depth"),
        ({"name": "NW-FW01", "depth": 0}, "depth"),
        ({"name": "NW-FW01", "limit": 500}, "limit"),
        ({}, "record_id or name"),
        ({"name": "NW-FW01", "record_id": 5, "record_type": "configurations"}, "not both"),
        ({"record_id": 5}, "record_type"),
        ({"record_id": 5, "record_type": "organizations"}, "record_type"),
        ({"record_id": 5, "record_type": "configurations"}, "record_id: no configuration"),
        ({"name": ""}, "name"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _call(mcp_url, "get_dependencies", arguments)


async def test_related_item_notes_are_fenced(mcp_url: str) -> None:
    result = await _call(mcp_url, "get_dependencies", {"name": "NW-FW01", "organization": "NW"})

    text = result.content[0].text
    notes = {n["notes"] for n in result.structured_content["nodes"] if n.get("notes")}
    assert notes
    [fenced] = FENCED.findall(text)  # one fence for the notes of every linked record
    for note in notes:
        for line in note.splitlines():
            assert line in fenced and line not in FENCED.sub("", text)


# --- The planted prompt injection --------------------------------------------------------


def _plant(directory: Path) -> dict[str, str]:
    """Plant the injection text in the free text A2's tools show, at organization index 4.

    The generator plants it in a workstation's notes; this copies it into a document's
    content, a related item's notes and an expiration's description (dated in 5 days).
    Returns the names the tests look the records up by.
    """

    def load(name: str) -> dict[str, Any]:
        return json.loads((directory / f"{name}.json").read_text())

    def save(name: str, document: dict[str, Any]) -> None:
        (directory / f"{name}.json").write_text(json.dumps(document))

    organization = load("organizations")["data"][4]
    owned = int(organization["id"])
    documents = load("documents")
    document = next(d for d in documents["data"] if d["attributes"]["organization-id"] == owned)
    document["attributes"]["content"].append(
        {"kind": "Text", "html": f"<p>{html.escape(INJECTION_NOTE)}</p>"}
    )
    save("documents", documents)
    configurations = load("configurations")
    carrier = next(
        c
        for c in configurations["data"]
        if c["attributes"]["organization-id"] == owned
        and c["relationships"]["related-items"]["data"]
    )
    item_id = carrier["relationships"]["related-items"]["data"][0]["id"]
    item = next(i for i in configurations["included"] if i["id"] == item_id)
    item["attributes"]["notes"] = INJECTION_NOTE
    save("configurations", configurations)
    expirations = load("expirations")
    expiration = next(e for e in expirations["data"] if e["attributes"]["organization-id"] == owned)
    soon = datetime.now(UTC).date() + timedelta(days=5)
    expiration["attributes"].update(description=INJECTION_NOTE, **{"expiration-date": str(soon)})
    save("expirations", expirations)
    workstation = next(
        c for c in configurations["data"] if c["attributes"]["notes"] == INJECTION_NOTE
    )
    return {
        "workstation": workstation["attributes"]["name"],
        "organization": organization["attributes"]["name"],
        "document": document["attributes"]["name"],
        "configuration": carrier["attributes"]["name"],
    }


@pytest.fixture(scope="module")
def planted_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    directory = tmp_path_factory.mktemp("planted")
    generate_dataset(directory, organizations=5, seed=11)
    return directory, _plant(directory)


@pytest.fixture(scope="module", params=DIALECTS)
def planted_url(
    request: pytest.FixtureRequest,
    planted_dir: tuple[Path, dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """An MCP server over a store synced from the planted dataset (SQLite, PostgreSQL)."""
    for url in synced_store(request, planted_dir[0], tmp_path_factory):
        yield from serve_mcp_app(url)


def assert_only_fenced(text: str) -> None:
    assert INJECTION_NOTE in "\n".join(FENCED.findall(text))
    assert "AI ASSISTANTS" not in FENCED.sub("", text)


async def test_the_injection_comes_backassert_only_fenced(
    planted_url: str, planted_dir: tuple[Path, dict[str, str]]
) -> None:
    names = planted_dir[1]
    organization = names["organization"]

    document = await _call(
        planted_url, "get_document", {"document": names["document"], "organization": organization}
    )
    dependencies = await _call(
        planted_url,
        "get_dependencies",
        {"name": names["configuration"], "record_type": "configurations",
         "organization": organization},
    )  # fmt: skip
    expirations = await _call(
        planted_url, "list_expirations", {"within_days": 10, "organization": organization}
    )

    for result in (document, dependencies, expirations):
        assert_only_fenced(result.content[0].text)


async def test_the_workstation_note_is_not_shown_by_get_dependencies(
    planted_url: str, planted_dir: tuple[Path, dict[str, str]]
) -> None:
    """Records' own notes are not part of a dependency walk (a password's would be a leak)."""
    names = planted_dir[1]

    result = await _call(
        planted_url,
        "get_dependencies",
        {"name": names["workstation"], "organization": names["organization"], "depth": 2},
    )

    assert result.structured_content["nodes"]
    assert "AI ASSISTANTS" not in result.content[0].text
    assert "AI ASSISTANTS" not in json.dumps(result.structured_content)
