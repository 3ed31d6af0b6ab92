"""Output schemas of the MCP tools (structured content), with their citations.

Every fact a tool returns travels with the IT Glue record it came from (:class:`SourceRecord`),
so an assistant can cite it and a person can open it in IT Glue. A record's ``source`` is also
the one place its identity is said: its IT Glue type and id, name, organization (id and name),
link and last change are read there, never repeated beside it; the organization a lookup was
narrowed to is its ``SourceRecord`` too. IT Glue free text (notes, descriptions) travels as an
:class:`Excerpt`, marked untrusted. No schema has a field for a password value.

A result's ``truncated`` is true when more records match than its ``limit`` returned; the field
carries no description on the wire, where the name and ``limit`` beside it say as much.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.configurations import MatchedBy
from itglue_mcp.query.answer import Excerpt, Fact

__all__ = [
    "AddressConfiguration",
    "AssetAddressDetail",
    "ConfigurationDetail",
    "ConfigurationInterfaceDetail",
    "ConfigurationMatches",
    "ContactDetail",
    "ContactPointDetail",
    "Excerpt",
    "Fact",
    "IpAddressLookup",
    "LocationDetail",
    "OrganizationDetail",
    "OrganizationList",
    "OrganizationSummary",
    "OrganizationSync",
    "PasswordDetail",
    "PasswordMatches",
    "RelatedItemDetail",
    "SourceRecord",
    "TraitAddressDetail",
]

_MATCHED_INTERFACE = "The interface the query named (name, IP or MAC), if any."
_SEARCHED = "The organization searched; absent: every organization."


class OrganizationSummary(BaseModel):
    """One organization (a customer of the MSP, or the MSP itself); its id and name in
    ``source``."""

    short_name: str | None
    organization_type_name: str | None
    organization_status_name: str | None
    source: SourceRecord


class OrganizationList(BaseModel):
    """A page of organizations, ordered by name."""

    organizations: list[OrganizationSummary]
    limit: int
    truncated: bool


class LocationDetail(BaseModel):
    """A location (site) of an organization; its id and name in ``source``."""

    primary: bool | None = Field(description="The organization's primary location (HQ).")
    address_1: str | None
    address_2: str | None
    city: str | None
    postal_code: str | None
    region_name: str | None
    country_name: str | None
    phone: str | None
    archived: bool
    source: SourceRecord


class ContactPointDetail(BaseModel):
    """An e-mail address or phone number of a contact."""

    value: str | None
    label_name: str | None = Field(description="IT Glue's label, e.g. Work or Mobile.")
    primary: bool | None
    extension: str | None = None


class ContactDetail(BaseModel):
    """A contact (a person at the organization, or a vendor's); id and name in ``source``."""

    title: str | None
    contact_type_name: str | None = Field(description="e.g. Approver, IT Contact, Vendor.")
    important: bool | None = Field(description="Marked important in IT Glue: call first.")
    location_name: str | None
    emails: list[ContactPointDetail]
    phones: list[ContactPointDetail]
    archived: bool
    source: SourceRecord


class OrganizationSync(BaseModel):
    """How fresh this organization's copy is: the newest sync run covering it."""

    state: str = Field(description="never, running, succeeded or failed.")
    run_id: int | None = None
    last_success: datetime | None = None
    records: int | None = Field(None, description="Written by a run of it alone.")


class OrganizationDetail(BaseModel):
    """An organization with its locations, important contacts and record counts."""

    organization: OrganizationSummary
    primary: bool | None = Field(description="True for the MSP's own organization.")
    parent_id: int | None
    archived: bool
    locations: list[LocationDetail] = Field(description="Primary location first.")
    contacts: list[ContactDetail] = Field(description="Those marked important.")
    record_counts: dict[str, int] = Field(description="Per IT Glue type, deleted excluded.")
    excerpts: list[Excerpt] = Field(description="Untrusted IT Glue text.")
    truncated: bool = Field(description="More locations or contacts exist.")
    sync: OrganizationSync


class ConfigurationInterfaceDetail(BaseModel):
    """A network interface of a configuration."""

    id: int
    name: str | None
    ip_address: str | None
    mac_address: str | None
    primary: bool | None


class RelatedItemDetail(BaseModel):
    """A record linked to a configuration in IT Glue (its notes are in the excerpts)."""

    id: int = Field(description="IT Glue id of the related item (the link itself).")
    record_type: str = Field(description="IT Glue JSON:API type of the linked record.")
    record_id: int | None
    name: str | None
    resource_url: str | None


class ConfigurationDetail(BaseModel):
    """A configuration with its interfaces; notes and links with detail 'full'.

    Its id, name and organization are in ``source``.
    """

    hostname: str | None
    configuration_type_name: str | None
    configuration_status_name: str | None
    primary_ip: str | None
    default_gateway: str | None
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
    matched_interface: ConfigurationInterfaceDetail | None = Field(
        default=None, description=_MATCHED_INTERFACE
    )
    related_items: list[RelatedItemDetail] = Field(
        default_factory=list, description="Linked records (detail 'full' only)."
    )
    excerpts: list[Excerpt] = Field(
        default_factory=list,
        description="Notes (detail 'full').",
    )
    source: SourceRecord


class ConfigurationMatches(BaseModel):
    """Configurations matching a name, hostname or id (exact matches first)."""

    organization: SourceRecord | None = Field(default=None, description=_SEARCHED)
    query: str
    matched_by: MatchedBy = Field(description="What the name matched.")
    detail: Literal["summary", "full"]
    configurations: list[ConfigurationDetail]
    limit: int
    truncated: bool


class AddressConfiguration(BaseModel):
    """A configuration holding addresses of the lookup: a summary.

    Its id, name and organization are in ``source``; the lookup's ``facts`` say where it
    holds each address (primary IP, which interface); ``get_configuration`` gives the full
    record (every interface, model, serial…).
    """

    hostname: str | None
    configuration_type_name: str | None
    configuration_status_name: str | None
    archived: bool
    addresses: list[str] = Field(description="Its IP addresses involved in the lookup.")
    matched_interface: ConfigurationInterfaceDetail | None = Field(
        default=None, description=_MATCHED_INTERFACE
    )
    source: SourceRecord


class TraitAddressDetail(BaseModel):
    """An address, network or range written in one trait of a flexible asset."""

    label: str = Field(description="The trait's field name, e.g. Gateway or Subnet.")
    value: str
    exact: bool = Field(description="The value is the address looked up itself.")


class AssetAddressDetail(BaseModel):
    """A flexible asset (LAN, Wi-Fi…) whose traits hold addresses of the lookup.

    Its id, name and organization are in ``source``.
    """

    flexible_asset_type_name: str | None
    archived: bool
    addresses: list[TraitAddressDetail]
    source: SourceRecord


class IpAddressLookup(BaseModel):
    """What holds an IP address or network, or which addresses a named thing holds."""

    query: str
    lookup: Literal["network", "mac", "name", "kind"] = Field(description="How the query was read.")
    network: str | None = Field(description="The IP or CIDR, normalised.")
    configuration_kind: str | None = Field(description="For 'kind'.")
    organization: SourceRecord | None = Field(default=None, description=_SEARCHED)
    configurations: list[AddressConfiguration]
    flexible_assets: list[AssetAddressDetail]
    facts: list[Fact] = Field(description="Each address: where held (label), by what.")
    limit: int
    truncated: bool
    message: str = Field(description="Summary, or why none.")


class PasswordDetail(BaseModel):
    """A password entry's metadata; its id, name and organization in ``source``. The value
    is never part of it."""

    username: str | None
    url: str | None = Field(description="The login address stored with the entry.")
    password_category_name: str | None
    archived: bool
    password_updated_at: datetime | None = Field(description="When the value last changed.")
    linked: SourceRecord | None = Field(
        description="The configuration or flexible asset it belongs to."
    )
    excerpts: list[Excerpt] = Field(description="The entry's notes: untrusted IT Glue text.")
    source: SourceRecord


class PasswordMatches(BaseModel):
    """Password entries (metadata only) found by name, id and/or configuration."""

    organization: SourceRecord | None = Field(default=None, description=_SEARCHED)
    query: str | None = None
    configuration: str | None = None
    passwords: list[PasswordDetail]
    limit: int
    truncated: bool
    value_returned: Literal[False] = False
    notice: str = Field(description="Where the value is.")
