"""Read side of the store: organizations, configurations, record names, counts, related items.

Results are frozen dataclasses holding plain values (no ORM objects, nothing loads lazily
after the session closes). Records marked deleted are never returned; archived ones are,
with ``archived`` set. Name matching is case-insensitive through the database's ``lower()``
on both sides, so both dialects fold case the same way for a given text. Every function that
searches takes ``organization_ids``: only records of those organizations (``None``: every
organization; an empty collection: none).

The helpers (:func:`select_view`, :func:`scope`, :func:`name_match`…) are shared by the other
read modules (:mod:`.network`, :mod:`.passwords`, :mod:`.people`).

Example::

    [acme] = await list_organizations(session, name_contains="acme", limit=1)
    for configuration in await find_configurations(session, name="dc", organization_ids={acme.id}):
        print(configuration.hostname, [i.ip_address for i in configuration.interfaces])
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    Table,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.database import Dialect
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.record_types import RecordType

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "ESCAPE",
    "ConfigurationInterfaceView",
    "ConfigurationView",
    "OrganizationView",
    "RelatedItemView",
    "check_page",
    "count_records",
    "fetch_configurations",
    "fetch_prepared_configurations",
    "find_configurations",
    "get_configurations",
    "interfaces_column",
    "like_pattern",
    "list_organizations",
    "name_match",
    "record_names",
    "related_items",
    "scope",
    "scope_parameters",
    "select_configurations",
    "select_view",
    "to_view",
]

View = TypeVar("View", bound="DataclassInstance")

ESCAPE = "/"
"""LIKE escape character; not a backslash, whose quoting differs between the dialects."""

_OWNER = RecordType.ORGANIZATIONS.table.alias("owner")


@dataclass(frozen=True, slots=True)
class OrganizationView:
    """An organization as tools show it."""

    id: int
    name: str | None
    short_name: str | None
    description: str | None
    organization_type_name: str | None
    organization_status_name: str | None
    primary: bool | None
    parent_id: int | None
    quick_notes: str | None
    alert: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConfigurationInterfaceView:
    """A network interface of a configuration."""

    id: int
    name: str | None
    ip_address: str | None
    mac_address: str | None
    primary: bool | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class ConfigurationView:
    """A configuration with its interfaces (primary first) and its organization's name."""

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    hostname: str | None
    primary_ip: str | None
    default_gateway: str | None
    mac_address: str | None
    serial_number: str | None
    asset_tag: str | None
    configuration_type_name: str | None
    configuration_type_kind: str | None
    configuration_status_name: str | None
    manufacturer_name: str | None
    model_name: str | None
    operating_system_name: str | None
    location_id: int | None
    location_name: str | None
    contact_id: int | None
    contact_name: str | None
    warranty_expires_at: date | None
    notes: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None
    interfaces: tuple[ConfigurationInterfaceView, ...] = ()


@dataclass(frozen=True, slots=True)
class RelatedItemView:
    """A related item: a link from one record to another, as IT Glue shows it on the source.

    Attributes:
        record_type: JSON:API type of the linked record (``"documents"``), or IT Glue's
            ``asset-type`` as sent when it names no type the store knows.
        notes: the related item's notes (IT Glue free text: untrusted).
        is_inverse: the link was made from the other record's side.
    """

    id: int
    record_type: str
    resource_id: int | None
    resource_name: str | None
    resource_url: str | None
    notes: str | None
    is_inverse: bool | None


@functools.cache
def select_view(view: type[DataclassInstance], table: Table) -> Select[Any]:
    """SELECT of ``table``'s columns named like ``view``'s fields.

    A view with an ``organization_name`` field over a table with ``organization_id`` also
    gets its organization's name (outer join: a record whose organization is unknown keeps
    ``None``). Built once per view and table: a statement is immutable (each ``where`` makes
    a new one), and every lookup starts from one.
    """
    names = {field.name for field in fields(view)}
    statement = select(*(table.c[name] for name in names if name in table.c))
    if "organization_name" in names and "organization_id" in table.c:
        statement = statement.add_columns(_OWNER.c.name.label("organization_name"))
        statement = statement.select_from(
            table.outerjoin(_OWNER, _OWNER.c.id == table.c.organization_id)
        )
    return statement


@functools.cache
def _field_names(view: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(field.name for field in fields(view))


def to_view(view: type[View], row: Any, **extra: Any) -> View:
    """An instance of ``view`` from a row of :func:`select_view` (``extra`` fills the rest)."""
    # The row's mapping is read once: ``row._fields`` builds a new tuple on every access,
    # which dominated building thousands of views.
    mapping = row._mapping
    values = {
        name: mapping[name] for name in _field_names(view) if name in mapping and name not in extra
    }
    return view(**values, **extra)


def scope(table: Table, organization_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    """Conditions keeping records not marked deleted, of ``organization_ids`` (``None``: all)."""
    conditions: list[ColumnElement[bool]] = [table.c.deleted_at.is_(None)]
    if organization_ids is not None:
        conditions.append(table.c.organization_id.in_(sorted(set(organization_ids))))
    return conditions


def like_pattern(text: str, *, prefix: bool) -> ColumnElement[str]:
    """lower() of a LIKE pattern matching ``text`` literally: as a prefix, or anywhere."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%")
    escaped = escaped.replace("_", ESCAPE + "_")
    return func.lower(literal(escaped + "%" if prefix else "%" + escaped + "%"))


def name_match(
    columns: Sequence[ColumnElement[Any]], name: str
) -> tuple[ColumnElement[bool], ColumnElement[int]]:
    """Case-insensitive match of ``name`` against ``columns``, and its tier for ordering.

    Returns:
        ``(condition, tier)``: the condition holds when any column contains ``name``; the
        tier is 0 when a column equals it, 1 when one starts with it, 2 otherwise.
    """
    lowered = func.lower(literal(name))
    prefix, anywhere = like_pattern(name, prefix=True), like_pattern(name, prefix=False)
    folded = [func.lower(column) for column in columns]
    tier = case(
        (or_(*(column == lowered for column in folded)), 0),
        (or_(*(column.like(prefix, escape=ESCAPE) for column in folded)), 1),
        else_=2,
    )
    return or_(*(column.like(anywhere, escape=ESCAPE) for column in folded)), tier


def check_page(limit: int, offset: int = 0) -> None:
    """Refuse a page size below 1 or a negative offset (``ValueError`` naming the argument)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if offset < 0:
        raise ValueError("offset must not be negative")


def _required_name(name: str, field: str = "name") -> str:
    name = name.strip()
    if not name:
        raise ValueError(f"{field} must not be empty")
    return name


async def list_organizations(
    session: AsyncSession, *, name_contains: str | None = None, limit: int = 50, offset: int = 0
) -> list[OrganizationView]:
    """Organizations by name (case-insensitive), optionally those whose name contains text.

    Args:
        session: any session.
        name_contains: only organizations whose name contains this, ignoring case.
        limit: page size (at least 1).
        offset: organizations skipped (for paging).

    Raises:
        ValueError: ``limit`` below 1 or negative ``offset``.
        StoreError: the database failed.
    """
    check_page(limit, offset)
    table = RecordType.ORGANIZATIONS.table
    statement = select_view(OrganizationView, table).where(table.c.deleted_at.is_(None))
    if name_contains:
        pattern = like_pattern(name_contains, prefix=False)
        statement = statement.where(func.lower(table.c.name).like(pattern, escape=ESCAPE))
    statement = statement.order_by(func.lower(table.c.name), table.c.id)
    with translate_errors("read organizations"):
        rows = await session.execute(statement.limit(limit).offset(offset))
    return [to_view(OrganizationView, row) for row in rows]


def scope_parameters(table: Table, *, scoped: bool) -> list[ColumnElement[bool]]:
    """:func:`scope`'s conditions for a statement built once and run many times: when
    ``scoped``, the organizations are the expanding parameter ``organization_ids``."""
    conditions = scope(table, None)
    if scoped:
        conditions.append(
            table.c.organization_id.in_(bindparam("organization_ids", expanding=True))
        )
    return conditions


def select_configurations(organization_ids: Collection[int] | None = None) -> Select[Any]:
    """SELECT of :class:`ConfigurationView` columns, scoped (see :func:`scope`), unordered."""
    table = RecordType.CONFIGURATIONS.table
    return select_view(ConfigurationView, table).where(*scope(table, organization_ids))


async def fetch_configurations(
    session: AsyncSession, statement: Select[Any]
) -> list[ConfigurationView]:
    """Run a :func:`select_configurations` statement; views carry their interfaces.

    One statement: each configuration row brings its interfaces along (see
    :func:`interfaces_column`), so a lookup is one round trip to the database.

    Raises:
        StoreError: the database failed.
    """
    statement = statement.add_columns(interfaces_column(Dialect.of(session)))
    return await fetch_prepared_configurations(session, statement, None)


async def fetch_prepared_configurations(
    session: AsyncSession, statement: Select[Any], parameters: Mapping[str, Any] | None
) -> list[ConfigurationView]:
    """Run a configuration statement built once: a :func:`select_configurations`-like
    statement that already selects :func:`interfaces_column` for ``session``'s dialect, with
    bound parameters (see :func:`scope_parameters`).

    Args:
        session: any session.
        statement: the statement, kept and reused (its compiled form and cache key with it).
        parameters: the values of its bound parameters, by name.

    Raises:
        StoreError: the database failed.
    """
    with translate_errors("read configurations"):
        rows = (await session.execute(statement, parameters)).all()
    return [
        to_view(ConfigurationView, row, interfaces=_interface_views(row.interfaces)) for row in rows
    ]


async def find_configurations(
    session: AsyncSession,
    *,
    name: str,
    organization_ids: Collection[int] | None = None,
    limit: int = 20,
) -> list[ConfigurationView]:
    """Configurations whose name or hostname matches ``name``, ignoring case.

    Exact matches (name or hostname) come first, then those starting with ``name``, then
    those containing it (``DC01`` finds ``NW-DC01``), each group by name.

    Args:
        session: any session.
        name: the name or hostname, or part of it.
        organization_ids: organizations searched (``None``: all).
        limit: most configurations returned.

    Returns:
        Views carrying their interfaces (primary interface first) and ``resource_url``.

    Raises:
        ValueError: ``name`` is blank or ``limit`` below 1.
        StoreError: the database failed.
    """
    name = _required_name(name)
    check_page(limit)
    table = RecordType.CONFIGURATIONS.table
    matches, tier = name_match((table.c.name, table.c.hostname), name)
    statement = (
        select_configurations(organization_ids)
        .where(matches)
        .order_by(tier, func.lower(table.c.name), table.c.id)
        .limit(limit)
    )
    return await fetch_configurations(session, statement)


async def get_configurations(
    session: AsyncSession, ids: Collection[int], *, organization_ids: Collection[int] | None = None
) -> list[ConfigurationView]:
    """The configurations with these IT Glue ids (deleted or out-of-scope ones left out), by id.

    Raises:
        StoreError: the database failed.
    """
    if not ids:
        return []
    table = RecordType.CONFIGURATIONS.table
    statement = (
        select_configurations(organization_ids)
        .where(table.c.id.in_(sorted(set(ids))))
        .order_by(table.c.id)
    )
    return await fetch_configurations(session, statement)


_INTERFACE_FIELDS = ("id", "name", "ip_address", "mac_address", "primary", "notes")
"""The fields of :class:`ConfigurationInterfaceView`, in the order the JSON arrays hold them."""


@functools.cache
def interfaces_column(dialect: Dialect) -> ColumnElement[Any]:
    """A configuration row's interfaces: a JSON array of ``[id, name, ip_address,
    mac_address, primary, notes]`` arrays (correlated to the row's configuration), read by
    :func:`_interface_views`.

    Each dialect builds it with its own JSON functions (SQLite's ``json_group_array``,
    PostgreSQL's ``json_agg``, which gives NULL over no rows); the order is set in Python.
    """
    table = RecordType.CONFIGURATION_INTERFACES.table
    owner = RecordType.CONFIGURATIONS.table
    values = [table.c[name] for name in _INTERFACE_FIELDS]
    if dialect is Dialect.POSTGRESQL:
        aggregate = func.json_agg(func.json_build_array(*values))
    else:
        aggregate = func.json_group_array(func.json_array(*values))
    rows = select(aggregate).where(table.c.configuration_id == owner.c.id).scalar_subquery()
    return type_coerce(rows, JSON).label("interfaces")


def _interface_views(
    values: Sequence[Sequence[Any]] | None,
) -> tuple[ConfigurationInterfaceView, ...]:
    """Views of :func:`_interfaces_column`'s arrays, the primary interface first, then by id."""
    views = []
    for value in values or ():
        interface = dict(zip(_INTERFACE_FIELDS, value, strict=True))
        # SQLite's JSON holds a boolean column's 0 and 1.
        if interface["primary"] is not None:
            interface["primary"] = bool(interface["primary"])
        views.append(ConfigurationInterfaceView(**interface))
    views.sort(key=lambda view: (not view.primary, view.id))
    return tuple(views)


async def record_names(
    session: AsyncSession,
    record_type: RecordType,
    *,
    organization_ids: Collection[int] | None = None,
    columns: Sequence[str] = ("name",),
) -> list[str]:
    """Distinct non-empty values of ``columns`` (names, hostnames…) of a record type, sorted.

    Meant for "did you mean" suggestions when a lookup finds nothing.

    Raises:
        StoreError: the database failed or a column does not exist.
    """
    table = record_type.table
    with translate_errors(f"read {record_type} names"):
        statements = [
            select(table.c[column].label("value")).where(*scope(table, organization_ids))
            for column in columns
        ]
        rows = await session.execute(union_all(*statements))
    return sorted({row.value for row in rows if row.value})


async def count_records(
    session: AsyncSession, *, organization_ids: Collection[int] | None = None
) -> dict[str, int]:
    """Records held per type (JSON:API type → count), excluding those marked deleted.

    Args:
        session: any session.
        organization_ids: count only records of these organizations. Only record types that
            belong to an organization are then counted (an organization counts as its own).

    Returns:
        Without ``organization_ids`` every :class:`RecordType`; with it every record type
        having an organization. Types with no records count 0.

    Raises:
        StoreError: the database failed.
    """
    counts = []
    for record_type in RecordType:
        table = record_type.table
        if organization_ids is not None and "organization_id" not in table.c:
            continue
        statement = select(literal(str(record_type)).label("kind"), func.count().label("n"))
        statement = statement.select_from(table)
        if record_type.tracks_deletion:
            statement = statement.where(table.c.deleted_at.is_(None))
        if organization_ids is not None:
            statement = statement.where(table.c.organization_id.in_(sorted(set(organization_ids))))
        counts.append(statement)
    with translate_errors("count records"):
        rows = await session.execute(union_all(*counts))
    return {row.kind: row.n for row in rows}


# IT Glue's related-item ``asset-type`` values, snake case and singular, → record types.
_ASSET_TYPES = {
    "configuration": RecordType.CONFIGURATIONS,
    "contact": RecordType.CONTACTS,
    "document": RecordType.DOCUMENTS,
    "domain": RecordType.DOMAINS,
    "flexible_asset": RecordType.FLEXIBLE_ASSETS,
    "location": RecordType.LOCATIONS,
    "organization": RecordType.ORGANIZATIONS,
    "password": RecordType.PASSWORDS,
}


async def related_items(
    session: AsyncSession, record_type: RecordType, record_ids: Collection[int]
) -> dict[int, tuple[RelatedItemView, ...]]:
    """Related items carried by the given records, by source id, each group by name.

    Items pointing at a record marked deleted are left out.

    Raises:
        StoreError: the database failed.
    """
    if not record_ids:
        return {}
    table = RecordType.RELATED_ITEMS.table
    statement = (
        select(*(table.c[name] for name in ("source_id", "id", "asset_type", "resource_id")))
        .add_columns(table.c.resource_name, table.c.resource_url, table.c.notes)
        .add_columns(table.c.is_inverse)
        .where(
            table.c.source_type == str(record_type),
            table.c.source_id.in_(sorted(set(record_ids))),
        )
        .order_by(table.c.source_id, func.lower(table.c.resource_name), table.c.id)
    )
    with translate_errors("read related items"):
        rows = (await session.execute(statement)).all()
        deleted = await _deleted_targets(session, rows)
    grouped: dict[int, list[RelatedItemView]] = {}
    for row in rows:
        target = _ASSET_TYPES.get(row.asset_type or "")
        if (target, row.resource_id) in deleted:
            continue
        grouped.setdefault(row.source_id, []).append(
            RelatedItemView(
                id=row.id,
                record_type=str(target) if target else str(row.asset_type),
                resource_id=row.resource_id,
                resource_name=row.resource_name,
                resource_url=row.resource_url,
                notes=row.notes,
                is_inverse=row.is_inverse,
            )
        )
    return {key: tuple(items) for key, items in grouped.items()}


async def _deleted_targets(
    session: AsyncSession, rows: Sequence[Any]
) -> set[tuple[RecordType | None, int | None]]:
    wanted: dict[RecordType, set[int]] = {}
    for row in rows:
        target = _ASSET_TYPES.get(row.asset_type or "")
        if target is not None and row.resource_id is not None:
            wanted.setdefault(target, set()).add(row.resource_id)
    deleted: set[tuple[RecordType | None, int | None]] = set()
    for target, ids in wanted.items():
        table = target.table
        found = await session.execute(
            select(table.c.id).where(table.c.id.in_(sorted(ids)), table.c.deleted_at.is_not(None))
        )
        deleted.update((target, row.id) for row in found)
    return deleted
