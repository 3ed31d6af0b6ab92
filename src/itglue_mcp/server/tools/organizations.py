"""Organization tools (``list_organizations``, ``get_organization``) and the argument
definitions every scoped tool shares.

Tenant isolation is the access middleware's: it resolves the ``organization`` argument among
the organizations the caller may read (:class:`~itglue_mcp.catalog.ReadScope`), so a tool reads
``current_scope().organization`` and ``current_scope().organization_ids`` and never resolves a
reference itself.

Example::

    scope = current_scope()
    scope.organization, scope.organization_ids   # (acme, [2104801]) or (None, readable ids)
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.catalog import ReadScope, source_of
from itglue_mcp.catalog.organizations import OrganizationView, organization_source
from itglue_mcp.catalog.people import (
    ContactPoint,
    ContactView,
    LocationView,
    organization_profile,
    postal_address,
)
from itglue_mcp.query.answer import Excerpt
from itglue_mcp.richtext import html_to_text
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import MAX_REFERENCE_LENGTH, Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_excerpt
from itglue_mcp.server.schemas import (
    ContactDetail,
    ContactPointDetail,
    LocationDetail,
    OrganizationDetail,
    OrganizationList,
    OrganizationSummary,
    OrganizationSync,
)
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content

__all__ = [
    "MAX_LIST_LIMIT",
    "MAX_REFERENCE_LENGTH",
    "READ_ONLY",
    "SCOPE_FIELD",
    "register",
]

MAX_LIST_LIMIT = 200
MAX_LOCATIONS = 25
MAX_CONTACTS = 10
# MCP's destructiveHint is "meaningful only when readOnlyHint == false" (ToolAnnotations), so a
# read-only tool leaves it out.
READ_ONLY = {"readOnlyHint": True, "openWorldHint": False}
ORGANIZATION_FIELD = Field(description="IT Glue id, name or short name (or part).")
SCOPE_FIELD = Field(description="IT Glue id, name or short name (or part); omit: all.")
"""The optional ``organization`` argument of a lookup tool (``None``: every readable one),
annotating a :data:`~itglue_mcp.server.arguments.Reference` (its bounds)."""


def _summary(view: OrganizationView) -> OrganizationSummary:
    """The tool-facing summary of a stored organization, with its citation."""
    return OrganizationSummary(
        short_name=view.short_name,
        organization_type_name=view.organization_type_name,
        organization_status_name=view.organization_status_name,
        source=organization_source(view),
    )


def _matching(scope: ReadScope, name_contains: str | None) -> list[OrganizationView]:
    """The readable organizations whose name contains ``name_contains`` (case ignored), or,
    when none does, the ones the organization matcher finds for it (a misspelt name)."""
    if not name_contains or not name_contains.strip():
        return scope.organizations()
    return scope.directory.search(name_contains, scope.readable)


def _place(view: LocationView) -> LocationDetail:
    return LocationDetail(
        primary=view.primary,
        address_1=view.address_1,
        address_2=view.address_2,
        city=view.city,
        postal_code=view.postal_code,
        region_name=view.region_name,
        country_name=view.country_name,
        phone=view.phone,
        archived=view.archived,
        source=source_of("locations", view),
    )


def _points(points: tuple[ContactPoint, ...]) -> list[ContactPointDetail]:
    return [
        ContactPointDetail(
            value=p.value, label_name=p.label_name, primary=p.primary, extension=p.extension
        )
        for p in points
    ]


def _person(view: ContactView) -> ContactDetail:
    return ContactDetail(
        title=view.title,
        contact_type_name=view.contact_type_name,
        important=view.important,
        location_name=view.location_name,
        emails=_points(view.emails),
        phones=_points(view.phones),
        archived=view.archived,
        source=source_of("contacts", view),
    )


def _excerpts(
    organization: OrganizationView, locations: list[LocationView], contacts: list[ContactView]
) -> list[Excerpt]:
    source = organization_source(organization)
    texts = [
        (field, html_to_text(text), source)
        for field, text in (
            ("description", organization.description),
            ("quick_notes", organization.quick_notes),
            ("alert", organization.alert),
        )
        if text
    ]
    texts += [
        ("notes", html_to_text(view.notes), source_of("locations", view))
        for view in locations
        if view.notes
    ]
    texts += [
        ("notes", html_to_text(view.notes), source_of("contacts", view))
        for view in contacts
        if view.notes
    ]
    return [Excerpt(field=field, text=text, source=source) for field, text, source in texts if text]


def _render_detail(detail: OrganizationDetail) -> str:
    org = detail.organization
    lines = [
        f"{org.source.name} (id {org.source.record_id}, short name {org.short_name or '-'}): "
        f"{org.organization_type_name or 'organization'}, {org.organization_status_name or '-'}"
        f"{' [archived]' if detail.archived else ''}",
        cite(org.source),
        "Records: "
        + ", ".join(
            f"{count} {kind}"
            for kind, count in detail.record_counts.items()
            if count and kind != "organizations"
        ),
        "Locations:" if detail.locations else "Locations: none recorded.",
    ]
    for place in detail.locations:
        address = postal_address(place)
        lines.append(
            f"- {place.source.name}{' (primary)' if place.primary else ''}: {address or '-'}; "
            f"phone {place.phone or '-'}"
        )
        lines.append(f"  {cite(place.source)}")
    lines.append("Important contacts:" if detail.contacts else "Important contacts: none marked.")
    for person in detail.contacts:
        emails = ", ".join(p.value for p in person.emails if p.value)
        phones = ", ".join(
            f"{p.value}{' x' + p.extension if p.extension else ''} ({p.label_name or '-'})"
            for p in person.phones
            if p.value
        )
        lines.append(
            f"- {person.source.name}: {person.title or '-'} ({person.contact_type_name or '-'}); "
            f"{emails or 'no e-mail'}; {phones or 'no phone'}"
        )
        lines.append(f"  {cite(person.source)}")
    if detail.truncated:
        lines.append("… more locations or contacts exist than shown.")
    sync = detail.sync
    lines.append(
        f"Sync: {sync.state}"
        + (f" (run {sync.run_id})" if sync.run_id is not None else "")
        + (f", last success {sync.last_success.isoformat()}" if sync.last_success else "")
        + (f", {sync.records} records written" if sync.records is not None else "")
    )
    lines.extend(quote_excerpt(excerpt) for excerpt in detail.excerpts)
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the organization tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="list_organizations",
        annotations={"title": "List organizations", **READ_ONLY},
        output_schema=OrganizationList.model_json_schema(),
    )
    async def list_organizations_tool(
        name_contains: Annotated[
            Reference | None,
            Field(description="Part of the name (any case); a misspelt one finds close names."),
        ] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIST_LIMIT, description="Most organizations to return.")
        ] = 50,
    ) -> ToolResult:
        """List the IT Glue organizations (customers), by name, cited."""
        with tool_errors():
            views = _matching(current_scope(), name_contains)
        result = OrganizationList(
            organizations=[_summary(view) for view in views[:limit]],
            limit=limit,
            truncated=len(views) > limit,
        )
        lines = [
            f"{o.source.name} (id {o.source.record_id}, short name {o.short_name or '-'})"
            for o in result.organizations
        ]
        if result.truncated:
            lines.append(f"… more organizations match; raise limit (max {MAX_LIST_LIMIT}).")
        text = "\n".join(lines) if lines else "No organization matches."
        return ToolResult(content=text, structured_content=structured_content(result))

    @mcp.tool(
        name="get_organization",
        annotations={"title": "Get an organization", **READ_ONLY},
        output_schema=OrganizationDetail.model_json_schema(),
    )
    async def get_organization(
        organization: Annotated[Reference, ORGANIZATION_FIELD],
    ) -> ToolResult:
        """One organization: summary, notes (quoted data), up to 25 locations and 10
        important contacts (approvers, on-site IT), records per type; each cited."""
        with tool_errors():
            scope = current_scope()
            org = scope.organization or scope.resolve(organization)
            async with services.catalog.reading() as session:
                profile = await organization_profile(
                    session,
                    scope,
                    org.id,
                    max_locations=MAX_LOCATIONS,
                    max_contacts=MAX_CONTACTS,
                )
            freshness = await services.catalog.sync.organization_status(org.id)
        locations, contacts = profile.locations, profile.contacts
        detail = OrganizationDetail(
            organization=_summary(org),
            primary=org.primary,
            parent_id=org.parent_id,
            archived=org.archived,
            locations=[_place(view) for view in locations],
            contacts=[_person(view) for view in contacts],
            record_counts=profile.record_counts,
            excerpts=_excerpts(org, locations, contacts),
            truncated=profile.truncated,
            sync=OrganizationSync(
                state=str(freshness.state),
                run_id=freshness.run_id,
                last_success=freshness.last_success,
                records=freshness.records,
            ),
        )
        return ToolResult(
            content=_render_detail(detail), structured_content=structured_content(detail)
        )
