"""Configurations (devices) and their interfaces: the one resolver of a configuration reference.

A technician names a device by its IT Glue id, its name or hostname (a fully qualified name also
matches its first label), an IP address, its MAC address, its serial number, one of its
interfaces ("iDRAC", or "ACME-HV01 iDRAC" with the device), or a part of its name. Every tool
and question handler resolves such a reference with :func:`resolve_configurations`, which tries
the tiers in this order and stops at the first that finds anything:

1. **id** — digits that are the IT Glue id of a configuration in scope;
2. **exact** — name or hostname equal to the reference (case ignored);
3. **ip** — an IP address: the primary IP, or the IP of one of its interfaces;
4. **mac** — a MAC address in any usual form, on the configuration or one of its interfaces;
5. **serial** — the serial number, case and outer spaces ignored;
6. **interface** — an interface's name, alone or with its configuration's name or a whole part
   of it, before or after it ("HV01 idrac", "idrac of ACME-HV01"); see
   :func:`~itglue_mcp.store.interfaces.configurations_by_interface` for names such as
   ``igc0 (WAN)`` and for the ranking (the device named exactly beats an interface alone);
7. **partial** — names or hostnames containing the reference (exact ones first).

An exact configuration name therefore always beats an interface of the same name. The match
says, per configuration, which interface the reference named (tiers ip, mac and interface), so
tools and answers can show it.

When nothing matches, :func:`configuration_not_found` builds the error with close names from the
one suggester (:mod:`itglue_mcp.suggest`).

Example::

    found = await resolve_configurations(session, "acme-hv01 idrac", organization_ids=[7], limit=10)
    found.matched_by, [view.name for view in found.views]     # ('interface', ['ACME-HV01'])
    found.interface_of(found.views[0]).name                    # 'iDRAC'
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.catalog.errors import RecordNotFound
from itglue_mcp.catalog.ids import parse_id
from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.store.citations import cite_records
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.interfaces import configurations_by_interface, interface_for_mac
from itglue_mcp.store.network import (
    configurations_by_hostname,
    configurations_by_mac,
    configurations_by_serial,
    configurations_in_network,
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
    "configuration_names",
    "configuration_not_found",
    "configuration_source",
    "interface_references",
    "operating_system_names",
    "readable_related_items",
    "resolve_configurations",
]

MatchedBy = Literal["id", "exact", "ip", "mac", "serial", "interface", "partial", "none"]

# Words joining an interface's name to its device's ("idrac of HV01", "HV01's iDRAC"), left
# out of the device's name; and the most words a reference naming both may have.
_JOINING = frozenset({"the", "of", "on", "at", "for", "interface"})
_POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)
_MAX_WORDS = 6


@dataclass(frozen=True, slots=True)
class ConfigurationMatch:
    """The configurations a reference names, which tier found them, and through which interface.

    Attributes:
        views: the configurations found (at most the requested limit), best first.
        matched_by: the tier that found them (``none``: nothing matched).
        interfaces: configuration id → the interface the reference named (its name, IP or
            MAC address); configurations found otherwise have none.
    """

    views: list[ConfigurationView]
    matched_by: MatchedBy
    interfaces: Mapping[int, ConfigurationInterfaceView] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        """Whether the reference named these configurations exactly (not a part of a name).

        An interface match is exact: the interface's name was given, and its configuration's
        name (when given too) exactly or as a whole part.
        """
        return self.matched_by in ("id", "exact", "ip", "mac", "serial", "interface")

    def interface_of(self, view: ConfigurationView) -> ConfigurationInterfaceView | None:
        """The interface of ``view`` the reference named, if it named one."""
        return self.interfaces.get(view.id)


def configuration_source(view: ConfigurationView) -> SourceRecord:
    """The citation of a configuration, as tools return it."""
    return source_of("configurations", view)


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
        reference: an IT Glue id, name, hostname, IP address, MAC address, serial number,
            interface name (with or without its configuration's) or part of a name.
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
    if (address := _ip_address(reference)) is not None:
        held = await configurations_in_network(
            session, ipaddress.ip_network(address), organization_ids=organization_ids, limit=limit
        )
        if held:
            views = [match.configuration for match in held]
            named = {m.configuration.id: m.interfaces[0] for m in held if m.interfaces}
            return ConfigurationMatch(views, "ip", named)
    if normalize_mac(reference) is not None:
        by_mac = await configurations_by_mac(
            session, reference, organization_ids=organization_ids, limit=limit
        )
        if by_mac:
            on_interface = {v.id: i for v in by_mac if (i := interface_for_mac(v, reference))}
            return ConfigurationMatch(by_mac, "mac", on_interface)
    by_serial = await configurations_by_serial(
        session, reference, organization_ids=organization_ids, limit=limit
    )
    if by_serial:
        return ConfigurationMatch(by_serial, "serial")
    splits = interface_references(reference)
    if splits:
        by_interface = await configurations_by_interface(
            session, splits, organization_ids=organization_ids, limit=limit
        )
        if by_interface:
            views = [match.configuration for match in by_interface]
            named = {match.configuration.id: match.interface for match in by_interface}
            return ConfigurationMatch(views, "interface", named)
    partial = await find_configurations(
        session, name=reference, organization_ids=organization_ids, limit=limit
    )
    return ConfigurationMatch(partial, "partial" if partial else "none")


def _ip_address(reference: str) -> str | None:
    """The IP address ``reference`` is (no prefix, no zone id), normalised, else ``None``."""
    try:
        return str(ipaddress.ip_address(reference))
    except ValueError:
        return None


def _words(text: str) -> list[str]:
    return [_POSSESSIVE.sub("", word) for word in text.replace(",", " ").split()]


def _trimmed(words: list[str]) -> str | None:
    """``words`` without the words joining an interface's name to its device's at either end
    ("of", "the"…), as text; ``None`` when nothing else is left."""
    start, end = 0, len(words)
    while start < end and words[start].lower() in _JOINING:
        start += 1
    while end > start and words[end - 1].lower() in _JOINING:
        end -= 1
    return " ".join(words[start:end]) or None


def interface_references(reference: str) -> list[tuple[str, str | None]]:
    """The ways ``reference`` can name an interface: ``(interface name, configuration name or
    None)``, for :func:`~itglue_mcp.store.interfaces.configurations_by_interface`.

    The whole reference as an interface's name; and each leading or trailing run of words as
    the interface's name with the rest as its configuration's ("ACME-HV01 iDRAC",
    "iDRAC of ACME-HV01", "HV01's OOB MGMT"), joining words left out. A reference of more
    than a few words is a sentence, not a name: none.
    """
    words = _words(reference)
    if not words or len(words) > _MAX_WORDS:
        return []
    found: dict[tuple[str, str | None], None] = {(" ".join(words), None): None}
    if (whole := _trimmed(words)) is not None:
        found[whole, None] = None
    for cut in range(1, len(words)):
        for interface, rest in ((words[cut:], words[:cut]), (words[:cut], words[cut:])):
            name, owner = _trimmed(interface), _trimmed(rest)
            if name is not None and owner is not None:
                found[name, owner] = None
    return list(found)


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


async def operating_system_names(session: AsyncSession) -> list[str]:
    """Every distinct operating system name the store's configurations hold ("PAN-OS 11.1.2",
    "Windows Server 2022 Standard"), of every organization: their words are the vocabulary
    of operating-system questions ("what SonicOS version…").

    Raises:
        StoreError: the database failed.
    """
    table = RecordType.CONFIGURATIONS.table
    with translate_errors("read operating system names"):
        rows = await session.execute(
            select(table.c.operating_system_name)
            .where(table.c.operating_system_name.is_not(None))
            .distinct()
        )
    return sorted(str(name) for (name,) in rows if str(name).strip())
