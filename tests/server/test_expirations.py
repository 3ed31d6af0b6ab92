"""``list_expirations`` over Streamable HTTP: windows around today, checked against the JSON."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.query.expirations import DEFAULT_LIMIT, MAX_LIMIT

FENCED = re.compile(r"<itglue-data untrusted=\"true\"[^>]*>\n(.*?)\n</itglue-data>", re.S)
DEFAULT_ANSWER_BUDGET = 8_000
"""Most bytes of a default list_expirations answer over every organization (JSON + text)."""
KINDS = {  # what each kind of the generator's expirations is called
    "Warranty expiration": "warranty",
    "Domain registration expiration": "domain",
    "SSL Certificate: Expires On": "ssl certificate",
    "Licensing: Renewal Date": "license",
}
FILES = {"Configuration": "configurations", "Domain": "domains", "FlexibleAsset": "flexible_assets"}


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _expected(
    directory: Path,
    start: date,
    end: date,
    kind: str | None = None,
    organization: str | None = None,
) -> list[dict[str, Any]]:
    """The dataset's expirations from ``start`` to ``end``, soonest first."""
    found = [
        e
        for e in _records(directory, "expirations")
        if start <= date.fromisoformat(e["attributes"]["expiration-date"]) <= end
        and (kind is None or KINDS[e["attributes"]["description"]] == kind)
        and (organization is None or e["attributes"]["organization-name"] == organization)
    ]
    return sorted(found, key=lambda e: (e["attributes"]["expiration-date"], int(e["id"])))


async def _call(mcp_url: str, arguments: dict[str, Any]) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        return await client.call_tool("list_expirations", arguments)


def _today() -> date:
    return datetime.now(UTC).date()


async def test_the_next_30_days_by_default(mcp_url: str, tools_dataset_dir: Path) -> None:
    today = _today()
    expected = _expected(tools_dataset_dir, today, today + timedelta(days=30))

    result = await _call(mcp_url, {"limit": 200})

    report = result.structured_content
    assert [e["source"]["record_id"] for e in report["expirations"]] == [
        int(e["id"]) for e in expected
    ]
    assert report["total"] == len(expected) and not report["truncated"]
    assert (report["start"], report["end"]) == (str(today), str(today + timedelta(days=30)))
    for item, record in zip(report["expirations"], expected, strict=True):
        attributes = record["attributes"]
        assert item["expiration_date"] == attributes["expiration-date"]
        assert item["days_left"] == (date.fromisoformat(attributes["expiration-date"]) - today).days
        assert item["kind"] == KINDS[attributes["description"]]
        assert item["source"]["resource_url"] == attributes["resource-url"]


async def test_each_expiration_cites_the_record_that_expires(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    urls = {
        (kind, int(r["id"])): r["attributes"]["resource-url"]
        for kind, file in FILES.items()
        for r in _records(tools_dataset_dir, file)
    }

    result = await _call(mcp_url, {"within_days": 365, "include_expired": True, "limit": 200})

    items = result.structured_content["expirations"]
    assert items
    text = result.content[0].text
    for item in items:
        key = (item["resource_type_name"], item["resource"]["record_id"])
        assert item["resource"]["resource_url"] == urls[key]
        assert urls[key] in text


@pytest.mark.parametrize("kind", sorted(set(KINDS.values())))
async def test_a_kind_within_a_year_either_side(
    mcp_url: str, tools_dataset_dir: Path, kind: str
) -> None:
    today = _today()
    expected = _expected(
        tools_dataset_dir, today - timedelta(days=365), today + timedelta(days=365), kind
    )

    result = await _call(
        mcp_url, {"within_days": 365, "include_expired": True, "kind": kind, "limit": 200}
    )

    ids = [e["source"]["record_id"] for e in result.structured_content["expirations"]]
    assert ids == [int(e["id"]) for e in expected][:200] and ids
    assert result.structured_content["total"] == len(expected)


async def test_looking_back_lists_what_expired(mcp_url: str, tools_dataset_dir: Path) -> None:
    today = _today()
    expected = _expected(tools_dataset_dir, today - timedelta(days=60), today - timedelta(days=1))

    result = await _call(mcp_url, {"within_days": -60, "limit": 200})

    items = result.structured_content["expirations"]
    assert [e["source"]["record_id"] for e in items] == [int(e["id"]) for e in expected]
    assert items and all(e["expired"] and e["days_left"] < 0 for e in items)
    assert "ago" in result.content[0].text


async def test_one_organization_and_the_limit(mcp_url: str, tools_dataset_dir: Path) -> None:
    today = _today()
    expected = _expected(
        tools_dataset_dir,
        today - timedelta(days=365),
        today + timedelta(days=365),
        organization="Acme Corporation",
    )
    assert len(expected) > 2

    result = await _call(
        mcp_url,
        {"within_days": 365, "include_expired": True, "organization": "ACME", "limit": 2},
    )

    report = result.structured_content
    assert [e["source"]["record_id"] for e in report["expirations"]] == [
        int(e["id"]) for e in expected[:2]
    ]
    assert report["total"] == len(expected) and report["truncated"]
    assert f"{len(expected) - 2} more" in result.content[0].text


async def test_descriptions_share_one_fence_each_naming_its_expiration(mcp_url: str) -> None:
    result = await _call(mcp_url, {"within_days": 365, "limit": 20})

    text = result.content[0].text
    items = result.structured_content["expirations"]
    assert len(items) == 20 and all(item["description"] for item in items)
    fences = FENCED.findall(text)
    assert len(fences) == 1
    assert fences[0].splitlines() == [
        f"expirations/{item['source']['record_id']}: {item['description']}" for item in items
    ]
    outside = FENCED.sub("", text)
    assert not any(item["description"] in outside for item in items)


async def test_the_default_answer_is_bounded_and_says_how_to_see_more(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    today = _today()
    expected = _expected(tools_dataset_dir, today, today + timedelta(days=30))
    assert len(expected) > DEFAULT_LIMIT

    result = await _call(mcp_url, {})

    report = result.structured_content
    text = result.content[0].text
    size = len(json.dumps(report, separators=(",", ":")).encode()) + len(text.encode())
    assert size <= DEFAULT_ANSWER_BUDGET
    assert len(report["expirations"]) == report["limit"] == DEFAULT_LIMIT
    assert report["total"] == len(expected) and report["truncated"]
    more = (
        f"{len(expected) - DEFAULT_LIMIT} more: raise limit (max {MAX_LIMIT}), name an organization"
    )
    assert report["next_step"].startswith(more) and report["next_step"] in text


async def test_the_description_states_the_default_and_the_maximum(mcp_url: str) -> None:
    async with Client(f"{mcp_url}/mcp") as client:
        tool = next(t for t in await client.list_tools() if t.name == "list_expirations")

    assert f"{DEFAULT_LIMIT} by default" in (tool.description or "")
    assert f"limit up to {MAX_LIMIT}" in (tool.description or "")
    limit = tool.input_schema["properties"]["limit"]
    assert (limit["default"], limit["maximum"]) == (DEFAULT_LIMIT, MAX_LIMIT)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"within_days": 366}, "within_days"),
        ({"within_days": -366}, "within_days"),
        ({"kind": "mortgage"}, "kind"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"organization": "Zebra Holdings"}, "organization"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _call(mcp_url, arguments)
