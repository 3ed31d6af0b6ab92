"""The kinds of IT Glue record the store holds, named by their JSON:API type, and their tables.

One name per kind everywhere: the sync engine, search entries, related items and checkpoints
all use the JSON:API type (``"flexible-assets"``), and :class:`RecordType` maps it to its
model and table.

Example::

    RecordType("configurations").table.c.hostname
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Table

from itglue_mcp.store.errors import StoreError
from itglue_mcp.store.models import (
    Base,
    Configuration,
    ConfigurationInterface,
    ConfigurationStatus,
    ConfigurationType,
    Contact,
    Document,
    Domain,
    Expiration,
    FlexibleAsset,
    FlexibleAssetField,
    FlexibleAssetType,
    Location,
    Organization,
    Password,
    PasswordCategory,
    RelatedItem,
)

__all__ = ["RecordType", "check_columns", "scope_conditions"]


class RecordType(StrEnum):
    """A kind of IT Glue record; the value is IT Glue's JSON:API ``type``."""

    ORGANIZATIONS = "organizations"
    CONFIGURATIONS = "configurations"
    CONFIGURATION_INTERFACES = "configuration-interfaces"
    PASSWORDS = "passwords"
    FLEXIBLE_ASSET_TYPES = "flexible-asset-types"
    FLEXIBLE_ASSET_FIELDS = "flexible-asset-fields"
    FLEXIBLE_ASSETS = "flexible-assets"
    DOCUMENTS = "documents"
    CONTACTS = "contacts"
    LOCATIONS = "locations"
    DOMAINS = "domains"
    EXPIRATIONS = "expirations"
    RELATED_ITEMS = "related-items"
    CONFIGURATION_TYPES = "configuration-types"
    CONFIGURATION_STATUSES = "configuration-statuses"
    PASSWORD_CATEGORIES = "password-categories"

    @property
    def model(self) -> type[Base]:
        """The SQLAlchemy model of this kind's table."""
        return _MODELS[self]

    @property
    def table(self) -> Table:
        """The table holding records of this kind."""
        table = self.model.__table__
        assert isinstance(table, Table)  # declarative models here are all plain tables
        return table

    @property
    def tracks_deletion(self) -> bool:
        """True when records are marked deleted (``deleted_at``) rather than replaced."""
        return "deleted_at" in self.table.c

    @classmethod
    def parse(cls, value: str) -> RecordType:
        """The record type named ``value``.

        Raises:
            StoreError: ``value`` is not one of the JSON:API types above.
        """
        try:
            return cls(value)
        except ValueError:
            raise StoreError(f"unknown record type {value!r}") from None


_MODELS: dict[RecordType, type[Base]] = {
    RecordType.ORGANIZATIONS: Organization,
    RecordType.CONFIGURATIONS: Configuration,
    RecordType.CONFIGURATION_INTERFACES: ConfigurationInterface,
    RecordType.PASSWORDS: Password,
    RecordType.FLEXIBLE_ASSET_TYPES: FlexibleAssetType,
    RecordType.FLEXIBLE_ASSET_FIELDS: FlexibleAssetField,
    RecordType.FLEXIBLE_ASSETS: FlexibleAsset,
    RecordType.DOCUMENTS: Document,
    RecordType.CONTACTS: Contact,
    RecordType.LOCATIONS: Location,
    RecordType.DOMAINS: Domain,
    RecordType.EXPIRATIONS: Expiration,
    RecordType.RELATED_ITEMS: RelatedItem,
    RecordType.CONFIGURATION_TYPES: ConfigurationType,
    RecordType.CONFIGURATION_STATUSES: ConfigurationStatus,
    RecordType.PASSWORD_CATEGORIES: PasswordCategory,
}


def check_columns(record_type: RecordType, names: Collection[str]) -> None:
    """Refuse column names the record type's table does not have.

    Raises:
        StoreError: naming the first unknown column (sorted) and the record type.
    """
    unknown = sorted(set(names) - set(record_type.table.c.keys()))
    if unknown:
        raise StoreError(f"{record_type}: unknown column {unknown[0]!r}")


def scope_conditions(
    record_type: RecordType,
    *,
    organization_id: int | None = None,
    where: Mapping[str, Any] | None = None,
) -> list[ColumnElement[bool]]:
    """Equality conditions restricting a statement to one organization and/or column values.

    Args:
        record_type: whose table the conditions apply to.
        organization_id: only records of this organization (``None``: all).
        where: column name → required value (``None`` means IS NULL).

    Raises:
        StoreError: a column of ``where`` does not exist, or ``organization_id`` was given
            for a type that has no organization.
    """
    table = record_type.table
    conditions: list[ColumnElement[bool]] = []
    if organization_id is not None:
        if "organization_id" not in table.c:
            raise StoreError(f"{record_type}: records have no organization_id")
        conditions.append(table.c.organization_id == organization_id)
    if where:
        check_columns(record_type, where.keys())
        conditions.extend(
            table.c[name].is_(None) if value is None else table.c[name] == value
            for name, value in where.items()
        )
    return conditions
