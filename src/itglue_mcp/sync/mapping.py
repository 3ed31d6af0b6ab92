"""Turn parsed IT Glue records into store rows and search entries, secrets left behind.

The store's typed columns mirror the models' snake_case fields, so a row takes every model
field that is a column of the record's table (``columns``), plus the common bookkeeping
columns. Three things never come from a field copy: secrets (a model's ``SECRET_FIELDS`` —
password values, flexible-asset traits), which are dropped or replaced by their public part;
children (configuration interfaces, flexible asset fields, related items), which become rows of
their own tables; and the search text.

Example::

    mapped = map_page(records, columns=table_columns, secret_keys={42: {"admin-password"}})
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from itglue_mcp.itglue.models import (
    Configuration,
    Contact,
    FlexibleAsset,
    FlexibleAssetType,
    ItglueRecord,
)
from itglue_mcp.sync.text import search_body

__all__ = ["MappedPage", "SearchText", "map_page"]

# Fields that are not plain columns: the key, resolved children, and values renamed below.
_NOT_COPIED = frozenset(
    {"id", "related_items", "interfaces", "fields", "contact_emails", "contact_phones"}
)


@dataclass(frozen=True)
class SearchText:
    """Text to index for one record: its display name and its searchable body."""

    record_type: str
    record_id: int
    organization_id: int | None
    name: str
    body: str


@dataclass
class MappedPage:
    """Store rows for one page of records.

    Attributes:
        rows: one row per record for the record type's table.
        children: child table (JSON:API type) -> (parent column, rows), replacing the children
            of every record on the page (configuration interfaces, flexible asset fields).
        related_items: rows of related items carried by the page's records.
        search: search text per record.
        newest: the greatest ``updated_at`` on the page (for the checkpoint), if any.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    children: dict[str, tuple[str, list[dict[str, Any]]]] = field(default_factory=dict)
    related_items: list[dict[str, Any]] = field(default_factory=list)
    search: list[SearchText] = field(default_factory=list)
    newest: datetime | None = None


def _copy_fields(
    record: ItglueRecord, columns: Collection[str], exclude: Collection[str]
) -> dict[str, Any]:
    row: dict[str, Any] = {"id": int(record.id)}
    for name in type(record).model_fields:
        if name in columns and name != "id" and name not in exclude:
            row[name] = getattr(record, name)
    return row


def _record_row(
    record: ItglueRecord,
    columns: Collection[str],
    attributes: Mapping[str, Any],
) -> dict[str, Any]:
    secret_fields = type(record).SECRET_FIELDS
    row = _copy_fields(record, columns, _NOT_COPIED | secret_fields)
    row["name"] = record.display_name
    if "archived" in columns:
        row["archived"] = bool(getattr(record, "archived", False))
    row["attributes"] = dict(attributes)
    return row


def _related_rows(record: ItglueRecord, columns: Collection[str]) -> list[dict[str, Any]]:
    rows = []
    for item in record.related_items:
        row = _copy_fields(item, columns, _NOT_COPIED)
        row["source_type"] = record.RESOURCE_TYPE
        row["source_id"] = int(record.id)
        rows.append(row)
    return rows


def map_page(
    records: Sequence[ItglueRecord],
    *,
    columns: Mapping[str, Collection[str]],
    secret_keys: Mapping[int, Collection[str]],
) -> MappedPage:
    """Map one page of records of a single type to store rows and search texts.

    Args:
        records: parsed records, all of one model.
        columns: JSON:API type -> column names of its store table (record types, children
            ``configuration-interfaces``/``flexible-asset-fields`` and ``related-items``).
        secret_keys: flexible asset type id -> name keys of its Password-kind fields. A
            flexible asset whose type is missing here keeps no traits at all.

    Returns:
        The rows to write. No value of a ``SECRET_FIELDS`` field reaches a row.
    """
    page = MappedPage()
    for record in records:
        record_type = record.RESOURCE_TYPE
        extra_text: list[str] = []
        if isinstance(record, FlexibleAsset):
            keys = secret_keys.get(record.flexible_asset_type_id)
            attributes = record.attributes(keys)
            row = _record_row(record, columns[record_type], attributes)
            if "traits" in columns[record_type]:
                row["traits"] = attributes.get("traits", {})
        else:
            attributes = record.attributes()
            row = _record_row(record, columns[record_type], attributes)
        if isinstance(record, Configuration):
            child_columns = columns["configuration-interfaces"]
            _, rows = page.children.setdefault("configuration-interfaces", ("configuration_id", []))
            for interface in record.interfaces:
                child = _copy_fields(interface, child_columns, _NOT_COPIED)
                child["configuration_id"] = int(record.id)
                rows.append(child)
                extra_text.extend(v for v in (interface.ip_address, interface.name) if v)
        elif isinstance(record, FlexibleAssetType):
            child_columns = columns["flexible-asset-fields"]
            _, rows = page.children.setdefault(
                "flexible-asset-fields", ("flexible_asset_type_id", [])
            )
            for asset_field in record.fields:
                child = _copy_fields(asset_field, child_columns, _NOT_COPIED)
                child["flexible_asset_type_id"] = int(record.id)
                rows.append(child)
        elif isinstance(record, Contact):
            row["emails"] = [email.model_dump(by_alias=True) for email in record.contact_emails]
            row["phones"] = [phone.model_dump(by_alias=True) for phone in record.contact_phones]
        page.rows.append(row)
        page.related_items.extend(_related_rows(record, columns["related-items"]))
        page.search.append(
            SearchText(
                record_type=record_type,
                record_id=int(record.id),
                organization_id=row.get("organization_id"),
                name=record.display_name,
                body=search_body(attributes, extra_text),
            )
        )
        if record.updated_at is not None and (
            page.newest is None or record.updated_at > page.newest
        ):
            page.newest = record.updated_at
    return page
