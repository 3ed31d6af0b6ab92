"""What ``tools/list`` sends: its size budget, compact schemas, and one snapshot per tool.

The snapshots (``tests/server/toolsnaps/<tool>.json``, like github-mcp-server's
``__toolsnaps__``) hold each tool exactly as a client receives it: name, description,
annotations, input and output schema. A schema change then shows in review; to make one on
purpose, rerun with ``ITGLUE_MCP_UPDATE_TOOLSNAPS=1`` and commit the rewritten files.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any, Literal

import jsonschema
import pytest
from fastmcp import Client
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.server.app import build_server
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import (
    compact_input_schema,
    compact_output_schema,
    structured_content,
)

SNAPSHOTS = Path(__file__).parent / "toolsnaps"
UPDATE_VARIABLE = "ITGLUE_MCP_UPDATE_TOOLSNAPS"

READ_PATH_TOOLS = frozenset(
    {
        "query_documentation",
        "search",
        "list_organizations",
        "get_organization",
        "get_configuration",
        "find_ip_address",
        "get_password",
        "reveal_flexible_asset_password",
        "get_document",
        "get_dependencies",
        "list_expirations",
        "health",
    }
)
"""The tools issue #10 ("One read path") measured; its target for them: 30,000 bytes."""

READ_PATH_BUDGET = 30_000
"""Most bytes of compact JSON the :data:`READ_PATH_TOOLS` may take in ``tools/list``.

They measure 29,860 bytes. Issue #13 added 643 to them (``query_documentation``'s
``include_types``, 283; the sync status in ``health`` and ``get_organization``, 360), and the
arguments' "no control characters" ``pattern`` left the listed schemas (still enforced; 35
bytes a string argument, 777 here). Before that: 29,994, down from 38,817 (88,836 before
shared ``$defs``; 47,290 before single-use models were inlined). What was done: a record's
identity (type, id, name, organization) is said once, in its ``source``, and every other
citation-like shape (the organization a lookup was narrowed to, the record a password belongs
to) is a ``Source`` too; null result fields are left out of the structured content and
declared optional, not nullable (arguments too); ``find_ip_address`` returns a configuration
summary (its facts say where each address is held; ``get_configuration`` gives the rest); a
``type`` beside a ``const`` or full ``enum`` goes from results; a read-only tool sets no
``destructiveHint`` (MCP: meaningful only when ``readOnlyHint`` is false); descriptions are
shorter, none for a result's ``truncated`` or ``untrusted`` flag, and the organization argument
is described once. What is left is mostly field names and types: the citation ``$defs`` entry
in every tool (about 300 bytes each), the bounded string arguments (length rules), and
FastMCP's own ``_meta`` (30 bytes a tool). Lower this as schemas shrink; never raise it
without a reason in the commit."""

TOOLS_LIST_BUDGET = 45_000
"""Most bytes of compact JSON ``tools/list`` may take for every tool together: issue #13's
cap once its nine tools are added."""


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _titles(schema: Any) -> list[str]:
    """The ``title`` keywords in ``schema`` (not properties named ``title``)."""
    if isinstance(schema, list):
        return [title for item in schema for title in _titles(item)]
    if not isinstance(schema, dict):
        return []
    found = [schema["title"]] if isinstance(schema.get("title"), str) else []
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            found += [title for node in value.values() for title in _titles(node)]
        elif key != "title":
            found += _titles(value)
    return found


def _snapshot_text(tool: dict[str, Any]) -> str:
    return json.dumps(tool, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


async def _list_tools() -> list[dict[str, Any]]:
    sessions: async_sessionmaker[AsyncSession] = async_sessionmaker()  # bound to nothing
    server = build_server(Services(sessions=sessions, graph=SqlGraphStore(sessions)))
    async with Client(server) as client:
        tools = await client.list_tools()
    return [tool.model_dump(mode="json", exclude_none=True, by_alias=True) for tool in tools]


@pytest.fixture(scope="module")
def listed_tools() -> list[dict[str, Any]]:
    """Every tool as ``tools/list`` sends it to a caller allowed everything (JSON)."""
    return asyncio.run(_list_tools())


def test_tools_list_stays_within_its_budget(listed_tools: list[dict[str, Any]]) -> None:
    sizes = {tool["name"]: len(_compact_json(tool).encode()) for tool in listed_tools}
    read_path = {name: size for name, size in sizes.items() if name in READ_PATH_TOOLS}

    assert set(read_path) == READ_PATH_TOOLS
    assert sum(read_path.values()) <= READ_PATH_BUDGET, (
        f"the read path's tools take {sum(read_path.values())} bytes, over {READ_PATH_BUDGET}: "
        f"{dict(sorted(read_path.items(), key=lambda item: -item[1]))}"
    )
    assert sum(sizes.values()) <= TOOLS_LIST_BUDGET, (
        f"tools/list is {sum(sizes.values())} bytes, over its budget of {TOOLS_LIST_BUDGET}: "
        f"{dict(sorted(sizes.items(), key=lambda item: -item[1]))}"
    )


def test_the_control_character_rule_is_enforced_not_listed(
    listed_tools: list[dict[str, Any]],
) -> None:
    # The refusal itself, naming the field, is tests/server/test_argument_bounds.py's.
    listed = _compact_json(listed_tools)
    assert all(pattern not in listed for pattern in ("x00-", "x1f"))
    assert '"maxLength":255' in listed, "the length rule of a reference stays"


def test_shared_models_are_defined_once_without_generated_titles(
    listed_tools: list[dict[str, Any]],
) -> None:
    for tool in listed_tools:
        schema = _compact_json(tool["outputSchema"])
        assert _titles(tool["outputSchema"]) == _titles(tool["inputSchema"]) == [], tool["name"]
        definitions = tool["outputSchema"].get("$defs", {})
        if "Source" in definitions:
            citation = _compact_json(definitions["Source"])
            assert schema.count(citation) == 1, tool["name"]
        for name in definitions:  # a model used once is written where it is used
            assert schema.count(f'"#/$defs/{name}"') >= 2, (tool["name"], name)


class _Citation(BaseModel):
    record_id: str
    name: str | None = Field(description="Name of the record.")
    when: str | None = Field(default=None, json_schema_extra={"format": "date"})


class _Window(BaseModel):
    start: str
    end: str | None = None


class _Result(BaseModel):
    """A result citing records."""

    first: _Citation
    others: list[_Citation] = Field(description="Most 5.")
    best: _Citation | None = Field(description="null when none.")
    kind: str | None = Field(default=None, max_length=9, description="At most 9 characters.")
    window: _Window = Field(description="The window searched.")


_WINDOW = {"start": "2026-01-01", "end": None}
GOOD = [
    {"first": {"record_id": "1", "name": None}, "others": [], "best": None, "window": _WINDOW},
    {
        "first": {"record_id": "1", "name": "a", "when": "2026-01-01"},
        "others": [{"record_id": "2", "name": None, "when": None}],
        "best": {"record_id": "3", "name": "c"},
        "kind": "warranty",
        "window": {"start": "2026-01-01"},
    },
]
BAD = [
    {"first": {"record_id": 1, "name": None}, "others": [], "best": None, "window": _WINDOW},
    {"first": {"name": None}, "others": [], "best": None, "window": _WINDOW},
    {"first": {"record_id": "1", "name": None}, "others": [], "best": None, "window": {}},
    {
        "first": {"record_id": "1", "name": None},
        "others": [],
        "best": None,
        "kind": "x" * 10,
        "window": _WINDOW,
    },
    {"first": {"record_id": "1", "name": None}, "others": None, "best": None, "window": _WINDOW},
]


@pytest.mark.parametrize("document", BAD)
def test_a_compact_output_schema_refuses_what_pydantic_refuses(document: dict[str, Any]) -> None:
    compact = compact_output_schema(_Result.model_json_schema())

    with pytest.raises(ValidationError):
        _Result.model_validate(document)
    assert not jsonschema.Draft202012Validator(compact).is_valid(document)


@pytest.mark.parametrize("document", GOOD)
def test_structured_content_leaves_null_fields_out_and_its_schema_accepts_it(
    document: dict[str, Any],
) -> None:
    content = structured_content(_Result.model_validate(document))
    validator = jsonschema.Draft202012Validator(compact_output_schema(_Result.model_json_schema()))

    assert list(validator.iter_errors(content)) == []
    assert None not in content.values() and None not in content["first"].values()
    # A null field is left out, never sent as null: the schema says so.
    assert not validator.is_valid({**content, "window": {"start": "2026-01-01", "end": None}})


def test_a_compact_output_schema_inlines_models_used_once_and_keeps_field_descriptions() -> None:
    compact = compact_output_schema(_Result.model_json_schema(), arguments=["kind"])

    assert list(compact["$defs"]) == ["_Citation"]  # used three times; _Window once
    assert compact["properties"]["window"]["properties"]["start"] == {"type": "string"}
    assert compact["properties"]["others"]["description"] == "Most 5."
    assert "description" not in compact["properties"]["kind"]  # the argument describes it
    assert compact["properties"]["kind"] == {"type": "string", "maxLength": 9}
    assert "description" not in compact  # the tool's own description says what it returns
    assert _titles(compact) == []
    original = _Result.model_json_schema()
    assert len(_compact_json(compact)) < len(_compact_json(original))


class _Flagged(BaseModel):
    """A model's docstring: it describes the model, not a field that uses it."""

    state: Literal["open", "closed"]
    untrusted: Literal[True] = True


class _Report(BaseModel):
    flagged: _Flagged


def test_a_result_value_listed_in_full_needs_no_type_an_argument_keeps_it() -> None:
    compact = compact_output_schema(_Report.model_json_schema())
    arguments = compact_input_schema(_Flagged.model_json_schema())

    flagged = compact["properties"]["flagged"]
    assert flagged["properties"] == {
        "state": {"enum": ["open", "closed"]},
        "untrusted": {"const": True},
    }
    assert "description" not in flagged  # the model's docstring is not the field's
    assert arguments["properties"]["state"] == {"enum": ["open", "closed"], "type": "string"}
    validator = jsonschema.Draft202012Validator(compact)
    assert validator.is_valid({"flagged": {"state": "open", "untrusted": True}})
    assert not validator.is_valid({"flagged": {"state": "ajar"}})
    assert not validator.is_valid({"flagged": {"state": "open", "untrusted": "yes"}})


class _Branch(BaseModel):
    name: str
    children: list[_Branch] = Field(default_factory=list)


class _BranchDetail(BaseModel):
    size: int


class _Tree(BaseModel):
    root: _Branch
    detail: _BranchDetail
    details: list[_BranchDetail]


def test_a_recursive_model_stays_defined_and_short_names_never_collide() -> None:
    compact = compact_output_schema(_Tree.model_json_schema())

    # _Branch refers to itself: it stays a definition although the root uses it once.
    # _BranchDetail would shorten to _Branch, which is taken: it keeps its name.
    assert sorted(compact["$defs"]) == ["_Branch", "_BranchDetail"]
    branch = compact["$defs"]["_Branch"]["properties"]["children"]["items"]
    assert branch == {"$ref": "#/$defs/_Branch"}
    validator = jsonschema.Draft202012Validator(compact)
    tree = {"name": "a", "children": [{"name": "b", "children": []}]}
    document = {"root": tree, "detail": {"size": 1}, "details": [{"size": 2}]}
    assert validator.is_valid(document)
    assert not validator.is_valid({**document, "root": {"name": "a", "children": [{}]}})


def test_a_nullable_result_field_may_be_missing_a_required_one_may_not() -> None:
    compact = compact_output_schema(_Result.model_json_schema())
    validator = jsonschema.Draft202012Validator(compact)

    assert compact["$defs"]["_Citation"]["required"] == ["record_id"]
    window = {"start": "2026-01-01"}
    assert validator.is_valid({"first": {"record_id": "1"}, "others": [], "window": window})
    assert not validator.is_valid({"first": {"record_id": "1"}, "window": window})


def test_an_input_schema_keeps_descriptions_limits_and_defaults_and_makes_null_an_omission() -> (
    None
):
    class _Arguments(BaseModel):
        name: str | None = Field(None, max_length=9, description="A name.")
        limit: int = Field(5, ge=1, le=50, description="Most results.")

    compact = compact_input_schema(_Arguments.model_json_schema())

    assert compact["properties"] == {
        "name": {"type": "string", "maxLength": 9, "description": "A name."},
        "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 50,
            "default": 5,
            "description": "Most results.",
        },
    }


def test_every_tool_matches_its_snapshot(listed_tools: list[dict[str, Any]]) -> None:
    update = os.environ.get(UPDATE_VARIABLE) == "1"
    names = {tool["name"] for tool in listed_tools}
    stale = sorted(path.stem for path in SNAPSHOTS.glob("*.json") if path.stem not in names)
    changed = []
    for tool in listed_tools:
        path = SNAPSHOTS / f"{tool['name']}.json"
        text = _snapshot_text(tool)
        if update:
            SNAPSHOTS.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            changed.append(tool["name"])
    if update:
        for name in stale:
            (SNAPSHOTS / f"{name}.json").unlink()
        return
    assert not changed and not stale, (
        f"tools/list no longer matches tests/server/toolsnaps/ (changed or new: {changed}; "
        f"no longer listed: {stale}). If the change is deliberate, rerun with "
        f"{UPDATE_VARIABLE}=1 and commit the rewritten snapshots."
    )
