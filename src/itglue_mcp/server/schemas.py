"""Output schemas of the MCP tools (structured content), with their citations.

Every fact a tool returns travels with the IT Glue record it came from (:class:`SourceRecord`),
so an assistant can cite it and a person can open it in IT Glue.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from itglue_mcp.query.answer import SourceRecord

__all__ = [
    "ConfigurationDetail",
    "ConfigurationInterfaceDetail",
    "ConfigurationMatches",
    "OrganizationList",
    "OrganizationSummary",
    "SourceRecord",
]


class OrganizationSummary(BaseModel):
    """One organization (a customer of the MSP, or the MSP itself)."""

    id: int
    name: str | None
    short_name: str | None
    organization_type_name: str | None
    organization_status_name: str | None
    source: SourceRecord


class OrganizationList(BaseModel):
    """A page of organizations, ordered by name."""

    organizations: list[OrganizationSummary]
    limit: int = Field(description="Most organizations returned by this call.")
    truncated: bool = Field(description="True when more organizations match than returned.")


class ConfigurationInterfaceDetail(BaseModel):
    """A network interface of a configuration."""

    name: str | None
    ip_address: str | None
    mac_address: str | None
    primary: bool | None


class ConfigurationDetail(BaseModel):
    """A configuration with its interfaces."""

    id: int
    name: str | None
    hostname: str | None
    organization_id: int | None
    configuration_type_name: str | None
    configuration_status_name: str | None
    primary_ip: str | None
    mac_address: str | None
    serial_number: str | None
    asset_tag: str | None
    manufacturer_name: str | None
    model_name: str | None
    operating_system_name: str | None
    location_name: str | None
    contact_name: str | None
    warranty_expires_at: date | None
    archived: bool
    interfaces: list[ConfigurationInterfaceDetail]
    source: SourceRecord


class ConfigurationMatches(BaseModel):
    """Configurations of one organization matching a name or hostname (exact matches first)."""

    organization: OrganizationSummary
    query: str
    configurations: list[ConfigurationDetail]
    truncated: bool = Field(description="True when more configurations match than returned.")
