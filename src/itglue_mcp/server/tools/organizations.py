"""Organization tools: ``list_organizations``, and resolving a caller's organization reference."""

from __future__ import annotations

import difflib
from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.server.errors import OrganizationNotFound, tool_errors
from itglue_mcp.server.schemas import OrganizationList, OrganizationSummary, SourceRecord
from itglue_mcp.store import OrganizationView, find_organizations, list_organizations

__all__ = ["MAX_LIST_LIMIT", "register", "resolve_organization", "summarise"]

MAX_LIST_LIMIT = 200
READ_ONLY = {"readOnlyHint": True, "destructiveHint": False, "openWorldHint": False}


def summarise(view: OrganizationView) -> OrganizationSummary:
    """The tool-facing summary of a stored organization, with its citation."""
    return OrganizationSummary(
        id=view.id,
        name=view.name,
        short_name=view.short_name,
        organization_type_name=view.organization_type_name,
        organization_status_name=view.organization_status_name,
        source=SourceRecord(
            record_type="organizations",
            record_id=str(view.id),
            name=view.name,
            organization_id=view.id,
            resource_url=view.resource_url,
            updated_at=view.updated_at,
        ),
    )


async def resolve_organization(session: AsyncSession, ref: str) -> OrganizationView:
    """The one organization ``ref`` names (id, name, short name, or a unique part of a name).

    Raises:
        ValueError: ``ref`` is blank (naming ``organization``).
        OrganizationNotFound: nothing matches (close names suggested) or several do (listed).
    """
    if not ref.strip():
        raise ValueError("organization: must not be empty")
    matches = await find_organizations(session, ref, limit=10)
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(f"{m.name} (id {m.id})" for m in matches)
        raise OrganizationNotFound(f"organization: {ref!r} is ambiguous; it matches {names}")
    # Compare with whole names, short names and single words of names, so "Acmee" finds
    # "Acme Corporation" and "northwnd" finds both Northwinds.
    candidates: dict[str, set[str]] = {}
    for known in await list_organizations(session, limit=1000):
        if not known.name:
            continue
        for key in (known.name, known.short_name, *known.name.split()):
            if key:
                candidates.setdefault(key.lower(), set()).add(known.name)
    close = difflib.get_close_matches(ref.lower(), list(candidates), n=5, cutoff=0.6)
    suggestions = sorted({name for key in close for name in candidates[key]})
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise OrganizationNotFound(f"organization: no organization matches {ref!r}{hint}")


def register(mcp: FastMCP, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Register the organization tools on ``mcp``, reading through ``sessions``."""

    @mcp.tool(
        name="list_organizations",
        annotations={"title": "List organizations", **READ_ONLY},
        output_schema=OrganizationList.model_json_schema(),
    )
    async def list_organizations_tool(
        name_contains: Annotated[
            str | None,
            Field(description="Only organizations whose name contains this text (any case)."),
        ] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIST_LIMIT, description="Most organizations to return.")
        ] = 50,
    ) -> ToolResult:
        """List the IT Glue organizations (customers), by name, optionally filtered."""
        with tool_errors():
            async with sessions() as session:
                views = await list_organizations(
                    session, name_contains=name_contains, limit=limit + 1
                )
        result = OrganizationList(
            organizations=[summarise(view) for view in views[:limit]],
            limit=limit,
            truncated=len(views) > limit,
        )
        lines = [
            f"{o.name} (id {o.id}, short name {o.short_name or '-'})" for o in result.organizations
        ]
        if result.truncated:
            lines.append(f"… more organizations match; raise limit (max {MAX_LIST_LIMIT}).")
        text = "\n".join(lines) if lines else "No organization matches."
        return ToolResult(content=text, structured_content=result.model_dump(mode="json"))
