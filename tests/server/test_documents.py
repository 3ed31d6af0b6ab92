"""``get_document`` over Streamable HTTP, checked against the generated dataset's documents."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

VPN_RUNBOOK = "Sophos VPN — reset a user's VPN access"
FENCED = re.compile(r"<itglue-data untrusted=\"true\"[^>]*>\n(.*?)\n</itglue-data>", re.S)


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


async def _call(mcp_url: str, arguments: dict[str, Any]) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        return await client.call_tool("get_document", arguments)


def _runbook(directory: Path) -> dict[str, Any]:
    return next(
        d for d in _records(directory, "documents") if d["attributes"]["name"] == VPN_RUNBOOK
    )


async def test_the_vpn_runbook_comes_back_as_steps_with_its_source(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    runbook = _runbook(tools_dataset_dir)
    blocks = runbook["attributes"]["content"]

    result = await _call(mcp_url, {"document": VPN_RUNBOOK, "organization": "Northwind Traders"})

    content = result.structured_content
    assert content["document"]["record_id"] == int(runbook["id"])
    assert content["document"]["resource_url"] == runbook["attributes"]["resource-url"]
    assert content["document"]["organization_name"] == "Northwind Traders"
    headings = [_text(b["html"]) for b in blocks if b["kind"] == "Heading"]
    assert [s["heading"] for s in content["sections"]] == headings
    steps = [
        _text(re.search(r"<strong>(.*?)</strong>", b["html"]).group(1))
        for b in blocks
        if b["kind"] == "Step"
    ]  # type: ignore[union-attr]
    body = "\n".join(s["text"] for s in content["sections"])
    for number, title in enumerate(steps, start=1):
        assert f"{number}. {title}" in body.splitlines()
    assert not content["truncated"] and content["content_chars"] == len(
        "".join((s["heading"] or "") + s["text"] for s in content["sections"])
    )
    for key in ("public", "restricted", "published", "archived"):
        assert content[key] == runbook["attributes"][key]
    assert content["document_folder_id"] == runbook["attributes"]["document-folder-id"]
    text = result.content[0].text
    assert runbook["attributes"]["resource-url"] in text
    fenced = "\n".join(FENCED.findall(text))
    outside = FENCED.sub("", text)
    for section in content["sections"]:
        assert section["text"] in fenced and section["text"] not in outside


async def test_related_records_are_the_documents_related_items(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    runbook = _runbook(tools_dataset_dir)
    items = {
        i["id"]: i["attributes"]
        for i in json.loads((tools_dataset_dir / "documents.json").read_text())["included"]
    }
    expected = {
        (
            items[ref["id"]]["asset-type"],
            items[ref["id"]]["resource-id"],
            items[ref["id"]]["notes"],
        )
        for ref in runbook["relationships"]["related-items"]["data"]
    }
    singular = {"configurations": "configuration", "passwords": "password", "contacts": "contact",
                "flexible-assets": "flexible_asset", "documents": "document"}  # fmt: skip

    result = await _call(mcp_url, {"document": runbook["id"]})

    related = {
        (singular[r["record"]["record_type"]], r["record"]["record_id"], r.get("notes"))
        for r in result.structured_content["related"]
        if r["relation"] == "related_item"
    }
    assert related == expected and expected
    for record in result.structured_content["related"]:
        assert record["record"]["resource_url"].startswith("https://")


async def test_a_part_of_a_title_finds_the_document(mcp_url: str) -> None:
    result = await _call(mcp_url, {"document": "sophos vpn", "organization": "NW"})

    assert result.structured_content["document"]["name"] == VPN_RUNBOOK


async def test_a_title_shared_by_organizations_is_ambiguous(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    documents = _records(tools_dataset_dir, "documents")
    title, count = Counter(d["attributes"]["name"] for d in documents).most_common(1)[0]
    assert count > 1
    organizations = sorted(
        d["attributes"]["organization-name"] for d in documents if d["attributes"]["name"] == title
    )

    with pytest.raises(ToolError, match=r"^document: .* matches several records") as error:
        await _call(mcp_url, {"document": title})

    assert all(name in str(error.value) for name in organizations)


async def test_a_misspelt_title_suggests_the_close_one(mcp_url: str) -> None:
    with pytest.raises(ToolError, match=r"document: no document matches .*close names: Sophos VPN"):
        await _call(
            mcp_url, {"document": "Sopohs VPN - reset a users VPN access", "organization": "NW"}
        )


async def test_a_document_of_another_organization_is_not_found(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    runbook = _runbook(tools_dataset_dir)

    with pytest.raises(ToolError, match=r"^document: no document matches"):
        await _call(mcp_url, {"document": runbook["id"], "organization": "Acme Corporation"})


async def test_content_is_cut_at_max_chars_and_says_so(mcp_url: str) -> None:
    result = await _call(mcp_url, {"document": VPN_RUNBOOK, "organization": "NW", "max_chars": 300})

    content = result.structured_content
    kept = sum(
        len(s["heading"] or "") + len(s["text"].removesuffix(" …")) for s in content["sections"]
    )
    assert content["truncated"] and kept <= 300 < content["content_chars"]
    assert "content cut at 300" in result.content[0].text


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"document": ""}, "document"),
        ({"document": "x" * 300}, "document"),
        ({"document": "VPN", "organization": ""}, "organization"),
        ({"document": "VPN", "max_chars": 10}, "max_chars"),
        ({"document": "VPN", "max_chars": 10**6}, "max_chars"),
        ({"document": "VPN", "organization": "Zebra Holdings"}, "organization"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _call(mcp_url, arguments)
