"""Configuration tool: ``get_configuration`` by name, hostname, IT Glue id, IP, MAC, serial or
one of its interfaces.

Example (as an assistant calls it)::

    get_configuration(name="ACME-FW01")                        # every organization searched
    get_configuration(name="DC01", organization="Riverbend", detail="full")
    get_configuration(name="ACME-HV01 iDRAC")                  # the hypervisor, iDRAC matched
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.catalog.configurations import (
    ConfigurationInterfaceView,
    ConfigurationView,
    RelatedItemView,
    configuration_not_found,
    configuration_source,
    readable_related_items,
    resolve_configurations,
)
from itglue_mcp.catalog.organizations import organization_source
from itglue_mcp.query.answer import Excerpt
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_excerpt
from itglue_mcp.server.schemas import (
    ConfigurationDetail,
    ConfigurationInterfaceDetail,
    ConfigurationMatches,
    RelatedItemDetail,
)
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = [
    "MAX_MATCHES",
    "interface_detail",
    "matched_interface_line",
    "register",
]

MAX_MATCHES = 50
Detail = Literal["summary", "full"]


def interface_detail(interface: ConfigurationInterfaceView) -> ConfigurationInterfaceDetail:
    """One interface of a configuration as tools return it."""
    return ConfigurationInterfaceDetail(
        id=interface.id,
        name=interface.name,
        ip_address=interface.ip_address,
        mac_address=interface.mac_address,
        primary=interface.primary,
    )


def matched_interface_line(interface: ConfigurationInterfaceDetail) -> str:
    """The text line saying which interface the query named: name, IP and MAC."""
    return (
        f"    matched interface {interface.name or '-'}: IP {interface.ip_address or '-'}, "
        f"MAC {interface.mac_address or '-'}"
    )


def _detail(
    view: ConfigurationView,
    links: tuple[RelatedItemView, ...] | None,
    matched: ConfigurationInterfaceView | None,
) -> ConfigurationDetail:
    """The tool-facing configuration; ``links`` given (possibly empty) for detail 'full';
    ``matched``: the interface the query named."""
    source = configuration_source(view)
    excerpts: list[Excerpt] = []
    if links is not None:
        # Fields name ids, not IT Glue names: a name is free text too, and a field is shown
        # in the quote's header.
        notes = [("notes", view.notes)]
        notes += [(f"interface {i.id} notes", i.notes) for i in view.interfaces]
        notes += [(f"related item {link.id} notes", link.notes) for link in links]
        excerpts = [Excerpt(field=field, text=text, source=source) for field, text in notes if text]
    return ConfigurationDetail(
        hostname=view.hostname,
        configuration_type_name=view.configuration_type_name,
        configuration_status_name=view.configuration_status_name,
        primary_ip=view.primary_ip,
        default_gateway=view.default_gateway,
        mac_address=view.mac_address,
        serial_number=view.serial_number,
        asset_tag=view.asset_tag,
        manufacturer_name=view.manufacturer_name,
        model_name=view.model_name,
        operating_system_name=view.operating_system_name,
        location_name=view.location_name,
        contact_name=view.contact_name,
        warranty_expires_at=view.warranty_expires_at,
        archived=view.archived,
        interfaces=[interface_detail(i) for i in view.interfaces],
        matched_interface=None if matched is None else interface_detail(matched),
        related_items=[
            RelatedItemDetail(
                id=link.id,
                record_type=link.record_type,
                record_id=link.resource_id,
                name=link.resource_name,
                resource_url=link.resource_url,
            )
            for link in links or ()
        ],
        excerpts=excerpts,
        source=source,
    )


def _render(matches: ConfigurationMatches) -> str:
    where = matches.organization.name if matches.organization else "every organization"
    lines = [f"Configurations matching {matches.query!r} in {where}:"]
    for c in matches.configurations:
        flag = " [archived]" if c.archived else ""
        lines.append(
            f"- {c.source.name} ({c.configuration_type_name or 'configuration'}, "
            f"{c.configuration_status_name or '-'}{flag}) of "
            f"{c.source.organization_name or '-'}: hostname {c.hostname or '-'}, "
            f"primary IP {c.primary_ip or '-'}, "
            f"{c.manufacturer_name or ''} {c.model_name or ''}".rstrip()
        )
        if matches.detail == "full":
            lines.append(
                f"    serial {c.serial_number or '-'}, asset tag {c.asset_tag or '-'}, "
                f"OS {c.operating_system_name or '-'}, location {c.location_name or '-'}, "
                f"contact {c.contact_name or '-'}, gateway {c.default_gateway or '-'}, "
                f"warranty until {c.warranty_expires_at or '-'}"
            )
        if c.matched_interface is not None:
            lines.append(matched_interface_line(c.matched_interface))
        lines.extend(
            f"    interface {i.name or '-'}: {i.ip_address or '-'} ({i.mac_address or '-'})"
            f"{' primary' if i.primary else ''}"
            for i in c.interfaces
        )
        lines.extend(
            f"    related {link.record_type}: {link.name or '-'} {link.resource_url or ''}".rstrip()
            for link in c.related_items
        )
        lines.append(f"    {cite(c.source)}")
        lines.extend(quote_excerpt(excerpt) for excerpt in c.excerpts)
    if matches.truncated:
        lines.append(
            f"… more configurations match than the {matches.limit} shown; use a more specific "
            f"name, an organization, or a higher limit (max {MAX_MATCHES})."
        )
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the configuration tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="get_configuration",
        annotations={"title": "Get a configuration", **READ_ONLY},
        output_schema=ConfigurationMatches.model_json_schema(),
    )
    async def get_configuration(
        name: Annotated[
            Reference,
            Field(
                description=(
                    "Name or hostname (any case, or a part), id, IP, serial, MAC, or an "
                    "interface's name ('HV01 iDRAC')."
                ),
            ),
        ],
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        detail: Annotated[
            Detail,
            Field(description="full adds serial, OS, warranty, notes and linked records."),
        ] = "summary",
        limit: Annotated[
            int, Field(ge=1, le=MAX_MATCHES, description="Most configurations to return.")
        ] = 10,
    ) -> ToolResult:
        """Find configurations (devices) by name, hostname, id, IP, MAC, serial or interface:
        type, status, IPs, MACs, model, interfaces and the one matched, cited; exact
        matches first."""
        with tool_errors():
            scope = current_scope()
            org = scope.organization
            async with services.catalog.reading() as session:
                found = await resolve_configurations(
                    session, name, organization_ids=scope.organization_ids, limit=limit + 1
                )
                views = found.views
                if not views:
                    raise await configuration_not_found(
                        session,
                        name,
                        scope.organization_ids,
                        field="name",
                        where=f"of {org.name}" if org else "in any organization",
                    )
                shown = views[:limit]
                links = None
                if detail == "full":
                    links = await readable_related_items(
                        session, [view.id for view in shown], scope
                    )

        def related(view: ConfigurationView) -> tuple[RelatedItemView, ...] | None:
            return None if links is None else links.get(view.id, ())

        matches = ConfigurationMatches(
            organization=organization_source(org) if org else None,
            query=name,
            matched_by=found.matched_by,
            detail=detail,
            configurations=[
                _detail(view, related(view), found.interface_of(view)) for view in shown
            ],
            limit=limit,
            truncated=len(views) > limit,
        )
        return ToolResult(content=_render(matches), structured_content=structured_content(matches))
