"""IP lookups as grounded facts: what holds an address, and which addresses a thing holds.

:func:`find_addresses` reads one query the way a technician writes it — an IP address or
CIDR network, a MAC address, or the name of a device, of one of its interfaces ("iDRAC",
"ACME-HV01 iDRAC"), of a service (a LAN flexible asset) or of a kind of device ("firewall") —
and returns the configurations and flexible assets involved, each address a
:class:`~itglue_mcp.query.answer.Fact` citing its record. Kinds of device map
to the data through :data:`KIND_RULES`: configuration types where IT Glue has one
("Firewall", "Printer"), role codes and notes where it does not (a domain controller is a
"Virtual Server" named ``…DC01`` or noted "Domain controller for …").

Example::

    lookup = await find_addresses(session, "10.10.10.1", organization_ids={7})
    [(fact.label, fact.value, fact.source.name) for fact in lookup.facts()]
    # [('primary IP; interface port1', '10.10.10.1', 'ACME-FW01'), ('Gateway', …, 'HQ LAN')]
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.configurations import (
    ConfigurationInterfaceView,
    ConfigurationView,
    configuration_names,
    configuration_source,
    resolve_configurations,
)
from itglue_mcp.catalog.errors import RecordNotFound
from itglue_mcp.catalog.flexible_assets import flexible_asset_names, flexible_asset_source
from itglue_mcp.catalog.network import (
    AddressMatch,
    FlexibleAssetTraits,
    KindRule,
    Network,
    addresses_of,
    configurations_by_mac,
    configurations_in_network,
    configurations_of_kind,
    find_flexible_assets,
    flexible_assets_with_text,
    interface_for_mac,
    normalize_mac,
    parse_address,
    parse_network,
)
from itglue_mcp.query.answer import Fact
from itglue_mcp.query.lexicon import CONFIGURATION_KINDS, configuration_kind
from itglue_mcp.suggest import closest, suggestion_hint

__all__ = [
    "KIND_RULES",
    "AddressLookup",
    "AssetAddresses",
    "LookupKind",
    "TraitAddress",
    "address_not_found",
    "configurations_of",
    "find_addresses",
    "flexible_asset_source",
]

_SERVER = ("server",)
KIND_RULES: dict[str, KindRule] = {
    "firewall": KindRule(type_words=("firewall",)),
    "switch": KindRule(type_words=("switch",)),
    "wireless access point": KindRule(type_words=("wireless access point", "access point")),
    "domain controller": KindRule(
        type_words=("domain controller",),
        name_codes=("DC",),
        note_phrases=("domain controller",),
        role_type_kinds=_SERVER,
    ),
    "file server": KindRule(
        type_words=("file server",),
        name_codes=("FS",),
        note_phrases=("file server",),
        role_type_kinds=_SERVER,
    ),
    "sql server": KindRule(
        type_words=("sql server", "database server"),
        name_codes=("SQL",),
        note_phrases=("sql server",),
        role_type_kinds=_SERVER,
    ),
    "application server": KindRule(
        type_words=("application server",),
        name_codes=("APP",),
        note_phrases=("application server",),
        role_type_kinds=_SERVER,
    ),
    "hypervisor": KindRule(type_words=("hypervisor",), name_codes=("HV",), role_type_kinds=_SERVER),
    "printer": KindRule(type_words=("printer", "copier"), type_kinds=("printer",)),
    "nas": KindRule(type_words=("nas", "storage"), type_kinds=("storage",)),
    "ups": KindRule(type_words=("ups",), type_kinds=("power",)),
    "router": KindRule(type_words=("router",)),
    "virtual machine": KindRule(type_words=("virtual server", "virtual machine")),
    "workstation": KindRule(type_words=("workstation", "desktop")),
    "laptop": KindRule(type_words=("laptop", "notebook")),
    "server": KindRule(type_words=("server",), type_kinds=_SERVER),
}
"""Canonical configuration kind (:data:`~itglue_mcp.query.lexicon.CONFIGURATION_KINDS`) → rule."""

LookupKind = Literal["network", "mac", "name", "kind"]

# How sure a fact answers the query: the address or name itself is certain; a device of the
# kind asked about, a name that only contains the query, or a network merely spanning the
# address looked up, less so.
_CONFIDENCE: dict[str, float] = {"network": 1.0, "mac": 1.0, "name": 1.0, "kind": 0.8}
_PARTIAL_NAME = 0.7
_SPANNED = 0.8
# An IPv6 address (or network) with a zone id: "fe80::1%eth0", "fe80::1%eth0/64".
_ZONE_ID = re.compile(r"(?P<address>[0-9A-Fa-f:.]+)%[^/]*(?P<prefix>/\d{1,3})?")


@dataclass(frozen=True, slots=True)
class TraitAddress:
    """An address, network or range written in one trait of a flexible asset.

    Attributes:
        label: the field's name ("Gateway"), else the trait's key.
        value: the address, network (CIDR) or range (``first - last``), normalised.
        exact: the value is the address looked up itself (not a network or range holding it).
    """

    label: str
    value: str
    exact: bool = False


@dataclass(frozen=True, slots=True)
class AssetAddresses:
    """A flexible asset (a LAN, a Wi-Fi network…) and the addresses its traits hold."""

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    flexible_asset_type_name: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None
    addresses: tuple[TraitAddress, ...]


@dataclass(frozen=True, slots=True)
class AddressLookup:
    """The outcome of :func:`find_addresses`.

    Attributes:
        query: the query as given.
        kind: how it was read: an IP or ``network``, a ``mac``, a ``name``, or a device ``kind``.
        network: the network looked up (an address is a /32 or /128), for ``network``.
        configuration_kind: the canonical kind, for ``kind``.
        configurations: configurations involved, each with its addresses.
        assets: flexible assets whose traits hold addresses involved.
        truncated: more configurations or assets matched than ``limit``.
        exact: the configurations match the name exactly (not as a part of a longer name).
    """

    query: str
    kind: LookupKind
    network: str | None = None
    configuration_kind: str | None = None
    configurations: tuple[AddressMatch, ...] = ()
    assets: tuple[AssetAddresses, ...] = ()
    truncated: bool = False
    exact: bool = True

    def facts(self) -> list[Fact]:
        """One fact per address and record: where it is held (label), citing the record."""
        facts = []
        confidence = _CONFIDENCE[self.kind] if self.exact else _PARTIAL_NAME
        for match in self.configurations:
            source = configuration_source(match.configuration)
            for address in match.addresses:
                places = ["primary IP"] if _same(match.configuration.primary_ip, address) else []
                places += [
                    f"interface {i.name or '-'}"
                    for i in match.interfaces
                    if _same(i.ip_address, address)
                ]
                label = "; ".join(places) or "address"
                facts.append(Fact(label=label, value=address, source=source, confidence=confidence))
        for asset in self.assets:
            source = flexible_asset_source(asset)
            for trait in asset.addresses:
                held = 1.0 if trait.exact or self.kind != "network" else _SPANNED
                facts.append(
                    Fact(label=trait.label, value=trait.value, source=source, confidence=held)
                )
        return facts


def _same(value: str | None, address: str) -> bool:
    return str(parse_address(value)) == address if value else False


_ADDRESS_TEXT = re.compile(
    r"(?P<first>[0-9A-Fa-f:.]*[.:][0-9A-Fa-f:.]*[0-9A-Fa-f](?:/\d{1,3})?)"
    r"(?:\s*[-\u2013]\s*(?P<last>[0-9A-Fa-f:.]*[.:][0-9A-Fa-f:.]*[0-9A-Fa-f]))?"
)


def _written_addresses(text: str) -> Iterator[tuple[str, Network | tuple[Any, Any]]]:
    """Each address, network or range in ``text``: normalised text and what it covers."""
    for found in _ADDRESS_TEXT.finditer(text):
        try:
            if found["last"]:
                low = ipaddress.ip_address(found["first"])
                high = ipaddress.ip_address(found["last"])
                if low.version == high.version and int(low) <= int(high):
                    yield f"{low} - {high}", (low, high)
            else:
                network = ipaddress.ip_network(found["first"], strict=False)
                shown = str(network) if "/" in found["first"] else str(network.network_address)
                yield shown, network
        except ValueError:
            continue


def _covers(span: Network | tuple[Any, Any], wanted: Network) -> bool:
    low, high = (
        (span.network_address, span.broadcast_address) if isinstance(span, Network) else span
    )
    if low.version != wanted.version:
        return False
    return int(low) <= int(wanted.broadcast_address) and int(wanted.network_address) <= int(high)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict) and "values" not in value:  # a Tag trait names records only
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _asset_addresses(asset: FlexibleAssetTraits, wanted: Network | None) -> AssetAddresses | None:
    """The asset with the addresses its traits hold (within ``wanted`` when given), or None.

    Multi-line prose (Textbox traits such as notes) is skipped: a netmask or a version number
    written in a sentence reads like an address, and no one files a network's address there.
    """
    found = []
    for trait in asset.traits:
        if (trait.kind or "").lower() == "textbox":
            continue
        for text in _strings(trait.value):
            for shown, span in _written_addresses(text):
                if wanted is None or _covers(span, wanted):
                    exact = wanted is not None and span == wanted
                    found.append(TraitAddress(trait.label or trait.key, shown, exact))
    if not found:
        return None
    return AssetAddresses(
        asset.id,
        asset.organization_id,
        asset.organization_name,
        asset.name,
        asset.flexible_asset_type_name,
        asset.archived,
        asset.resource_url,
        asset.updated_at,
        tuple(found),
    )


def _holding(
    view: ConfigurationView, named: ConfigurationInterfaceView | None = None, *, only: bool = False
) -> AddressMatch:
    """``view`` with every address it holds; with ``only``, the address of the interface
    ``named`` alone (the query named that interface, not the device)."""
    if only and named is not None:
        address = parse_address(named.ip_address)
        own = (named,) if address is not None else ()
        return AddressMatch(view, tuple(str(a) for a in [address] if a), False, own, named)
    addresses = tuple(addresses_of(view))
    held = tuple(i for i in view.interfaces if parse_address(i.ip_address) is not None)
    return AddressMatch(view, addresses, parse_address(view.primary_ip) is not None, held, named)


async def configurations_of(
    session: AsyncSession,
    kind: str,
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
) -> list[ConfigurationView]:
    """Configurations of a canonical kind ("firewall", "domain controller"…), active first.

    Raises:
        ValueError: ``kind`` is not a key of :data:`KIND_RULES`, or ``limit`` below 1.
        StoreError: the database failed.
    """
    rule = KIND_RULES.get(kind)
    if rule is None:
        raise ValueError(f"kind: unknown configuration kind {kind!r}")
    return await configurations_of_kind(
        session, rule, organization_ids=organization_ids, limit=limit
    )


async def _network_lookup(
    session: AsyncSession, query: str, network: Network, scope: Collection[int] | None, limit: int
) -> AddressLookup:
    matches = await configurations_in_network(
        session, network, organization_ids=scope, limit=limit + 1
    )
    assets = []
    head = network.network_address.exploded.split(".")[0] + "." if network.version == 4 else ":"
    for asset in await flexible_assets_with_text(session, head, organization_ids=scope):
        found = _asset_addresses(asset, network)
        if found is not None:
            assets.append(found)
    return AddressLookup(
        query,
        "network",
        network=str(network) if network.num_addresses > 1 else str(network.network_address),
        configurations=tuple(matches[:limit]),
        assets=tuple(assets[:limit]),
        truncated=len(matches) > limit or len(assets) > limit,
    )


async def _name_lookup(
    session: AsyncSession, query: str, scope: Collection[int] | None, limit: int
) -> AddressLookup:
    named = await resolve_configurations(session, query, organization_ids=scope, limit=limit + 1)
    views = named.views
    exact = views if named.exact else []
    assets = [
        found
        for asset in await find_flexible_assets(
            session, query, organization_ids=scope, limit=limit + 1
        )
        if (found := _asset_addresses(asset, None)) is not None
    ]
    chosen = exact or views
    if chosen or assets:
        by_interface = named.matched_by == "interface"
        return AddressLookup(
            query,
            "name",
            configurations=tuple(
                _holding(view, named.interface_of(view), only=by_interface)
                for view in chosen[:limit]
            ),
            assets=tuple(assets[:limit]),
            truncated=len(chosen) > limit or len(assets) > limit,
            exact=bool(exact) or not views,
        )
    kind = configuration_kind(query)
    if kind is None:
        return AddressLookup(query, "name")
    of_kind = await configurations_of(session, kind, organization_ids=scope, limit=limit + 1)
    return AddressLookup(
        query,
        "kind",
        configuration_kind=kind,
        configurations=tuple(_holding(view) for view in of_kind[:limit]),
        truncated=len(of_kind) > limit,
    )


async def address_not_found(
    session: AsyncSession, query: str, organization_ids: Collection[int] | None, where: str
) -> RecordNotFound:
    """The error for a name that no configuration or network holds, offering close names
    (configuration names and hostnames, flexible asset names) from the scope only.

    Raises:
        StoreError: the database failed.
    """
    names = await configuration_names(session, organization_ids)
    names += await flexible_asset_names(session, organization_ids)
    return RecordNotFound(
        f"query: no configuration or network {where} is named {query!r}; give a name, an IP "
        "address, a network (CIDR) or a MAC address" + suggestion_hint(closest(query, names))
    )


async def find_addresses(
    session: AsyncSession,
    query: str,
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 20,
) -> AddressLookup:
    """What holds an IP address or network, or which addresses a named thing holds.

    Args:
        session: any session.
        query: an IP or CIDR (configurations holding addresses in it, on their primary IP or
            an interface, and flexible assets whose traits hold, or span, them); a MAC (the
            configurations with it and their addresses); a configuration's name or hostname
            (exact matches preferred over partial ones) or a flexible asset's name (its
            addresses); an interface's name, with or without its device's (that interface's
            address, and it as ``matched``; the tiers of
            :func:`~itglue_mcp.catalog.configurations.resolve_configurations`); else a kind
            of device ("firewalls": every one and its addresses).
        organization_ids: organizations searched (``None``: all).
        limit: most configurations, and most flexible assets, returned.

    Raises:
        ValueError: ``query`` is blank, an IPv6 address with a zone id, or ``limit`` below 1.
        StoreError: the database failed.
    """
    query = query.strip()
    if not query:
        raise ValueError("query must not be empty")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    zoned = _ZONE_ID.fullmatch(query) if ":" in query else None
    if zoned is not None and parse_network(zoned["address"] + (zoned["prefix"] or "")):
        raise ValueError(
            f"query: {query!r} has an IPv6 zone id (after %), which IT Glue does not record; "
            "give the address without it"
        )
    network = parse_network(query)
    if network is not None:
        return await _network_lookup(session, query, network, organization_ids, limit)
    if normalize_mac(query) is not None:
        views = await configurations_by_mac(
            session, query, organization_ids=organization_ids, limit=limit + 1
        )
        return AddressLookup(
            query,
            "mac",
            configurations=tuple(
                _holding(view, interface_for_mac(view, query)) for view in views[:limit]
            ),
            truncated=len(views) > limit,
        )
    return await _name_lookup(session, query, organization_ids, limit)


def _check_rules() -> None:
    """Every kind the question parser knows has a rule (checked at import)."""
    missing = set(CONFIGURATION_KINDS) - set(KIND_RULES)
    if missing:
        raise RuntimeError(f"no configuration kind rule for {sorted(missing)}")


_check_rules()
