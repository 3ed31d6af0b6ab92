"""The tool reference page: every MCP tool with its parameters, result and scopes.

The tools are the ones :func:`itglue_mcp.server.app.build_server` registers, listed the way an
MCP client lists them (FastMCP's ``list_tools``), so the page shows exactly the names,
descriptions, input schemas and output schemas a client receives. Listing opens no store
connection: the server is built over a session factory bound to nothing.

Example::

    tools = asyncio.run(list_tools())
    page = tool_reference_page(tools)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.config.auth import ScopeNames
from itglue_mcp.docs.markdown import cell, code, text
from itglue_mcp.graph.sql import SqlGraphStore
from itglue_mcp.server.app import build_server
from itglue_mcp.server.services import Services
from itglue_mcp.server.step_up import ADMIN_TOOLS, REVEAL_TOOL, SECRET_TOOLS

__all__ = ["ToolSpec", "list_tools", "schema_type", "tool_reference_page"]

_HINTS = {
    "read_only_hint": "read-only",
    "destructive_hint": "destructive",
    "idempotent_hint": "idempotent",
    "open_world_hint": "open world",
}


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One MCP tool as a client sees it in ``tools/list``.

    Attributes:
        name: the tool name.
        title: its human-readable title, if any.
        description: what it does (plain text, several paragraphs).
        input_schema: JSON schema of its arguments.
        output_schema: JSON schema of its structured content; ``None`` when it has none.
        annotations: MCP tool annotations (``read_only_hint``…) that are set.
    """

    name: str
    title: str | None
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None
    annotations: dict[str, Any] = field(default_factory=dict)


async def list_tools() -> list[ToolSpec]:
    """The tools of the MCP server, in registration order (nothing is connected)."""
    sessions: async_sessionmaker[AsyncSession] = async_sessionmaker()
    server = build_server(Services(sessions=sessions, graph=SqlGraphStore(sessions)))
    specs = []
    for tool in await server.list_tools():
        annotations = tool.annotations.model_dump(exclude_none=True) if tool.annotations else {}
        specs.append(
            ToolSpec(
                name=tool.name,
                title=tool.title or annotations.get("title"),
                description=tool.description or "",
                input_schema=dict(tool.parameters),
                output_schema=dict(tool.output_schema) if tool.output_schema else None,
                annotations=annotations,
            )
        )
    return specs


def _limits(schema: dict[str, Any]) -> list[str]:
    found = []
    if "minimum" in schema:
        found.append(f"≥ {schema['minimum']}")
    if "maximum" in schema:
        found.append(f"≤ {schema['maximum']}")
    if "minLength" in schema or "maxLength" in schema:
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        found.append(f"{low} to {high} characters" if high is not None else f"≥ {low} characters")
    if "maxItems" in schema:
        found.append(f"at most {schema['maxItems']} items")
    if "pattern" in schema:
        found.append(f"matching {code(schema['pattern'])}")
    return found


def schema_type(schema: dict[str, Any], *, limits: bool = True) -> str:
    """A JSON schema's type in words: ``integer, ≥ 1, ≤ 100``, ``list of PasswordDetail``.

    ``anyOf`` with ``null`` and ``type: [X, "null"]`` read as ``X or null``; an object with a
    title is named by it.
    """
    if isinstance(schema.get("type"), list):
        alone = [
            {**schema, "type": kind} if kind != "null" else {"type": kind}
            for kind in schema["type"]
        ]
        variants = [schema_type(part, limits=limits) for part in alone]
        return " or ".join(dict.fromkeys(variants))
    if "anyOf" in schema:
        variants = [schema_type(part, limits=limits) for part in schema["anyOf"]]
        return " or ".join(dict.fromkeys(variants))
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return "one of " + ", ".join(code(json.dumps(value)) for value in schema["enum"])
    if "const" in schema:
        return code(json.dumps(schema["const"]))
    kind = schema.get("type")
    if kind == "array":
        name = f"list of {schema_type(schema.get('items', {}), limits=False)}"
    elif isinstance(schema.get("additionalProperties"), dict) and "properties" not in schema:
        name = f"object of string → {schema_type(schema['additionalProperties'], limits=False)}"
    elif kind == "object" or (kind is None and ("title" in schema or "properties" in schema)):
        name = str(schema.get("title") or "object")
    elif isinstance(kind, str):
        name = kind + (f" ({schema['format']})" if "format" in schema else "")
    else:
        name = "any"
    return ", ".join([name, *_limits(schema)]) if limits else name


def _scopes(tool: ToolSpec, scopes: ScopeNames) -> str:
    needed = [code(scopes.read)]
    if tool.name in SECRET_TOOLS:
        needed.append(code(scopes.reveal))
    elif tool.name == REVEAL_TOOL:
        needed.append(f"{code(scopes.reveal)} (with `reveal: true`)")
    if tool.name in ADMIN_TOOLS:
        needed.append(code(scopes.admin))
    return ", ".join(needed)


def _paragraphs(description: str) -> list[str]:
    blocks = [" ".join(block.split()) for block in description.split("\n\n")]
    lines: list[str] = []
    for block in blocks:
        if block:
            lines += [text(block), ""]
    return lines


def _parameters(schema: dict[str, Any]) -> list[str]:
    properties: dict[str, Any] = schema.get("properties", {})
    if not properties:
        return ["No parameters.", ""]
    required = set(schema.get("required", []))
    lines = [
        "| parameter | type | required | default | description |",
        "|---|---|---|---|---|",
    ]
    for name, prop in properties.items():
        default = code(json.dumps(prop["default"])) if "default" in prop else "—"
        lines.append(
            f"| {code(name)} | {cell(schema_type(prop))} | {'yes' if name in required else 'no'} "
            f"| {default} | {cell(prop.get('description', ''))} |"
        )
    return [*lines, ""]


def _result(schema: dict[str, Any] | None) -> list[str]:
    if not schema:
        return ["Text content only (no output schema).", ""]
    lines = []
    if schema.get("description"):
        lines += [text(" ".join(str(schema["description"]).split())), ""]
    lines += ["| field | type | description |", "|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        lines.append(
            f"| {code(name)} | {cell(schema_type(prop, limits=False))} "
            f"| {cell(prop.get('description', ''))} |"
        )
    return [*lines, ""]


def _json_block(title: str, schema: dict[str, Any]) -> list[str]:
    body = json.dumps(schema, indent=2, ensure_ascii=False)
    indented = ["    " + line if line else "" for line in body.splitlines()]
    return [f'??? abstract "{title}"', "", "    ```json", *indented, "    ```", ""]


def _tool_section(tool: ToolSpec, scopes: ScopeNames) -> list[str]:
    lines = [f"## {code(tool.name)}", ""]
    if tool.title:
        lines += [f"**{text(tool.title)}**", ""]
    hints = [label for key, label in _HINTS.items() if tool.annotations.get(key) is True]
    facts = [f"Scopes: {_scopes(tool, scopes)}"]
    if hints:
        facts.append("Hints: " + ", ".join(hints))
    lines += [" · ".join(facts), ""]
    lines += _paragraphs(tool.description)
    lines += ["### Parameters", "", *_parameters(tool.input_schema)]
    lines += ["### Result", "", *_result(tool.output_schema)]
    lines += _json_block("Input schema (JSON)", tool.input_schema)
    if tool.output_schema:
        lines += _json_block("Output schema (JSON)", tool.output_schema)
    return lines


_INTRO = """\
# Tool reference

The MCP tools of itglue-mcp, as a client receives them from `tools/list`: name, description,
parameters (the input schema) and the structured result (the output schema). Every tool also
returns a readable text rendering of the same result. This page is generated from the
registered tools when the site is built, so it always matches the server being documented.

A caller sees only the tools its roles allow ([RBAC](../guides/rbac.md)), and every result is
limited to the organizations it may read. Over HTTP with OAuth, every tool needs the read
scope; revealing a secret value also needs the reveal scope (default names shown; they are
configurable, see `ITGLUE_MCP_AUTH__SCOPES__*`). A call whose token lacks a needed scope is
answered HTTP 403 `insufficient_scope`, naming the scopes to ask for.

| tool | title |
|---|---|
"""


def tool_reference_page(tools: list[ToolSpec], scopes: ScopeNames | None = None) -> str:
    """The tool reference as one Markdown page.

    Args:
        tools: the tools to describe (:func:`list_tools`).
        scopes: the scope names to show; default the built-in names.
    """
    scopes = scopes or ScopeNames()
    lines = [_INTRO.rstrip("\n")]
    lines += [f"| [{code(tool.name)}](#{tool.name}) | {cell(tool.title or '')} |" for tool in tools]
    lines.append("")
    for tool in tools:
        lines += _tool_section(tool, scopes)
    return "\n".join(lines)
