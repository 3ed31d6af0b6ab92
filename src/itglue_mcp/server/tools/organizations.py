"""Organization tools: ``list_organizations``, and resolving a caller's organization reference."""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.query.organizations import candidates_from_views
from itglue_mcp.query.organizations import resolve_organization as match_reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.schemas import OrganizationList, OrganizationSummary, SourceRecord
from itglue_mcp.server.services import Services
from itglue_mcp.store import OrganizationView, list_organizations

__all__ = ["MAX_LIST_LIMIT", "register", "resolve_organization", "summarise"]

MAX_LIST_LIMIT = 200
# Organizations compared when resolving a reference; MSP accounts hold hundreds, not more.
MAX_ORGANIZATIONS = 10_000
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
    """The one organization ``ref`` names: id, name, short name, a unique part, or a near miss.

    Matching rules are :func:`itglue_mcp.query.organizations.match_organizations`'s.

    Raises:
        ValueError: ``ref`` is blank (naming ``organization``).
        OrganizationNotFound: nothing matches well enough (close names suggested).
        AmbiguousOrganization: several organizations match about equally (listed).
    """
    views = await list_organizations(session, limit=MAX_ORGANIZATIONS)
    chosen = match_reference(ref, candidates_from_views(views))
    return next(view for view in views if view.id == chosen.id)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the organization tools on ``mcp``, reading through ``services``."""

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
            async with services.sessions() as session:
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
