"""Compact tool schemas for ``tools/list``: the payload budget of the MCP server.

A tool's output schema comes from its pydantic result model. As pydantic writes it, every
property carries a generated ``title`` and, once FastMCP inlines the ``$ref``\\ s, every shared
model (the citation :class:`~itglue_mcp.query.answer.SourceRecord` above all) is repeated at
each use. :class:`CompactToolSchemas` rewrites each tool's schemas once, where the server is
built, so that every client gets the same compact form:

- a model used more than once stays in one ``$defs`` entry per schema, referenced by
  ``$ref`` (the server is built with ``dereference_schemas=False``; MCP tools carry their own
  schemas, so nothing is shared across tools), under a short name (``SourceRecord`` is
  ``Source``); a model used once is written where it is used, without its docstring (it
  describes the model, not the field);
- generated ``title``\\ s are dropped (the ``$defs`` key names each model), and the tool's
  display title is sent once, as its ``title``, not again in its annotations;
- null is no value on the wire: ``anyOf: [X, {type: null}]`` becomes X and
  ``type: [X, "null"]`` becomes ``type: X``, and ``default: null`` goes. An optional
  argument is omitted rather than null; a result leaves its null fields out
  (:func:`structured_content`, which every tool returns), so a reader never meets a null;
- output schemas only: the other ``default``\\ s go; only the fields that always hold a
  value stay ``required``; a ``type`` beside a ``const`` or an ``enum`` that lists every value
  goes (input schemas keep it: some tool-calling clients want a ``type`` on every argument);
  the root description goes (the tool's description says what it returns), and so do the
  descriptions inside nested models and those of result fields that echo an argument of the
  same name (the input schema describes it): the result's own fields keep theirs (limits,
  totals, units, truncation), a "null" in them read as "absent", which is what the
  reference page shows.

Input schemas keep every description, limit, enum and non-null default: they are what a
model reads to call a tool. The one rule they leave out is the arguments' "no control
characters" ``pattern`` (:data:`~itglue_mcp.server.arguments.CONTROL_CHARACTER_PATTERNS`):
no model means to send one, the server still refuses one with an error naming the field
(FastMCP validates arguments against the tool's own pydantic signature, not the listed
schema), and it cost 35 bytes on every string argument. Structured results still validate
(tests/server/test_output_schemas.py calls every tool and checks its result against the
listed schema).
The measured sizes and what is left are in tests/server/test_tool_schemas.py.

Example::

    mcp = FastMCP("itglue-mcp", dereference_schemas=False)
    ...  # register the tools
    mcp.add_transform(CompactToolSchemas())
    size = tools_list_size(await mcp.list_tools())   # bytes of compact JSON
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from fastmcp.server.transforms import GetToolNext, Transform
from fastmcp.tools.base import Tool
from fastmcp.utilities.json_schema import compress_schema
from fastmcp.utilities.versions import VersionSpec
from pydantic import BaseModel

from itglue_mcp.server.arguments import CONTROL_CHARACTER_PATTERNS

__all__ = [
    "CompactToolSchemas",
    "compact_input_schema",
    "compact_output_schema",
    "structured_content",
    "tool_payload",
    "tools_list_size",
]

_NULL = {"type": "null"}
_REF_PREFIX = "#/$defs/"
_NULL_WORD = re.compile(r"\bnull\b")
# Suffixes a model name may lose in ``$defs``: they say nothing a reader needs.
_GENERIC_SUFFIXES = ("Detail", "Summary", "Record", "Item")


def compact_input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (a tool's arguments) in the compact form the module describes.

    Every description, limit, enum and default a caller needs stays; a nullable leaf folds
    into ``type: [X, "null"]`` and ``default: null`` goes (an omitted optional argument is
    null). Returns a new dict; ``schema`` is not changed.
    """
    root, definitions = _restructure(compress_schema(schema, prune_titles=True))
    _drop_control_character_patterns(root)
    _drop_control_character_patterns(definitions)
    result: dict[str, Any] = _compact_node(root, descriptions=True, output=False)
    if definitions:
        result["$defs"] = {
            name: _compact_node(node, descriptions=True, output=False)
            for name, node in definitions.items()
        }
    return result


def _drop_control_character_patterns(node: Any) -> None:
    """Remove, in place, every ``pattern`` of :data:`CONTROL_CHARACTER_PATTERNS` in ``node``."""
    if isinstance(node, list):
        for item in node:
            _drop_control_character_patterns(item)
    elif isinstance(node, dict):
        if node.get("pattern") in CONTROL_CHARACTER_PATTERNS:
            del node["pattern"]
        for value in node.values():
            _drop_control_character_patterns(value)


def compact_output_schema(
    schema: dict[str, Any], *, arguments: Collection[str] = ()
) -> dict[str, Any]:
    """``schema`` (a tool's structured content) in the compact form the module describes.

    ``arguments`` names the tool's arguments: a result field of the same name echoes the
    argument, which the input schema already describes, so the field's description goes.
    Returns a new dict; ``schema`` is not changed. Models used more than once stay in
    ``$defs`` under short names; a model used once is written where it is used.
    """
    root, definitions = _restructure(compress_schema(schema, prune_titles=True))
    root.pop("description", None)
    for name, prop in root.get("properties", {}).items():
        if not isinstance(prop, dict):
            continue
        if name in arguments:
            prop.pop("description", None)
        elif isinstance(prop.get("description"), str):
            # The structured content leaves null fields out: what a description says of
            # null, a reader finds as an absent field.
            prop["description"] = _NULL_WORD.sub("absent", prop["description"])
    result: dict[str, Any] = _compact_node(root, descriptions=True, output=True)
    if definitions:
        result["$defs"] = {
            name: _compact_node(node, descriptions=False, output=True)
            for name, node in definitions.items()
        }
    return result


def _restructure(schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``schema`` without ``$defs``, and its definitions: single-use ones inlined, renamed.

    A definition referenced once is written in place of its ``$ref``;
    the others are renamed by :func:`_short_names` and sorted by name.
    """
    root = dict(schema)
    definitions: dict[str, Any] = root.pop("$defs", None) or {}
    uses = Counter(_refs(root) + [ref for node in definitions.values() for ref in _refs(node)])
    # A recursive model refers to itself, so it is used at least twice wherever it is used.
    inline = {name for name in definitions if uses[name] == 1}

    def expand(node: Any) -> Any:
        if isinstance(node, list):
            return [expand(item) for item in node]
        if not isinstance(node, dict):
            return node
        target = _ref_name(node)
        if target in inline:
            siblings = {key: expand(value) for key, value in node.items() if key != "$ref"}
            # The model's docstring describes the model, not the field that uses it.
            model = {k: v for k, v in expand(definitions[target]).items() if k != "description"}
            return {**model, **siblings}
        return {key: expand(value) for key, value in node.items()}

    kept = sorted(name for name in definitions if name not in inline)
    names = _short_names(kept)

    def rename(node: Any) -> Any:
        if isinstance(node, list):
            return [rename(item) for item in node]
        if not isinstance(node, dict):
            return node
        target = _ref_name(node)
        if target is not None:
            return {**node, "$ref": _REF_PREFIX + names[target]}
        return {key: rename(value) for key, value in node.items()}

    kept_definitions = {names[name]: rename(expand(definitions[name])) for name in kept}
    return rename(expand(root)), dict(sorted(kept_definitions.items()))


def _ref_name(node: dict[str, Any]) -> str | None:
    """The ``$defs`` name a node's local ``$ref`` points to, else ``None``."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        return ref[len(_REF_PREFIX) :]
    return None


def _refs(node: Any) -> list[str]:
    """Every local ``$defs`` name referenced in ``node``, once per reference."""
    if isinstance(node, list):
        return [name for item in node for name in _refs(item)]
    if not isinstance(node, dict):
        return []
    own = _ref_name(node)
    return ([own] if own else []) + [name for value in node.values() for name in _refs(value)]


def _short_names(names: Sequence[str]) -> dict[str, str]:
    """Each definition name without a generic suffix (``SourceRecord``: ``Source``).

    A name keeps its suffix when the short one would be empty or taken.
    """
    short: dict[str, str] = {}
    taken = set(names)
    for name in names:
        stem = next((name[: -len(s)] for s in _GENERIC_SUFFIXES if name.endswith(s)), name)
        if stem and stem != name and stem not in taken:
            taken.add(stem)
            short[name] = stem
        else:
            short[name] = name
    return short


def _compact_node(node: Any, *, descriptions: bool, output: bool) -> Any:
    """One schema node, recursively: null dropped from every type, empty defaults dropped.

    ``output``: every ``default`` goes (a result always holds every field it has), and
    ``descriptions`` keeps only the descriptions of this object's own properties (the
    root), nested objects never keep theirs. Input: only ``default: null`` goes, and every
    description stays.
    """
    if isinstance(node, list):
        return [_compact_node(item, descriptions=descriptions, output=output) for item in node]
    if not isinstance(node, dict):
        return node
    nested = descriptions and not output
    compact: dict[str, Any] = {}
    for key, value in node.items():
        if key == "default" and (output or value is None):
            continue
        if key == "description" and isinstance(value, str) and not descriptions:
            continue
        if key == "properties" and isinstance(value, dict):
            compact[key] = {
                name: _compact_property(prop, keep_description=descriptions, output=output)
                for name, prop in value.items()
            }
        else:
            compact[key] = _compact_node(value, descriptions=nested, output=output)
    if output and isinstance(compact.get("required"), list):
        _require_non_nullable(compact, node.get("properties", {}))
    if output and _listed_values_only(compact):
        del compact["type"]
    return _drop_null(compact)


def _listed_values_only(node: dict[str, Any]) -> bool:
    """Whether ``node``'s ``type`` adds nothing: its ``const`` or ``enum`` lists every value
    it accepts (``{const: true}`` is a boolean, an enum of strings a string).

    Input schemas keep such a ``type``: some tool-calling clients require one on every
    argument.
    """
    if "type" not in node or "null" in (node["type"] if isinstance(node["type"], list) else []):
        return False
    values = [node["const"]] if "const" in node else node.get("enum")
    if not isinstance(values, list) or not values:
        return False
    kinds = {"string": str, "boolean": bool, "integer": int}
    kind = kinds.get(node["type"]) if isinstance(node["type"], str) else None
    return kind is not None and all(type(value) is kind for value in values)


def _require_non_nullable(node: dict[str, Any], properties: dict[str, Any]) -> None:
    """Keep in ``node``'s ``required`` only the properties that cannot be null.

    ``properties`` are the node's properties before null was dropped. A null result field
    is left out of the structured content (:func:`structured_content`), so only the fields
    that always hold a value (ids, flags, lists, citations) stay required.
    """
    required = [name for name in node["required"] if not _nullable(properties.get(name))]
    if required:
        node["required"] = required
    else:
        del node["required"]


def _nullable(prop: Any) -> bool:
    """Whether the property schema ``prop`` accepts null (``type`` list or ``anyOf``)."""
    if not isinstance(prop, dict):
        return False
    kind = prop.get("type")
    return (isinstance(kind, list) and "null" in kind) or _NULL in prop.get("anyOf", [])


def _compact_property(prop: Any, *, keep_description: bool, output: bool) -> Any:
    """One property schema; its own ``description`` kept when ``keep_description``."""
    description = prop.get("description") if isinstance(prop, dict) else None
    compact = _compact_node(prop, descriptions=keep_description and not output, output=output)
    if keep_description and isinstance(description, str):
        compact["description"] = description
    return compact


def _drop_null(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` without null among its types: an absent field says what null said.

    ``type: [X, "null"]`` becomes ``type: X``; ``anyOf: [X, {type: null}]`` becomes X with
    ``node``'s other keywords beside it (``node``'s own win: its description), and a longer
    ``anyOf`` just loses its null branch. Results leave their null fields out
    (:func:`structured_content`); an optional argument is omitted (FastMCP still accepts an
    explicit null: it validates arguments against the tool function's signature).
    """
    kind = node.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [item for item in kind if item != "null"]
        node = {**node, "type": rest[0] if len(rest) == 1 else rest}
    variants = node.get("anyOf")
    if not isinstance(variants, list) or _NULL not in variants:
        return node
    others = [variant for variant in variants if variant != _NULL]
    siblings = {key: value for key, value in node.items() if key != "anyOf"}
    if len(others) == 1 and isinstance(others[0], dict):
        return {**others[0], **siblings}
    return {**siblings, "anyOf": others}


def structured_content(result: BaseModel) -> dict[str, Any]:
    """``result`` as a tool's structured content: JSON, its null fields left out.

    The compact output schema declares those fields optional, not nullable; an absent field
    says what null said (no value recorded, no bound, not asked for).
    """
    content: dict[str, Any] = result.model_dump(mode="json", exclude_none=True)
    return content


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


def _compact_annotations(tool: Tool) -> dict[str, Any]:
    """``tool``'s display title once: as the tool's ``title``, not again in its annotations.

    MCP clients read ``title`` before ``annotations.title``. The behaviour hints stay as the
    tools set them (a read-only tool sets no ``destructiveHint``: MCP's ToolAnnotations say it
    is meaningful only when ``readOnlyHint`` is false).
    """
    annotations = tool.annotations
    assert annotations is not None
    return {
        "title": tool.title or annotations.title,
        "annotations": annotations.model_copy(update={"title": None}),
    }


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
            update["output_schema"] = compact_output_schema(
                tool.output_schema, arguments=tool.parameters.get("properties", {}).keys()
            )
        if tool.annotations is not None:
            update.update(_compact_annotations(tool))
        compacted = tool.model_copy(update=update)
        self._compacted[tool.key] = (tool, compacted)
        return compacted
