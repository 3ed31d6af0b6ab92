"""Configurations (devices) and their interfaces: the one resolver of a configuration reference.

A technician names a device by its IT Glue id, its name or hostname (a fully qualified name also
matches its first label), its MAC address, its serial number, or a part of its name. Every tool
and question handler resolves such a reference with :func:`resolve_configurations`, which tries
the tiers in this order and stops at the first that finds anything:

1. **id** — digits that are the IT Glue id of a configuration in scope;
2. **exact** — name or hostname equal to the reference (case ignored);
3. **mac** — a MAC address in any usual form, on the configuration or one of its interfaces;
4. **serial** — the serial number, case and outer spaces ignored;
5. **partial** — names or hostnames containing the reference (exact ones first).

When nothing matches, :func:`configuration_not_found` builds the error with close names from the
one suggester (:mod:`itglue_mcp.suggest`).

Example::

    found = await resolve_configurations(session, "acme-fw01", organization_ids=[7], limit=10)
    found.matched_by, [view.name for view in found.views]     # ('exact', ['ACME-FW01'])
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import CitedRecord, SourceRecord, cited_record, source_of
from itglue_mcp.catalog.errors import RecordNotFound
from itglue_mcp.catalog.ids import parse_id
from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.store.citations import cite_records
from itglue_mcp.store.network import (
    configurations_by_hostname,
    configurations_by_mac,
    configurations_by_serial,
    normalize_mac,
)
from itglue_mcp.store.queries import (
    ConfigurationInterfaceView,
    ConfigurationView,
    RelatedItemView,
    find_configurations,
    get_configurations,
    record_names,
    related_items,
)
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.suggest import closest, suggestion_hint

__all__ = [
    "ConfigurationInterfaceView",
    "ConfigurationMatch",
    "ConfigurationView",
    "MatchedBy",
    "RelatedItemView",
    "configuration_cited",
    "configuration_names",
    "configuration_not_found",
    "configuration_source",
    "readable_related_items",
    "resolve_configurations",
]

MatchedBy = Literal["id", "exact", "mac", "serial", "partial", "none"]


@dataclass(frozen=True, slots=True)
class ConfigurationMatch:
    """The configurations a reference names, and which tier found them.

    Attributes:
        views: the configurations found (at most the requested limit), best first.
        matched_by: the tier that found them (``none``: nothing matched).
    """

    views: list[ConfigurationView]
    matched_by: MatchedBy

    @property
    def exact(self) -> bool:
        """Whether the reference named these configurations exactly (not a part of a name)."""
        return self.matched_by in ("id", "exact", "mac", "serial")


def configuration_source(view: ConfigurationView) -> SourceRecord:
    """The citation of a configuration, as tools return it."""
    return source_of("configurations", view)


def configuration_cited(view: ConfigurationView) -> CitedRecord:
    """The citation of a configuration, as hints and listings carry it."""
    return cited_record("configurations", view)


async def resolve_configurations(
    session: AsyncSession,
    reference: str,
    *,
    organization_ids: Collection[int] | None,
    limit: int,
) -> ConfigurationMatch:
    """The configurations ``reference`` names within ``organization_ids`` (see the module).

    Args:
        session: a session on the store.
        reference: an IT Glue id, name, hostname, MAC address, serial number or part of a name.
        organization_ids: organizations searched (``None``: all; empty: none).
        limit: most configurations returned per tier (at least 1).

    Raises:
        ValueError: ``reference`` is blank, or ``limit`` below 1.
        StoreError: the store failed.
    """
    reference = reference.strip()
    if not reference:
        raise ValueError("name: must not be empty")
    if (configuration_id := parse_id(reference)) is not None:
        by_id = await get_configurations(
            session, [configuration_id], organization_ids=organization_ids
        )
        if by_id:
            return ConfigurationMatch(by_id, "id")
    exact = await configurations_by_hostname(
        session, reference, organization_ids=organization_ids, limit=limit
    )
    if exact:
        return ConfigurationMatch(exact, "exact")
    if normalize_mac(reference) is not None:
        by_mac = await configurations_by_mac(
            session, reference, organization_ids=organization_ids, limit=limit
        )
        if by_mac:
            return ConfigurationMatch(by_mac, "mac")
    by_serial = await configurations_by_serial(
        session, reference, organization_ids=organization_ids, limit=limit
    )
    if by_serial:
        return ConfigurationMatch(by_serial, "serial")
    partial = await find_configurations(
        session, name=reference, organization_ids=organization_ids, limit=limit
    )
    return ConfigurationMatch(partial, "partial" if partial else "none")


async def configuration_names(
    session: AsyncSession, organization_ids: Collection[int] | None
) -> list[str]:
    """The names and hostnames of the live configurations in scope: what a close-names
    suggestion for a configuration reference chooses from.

    Raises:
        StoreError: the store failed.
    """
    return await record_names(
        session,
        RecordType.CONFIGURATIONS,
        organization_ids=organization_ids,
        columns=("name", "hostname"),
    )


async def configuration_not_found(
    session: AsyncSession,
    reference: str,
    organization_ids: Collection[int] | None,
    *,
    field: str,
    where: str,
) -> RecordNotFound:
    """The error for a configuration reference that named nothing, offering close names.

    Args:
        session: a session on the store.
        reference: what the caller typed.
        organization_ids: the scope searched (suggestions come from it only).
        field: the argument the reference came in (named first in the message).
        where: the scope in words ("of Acme", "in any organization").

    Raises:
        StoreError: the store failed.
    """
    names = await configuration_names(session, organization_ids)
    return RecordNotFound(
        f"{field}: no configuration {where} is named {reference!r}"
        + suggestion_hint(closest(reference, names))
    )


async def readable_related_items(
    session: AsyncSession, configuration_ids: Collection[int], scope: ReadScope
) -> Mapping[int, tuple[RelatedItemView, ...]]:
    """The related items of these configurations that the caller may see, by configuration.

    A related item of a hidden record type is left out, and so is one whose record belongs to
    an organization the caller may not read or is not stored (its organization is unknown).

    Raises:
        StoreError: the store failed.
    """
    links = await related_items(session, RecordType.CONFIGURATIONS, list(configuration_ids))
    links = {
        source: tuple(item for item in items if scope.may_see(item.record_type))
        for source, items in links.items()
    }
    if scope.readable is None:
        return links
    keys = {(item.record_type, item.resource_id) for items in links.values() for item in items}
    cited = await cite_records(session, [(kind, rid) for kind, rid in keys if rid is not None])

    def readable(item: RelatedItemView) -> bool:
        record = cited.get((item.record_type, item.resource_id or 0))
        return (
            record is not None
            and record.organization_id is not None
            and scope.may_read(record.organization_id)
        )

    return {source: tuple(filter(readable, items)) for source, items in links.items()}
