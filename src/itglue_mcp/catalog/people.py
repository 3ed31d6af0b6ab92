"""Contacts (people at an organization) and locations (its sites), and an organization's
profile (its places, key people and counts).

IT Glue has no "primary contact" field: the contacts an MSP marks ``important`` are the ones
to call first (an approver, the on-site IT contact), and ``contact_type_name`` says what each
person is to the MSP ("Approver", "IT Contact", "Vendor"…). A location's ``primary`` flag
marks the headquarters. Records marked deleted are never returned.

Example::

    approvers = await find_contacts(session, important=True, organization_ids={7})
    [hq] = await find_locations(session, primary=True, organization_ids={7})
    listing = await list_locations(session, scope, limit=25)   # every readable organization
    listing.configurations[hq.id], listing.contacts[hq.id]
    profile = await organization_profile(session, scope, 7)
    profile.locations[0].city, profile.record_counts["configurations"]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.queries import (
    ESCAPE,
    check_page,
    count_records,
    like_pattern,
    name_match,
    scope,
    select_view,
    to_view,
)
from itglue_mcp.store.record_types import RecordType

__all__ = [
    "ContactPoint",
    "ContactView",
    "LocationListing",
    "LocationView",
    "OrganizationProfile",
    "PostalAddress",
    "find_contacts",
    "find_locations",
    "list_locations",
    "organization_profile",
    "postal_address",
]


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """One e-mail address or phone number of a contact (IT Glue contact-emails/-phones)."""

    value: str | None
    label_name: str | None
    primary: bool | None
    extension: str | None = None


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact; ``notes`` is IT Glue free text (untrusted)."""

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    first_name: str | None
    last_name: str | None
    title: str | None
    contact_type_name: str | None
    important: bool | None
    location_id: int | None
    location_name: str | None
    notes: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None
    emails: tuple[ContactPoint, ...] = ()
    phones: tuple[ContactPoint, ...] = ()


@dataclass(frozen=True, slots=True)
class LocationView:
    """A location (site); ``notes`` is IT Glue free text (untrusted)."""

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    primary: bool | None
    address_1: str | None
    address_2: str | None
    city: str | None
    postal_code: str | None
    region_name: str | None
    country_name: str | None
    phone: str | None
    notes: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None


class PostalAddress(Protocol):
    """A location's address fields as IT Glue names them (a :class:`LocationView` fits)."""

    @property
    def address_1(self) -> str | None:
        """First street line."""

    @property
    def address_2(self) -> str | None:
        """Second street line."""

    @property
    def city(self) -> str | None:
        """City."""

    @property
    def region_name(self) -> str | None:
        """State, province or region."""

    @property
    def postal_code(self) -> str | None:
        """Postal code."""

    @property
    def country_name(self) -> str | None:
        """Country."""


def postal_address(place: PostalAddress) -> str:
    """``place``'s address on one line, the recorded parts in IT Glue's order joined by ", "
    (``""`` when none is recorded)."""
    parts = (
        place.address_1,
        place.address_2,
        place.city,
        place.region_name,
        place.postal_code,
        place.country_name,
    )
    return ", ".join(part for part in parts if part)


def _points(items: Sequence[Mapping[str, Any]] | None) -> tuple[ContactPoint, ...]:
    """Contact points as stored (IT Glue's kebab-case keys), primary first."""
    points = [
        ContactPoint(
            value=item.get("value"),
            label_name=item.get("label-name"),
            primary=item.get("primary"),
            extension=item.get("extension"),
        )
        for item in items or ()
    ]
    return tuple(sorted(points, key=lambda point: not point.primary))


def _first(flag: ColumnElement[Any]) -> ColumnElement[int]:
    """Order key putting rows whose flag is true first (NULL counts as false)."""
    return case((flag.is_(True), 0), else_=1)


async def find_contacts(
    session: AsyncSession,
    *,
    name: str | None = None,
    role: str | None = None,
    important: bool | None = None,
    organization_ids: Collection[int] | None = None,
    limit: int = 20,
) -> list[ContactView]:
    """Contacts by name, role and/or importance; important ones first, then by name.

    Args:
        session: any session.
        name: the contact's name or part of it (exact matches first), ignoring case.
        role: text the contact's title or contact type contains ("owner", "IT Contact").
        important: only contacts marked important (``True``) or not (``False``).
        organization_ids: organizations searched (``None``: all).
        limit: most contacts returned.

    Raises:
        ValueError: ``name`` or ``role`` blank, or ``limit`` below 1.
        StoreError: the database failed.
    """
    check_page(limit)
    table = RecordType.CONTACTS.table
    statement = select_view(ContactView, table).add_columns(table.c.emails, table.c.phones)
    statement = statement.where(*scope(table, organization_ids))
    order: list[ColumnElement[Any]] = []
    if name is not None:
        if not name.strip():
            raise ValueError("name must not be empty")
        matches, tier = name_match((table.c.name,), name.strip())
        statement = statement.where(matches)
        order.append(tier)
    if role is not None:
        if not role.strip():
            raise ValueError("role must not be empty")
        pattern = like_pattern(role.strip(), prefix=False)
        statement = statement.where(
            or_(
                func.lower(table.c.title).like(pattern, escape=ESCAPE),
                func.lower(table.c.contact_type_name).like(pattern, escape=ESCAPE),
            )
        )
    if important is not None:
        statement = statement.where(
            table.c.important.is_(True) if important else table.c.important.is_not(True)
        )
    statement = statement.order_by(
        *order, _first(table.c.important), table.c.archived, func.lower(table.c.name), table.c.id
    )
    with translate_errors("read contacts"):
        rows = await session.execute(statement.limit(limit))
    return [
        to_view(ContactView, row, emails=_points(row.emails), phones=_points(row.phones))
        for row in rows
    ]


async def find_locations(
    session: AsyncSession,
    *,
    name: str | None = None,
    primary: bool | None = None,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
    by_organization: bool = False,
) -> list[LocationView]:
    """Locations by name or city, optionally only the primary one; primary first, then by name.

    Args:
        session: any session.
        name: the location's name or city, or part of it (exact matches first).
        primary: only primary locations (``True``) or only the others (``False``).
        organization_ids: organizations searched (``None``: all).
        limit: most locations returned.
        by_organization: group by organization name first (a listing across organizations).

    Raises:
        ValueError: ``name`` blank or ``limit`` below 1.
        StoreError: the database failed.
    """
    check_page(limit)
    table = RecordType.LOCATIONS.table
    statement = select_view(LocationView, table).where(*scope(table, organization_ids))
    order: list[ColumnElement[Any]] = []
    if name is not None:
        if not name.strip():
            raise ValueError("name must not be empty")
        matches, tier = name_match((table.c.name, table.c.city), name.strip())
        statement = statement.where(matches)
        order.append(tier)
    if primary is not None:
        statement = statement.where(
            table.c.primary.is_(True) if primary else table.c.primary.is_not(True)
        )
    if by_organization:
        order += [
            func.lower(statement.selected_columns.organization_name),
            table.c.organization_id,
        ]
    statement = statement.order_by(
        *order, _first(table.c.primary), table.c.archived, func.lower(table.c.name), table.c.id
    )
    with translate_errors("read locations"):
        rows = await session.execute(statement.limit(limit))
    return [to_view(LocationView, row) for row in rows]


@dataclass(frozen=True, slots=True)
class LocationListing:
    """A page of locations and what IT Glue records at each.

    Attributes:
        locations: by organization name, then primary first, then by name.
        total: locations in the scope (the page holds the first ``limit``).
        configurations: configurations per location id (``None``: the type is hidden from
            the caller, not counted). A location with none is absent from the mapping.
        contacts: contacts per location id, as ``configurations``.
    """

    locations: list[LocationView]
    total: int
    configurations: dict[int, int] | None
    contacts: dict[int, int] | None


async def _count_locations(session: AsyncSession, organization_ids: list[int] | None) -> int:
    table = RecordType.LOCATIONS.table
    statement = select(func.count()).select_from(table).where(*scope(table, organization_ids))
    with translate_errors("count locations"):
        return int((await session.execute(statement)).scalar_one())


async def _records_at(
    session: AsyncSession,
    record_type: RecordType,
    location_ids: list[int],
    organization_ids: list[int] | None,
) -> dict[int, int]:
    """Records of ``record_type`` (not marked deleted, archived ones included) per location,
    in one grouped query (IT Glue's ``location-id`` of a configuration or contact)."""
    if not location_ids:
        return {}
    table = record_type.table
    statement = (
        select(table.c.location_id, func.count().label("n"))
        .where(*scope(table, organization_ids), table.c.location_id.in_(location_ids))
        .group_by(table.c.location_id)
    )
    with translate_errors(f"count {record_type} per location"):
        rows = await session.execute(statement)
    return {row.location_id: row.n for row in rows}


async def list_locations(session: AsyncSession, scope: ReadScope, *, limit: int) -> LocationListing:
    """The locations of ``scope`` (its named organization, else every readable one), with
    how many configurations and contacts each has: at most four queries (the page, the total
    when the page is full, one grouped count per record type), whatever the number of
    locations.

    A record type hidden from the caller is neither read nor counted; with locations hidden
    the listing is empty.

    Raises:
        ValueError: ``limit`` below 1.
        StoreError: the store failed.
    """
    check_page(limit)
    if not scope.may_see("locations"):
        return LocationListing(locations=[], total=0, configurations=None, contacts=None)
    ids = scope.organization_ids
    locations = await find_locations(
        session, organization_ids=ids, limit=limit, by_organization=True
    )
    total = len(locations)
    if total == limit:
        total = await _count_locations(session, ids)
    shown = [view.id for view in locations]
    counts = {
        kind: await _records_at(session, kind, shown, ids) if scope.may_see(kind) else None
        for kind in (RecordType.CONFIGURATIONS, RecordType.CONTACTS)
    }
    return LocationListing(
        locations=locations,
        total=total,
        configurations=counts[RecordType.CONFIGURATIONS],
        contacts=counts[RecordType.CONTACTS],
    )


@dataclass(frozen=True, slots=True)
class OrganizationProfile:
    """What ``get_organization`` shows besides the organization itself.

    Attributes:
        locations: its locations, primary first (at most the requested number).
        contacts: its contacts marked important (at most the requested number).
        record_counts: records per JSON:API type the caller may see (types with none: 0).
        truncated: more locations or contacts exist than returned.
    """

    locations: list[LocationView]
    contacts: list[ContactView]
    record_counts: dict[str, int]
    truncated: bool


async def organization_profile(
    session: AsyncSession,
    scope: ReadScope,
    organization_id: int,
    *,
    max_locations: int = 25,
    max_contacts: int = 10,
) -> OrganizationProfile:
    """The locations, important contacts and record counts of one readable organization;
    record types hidden from the caller are neither read nor counted.

    Raises:
        StoreError: the store failed.
    """
    ids = [organization_id] if scope.may_read(organization_id) else []
    locations = (
        await find_locations(session, organization_ids=ids, limit=max_locations + 1)
        if scope.may_see("locations")
        else []
    )
    contacts = (
        await find_contacts(session, important=True, organization_ids=ids, limit=max_contacts + 1)
        if scope.may_see("contacts")
        else []
    )
    counts = await count_records(session, organization_ids=ids)
    return OrganizationProfile(
        locations=locations[:max_locations],
        contacts=contacts[:max_contacts],
        record_counts={kind: n for kind, n in counts.items() if scope.may_see(kind)},
        truncated=len(locations) > max_locations or len(contacts) > max_contacts,
    )
