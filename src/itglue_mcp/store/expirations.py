"""Read side of IT Glue's expirations: what falls due in a date window, with the record it is of.

IT Glue computes expirations itself (``GET /expirations``): one per configuration warranty,
per domain registration and per filled date field of a flexible asset that tracks expiry (an
SSL certificate's expiry, a licence's renewal date). They are the one source read here: the
domains' ``expires_on`` and the configurations' ``warranty_expires_at`` columns hold the same
dates and IT Glue already turned each into an expiration, so reading them too would list
every domain and warranty twice. (IT Glue leaves out the warranties of archived
configurations; so does this module, by reading only expirations.)

The kind of an expiration (:class:`ExpirationKind`, the words of the query lexicon) is read
from IT Glue's ``resource_type_name`` and ``description``, in the database, so filtering by
kind and paging agree. Expirations whose record is marked deleted are left out, like deleted
expirations.

Example::

    page = await list_expirations(session, start=date(2026, 11, 1), end=date(2026, 11, 30),
                                  kinds={ExpirationKind.SSL_CERTIFICATE}, organization_ids={7})
    for expiration in page.expirations:
        print(expiration.expiration_date, expiration.resource_name, expiration.resource)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.record_types import RecordType

__all__ = [
    "RESOURCE_TYPE_NAMES",
    "ExpirationKind",
    "ExpirationPage",
    "ExpirationView",
    "ExpiringRecord",
    "kind_expression",
    "list_expirations",
    "resource_not_deleted",
    "resource_record_type",
]

RESOURCE_TYPE_NAMES: Mapping[str, tuple[str, ...]] = {
    "configurations": ("Configuration",),
    "flexible-assets": ("FlexibleAsset", "Flexible Asset"),
    "documents": ("Document",),
    "contacts": ("Contact",),
    "locations": ("Location",),
    "domains": ("Domain",),
    "passwords": ("Password",),
}
"""JSON:API type → the names IT Glue gives that type in ``resource-type-name`` (expirations)
and ``resource-type`` (passwords): the class name, or its spaced form as the web app shows it.
"""

_RECORD_TYPE_OF_NAME = {name: key for key, names in RESOURCE_TYPE_NAMES.items() for name in names}


def resource_record_type(name: str | None) -> str | None:
    """The JSON:API type of an IT Glue resource type name (``"Configuration"``), or ``None``."""
    return None if name is None else _RECORD_TYPE_OF_NAME.get(name)


class ExpirationKind(StrEnum):
    """What expires; the values are the expiration kinds of :mod:`itglue_mcp.query.lexicon`."""

    WARRANTY = "warranty"
    SSL_CERTIFICATE = "ssl certificate"
    DOMAIN = "domain"
    LICENSE = "license"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ExpiringRecord:
    """The record an expiration is of, as the store holds it (same organization)."""

    record_type: str
    id: int
    name: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExpirationView:
    """One expiration.

    Attributes:
        kind: what expires (:class:`ExpirationKind` value).
        description: IT Glue's description, e.g. ``Warranty expiration`` (free text).
        resource_type_name, resource_id, resource_name: the expiring record as IT Glue
            names it in the expiration.
        resource: that record as the store holds it; ``None`` when the store does not hold
            it (a type it does not sync, or not synced yet).
    """

    id: int
    organization_id: int | None
    organization_name: str | None
    kind: str
    description: str | None
    expiration_date: date | None
    resource_type_name: str | None
    resource_id: int | None
    resource_name: str | None
    resource_url: str | None
    updated_at: datetime | None
    resource: ExpiringRecord | None


@dataclass(frozen=True, slots=True)
class ExpirationPage:
    """A page of expirations in date order, and how many match in all."""

    expirations: tuple[ExpirationView, ...]
    total: int


def kind_expression() -> ColumnElement[str]:
    """SQL CASE giving each expiration's :class:`ExpirationKind` value: the one home of the
    kind rule (list_expirations and the compliance checks both read it)."""
    table = RecordType.EXPIRATIONS.table
    type_name = func.lower(func.coalesce(table.c.resource_type_name, ""))
    words = func.lower(
        func.coalesce(table.c.resource_type_name, "")
        + literal(" ")
        + func.coalesce(table.c.description, "")
    )

    def mentions(*fragments: str) -> ColumnElement[bool]:
        return or_(*(words.like(f"%{fragment}%") for fragment in fragments))

    return case(
        (type_name == "domain", literal(ExpirationKind.DOMAIN.value)),
        (
            or_(type_name == "configuration", mentions("warrant")),
            literal(ExpirationKind.WARRANTY.value),
        ),
        (mentions("ssl", "tls", "certificate"), literal(ExpirationKind.SSL_CERTIFICATE.value)),
        (mentions("licen", "subscription"), literal(ExpirationKind.LICENSE.value)),
        else_=literal(ExpirationKind.OTHER.value),
    )


def resource_not_deleted() -> ColumnElement[bool]:
    """SQL condition on an expiration: the record it expires is not marked deleted (or is
    not held at all). Every reader of expirations applies it."""
    table = RecordType.EXPIRATIONS.table
    conditions = []
    for record_type, names in RESOURCE_TYPE_NAMES.items():
        resource = RecordType(record_type).table
        deleted = exists().where(
            resource.c.id == table.c.resource_id, resource.c.deleted_at.is_not(None)
        )
        conditions.append(or_(table.c.resource_type_name.not_in(names), ~deleted))
    return and_(*conditions)


def _filters(
    start: date | None,
    end: date | None,
    kinds: Collection[str] | None,
    organization_ids: Collection[int] | None,
    kind: ColumnElement[str],
) -> list[ColumnElement[bool]]:
    table = RecordType.EXPIRATIONS.table
    conditions: list[ColumnElement[bool]] = [
        table.c.deleted_at.is_(None),
        table.c.expiration_date.is_not(None),
        resource_not_deleted(),
    ]
    if start is not None:
        conditions.append(table.c.expiration_date >= start)
    if end is not None:
        conditions.append(table.c.expiration_date <= end)
    if kinds is not None:
        conditions.append(kind.in_([ExpirationKind(value).value for value in kinds]))
    if organization_ids is not None:
        conditions.append(table.c.organization_id.in_(list(organization_ids)))
    return conditions


async def list_expirations(
    session: AsyncSession,
    *,
    start: date | None = None,
    end: date | None = None,
    kinds: Collection[str] | None = None,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ExpirationPage:
    """Expirations dated from ``start`` to ``end`` (both inclusive), soonest first.

    Args:
        session: any session.
        start: earliest expiration date (``None``: no lower bound, every past one too).
        end: latest expiration date (``None``: no upper bound).
        kinds: only these kinds (:class:`ExpirationKind` values; ``None``: every kind).
        organization_ids: only these organizations (``None``: every organization).
        limit: page size (at least 1).
        offset: expirations skipped (for paging).

    Returns:
        The page (by date, then id) with each expiring record the store holds, and the
        number of expirations matching in all.

    Raises:
        ValueError: ``end`` before ``start``, a kind that is not an :class:`ExpirationKind`,
            ``limit`` below 1 or a negative ``offset`` (each naming the field).
        StoreError: the database failed.
    """
    if start is not None and end is not None and end < start:
        raise ValueError(f"end: {end} is before start {start}")
    if limit < 1:
        raise ValueError("limit: must be at least 1")
    if offset < 0:
        raise ValueError("offset: must not be negative")
    for value in kinds or ():
        if value not in ExpirationKind._value2member_map_:
            choices = ", ".join(kind.value for kind in ExpirationKind)
            raise ValueError(f"kind: {value!r} is not one of {choices}")
    table = RecordType.EXPIRATIONS.table
    organizations = RecordType.ORGANIZATIONS.table
    kind = kind_expression()
    conditions = _filters(start, end, kinds, organization_ids, kind)
    statement = (
        select(
            table.c.id,
            table.c.organization_id,
            organizations.c.name.label("organization_name"),
            kind.label("kind"),
            table.c.description,
            table.c.expiration_date,
            table.c.resource_type_name,
            table.c.resource_id,
            table.c.resource_name,
            table.c.resource_url,
            table.c.updated_at,
        )
        .select_from(table.outerjoin(organizations, organizations.c.id == table.c.organization_id))
        .where(*conditions)
        .order_by(table.c.expiration_date, table.c.id)
        .limit(limit)
        .offset(offset)
    )
    count = select(func.count()).select_from(table).where(*conditions)
    with translate_errors("read expirations"):
        rows = (await session.execute(statement)).all()
        total = (await session.execute(count)).scalar_one()
        resources = await _resources(session, rows)
    views = tuple(
        ExpirationView(
            **{name: getattr(row, name) for name in row._fields},
            resource=resources.get((resource_record_type(row.resource_type_name), row.resource_id)),
        )
        for row in rows
    )
    return ExpirationPage(expirations=views, total=total)


async def _resources(
    session: AsyncSession, rows: Collection[Any]
) -> dict[tuple[str | None, int | None], ExpiringRecord]:
    """The expiring records of ``rows`` that the store holds, not deleted, by (type, id)."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        record_type = resource_record_type(row.resource_type_name)
        if record_type is not None and row.resource_id is not None:
            wanted.setdefault(record_type, set()).add(row.resource_id)
    found: dict[tuple[str | None, int | None], ExpiringRecord] = {}
    for record_type, ids in wanted.items():
        table = RecordType(record_type).table
        statement = select(
            table.c.id, table.c.name, table.c.archived, table.c.resource_url, table.c.updated_at
        ).where(table.c.id.in_(sorted(ids)), table.c.deleted_at.is_(None))
        for row in await session.execute(statement):
            found[(record_type, row.id)] = ExpiringRecord(
                record_type=record_type,
                id=row.id,
                name=row.name,
                archived=row.archived,
                resource_url=row.resource_url,
                updated_at=row.updated_at,
            )
    return found
