"""Tables of IT Glue records: one per resource type, plus children, links and lookups.

Column names are IT Glue's attribute names in snake case (``primary-ip`` → ``primary_ip``).
No table has a column for a secret: password values, Password-kind traits and OTP seeds are
never stored (architecture: secrets).

Example::

    select(Configuration).where(Configuration.organization_id == 7, Configuration.archived)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, func
from sqlalchemy.orm import Mapped, mapped_column

from itglue_mcp.store.models.base import Base, ChildMixin, RecordMixin, TrackedMixin

__all__ = [
    "RECORD_MODELS",
    "Configuration",
    "ConfigurationInterface",
    "ConfigurationStatus",
    "ConfigurationType",
    "Contact",
    "Document",
    "Domain",
    "Expiration",
    "FlexibleAsset",
    "FlexibleAssetField",
    "FlexibleAssetTag",
    "FlexibleAssetType",
    "Location",
    "Organization",
    "Password",
    "PasswordCategory",
    "RelatedItem",
]


class Organization(RecordMixin, Base):
    """An IT Glue organization; its ``organization_id`` is its own id, for uniform scoping."""

    __tablename__ = "organizations"

    short_name: Mapped[str | None]
    description: Mapped[str | None]
    organization_type_name: Mapped[str | None]
    organization_status_name: Mapped[str | None]
    primary: Mapped[bool | None]
    parent_id: Mapped[int | None] = mapped_column(BigInteger)
    quick_notes: Mapped[str | None]
    alert: Mapped[str | None]


class Configuration(RecordMixin, Base):
    """A configuration (device, server, workstation, network gear…)."""

    __tablename__ = "configurations"

    hostname: Mapped[str | None]
    primary_ip: Mapped[str | None] = mapped_column(index=True)
    default_gateway: Mapped[str | None]
    mac_address: Mapped[str | None] = mapped_column(index=True)
    serial_number: Mapped[str | None] = mapped_column(index=True)
    asset_tag: Mapped[str | None]
    configuration_type_name: Mapped[str | None]
    configuration_type_kind: Mapped[str | None]
    configuration_status_name: Mapped[str | None]
    manufacturer_name: Mapped[str | None]
    model_name: Mapped[str | None]
    operating_system_name: Mapped[str | None]
    location_id: Mapped[int | None] = mapped_column(BigInteger)
    location_name: Mapped[str | None]
    contact_id: Mapped[int | None] = mapped_column(BigInteger)
    contact_name: Mapped[str | None]
    warranty_expires_at: Mapped[date | None]
    notes: Mapped[str | None]


class ConfigurationInterface(ChildMixin, Base):
    """A network interface of a configuration; replaced with its configuration's set."""

    __tablename__ = "configuration_interfaces"

    configuration_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("configurations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None]
    ip_address: Mapped[str | None] = mapped_column(index=True)
    mac_address: Mapped[str | None] = mapped_column(index=True)
    primary: Mapped[bool | None]
    notes: Mapped[str | None]


class Password(RecordMixin, Base):
    """A password entry's metadata. There is deliberately no column for the value."""

    __tablename__ = "passwords"

    username: Mapped[str | None]
    url: Mapped[str | None]
    password_category_name: Mapped[str | None]
    resource_type: Mapped[str | None]
    resource_id: Mapped[int | None] = mapped_column(BigInteger)
    password_updated_at: Mapped[datetime | None]
    notes: Mapped[str | None]


class FlexibleAssetType(TrackedMixin, Base):
    """A flexible asset type (account-wide); its field schema is in flexible_asset_fields."""

    __tablename__ = "flexible_asset_types"

    name: Mapped[str | None]
    description: Mapped[str | None]
    enabled: Mapped[bool | None]


class FlexibleAssetField(ChildMixin, Base):
    """One field of a flexible asset type; ``name_key`` is the key of the trait it defines."""

    __tablename__ = "flexible_asset_fields"

    flexible_asset_type_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey(
            "flexible_asset_types.id",
            ondelete="CASCADE",
            # The conventional name is longer than PostgreSQL's 63-character identifiers.
            name="fk_flexible_asset_fields_flexible_asset_type_id",
        ),
        index=True,
    )
    name: Mapped[str | None]
    name_key: Mapped[str | None]
    kind: Mapped[str | None]
    tag_type: Mapped[str | None]
    required: Mapped[bool | None]
    order: Mapped[int | None]


class FlexibleAsset(RecordMixin, Base):
    """A flexible asset; ``traits`` holds its field values with Password-kind traits removed."""

    __tablename__ = "flexible_assets"

    flexible_asset_type_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    flexible_asset_type_name: Mapped[str | None]
    traits: Mapped[dict[str, Any] | None]


class FlexibleAssetTag(Base):
    """One record a flexible asset's Tag trait points at, kept beside the asset's traits.

    A Tag trait is JSON inside ``traits`` (IT Glue API: ``{"type": "Configurations",
    "values": [{"id": 4215003, "name": "ACME-FW01"}]}``), which no index can serve; these rows
    are its expansion, rewritten with the asset's traits (:mod:`itglue_mcp.store.tag_links`)
    and read by ``(tag_type, target_id)`` to find the assets tagging a record. They go with
    their asset's row; a deleted asset (``deleted_at``) keeps them, and readers join live assets.
    """

    __tablename__ = "flexible_asset_tags"

    flexible_asset_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("flexible_assets.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    trait_key: Mapped[str] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    tag_type: Mapped[str]

    __table_args__ = (Index("ix_flexible_asset_tags_tag_type_target_id", "tag_type", "target_id"),)


class Document(RecordMixin, Base):
    """A document; ``content`` is IT Glue's list of blocks (Text, Heading, Step…) as sent."""

    __tablename__ = "documents"

    document_folder_id: Mapped[int | None] = mapped_column(BigInteger)
    public: Mapped[bool | None]
    restricted: Mapped[bool | None]
    published: Mapped[bool | None]
    content: Mapped[list[dict[str, Any]] | None]


class Contact(RecordMixin, Base):
    """A contact; ``emails``/``phones`` are IT Glue's contact-emails/contact-phones lists."""

    __tablename__ = "contacts"

    first_name: Mapped[str | None]
    last_name: Mapped[str | None]
    title: Mapped[str | None]
    contact_type_name: Mapped[str | None]
    location_id: Mapped[int | None] = mapped_column(BigInteger)
    location_name: Mapped[str | None]
    important: Mapped[bool | None]
    emails: Mapped[list[dict[str, Any]] | None]
    phones: Mapped[list[dict[str, Any]] | None]
    notes: Mapped[str | None]


class Location(RecordMixin, Base):
    """A location (site) of an organization."""

    __tablename__ = "locations"

    primary: Mapped[bool | None]
    address_1: Mapped[str | None]
    address_2: Mapped[str | None]
    city: Mapped[str | None]
    postal_code: Mapped[str | None]
    region_name: Mapped[str | None]
    country_name: Mapped[str | None]
    phone: Mapped[str | None]
    notes: Mapped[str | None]


class Domain(RecordMixin, Base):
    """A domain name tracked in IT Glue."""

    __tablename__ = "domains"

    registrar_name: Mapped[str | None]
    expires_on: Mapped[date | None]
    notes: Mapped[str | None]


class Expiration(RecordMixin, Base):
    """An expiration (warranty, certificate, domain, licence…) of another record."""

    __tablename__ = "expirations"

    description: Mapped[str | None]
    expiration_date: Mapped[date | None] = mapped_column(index=True)
    resource_id: Mapped[int | None] = mapped_column(BigInteger)
    resource_type_name: Mapped[str | None]
    resource_name: Mapped[str | None]


class RelatedItem(Base):
    """A related item carried by a record (``source``), pointing at another (``resource``).

    The key includes the source because IT Glue shows one relation from both ends
    (``is_inverse``), possibly under the same related-item id.
    """

    __tablename__ = "related_items"

    source_type: Mapped[str] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    asset_type: Mapped[str | None]
    resource_id: Mapped[int | None] = mapped_column(BigInteger)
    resource_name: Mapped[str | None]
    resource_url: Mapped[str | None]
    notes: Mapped[str | None]
    is_inverse: Mapped[bool | None]
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    synced_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_related_items_asset_type_resource_id", "asset_type", "resource_id"),
    )


class ConfigurationType(TrackedMixin, Base):
    """Lookup: configuration types (Server, Workstation…)."""

    __tablename__ = "configuration_types"

    name: Mapped[str | None]


class ConfigurationStatus(TrackedMixin, Base):
    """Lookup: configuration statuses (Active, Inactive…)."""

    __tablename__ = "configuration_statuses"

    name: Mapped[str | None]


class PasswordCategory(TrackedMixin, Base):
    """Lookup: password categories."""

    __tablename__ = "password_categories"

    name: Mapped[str | None]


# Tables whose rows belong to an organization and carry a name, looked up by both.
RECORD_MODELS: tuple[type[RecordMixin], ...] = (
    Organization,
    Configuration,
    Password,
    FlexibleAsset,
    Document,
    Contact,
    Location,
    Domain,
    Expiration,
)

for _model in RECORD_MODELS:
    _table = _model.__table__  # type: ignore[attr-defined]
    Index(
        f"ix_{_table.name}_organization_id_lower_name",
        _table.c.organization_id,
        func.lower(_table.c.name),
    )
    # An exact name over the whole account: the index above leads with the organization.
    Index(f"ix_{_table.name}_lower_name", func.lower(_table.c.name))

# Hostnames are looked up case-insensitively within an organization, like names.
Index(
    "ix_configurations_organization_id_lower_hostname",
    Configuration.organization_id,
    func.lower(Configuration.hostname),
)
Index("ix_configurations_lower_hostname", func.lower(Configuration.hostname))

# The passwords and expirations attached to a record (the graph's "held by" links).
Index("ix_passwords_resource", Password.resource_type, Password.resource_id)
Index("ix_expirations_resource", Expiration.resource_type_name, Expiration.resource_id)

# The records at a location or of a contact (the graph's attribute links, read both ways).
Index("ix_configurations_location_id", Configuration.location_id)
Index("ix_configurations_contact_id", Configuration.contact_id)
Index("ix_contacts_location_id", Contact.location_id)

# A configuration is found by an interface's name, in any case (catalog: the resolver's
# interface tier); interfaces have no organization, the join to configurations scopes them.
Index("ix_configuration_interfaces_lower_name", func.lower(ConfigurationInterface.name))
