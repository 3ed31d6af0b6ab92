"""The ``search`` tool over Streamable HTTP: hybrid ranking, scoping, modes, limits, fences and
field-naming errors (SQLite and PostgreSQL stores; semantic index on, and off).

Expectations are read from the generated dataset's JSON files, not copied from results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.itglue.dataset.configurations import INJECTION_NOTE
from itglue_mcp.query.engine import SEARCH_SEMANTIC_FLOOR
from itglue_mcp.query.results import SearchResults
from tests.server.conftest import INDEXED_TYPES, serve_mcp_app

FENCE = re.compile(r"<itglue-data untrusted=\"true\"[^>]*>\n.*?\n</itglue-data>", re.DOTALL)


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _organization_id(directory: Path, name: str) -> int:
    return next(
        int(o["id"])
        for o in _records(directory, "organizations")
        if o["attributes"]["name"] == name
    )


async def _search(url: str, arguments: dict[str, Any]) -> tuple[SearchResults, str]:
    async with Client(f"{url}/mcp") as client:
        result = await client.call_tool("search", arguments)
    return SearchResults.model_validate(result.structured_content), result.content[0].text


@pytest.fixture(scope="module")
def keyword_only_url(synced_store_url: str) -> Iterator[str]:
    """The same store served without a vector index."""
    yield from serve_mcp_app(synced_store_url, None)


async def test_hybrid_search_ranks_the_runbook_first_and_cites_it(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    northwind = _organization_id(tools_dataset_dir, "Northwind Traders")
    runbook = next(
        d
        for d in _records(tools_dataset_dir, "documents")
        if d["attributes"]["organization-id"] == northwind
        and d["attributes"]["name"].startswith("Sophos VPN")
    )

    results, text = await _search(
        mcp_url, {"query": "reset a user's Sophos VPN", "organization": "Northwind Traders"}
    )

    assert results.retrievers == ["exact", "keyword", "semantic", "graph"]
    assert results.semantic_available and results.note is None
    first = results.results[0]
    assert (first.source.record_type, first.source.record_id) == ("documents", int(runbook["id"]))
    assert first.source.resource_url == runbook["attributes"]["resource-url"]
    assert {"keyword", "semantic"} <= set(first.found_by)
    assert first.semantic_score is not None and first.semantic_score > SEARCH_SEMANTIC_FLOOR
    assert first.snippet and "**" in first.snippet
    assert f"\ndocuments/{runbook['id']}: " in text  # its snippet's line in the one fence
    assert runbook["attributes"]["resource-url"] in text


async def test_results_never_leave_the_organization(mcp_url: str, tools_dataset_dir: Path) -> None:
    acme = _organization_id(tools_dataset_dir, "Acme Corporation")
    other_firewalls = [
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["configuration-type-name"] == "Firewall"
        and c["attributes"]["organization-id"] != acme
    ]
    assert other_firewalls  # the premise: other organizations have firewalls too

    results, _ = await _search(
        mcp_url, {"query": "firewall", "organization": "Acme Corporation", "limit": 50}
    )

    assert results.results
    assert all(r.source.organization_id == acme for r in results.results)
    assert all(
        r.linked_from is None or r.linked_from.organization_id == acme for r in results.results
    )


async def test_unscoped_search_spans_organizations(mcp_url: str, tools_dataset_dir: Path) -> None:
    expected = {
        d["attributes"]["organization-name"]
        for d in _records(tools_dataset_dir, "documents")
        if d["attributes"]["name"].endswith("reset a user's VPN access")
    }

    results, _ = await _search(
        mcp_url, {"query": "reset a user's VPN access", "record_types": ["documents"], "limit": 20}
    )

    found = {r.source.organization_name for r in results.results}
    assert results.organization is None
    assert expected <= found and len(expected) > 1


async def test_exact_name_comes_first(mcp_url: str, tools_dataset_dir: Path) -> None:
    [firewall] = [
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["name"] == "ACME-FW01"
    ]

    results, _ = await _search(mcp_url, {"query": "acme-fw01"})

    first = results.results[0]
    assert (first.source.record_type, first.source.record_id) == (
        "configurations",
        int(firewall["id"]),
    )
    assert "exact" in first.found_by


async def test_record_types_limit_the_search(mcp_url: str) -> None:
    results, _ = await _search(
        mcp_url, {"query": "VPN", "record_types": ["documents", "passwords"], "limit": 30}
    )

    assert results.record_types == ["documents", "passwords"]
    assert results.results
    assert {r.source.record_type for r in results.results} <= {"documents", "passwords"}


async def test_keyword_mode_uses_no_vectors(mcp_url: str) -> None:
    results, _ = await _search(mcp_url, {"query": "sophos vpn", "mode": "keyword"})

    assert results.retrievers == ["exact", "keyword"]
    assert results.results
    assert all("semantic" not in r.found_by and r.semantic_score is None for r in results.results)


async def test_semantic_mode_uses_only_vectors_over_the_floor(mcp_url: str) -> None:
    results, _ = await _search(
        mcp_url, {"query": "how do we onboard a new employee", "mode": "semantic"}
    )

    assert results.retrievers == ["semantic"]
    assert results.results
    for result in results.results:
        assert result.found_by == ["semantic"]
        assert result.source.record_type in INDEXED_TYPES
        assert result.semantic_score is not None and result.semantic_score >= SEARCH_SEMANTIC_FLOOR


async def test_without_a_vector_index_search_is_keyword_only_and_says_so(
    keyword_only_url: str,
) -> None:
    results, text = await _search(keyword_only_url, {"query": "sophos vpn"})

    assert results.semantic_available is False
    assert "semantic" not in results.retrievers
    assert results.note is not None and "keyword results only" in results.note
    assert "keyword results only" in text
    assert results.results
    with pytest.raises(ToolError, match="mode"):
        await _search(keyword_only_url, {"query": "sophos vpn", "mode": "semantic"})


async def test_limit_is_stated_and_truncation_flagged(mcp_url: str) -> None:
    results, text = await _search(mcp_url, {"query": "firewall", "limit": 1})

    assert results.limit == 1 and len(results.results) == 1
    assert results.truncated is True
    assert "raise limit (max 50)" in text


async def test_planted_instructions_appear_only_inside_a_fence(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    planted = next(
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"].get("notes") == INJECTION_NOTE
    )

    results, text = await _search(
        mcp_url,
        {
            "query": "ignore all previous instructions",
            "organization": planted["attributes"]["organization-name"],
        },
    )

    first = results.results[0]
    assert first.source.record_id == int(planted["id"])
    snippet = first.snippet or ""
    # The snippet is the planted note's text (matches marked **), quoted inside a fence only.
    assert "previous** **instructions" in snippet.lower()
    assert snippet in text
    outside = FENCE.sub("", text)
    assert snippet not in outside
    assert "every password" not in outside and "NOTE TO AI" not in outside


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"query": ""}, "query"),
        ({"query": "   "}, "query"),
        ({"query": "x" * 501}, "query"),
        ({"query": "vpn", "record_types": ["widgets"]}, "record_types"),
        ({"query": "vpn", "record_types": []}, "record_types"),
        ({"query": "vpn", "mode": "fuzzy"}, "mode"),
        ({"query": "vpn", "limit": 0}, "limit"),
        ({"query": "vpn", "limit": 51}, "limit"),
        ({"query": "vpn", "organization": "Nowhere Holdings"}, "organization"),
        ({"query": "vpn", "organization": "Northwind"}, "organization"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _search(mcp_url, arguments)
