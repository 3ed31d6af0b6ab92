"""``query_documentation`` over Streamable HTTP: grounded answers, "no data" with suggestions,
untrusted passages fenced, bad input refused (SQLite and PostgreSQL stores, semantic index on).

Expectations are read from the generated dataset's JSON files, not copied from results.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.itglue.dataset.configurations import INJECTION_NOTE
from itglue_mcp.query.answer import Answer
from itglue_mcp.richtext import html_to_text

FENCE = re.compile(r"<itglue-data untrusted=\"true\"[^>]*>\n.*?\n</itglue-data>", re.DOTALL)


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _organization(directory: Path, name: str) -> dict[str, Any]:
    return next(o for o in _records(directory, "organizations") if o["attributes"]["name"] == name)


async def _ask(mcp_url: str, arguments: dict[str, Any]) -> tuple[Answer, str]:
    async with Client(f"{mcp_url}/mcp") as client:
        result = await client.call_tool("query_documentation", arguments)
    return Answer.model_validate(result.structured_content), result.content[0].text


def _plain(text: str) -> str:
    return " ".join(text.split())


def _outside_fences(text: str) -> str:
    return FENCE.sub("", text)


async def test_tool_is_listed_read_only_with_the_answer_schema(mcp_url: str) -> None:
    async with Client(f"{mcp_url}/mcp") as client:
        tools = {tool.name: tool for tool in await client.list_tools()}

    tool = tools["query_documentation"]
    assert tool.annotations is not None and tool.annotations.read_only_hint is True
    assert tool.output_schema is not None
    assert set(tool.output_schema["properties"]) == set(Answer.model_fields)


async def test_how_to_question_quotes_the_runbook_with_its_citation(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    northwind = _organization(tools_dataset_dir, "Northwind Traders")
    runbook = next(
        d
        for d in _records(tools_dataset_dir, "documents")
        if d["attributes"]["organization-id"] == int(northwind["id"])
        and d["attributes"]["name"].startswith("Sophos VPN")
    )
    body = _plain(" ".join(html_to_text(b["html"]) for b in runbook["attributes"]["content"]))

    answer, text = await _ask(
        mcp_url, {"question": "how do we reset the Sophos VPN at @Northwind Traders"}
    )

    assert answer.status == "answered" and answer.intent == "document"
    assert answer.organization is not None and answer.organization.record_id == int(northwind["id"])
    first = answer.sources[0]
    assert (first.record_type, first.record_id) == ("documents", int(runbook["id"]))
    assert first.resource_url == runbook["attributes"]["resource-url"]
    assert first.organization_name == "Northwind Traders"
    quoted = [e for e in answer.excerpts if e.source.record_id == int(runbook["id"])]
    assert quoted and all(e.untrusted and e.field == "content" for e in quoted)
    assert answer.excerpts[0].source == first
    for excerpt in quoted:
        for line in excerpt.text.splitlines():
            # Sections number their steps and caption images; the words are the document's.
            words = re.sub(r"^\s*(?:\d+\.|-|Image:)\s*", "", line).strip()
            assert _plain(words) in body
    assert "Sophos Connect" in " ".join(e.text for e in quoted)
    assert f'record="documents/{runbook["id"]}"' in text
    assert runbook["attributes"]["resource-url"] in text
    assert "Sophos Connect" not in _outside_fences(text)
    assert all(s.organization_id == int(northwind["id"]) for s in answer.sources)


async def test_organization_argument_scopes_like_a_mention(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    mentioned, _ = await _ask(
        mcp_url, {"question": "how do we reset the Sophos VPN at @Northwind Traders"}
    )
    argument, _ = await _ask(
        mcp_url, {"question": "how do we reset the Sophos VPN", "organization": "NW"}
    )

    assert argument.sources[0] == mentioned.sources[0]
    assert argument.organization == mentioned.organization


async def test_question_nothing_supports_is_no_data_with_suggestions(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    acme = _organization(tools_dataset_dir, "Acme Corporation")
    acme_text = " ".join(
        json.dumps(record["attributes"]).lower()
        for name in ("configurations", "documents", "flexible_assets", "passwords", "contacts")
        for record in _records(tools_dataset_dir, name)
        if record["attributes"].get("organization-id") == int(acme["id"])
    )
    assert "kubernetes" not in acme_text  # the premise: nothing at Acme mentions it

    answer, text = await _ask(
        mcp_url,
        {"question": "how do we renew the Kubernetes cluster certificates @Acme Corporation"},
    )

    assert answer.status == "no_data"
    assert answer.facts == [] and answer.excerpts == [] and answer.sources == []
    assert answer.message.startswith("No data available in IT Glue")
    assert "kubernetes" in answer.message
    assert answer.suggestions
    assert "No data available in IT Glue" in text
    assert all(suggestion in text for suggestion in answer.suggestions)


async def test_device_of_another_organization_is_no_data_naming_where_it_is(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    holders = {
        c["attributes"]["organization-name"]
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["name"] == "ACME-FW01"
    }
    assert holders == {"Acme Corporation"}

    answer, text = await _ask(
        mcp_url, {"question": "what's the IP address of ACME-FW01 @Northwind Traders"}
    )

    assert answer.status == "no_data"
    assert answer.organization is not None and answer.organization.name == "Northwind Traders"
    assert answer.sources == [] and answer.excerpts == []
    assert "ACME-FW01" in answer.message
    [where] = [s for s in answer.suggestions if "ACME-FW01" in s and "exists only in" in s]
    assert "Acme Corporation" in where and "ACME-FW01 (configuration)" in where
    assert where in text


async def test_planted_instructions_come_back_only_inside_an_untrusted_fence(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    planted = next(
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"].get("notes") == INJECTION_NOTE
    )
    name = planted["attributes"]["name"]
    organization = planted["attributes"]["organization-name"]

    answer, text = await _ask(
        mcp_url, {"question": f"what does the note on {name} say", "organization": organization}
    )

    assert answer.status == "answered"
    assert answer.sources[0].record_id == int(planted["id"])
    assert any(INJECTION_NOTE in e.text and e.untrusted for e in answer.excerpts)
    assert INJECTION_NOTE in text
    assert INJECTION_NOTE not in _outside_fences(text)
    assert "ignore all previous instructions" not in _outside_fences(text).lower()


async def test_include_types_restricts_what_the_answer_may_cite(mcp_url: str) -> None:
    question = {"question": "how do we reset the Sophos VPN at @Northwind Traders"}
    unrestricted, _ = await _ask(mcp_url, question)
    # The premise: unrestricted, the answer cites the runbook (a document).
    assert unrestricted.status == "answered"
    assert unrestricted.sources[0].record_type == "documents"

    documents, _ = await _ask(mcp_url, {**question, "include_types": ["documents"]})
    without, text = await _ask(mcp_url, {**question, "include_types": ["contacts"]})

    assert documents.sources[0] == unrestricted.sources[0]
    assert {source.record_type for source in documents.sources} == {"documents"}
    # Nothing of the included type answers it: no data, rather than a guess from another type.
    assert without.status == "no_data"
    assert without.sources == [] and without.excerpts == [] and without.facts == []
    assert "Sophos VPN" not in _outside_fences(text).replace(question["question"], "")


async def test_include_types_also_binds_structured_lookups(mcp_url: str) -> None:
    question = {"question": "what's the firewall IP at @ACME"}
    unrestricted, _ = await _ask(mcp_url, question)
    assert unrestricted.status == "answered"  # the premise: a configuration answers it
    assert {fact.source.record_type for fact in unrestricted.facts} == {"configurations"}

    restricted, _ = await _ask(mcp_url, {**question, "include_types": ["documents"]})

    cited = [*restricted.sources, *(fact.source for fact in restricted.facts)]
    cited += [excerpt.source for excerpt in restricted.excerpts]
    assert all(source.record_type == "documents" for source in cited)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"question": "vpn", "include_types": ["widgets"]}, "include_types"),
        ({"question": "vpn", "include_types": []}, "include_types"),
        ({"question": ""}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "@acme"}, "question"),
        ({"question": "firewall IP @Northwind"}, "organization"),
        ({"question": "firewall IP", "organization": "Nowhere Holdings"}, "organization"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _ask(mcp_url, arguments)


async def test_ambiguous_mention_lists_the_organizations_it_could_be(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    northwinds = sorted(
        o["attributes"]["name"]
        for o in _records(tools_dataset_dir, "organizations")
        if o["attributes"]["name"].startswith("Northwind ")
    )
    assert len(northwinds) == 2

    with pytest.raises(ToolError) as raised:
        await _ask(mcp_url, {"question": "what's the firewall IP at @Northwind?"})

    message = str(raised.value)
    assert message.startswith("organization:") and "ambiguous" in message
    assert all(name in message for name in northwinds)


async def test_argument_and_mention_naming_different_organizations_is_refused(
    mcp_url: str,
) -> None:
    with pytest.raises(ToolError) as raised:
        await _ask(mcp_url, {"question": "firewall IP @acme", "organization": "Riverbend Labs"})

    message = str(raised.value)
    assert message.startswith("organization:")
    assert "Acme Corporation" in message and "Riverbend Labs" in message
