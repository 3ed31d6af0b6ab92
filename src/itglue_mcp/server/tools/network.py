"""Network tool: ``find_ip_address`` — what holds an IP or network, or a thing's IP addresses.

Example (as an assistant calls it)::

    find_ip_address(query="10.10.10.1")                            # → ACME-FW01, HQ LAN gateway
    find_ip_address(query="firewall", organization="Acme Corporation")
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.configurations import configuration_source
from itglue_mcp.catalog.organizations import organization_source
from itglue_mcp.query.network import (
    AddressLookup,
    address_not_found,
    find_addresses,
    flexible_asset_source,
)
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite
from itglue_mcp.server.schemas import (
    AddressConfiguration,
    AssetAddressDetail,
    IpAddressLookup,
    TraitAddressDetail,
)
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.configurations import interface_detail, matched_interface_line
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = ["MAX_LIMIT", "register"]

MAX_LIMIT = 100


def _message(lookup: AddressLookup, where: str) -> str:
    held = len(lookup.configurations) + len(lookup.assets)
    if lookup.kind == "network":
        if not held:
            return f"No configuration or flexible asset {where} holds {lookup.network}."
        return f"{held} record(s) {where} hold addresses of {lookup.network}."
    if lookup.kind == "kind" and not held:
        return f"No {lookup.configuration_kind} is recorded {where}."
    if lookup.kind == "kind":
        return f"{held} {lookup.configuration_kind}(s) {where}, with their IP addresses."
    if lookup.kind == "mac" and not held:
        return f"No configuration {where} has the MAC address {lookup.query}."
    return f"IP addresses of {held} record(s) {where} matching {lookup.query!r}."


def _result(
    lookup: AddressLookup, organization: SourceRecord | None, limit: int
) -> IpAddressLookup:
    where = f"in {organization.name}" if organization else "in any organization"
    return IpAddressLookup(
        query=lookup.query,
        lookup=lookup.kind,
        network=lookup.network,
        configuration_kind=lookup.configuration_kind,
        organization=organization,
        configurations=[
            AddressConfiguration(
                hostname=match.configuration.hostname,
                configuration_type_name=match.configuration.configuration_type_name,
                configuration_status_name=match.configuration.configuration_status_name,
                archived=match.configuration.archived,
                addresses=list(match.addresses),
                matched_interface=match.matched and interface_detail(match.matched),
                source=configuration_source(match.configuration),
            )
            for match in lookup.configurations
        ],
        flexible_assets=[
            AssetAddressDetail(
                flexible_asset_type_name=asset.flexible_asset_type_name,
                archived=asset.archived,
                addresses=[
                    TraitAddressDetail(label=a.label, value=a.value, exact=a.exact)
                    for a in asset.addresses
                ],
                source=flexible_asset_source(asset),
            )
            for asset in lookup.assets
        ],
        facts=lookup.facts(),
        limit=limit,
        truncated=lookup.truncated,
        message=_message(lookup, where),
    )


def _render(result: IpAddressLookup) -> str:
    lines = [result.message]
    for c in result.configurations:
        flag = " [archived]" if c.archived else ""
        lines.append(
            f"- {c.source.name} ({c.configuration_type_name or 'configuration'}, "
            f"{c.configuration_status_name or '-'}{flag}) of "
            f"{c.source.organization_name or '-'}: "
            f"{', '.join(c.addresses) or 'no IP address recorded'}"
        )
        if c.matched_interface is not None:
            lines.append(matched_interface_line(c.matched_interface))
        lines.extend(
            f"    {fact.label}: {fact.value}" for fact in result.facts if fact.source == c.source
        )
        lines.append(f"    {cite(c.source)}")
    for asset in result.flexible_assets:
        lines.append(
            f"- {asset.source.name} ({asset.flexible_asset_type_name or 'flexible asset'}) of "
            f"{asset.source.organization_name or '-'}: "
            + "; ".join(f"{a.label} {a.value}" for a in asset.addresses)
        )
        lines.append(f"    {cite(asset.source)}")
    if result.truncated:
        lines.append(
            f"… more records match than the {result.limit} shown of each kind; narrow the "
            f"query or the organization, or raise limit (max {MAX_LIMIT})."
        )
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the network tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="find_ip_address",
        annotations={"title": "Find an IP address", **READ_ONLY},
        output_schema=IpAddressLookup.model_json_schema(),
    )
    async def find_ip_address(
        query: Annotated[
            Reference,
            Field(
                description=(
                    "An IP or CIDR: what holds it. A device, MAC, interface ('HV01 iDRAC'), "
                    "LAN or kind of device ('firewall'): its IPs."
                ),
            ),
        ],
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        limit: Annotated[
            int,
            Field(
                ge=1,
                le=MAX_LIMIT,
                description="Most configurations, and most flexible assets.",
            ),
        ] = 20,
    ) -> ToolResult:
        """IP addresses both ways, cited: what holds an IP or CIDR (configurations; LAN
        flexible assets: subnet, gateway, DHCP, DNS), or a thing's IPs. A device's full
        record: get_configuration."""
        with tool_errors():
            scope = current_scope()
            org, ids = scope.organization, scope.organization_ids
            async with services.catalog.reading() as session:
                lookup = await find_addresses(session, query, organization_ids=ids, limit=limit)
                if lookup.kind == "name" and not (lookup.configurations or lookup.assets):
                    where = f"in {org.name}" if org else "in any organization"
                    raise await address_not_found(session, query, ids, where)
        result = _result(lookup, organization_source(org) if org else None, limit)
        return ToolResult(content=_render(result), structured_content=structured_content(result))
