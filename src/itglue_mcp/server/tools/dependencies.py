"""Dependency tools: ``get_dependencies``, the records a record is linked to, up to 3 links away."""

from __future__ import annotations

from typing import Annotated, Literal

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.query.dependencies import (
    Dependencies,
    describe_type,
    find_dependencies,
    resolve_record,
)
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import ItglueId, Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_untrusted_values
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = ["MAX_DEPTH", "MAX_NODES", "register", "render_dependencies"]

MAX_DEPTH = 3
MAX_NODES = 200

RecordTypeName = Literal[
    "configurations",
    "documents",
    "passwords",
    "flexible-assets",
    "contacts",
    "locations",
    "domains",
    "expirations",
]


def render_dependencies(result: Dependencies) -> str:
    """The readable text of a dependency walk: the start record, then each level's records,
    then the related items' notes in one untrusted fence."""
    start = result.record
    lines = [
        f"Records linked to {start.name or '-'} ({describe_type(start.record_type)} "
        f"{start.record_id}{', ' + start.organization_name if start.organization_name else ''}),"
        f" up to {result.depth} link(s) away:",
        cite(start),
    ]
    if not result.nodes:
        lines.append("No linked records found.")
    level = 0
    notes = []
    for node in result.nodes:
        if node.depth != level:
            level = node.depth
            lines.append(f"Depth {level}:")
        record = node.record
        archived = " [archived]" if node.archived else ""
        label = f" ({node.label})" if node.label else ""
        lines.append(
            f"- {describe_type(record.record_type)} {record.name or '-'}{archived}: "
            f"{node.relation}{label} from {node.via}; {cite(record)}"
        )
        if node.notes:
            notes.append((record, node.notes))
    if notes:
        lines.append(quote_untrusted_values(notes, field="related item notes"))
    if result.truncated:
        lines.append(
            f"… more linked records exist than the {result.limit} shown; raise limit "
            f"(max {MAX_NODES}) or lower depth."
        )
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the dependency tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="get_dependencies",
        annotations={"title": "Get a record's dependencies", **READ_ONLY},
        output_schema=Dependencies.model_json_schema(),
    )
    async def get_dependencies(
        record_type: Annotated[
            RecordTypeName | None,
            Field(description="Required with record_id; with name, omit: the four main types."),
        ] = None,
        record_id: Annotated[ItglueId | None, Field(description="Its IT Glue id.")] = None,
        name: Annotated[
            Reference | None,
            Field(
                description="Its name, or a part (any case).",
            ),
        ] = None,
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        depth: Annotated[
            int, Field(ge=1, le=MAX_DEPTH, description="Links to follow from the record.")
        ] = 1,
        limit: Annotated[
            int, Field(ge=1, le=MAX_NODES, description="Most linked records to return.")
        ] = 50,
    ) -> ToolResult:
        """What an IT Glue record is linked to, both ways, cited: related items (with notes),
        passwords, expirations, tagging flexible assets, its location and contact (not
        walked through), up to depth links away."""
        with tool_errors():
            scope = current_scope()
            organization_ids = scope.organization_ids
            start = await resolve_record(
                services.graph,
                record_type=record_type,
                record_id=record_id,
                name=name,
                organization_ids=organization_ids,
                hidden_types=scope.hidden_record_types,
            )
            result = await find_dependencies(
                services.graph,
                start,
                depth=depth,
                limit=limit,
                organization_ids=organization_ids,
                hidden_types=scope.hidden_record_types,
            )
        return ToolResult(
            content=render_dependencies(result), structured_content=structured_content(result)
        )
