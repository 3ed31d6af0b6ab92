"""Read side of the store for MCP tools: organizations, configurations and record counts.

Results are frozen dataclasses holding plain values (no ORM objects, nothing loads lazily
after the session closes). Records marked deleted are never returned; archived ones are,
with ``archived`` set. Name matching is case-insensitive through the database's ``lower()``
on both sides, so both dialects fold case the same way for a given text.

Example::

    [acme] = await list_organizations(session, name_contains="acme", limit=1)
    for configuration in await find_configurations(session, organization_id=acme.id, name="dc"):
        print(configuration.hostname, [i.ip_address for i in configuration.interfaces])
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Select, Table, case, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.record_types import RecordType

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "ConfigurationInterfaceView",
    "ConfigurationView",
    "OrganizationView",
    "count_records",
    "find_configurations",
    "list_organizations",
]

_View = TypeVar("_View", bound="DataclassInstance")

# LIKE escape character; not a backslash, whose quoting differs between the dialects.
_ESCAPE = "/"


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
    """A configuration with its interfaces (primary first)."""

    id: int
    organization_id: int | None
    name: str | None
    hostname: str | None
    primary_ip: str | None
    mac_address: str | None
    serial_number: str | None
    asset_tag: str | None
    configuration_type_name: str | None
    configuration_status_name: str | None
    manufacturer_name: str | None
    model_name: str | None
    operating_system_name: str | None
    location_name: str | None
    contact_name: str | None
    warranty_expires_at: date | None
    notes: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None
    interfaces: tuple[ConfigurationInterfaceView, ...] = ()


def _select_view(view: type[DataclassInstance], table: Table) -> Select[Any]:
    """SELECT of the table columns named like the view's fields."""
    return select(*(table.c[field.name] for field in fields(view) if field.name in table.c))


def _view(view: type[_View], row: Any, **extra: Any) -> _View:
    values = {
        field.name: getattr(row, field.name) for field in fields(view) if field.name in row._fields
    }
    return view(**values, **extra)


def _like_pattern(text: str, *, prefix: bool) -> ColumnElement[str]:
    """lower() of a LIKE pattern matching ``text`` literally: as a prefix, or anywhere."""
    escaped = text.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%")
    escaped = escaped.replace("_", _ESCAPE + "_")
    return func.lower(literal(escaped + "%" if prefix else "%" + escaped + "%"))


def _check_page(limit: int, offset: int = 0) -> None:
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if offset < 0:
        raise ValueError("offset must not be negative")


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
    _check_page(limit, offset)
    table = RecordType.ORGANIZATIONS.table
    statement = _select_view(OrganizationView, table).where(table.c.deleted_at.is_(None))
    if name_contains:
        pattern = _like_pattern(name_contains, prefix=False)
        statement = statement.where(func.lower(table.c.name).like(pattern, escape=_ESCAPE))
    statement = statement.order_by(func.lower(table.c.name), table.c.id)
    with translate_errors("read organizations"):
        rows = await session.execute(statement.limit(limit).offset(offset))
    return [_view(OrganizationView, row) for row in rows]


async def find_configurations(
    session: AsyncSession, *, organization_id: int, name: str, limit: int = 20
) -> list[ConfigurationView]:
    """Configurations of one organization whose name or hostname matches ``name``.

    Case is ignored. Exact matches (name or hostname) come first, then those starting with
    ``name``, then those containing it (``DC01`` finds ``NW-DC01``), each group by name.

    Args:
        session: any session.
        organization_id: the organization searched.
        name: the name or hostname, or part of it.
        limit: most configurations returned.

    Returns:
        Views carrying their interfaces (primary interface first) and ``resource_url``.

    Raises:
        ValueError: ``name`` is blank or ``limit`` below 1.
        StoreError: the database failed.
    """
    name = name.strip()
    if not name:
        raise ValueError("name must not be empty")
    _check_page(limit)
    table = RecordType.CONFIGURATIONS.table
    lowered = func.lower(literal(name))
    prefix = _like_pattern(name, prefix=True)
    anywhere = _like_pattern(name, prefix=False)
    names = (func.lower(table.c.name), func.lower(table.c.hostname))
    tier = case(
        (or_(*(column == lowered for column in names)), 0),
        (or_(*(column.like(prefix, escape=_ESCAPE) for column in names)), 1),
        else_=2,
    )
    statement = (
        _select_view(ConfigurationView, table)
        .where(
            table.c.organization_id == organization_id,
            table.c.deleted_at.is_(None),
            or_(*(column.like(anywhere, escape=_ESCAPE) for column in names)),
        )
        .order_by(tier, func.lower(table.c.name), table.c.id)
        .limit(limit)
    )
    with translate_errors("read configurations"):
        rows = (await session.execute(statement)).all()
        interfaces = await _interfaces(session, [row.id for row in rows])
    return [_view(ConfigurationView, row, interfaces=interfaces.get(row.id, ())) for row in rows]


async def _interfaces(
    session: AsyncSession, configuration_ids: list[int]
) -> dict[int, tuple[ConfigurationInterfaceView, ...]]:
    if not configuration_ids:
        return {}
    table = RecordType.CONFIGURATION_INTERFACES.table
    statement = (
        _select_view(ConfigurationInterfaceView, table)
        .add_columns(table.c.configuration_id)
        .where(table.c.configuration_id.in_(configuration_ids))
        .order_by(table.c.configuration_id, case((table.c.primary, 0), else_=1), table.c.id)
    )
    grouped: dict[int, list[ConfigurationInterfaceView]] = {}
    for row in await session.execute(statement):
        grouped.setdefault(row.configuration_id, []).append(_view(ConfigurationInterfaceView, row))
    return {key: tuple(views) for key, views in grouped.items()}


async def count_records(session: AsyncSession) -> dict[str, int]:
    """Records held per type (JSON:API type → count), excluding those marked deleted.

    Every :class:`RecordType` is present, with 0 when the store holds none.
    """
    counts = []
    for record_type in RecordType:
        table = record_type.table
        statement = select(literal(str(record_type)).label("kind"), func.count().label("n"))
        statement = statement.select_from(table)
        if record_type.tracks_deletion:
            statement = statement.where(table.c.deleted_at.is_(None))
        counts.append(statement)
    with translate_errors("count records"):
        rows = await session.execute(union_all(*counts))
    return {row.kind: row.n for row in rows}
