"""Location tool: ``list_locations``, an organization's sites (or every readable organization's)
with their address, primary flag and how many configurations and contacts each has.

The listing and the counts come from :func:`itglue_mcp.catalog.people.list_locations` (three
queries whatever the number of locations); this module parses the arguments and renders.
Each location is cited; its notes (IT Glue free text) are quoted in one untrusted fence.

Example (as an assistant calls it)::

    list_locations(organization="Acme Corporation")
    list_locations(limit=200)                          # every readable organization
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import BaseModel, Field

from itglue_mcp.catalog import source_of
from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.people import LocationListing, list_locations, postal_address
from itglue_mcp.richtext import html_to_text
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_untrusted_values
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "LocationCounts",
    "LocationList",
    "register",
    "render_locations",
]

DEFAULT_LIMIT = 25
"""Locations listed unless asked for more (an organization rarely has more sites)."""
MAX_LIMIT = 200
"""Most locations one call lists."""


class LocationCounts(BaseModel):
    """One location; its id, name and organization in ``source``. ``configurations`` and
    ``contacts`` count the records at it (archived included; absent: the type is hidden from
    the caller). An archived location is marked in the text only (IT Glue rarely archives
    one; the payload budget)."""

    primary: bool | None
    address: str | None
    phone: str | None
    configurations: int | None
    contacts: int | None
    source: SourceRecord


class LocationList(BaseModel):
    """Locations by organization, primary first; ``total`` counts every location in scope
    (the list holds the first ``limit``)."""

    locations: list[LocationCounts]
    total: int


def _counted(listing: LocationListing) -> LocationList:
    configurations, contacts = listing.configurations, listing.contacts
    return LocationList(
        locations=[
            LocationCounts(
                primary=view.primary,
                address=postal_address(view) or None,
                phone=view.phone,
                configurations=None if configurations is None else configurations.get(view.id, 0),
                contacts=None if contacts is None else contacts.get(view.id, 0),
                source=source_of("locations", view),
            )
            for view in listing.locations
        ],
        total=listing.total,
    )


def _count(n: int | None, what: str) -> str | None:
    return None if n is None else f"{n} {what}{'' if n == 1 else 's'}"


def render_locations(
    result: LocationList, listing: LocationListing, notes: list[tuple[SourceRecord, str]]
) -> str:
    """The readable text of a location listing: how many of how many, one line per location
    (name, primary flag, address, phone, counts) with its citation, the notes in one fence,
    then how to see more, or that no location is recorded."""
    shown, total = len(result.locations), result.total
    lines = [f"Locations, by organization, primary first: {shown} of {total}."]
    for place, view in zip(result.locations, listing.locations, strict=True):
        counts = [
            text
            for text in (
                _count(place.configurations, "configuration"),
                _count(place.contacts, "contact"),
            )
            if text
        ]
        flags = " (primary)" if place.primary else ""
        flags += " [archived]" if view.archived else ""
        lines.append(
            f"- {place.source.name or '-'}{flags} — {place.source.organization_name or '-'}: "
            f"{place.address or 'no address recorded'}; phone {place.phone or '-'}"
            f"{'; ' + ', '.join(counts) if counts else ''}. {cite(place.source)}"
        )
    if notes:
        lines.append(quote_untrusted_values(notes, field="notes"))
    if shown < total:
        lines.append(f"{total - shown} more location(s): raise limit (max {MAX_LIMIT}).")
    if not result.locations:
        lines.append("No location is recorded in IT Glue for this scope (no data available).")
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register ``list_locations`` on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="list_locations",
        annotations={"title": "List locations", **READ_ONLY},
        output_schema=LocationList.model_json_schema(),
    )
    async def list_locations_tool(
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIMIT, description="Most to return.")
        ] = DEFAULT_LIMIT,
    ) -> ToolResult:
        """Sites: address, primary flag, configuration and contact counts (archived
        included), cited. 25 by default; total stated."""
        with tool_errors():
            async with services.catalog.reading() as session:
                listing = await list_locations(session, current_scope(), limit=limit)
        notes = [
            (source_of("locations", view), text)
            for view in listing.locations
            if view.notes and (text := html_to_text(view.notes))
        ]
        result = _counted(listing)
        return ToolResult(
            content=render_locations(result, listing, notes),
            structured_content=structured_content(result),
        )
