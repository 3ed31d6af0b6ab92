"""Compact tool schemas for ``tools/list``: the payload budget of the MCP server.

A tool's output schema comes from its pydantic result model. As pydantic writes it, every
property carries a generated ``title`` and, once FastMCP inlines the ``$ref``\\ s, every shared
model (the citation :class:`~itglue_mcp.query.answer.SourceRecord` above all) is repeated at
each use. :class:`CompactToolSchemas` rewrites each tool's schemas once, where the server is
built, so that every client gets the same compact form:

- shared models stay in one ``$defs`` entry per schema, referenced by ``$ref`` (the server is
  built with ``dereference_schemas=False``); definitions nothing references are dropped;
- generated ``title``\\ s are dropped (the ``$defs`` key names each model);
- output schemas only: a nullable leaf ``anyOf: [X, {type: null}]`` becomes
  ``type: [X, "null"]``; ``default``\\ s are dropped (a result always holds every field); the
  models' docstrings inside ``$defs`` are dropped and so are the descriptions of their
  fields: the result's own fields keep theirs (limits, totals, units, truncation), which is
  what the reference page shows.

Input schemas keep their descriptions, limits and ``anyOf`` form: they are what a model
reads to call a tool. Both schemas still validate the same documents as before, except that
output fields are no longer checked against the dropped ``default``\\ s (never a constraint).

Example::

    mcp = FastMCP("itglue-mcp", dereference_schemas=False)
    ...  # register the tools
    mcp.add_transform(CompactToolSchemas())
    size = tools_list_size(await mcp.list_tools())   # bytes of compact JSON
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from fastmcp.server.transforms import GetToolNext, Transform
from fastmcp.tools.base import Tool
from fastmcp.utilities.json_schema import compress_schema
from fastmcp.utilities.versions import VersionSpec

__all__ = [
    "CompactToolSchemas",
    "compact_input_schema",
    "compact_output_schema",
    "tool_payload",
    "tools_list_size",
]

_NULL = {"type": "null"}
# Keywords a nullable leaf may carry and still fold into ``type: [X, "null"]`` unchanged
# (they constrain only values of type X, so null stays valid).
_LEAF_KEYWORDS = frozenset(
    {"type", "format", "items", "minLength", "maxLength", "minimum", "maximum", "minItems",
     "maxItems", "pattern", "additionalProperties"}
)  # fmt: skip


def compact_input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (a tool's arguments) without generated titles or unused ``$defs``.

    Returns a new dict; ``schema`` is not changed.
    """
    return compress_schema(schema, prune_titles=True)


def compact_output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (a tool's structured content) in the compact form the module describes.

    Returns a new dict; ``schema`` is not changed. Shared models stay in ``$defs``.
    """
    pruned = compress_schema(schema, prune_titles=True)
    definitions = pruned.pop("$defs", None)
    result: dict[str, Any] = _compact_node(pruned, keep_descriptions=True)
    if definitions:
        result["$defs"] = {
            name: _compact_node(node, keep_descriptions=False)
            for name, node in sorted(definitions.items())
        }
    return result


def _compact_node(node: Any, *, keep_descriptions: bool) -> Any:
    """One output schema node, recursively: nullable leaves folded, defaults dropped.

    ``keep_descriptions`` keeps the descriptions of this object's own properties (the root);
    nested objects never keep theirs.
    """
    if isinstance(node, list):
        return [_compact_node(item, keep_descriptions=False) for item in node]
    if not isinstance(node, dict):
        return node
    compact: dict[str, Any] = {}
    for key, value in node.items():
        if key == "default":
            continue
        if key == "description" and isinstance(value, str) and not keep_descriptions:
            continue
        if key == "properties" and isinstance(value, dict):
            compact[key] = {
                name: _compact_property(prop, keep_description=keep_descriptions)
                for name, prop in value.items()
            }
        else:
            compact[key] = _compact_node(value, keep_descriptions=False)
    return _fold_nullable(compact)


def _compact_property(prop: Any, *, keep_description: bool) -> Any:
    """One property schema; its own ``description`` kept when ``keep_description``."""
    description = prop.get("description") if isinstance(prop, dict) else None
    compact = _compact_node(prop, keep_descriptions=False)
    if keep_description and isinstance(description, str):
        compact["description"] = description
    return compact


def _fold_nullable(node: dict[str, Any]) -> dict[str, Any]:
    """``{anyOf: [X, {type: null}], …}`` as ``{…X, type: [X.type, "null"], …}`` for a leaf X."""
    variants = node.get("anyOf")
    if not isinstance(variants, list) or len(variants) != 2 or _NULL not in variants:
        return node
    other = variants[0] if variants[1] == _NULL else variants[1]
    if (
        not isinstance(other, dict)
        or not isinstance(other.get("type"), str)
        or not set(other) <= _LEAF_KEYWORDS
        or set(other) & (set(node) - {"anyOf"})
    ):
        return node
    folded = {key: value for key, value in node.items() if key != "anyOf"}
    folded.update(other)
    folded["type"] = [other["type"], "null"]
    return folded


def tool_payload(tool: Tool) -> dict[str, Any]:
    """``tool`` as ``tools/list`` sends it (MCP ``Tool`` in JSON, ``None`` fields left out)."""
    listed = tool.to_mcp_tool()
    payload: dict[str, Any] = listed.model_dump(mode="json", exclude_none=True, by_alias=True)
    return payload


def tools_list_size(tools: Iterable[Tool]) -> int:
    """Bytes of the tools as compact JSON (no spaces), summed over the tools."""
    return sum(
        len(json.dumps(tool_payload(tool), separators=(",", ":"), ensure_ascii=False).encode())
        for tool in tools
    )


class CompactToolSchemas(Transform):
    """Serves every tool with :func:`compact_input_schema` and :func:`compact_output_schema`.

    Each tool is rewritten once and the result kept, keyed by the registered tool object, so
    listing and calling tools costs a dictionary lookup. A tool registered again (a new
    object) is rewritten again.
    """

    def __init__(self) -> None:
        self._compacted: dict[str, tuple[Tool, Tool]] = {}

    async def list_tools(self, tools: Sequence[Tool]) -> Sequence[Tool]:
        """``tools`` with compact schemas, in the same order."""
        return [self._compact(tool) for tool in tools]

    async def get_tool(
        self, name: str, call_next: GetToolNext, *, version: VersionSpec | None = None
    ) -> Tool | None:
        """The tool ``name`` with compact schemas; ``None`` when there is none."""
        tool = await call_next(name, version=version)
        return None if tool is None else self._compact(tool)

    def _compact(self, tool: Tool) -> Tool:
        cached = self._compacted.get(tool.key)
        if cached is not None and cached[0] is tool:
            return cached[1]
        update: dict[str, Any] = {"parameters": compact_input_schema(tool.parameters)}
        if tool.output_schema is not None:
            update["output_schema"] = compact_output_schema(tool.output_schema)
        compacted = tool.model_copy(update=update)
        self._compacted[tool.key] = (tool, compacted)
        return compacted
