"""Organization tools (``list_organizations``, ``get_organization``) and the helpers every tool
uses to resolve a caller's organization reference and to suggest close names.

Tenant isolation starts here: :func:`resolve_scope` resolves a reference among the
organizations the caller may read (``Permissions.readable``) only — one it may not read is
reported exactly as one that does not exist, and close names offered are readable ones — and
without a reference it returns the readable organizations as the scope, so that every lookup
a tool makes stays within them.

Example::

    organization, scope = await resolve_scope(session, "acme", permissions)  # [2104801]
    organization, scope = await resolve_scope(session, None, permissions)    # readable ids
    hint = suggestion_hint(close_names("ACME-FWO1", names))     # "; close names: ACME-FW01"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field
from rapidfuzz import fuzz, process, utils
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.query.answer import Excerpt, source_of
from itglue_mcp.query.organizations import candidates_from_views, organization_source
from itglue_mcp.query.organizations import resolve_organization as match_reference
from itglue_mcp.richtext import html_to_text
from itglue_mcp.security.rbac import Permissions
from itglue_mcp.server.access import current_permissions
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_excerpt
from itglue_mcp.server.schemas import (
    ContactDetail,
    ContactPointDetail,
    LocationDetail,
    OrganizationDetail,
    OrganizationList,
    OrganizationSummary,
)
from itglue_mcp.server.services import Services
from itglue_mcp.store.people import (
    ContactPoint,
    ContactView,
    LocationView,
    find_contacts,
    find_locations,
)
from itglue_mcp.store.queries import OrganizationView, count_records, list_organizations

__all__ = [
    "MAX_LIST_LIMIT",
    "MAX_REFERENCE_LENGTH",
    "READ_ONLY",
    "SCOPE_FIELD",
    "close_names",
    "readable_organizations",
    "register",
    "resolve_organization",
    "resolve_scope",
    "suggestion_hint",
    "summarise",
]

MAX_LIST_LIMIT = 200
MAX_REFERENCE_LENGTH = 255
"""Longest organization reference or record name a tool accepts."""
# Organizations compared when resolving a reference; MSP accounts hold hundreds, not more.
MAX_ORGANIZATIONS = 10_000
MAX_LOCATIONS = 25
MAX_CONTACTS = 10
READ_ONLY = {"readOnlyHint": True, "destructiveHint": False, "openWorldHint": False}
ORGANIZATION_FIELD = Field(
    min_length=1,
    max_length=MAX_REFERENCE_LENGTH,
    description="Organization: IT Glue id, name, short name or a unique part of it.",
)
SCOPE_FIELD = Field(
    min_length=1,
    max_length=MAX_REFERENCE_LENGTH,
    description=(
        "Organization: IT Glue id, name, short name or a unique part of it. "
        "Omit to search every organization."
    ),
)
"""The optional ``organization`` argument of a lookup tool (``None``: every readable one)."""

# Close names offered when a lookup finds nothing: rapidfuzz WRatio (0-100) suits a short
# query against longer names and tolerates a typo.
_SUGGEST_MIN = 70.0
_MAX_SUGGESTIONS = 5


def summarise(view: OrganizationView) -> OrganizationSummary:
    """The tool-facing summary of a stored organization, with its citation."""
    return OrganizationSummary(
        id=view.id,
        name=view.name,
        short_name=view.short_name,
        organization_type_name=view.organization_type_name,
        organization_status_name=view.organization_status_name,
        source=organization_source(view),
    )


async def readable_organizations(
    session: AsyncSession, permissions: Permissions, *, name_contains: str | None = None
) -> list[OrganizationView]:
    """The stored organizations ``permissions`` may read, by name (at most 10,000).

    Raises:
        StoreError: the store failed.
    """
    views = await list_organizations(session, name_contains=name_contains, limit=MAX_ORGANIZATIONS)
    return [view for view in views if permissions.may_read(view.id)]


async def resolve_organization(
    session: AsyncSession, ref: str, permissions: Permissions | None = None
) -> OrganizationView:
    """The one organization ``ref`` names: id, name, short name, a unique part, or a near miss,
    among those the caller may read.

    Matching rules are :func:`itglue_mcp.query.organizations.match_organizations`'s, over the
    readable organizations only: one the caller may not read is not found (with the same
    message as one that does not exist) and never suggested.

    Args:
        session: a session on the store.
        ref: the caller's reference.
        permissions: the caller's; ``None``: the current tool call's
            (:func:`~itglue_mcp.server.access.current_permissions`).

    Raises:
        ValueError: ``ref`` is blank (naming ``organization``).
        OrganizationNotFound: nothing readable matches well enough (close names suggested).
        AmbiguousOrganization: several organizations match about equally (listed).
        AccessDenied: ``permissions`` is ``None`` outside a tool call.
    """
    permissions = permissions if permissions is not None else current_permissions()
    views = await readable_organizations(session, permissions)
    chosen = match_reference(ref, candidates_from_views(views))
    return next(view for view in views if view.id == chosen.id)


async def resolve_scope(
    session: AsyncSession, ref: str | None, permissions: Permissions | None = None
) -> tuple[OrganizationView | None, list[int] | None]:
    """The organization ``ref`` names and the ids to scope a lookup to.

    Args:
        session: a session on the store.
        ref: the caller's organization reference; ``None``: every organization it may read.
        permissions: the caller's; ``None``: the current tool call's
            (:func:`~itglue_mcp.server.access.current_permissions`).

    Returns:
        ``(organization, [its id])`` for a reference; ``(None, readable ids)`` without one —
        ``(None, None)`` when the caller may read every organization, an empty list when it
        may read none (a lookup then finds nothing).

    Raises:
        ValueError, OrganizationNotFound, AmbiguousOrganization, AccessDenied: as
            :func:`resolve_organization`.
    """
    permissions = permissions if permissions is not None else current_permissions()
    if ref is None:
        return None, permissions.scope(None)
    organization = await resolve_organization(session, ref, permissions)
    return organization, [organization.id]


def close_names(query: str, names: Iterable[str]) -> list[str]:
    """Up to five of ``names`` closest to ``query`` (ignoring case), best first."""
    found = process.extract(
        query,
        list(names),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=_SUGGEST_MIN,
        limit=_MAX_SUGGESTIONS,
    )
    return [name for name, _, _ in found]


def suggestion_hint(names: list[str]) -> str:
    """``"; close names: a, b"`` for an error message, or ``""`` when there are none."""
    return f"; close names: {', '.join(names)}" if names else ""


def _place(view: LocationView) -> LocationDetail:
    return LocationDetail(
        id=view.id,
        name=view.name,
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
        id=view.id,
        name=view.name,
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
        f"{org.name} (id {org.id}, short name {org.short_name or '-'}): "
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
        address = ", ".join(
            part
            for part in (
                place.address_1,
                place.address_2,
                place.city,
                place.region_name,
                place.postal_code,
                place.country_name,
            )
            if part
        )
        lines.append(
            f"- {place.name}{' (primary)' if place.primary else ''}: {address or '-'}; "
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
            f"- {person.name}: {person.title or '-'} ({person.contact_type_name or '-'}); "
            f"{emails or 'no e-mail'}; {phones or 'no phone'}"
        )
        lines.append(f"  {cite(person.source)}")
    if detail.truncated:
        lines.append("… more locations or contacts exist than shown.")
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
            str | None,
            Field(description="Only organizations whose name contains this text (any case)."),
        ] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIST_LIMIT, description="Most organizations to return.")
        ] = 50,
    ) -> ToolResult:
        """List the IT Glue organizations (customers), by name, optionally filtered."""
        with tool_errors():
            permissions = current_permissions()
            async with services.sessions() as session:
                if permissions.readable is None:
                    views = await list_organizations(
                        session, name_contains=name_contains, limit=limit + 1
                    )
                else:
                    views = await readable_organizations(
                        session, permissions, name_contains=name_contains
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

    @mcp.tool(
        name="get_organization",
        annotations={"title": "Get an organization", **READ_ONLY},
        output_schema=OrganizationDetail.model_json_schema(),
    )
    async def get_organization(
        organization: Annotated[str, ORGANIZATION_FIELD],
    ) -> ToolResult:
        """Show one organization: its summary, description and quick notes, its locations,
        its important contacts (approvers, on-site IT) and how many records of each type
        IT Glue holds for it. Every item cites its IT Glue record; notes are quoted data.
        """
        with tool_errors():
            permissions = current_permissions()
            async with services.sessions() as session:
                org = await resolve_organization(session, organization, permissions)
                scope = [org.id]
                locations = (
                    await find_locations(session, organization_ids=scope, limit=MAX_LOCATIONS + 1)
                    if permissions.may_see("locations")
                    else []
                )
                contacts = (
                    await find_contacts(
                        session, important=True, organization_ids=scope, limit=MAX_CONTACTS + 1
                    )
                    if permissions.may_see("contacts")
                    else []
                )
                counts = await count_records(session, organization_ids=scope)
            counts = {kind: n for kind, n in counts.items() if permissions.may_see(kind)}
        detail = OrganizationDetail(
            organization=summarise(org),
            primary=org.primary,
            parent_id=org.parent_id,
            archived=org.archived,
            locations=[_place(view) for view in locations[:MAX_LOCATIONS]],
            contacts=[_person(view) for view in contacts[:MAX_CONTACTS]],
            record_counts=counts,
            excerpts=_excerpts(org, locations[:MAX_LOCATIONS], contacts[:MAX_CONTACTS]),
            truncated=len(locations) > MAX_LOCATIONS or len(contacts) > MAX_CONTACTS,
        )
        return ToolResult(
            content=_render_detail(detail), structured_content=detail.model_dump(mode="json")
        )
