"""Configuration tools: ``get_configuration`` by name or hostname within an organization."""

from __future__ import annotations

import difflib
from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.server.errors import RecordNotFound, tool_errors
from itglue_mcp.server.schemas import (
    ConfigurationDetail,
    ConfigurationInterfaceDetail,
    ConfigurationMatches,
    SourceRecord,
)
from itglue_mcp.server.services import Services
from itglue_mcp.server.tools.organizations import READ_ONLY, resolve_organization, summarise
from itglue_mcp.store import ConfigurationView, RecordType, find_configurations

__all__ = ["MAX_MATCHES", "register"]

MAX_MATCHES = 20
MAX_NAME_LENGTH = 255


def _detail(view: ConfigurationView) -> ConfigurationDetail:
    return ConfigurationDetail(
        id=view.id,
        name=view.name,
        hostname=view.hostname,
        organization_id=view.organization_id,
        configuration_type_name=view.configuration_type_name,
        configuration_status_name=view.configuration_status_name,
        primary_ip=view.primary_ip,
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
        interfaces=[
            ConfigurationInterfaceDetail(
                name=i.name, ip_address=i.ip_address, mac_address=i.mac_address, primary=i.primary
            )
            for i in view.interfaces
        ],
        source=SourceRecord(
            record_type="configurations",
            record_id=str(view.id),
            name=view.name,
            organization_id=view.organization_id,
            resource_url=view.resource_url,
            updated_at=view.updated_at,
        ),
    )


def _render(matches: ConfigurationMatches) -> str:
    lines = [f"Configurations of {matches.organization.name} matching {matches.query!r}:"]
    for c in matches.configurations:
        flag = " [archived]" if c.archived else ""
        lines.append(
            f"- {c.name} ({c.configuration_type_name or 'configuration'}{flag}) "
            f"hostname {c.hostname or '-'}, primary IP {c.primary_ip or '-'}, "
            f"{c.manufacturer_name or ''} {c.model_name or ''}".rstrip()
        )
        lines.extend(
            f"    interface {i.name or '-'}: {i.ip_address or '-'} ({i.mac_address or '-'})"
            f"{' primary' if i.primary else ''}"
            for i in c.interfaces
        )
        lines.append(f"    source: {c.source.resource_url or 'IT Glue id ' + c.source.record_id}")
    if matches.truncated:
        lines.append("… more configurations match; use a more specific name.")
    return "\n".join(lines)


async def _suggestions(session: AsyncSession, organization_id: int, name: str) -> list[str]:
    """Names and hostnames of the organization's configurations close to ``name``."""
    table = RecordType.CONFIGURATIONS.table
    rows = await session.execute(
        select(table.c.name, table.c.hostname).where(
            table.c.organization_id == organization_id, table.c.deleted_at.is_(None)
        )
    )
    candidates = {value for row in rows for value in row if value}
    by_lower = {value.lower(): value for value in candidates}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=5, cutoff=0.6)
    return [by_lower[value] for value in close]


def register(mcp: FastMCP, services: Services) -> None:
    """Register the configuration tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="get_configuration",
        annotations={"title": "Get a configuration", **READ_ONLY},
        output_schema=ConfigurationMatches.model_json_schema(),
    )
    async def get_configuration(
        organization: Annotated[
            str,
            Field(
                min_length=1,
                max_length=MAX_NAME_LENGTH,
                description="Organization: IT Glue id, name, short name or a unique part of it.",
            ),
        ],
        name: Annotated[
            str,
            Field(
                min_length=1,
                max_length=MAX_NAME_LENGTH,
                description="Configuration name or hostname, or its beginning (any case).",
            ),
        ],
    ) -> ToolResult:
        """Find a configuration (device) of an organization by name or hostname.

        Returns its type, status, IPs, MACs, serial, OS, location and interfaces, each with
        the IT Glue link it came from. Exact name/hostname matches come first.
        """
        with tool_errors():
            async with services.sessions() as session:
                org = await resolve_organization(session, organization)
                views = await find_configurations(
                    session, organization_id=org.id, name=name, limit=MAX_MATCHES + 1
                )
                if not views:
                    close = await _suggestions(session, org.id, name)
                    hint = f"; close names: {', '.join(close)}" if close else ""
                    raise RecordNotFound(
                        f"name: no configuration of {org.name} is named {name!r}{hint}"
                    )
        matches = ConfigurationMatches(
            organization=summarise(org),
            query=name,
            configurations=[_detail(view) for view in views[:MAX_MATCHES]],
            truncated=len(views) > MAX_MATCHES,
        )
        return ToolResult(
            content=_render(matches), structured_content=matches.model_dump(mode="json")
        )
