"""Contacts and locations (:func:`find_contacts`, :func:`find_locations`), and an
organization's profile (its places, key people and counts).

Example::

    async with catalog.reading() as session:
        profile = await organization_profile(session, scope, acme.id)
    profile.locations[0].city, profile.record_counts["configurations"]
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.store.people import (
    ContactPoint,
    ContactView,
    LocationView,
    find_contacts,
    find_locations,
)
from itglue_mcp.store.queries import count_records

__all__ = [
    "ContactPoint",
    "ContactView",
    "LocationView",
    "OrganizationProfile",
    "find_contacts",
    "find_locations",
    "organization_profile",
]


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
