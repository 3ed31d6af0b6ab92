"""Configurations found by what identifies them on a network: IP, network, MAC, serial, kind;
and the flexible assets (LANs, Wi-Fi networks) whose traits may hold addresses.

IP lookups match a configuration's primary IP and the IP of each of its interfaces. IT Glue
holds addresses as free text, so SQL only narrows the candidates (exact text forms of an
address, or the leading octets a network's addresses share) and :mod:`ipaddress` decides;
a stored value that is not an address ("DHCP", "10.0.0.5/24") is read as the address it
names, or ignored. MAC addresses are compared in one form, ``AA:BB:CC:DD:EE:FF``, whatever
separators either side uses. Flexible assets come with their traits minus any Password-kind
one. Records marked deleted are never returned.

Example::

    network = parse_network("10.10.10.0/24")
    for match in await configurations_in_network(session, network, organization_ids={7}):
        print(match.configuration.name, match.addresses)
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.database import Dialect
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.queries import (
    ESCAPE,
    ConfigurationInterfaceView,
    ConfigurationView,
    check_page,
    fetch_configurations,
    fetch_prepared_configurations,
    interfaces_column,
    like_pattern,
    name_match,
    scope,
    scope_parameters,
    select_configurations,
    select_view,
    to_view,
)
from itglue_mcp.store.record_types import RecordType

__all__ = [
    "Address",
    "AddressMatch",
    "Described",
    "FlexibleAssetTraits",
    "KindRule",
    "Network",
    "Trait",
    "addresses_of",
    "configurations_by_hostname",
    "configurations_by_mac",
    "configurations_by_serial",
    "configurations_in_network",
    "configurations_of_kind",
    "find_flexible_assets",
    "flexible_assets_with_text",
    "normalize_mac",
    "parse_address",
    "parse_network",
]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_MAC_SEPARATORS = re.compile(r"[\s:.\-]")
_HEX12 = re.compile(r"[0-9A-F]{12}")


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """A configuration holding addresses of the network looked up.

    Attributes:
        configuration: the configuration, with all its interfaces.
        addresses: its addresses in the network (primary IP and interfaces), in order.
        primary: its primary IP is one of them.
        interfaces: the interfaces whose IP is one of them.
        matched: the interface the lookup named, when it named one: the first interface
            holding a single address looked up, or the one with the name or MAC asked for.
    """

    configuration: ConfigurationView
    addresses: tuple[str, ...]
    primary: bool
    interfaces: tuple[ConfigurationInterfaceView, ...]
    matched: ConfigurationInterfaceView | None = None


class Described(Protocol):
    """What :meth:`KindRule.matches` reads of a configuration (a view, or a lighter row)."""

    @property
    def name(self) -> str | None: ...
    @property
    def hostname(self) -> str | None: ...
    @property
    def configuration_type_name(self) -> str | None: ...
    @property
    def configuration_type_kind(self) -> str | None: ...
    @property
    def notes(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class _KindRow:
    """The columns of a configuration that decide its kind and its place in a listing."""

    id: int
    name: str | None
    hostname: str | None
    configuration_type_name: str | None
    configuration_type_kind: str | None
    configuration_status_name: str | None
    notes: str | None
    archived: bool


@dataclass(frozen=True, slots=True)
class KindRule:
    """Which configurations are of one kind (a firewall, a domain controller…).

    A configuration is of the kind when its ``configuration_type_name`` contains one of
    ``type_words`` as whole words, or its ``configuration_type_kind`` is one of
    ``type_kinds``; or, if it is of a type kind in ``role_type_kinds`` (all when empty), when
    its name or hostname carries one of ``name_codes`` as a role code (``DC`` in ``ACME-DC01``
    or ``DC01``) or its notes contain one of ``note_phrases``. A configuration with no type
    kind recorded is of a type kind when its type's name holds it as a word ("Server").
    Roles such as "domain controller" are usually not a configuration type of their own,
    hence the codes and notes.
    Type kinds are IT Glue's ``configuration-type-kind`` values, in lower case (``"server"``).
    """

    type_words: tuple[str, ...] = ()
    type_kinds: tuple[str, ...] = ()
    name_codes: tuple[str, ...] = ()
    note_phrases: tuple[str, ...] = ()
    role_type_kinds: tuple[str, ...] = ()

    def matches(self, view: Described) -> bool:
        """Whether ``view`` is of this kind (the rule above, applied in Python)."""
        type_name = view.configuration_type_name or ""
        if any(_has_words(type_name, word) for word in self.type_words):
            return True
        kind = (view.configuration_type_kind or "").lower()
        if kind in self.type_kinds:
            return True
        if self.role_type_kinds and kind not in self.role_type_kinds:
            # No type kind recorded: the type's name says it ("Virtual Server").
            unkinded = not kind and any(_has_words(type_name, k) for k in self.role_type_kinds)
            if not unkinded:
                return False
        names = (view.name or "", view.hostname or "")
        if any(_has_code(name, code) for name in names for code in self.name_codes):
            return True
        notes = (view.notes or "").lower()
        return any(phrase.lower() in notes for phrase in self.note_phrases)


def _has_words(text: str, words: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(words)}(?![\w])", text, re.IGNORECASE) is not None


def _has_code(name: str, code: str) -> bool:
    """``code`` followed by digits only, as a whole part of a name (``ACME-DC01``, ``dc2``)."""
    return re.search(rf"(?<![^\W_]){re.escape(code)}\d*(?![^\W_])", name, re.IGNORECASE) is not None


def parse_address(text: str | None) -> Address | None:
    """The IP address a stored value names (``"10.0.0.5"``, ``"10.0.0.5/24"``), else ``None``.

    An IPv6 address with a zone id (``fe80::1%eth0``) names one host's interface, not an
    address IT Glue records: ``None``.
    """
    if not text or "%" in text:
        return None
    try:
        # ip_interface reads a bare address as well as one with a prefix ("10.0.0.5/24").
        return ipaddress.ip_interface(text.strip()).ip
    except ValueError:
        return None


def parse_network(text: str) -> Network | None:
    """The network ``text`` names: an IP (a one-address network) or CIDR, else ``None``.

    Host bits are allowed and cleared (``10.10.10.7/24`` is ``10.10.10.0/24``), as people
    often write a host's address with its prefix. Text with an IPv6 zone id
    (``fe80::1%eth0``) is not a network: ``None``.
    """
    if "%" in text:
        return None
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def normalize_mac(text: str) -> str | None:
    """``AA:BB:CC:DD:EE:FF`` for a MAC in any usual form (``aa-bb-…``, ``AABB.CCDD.EEFF``)."""
    bare = _MAC_SEPARATORS.sub("", text.strip()).upper()
    if not _HEX12.fullmatch(bare):
        return None
    return ":".join(bare[i : i + 2] for i in range(0, 12, 2))


def _mac_forms(mac: str) -> list[str]:
    """Text forms a stored MAC is likely in, upper and lower case (to use the index)."""
    bare = mac.replace(":", "")
    pairs = [bare[i : i + 2] for i in range(0, 12, 2)]
    quads = [bare[i : i + 4] for i in range(0, 12, 4)]
    forms = [":".join(pairs), "-".join(pairs), ".".join(quads), "-".join(quads), bare]
    return sorted({variant for form in forms for variant in (form, form.lower())})


def _address_forms(address: Address) -> list[str]:
    """The text forms a stored value naming ``address`` is in: the address alone, or with a
    prefix length or (IPv4) a netmask ("10.0.0.5/24", "10.0.0.5/255.255.255.0").

    Spelled out rather than matched with ``LIKE``, so that the lookup is an indexed ``IN``.
    """
    bare = sorted({address.compressed, address.exploded, str(address).upper()})
    suffixes = [str(length) for length in range(address.max_prefixlen + 1)]
    if address.version == 4:
        suffixes += [
            str(ipaddress.IPv4Network(f"0.0.0.0/{length}").netmask)
            for length in range(address.max_prefixlen + 1)
        ]
    return bare + [f"{form}/{suffix}" for form in bare for suffix in suffixes]


def _candidate_condition(
    column: ColumnElement[str | None], network: Network
) -> ColumnElement[bool]:
    """A condition every stored value naming an address of ``network`` meets (and more).

    One address: its text forms (:func:`_address_forms`), an indexed ``IN``. A network: the
    leading IPv4 octets all its addresses share; IPv6 text varies too much to narrow.
    """
    if network.num_addresses == 1:
        # One expanding parameter: a plain list would be coerced value by value on every
        # call (dozens of forms), which cost more than the indexed lookup itself.
        forms: BindParameter[str] = bindparam(
            None, _address_forms(network.network_address), expanding=True
        )
        return column.in_(forms)
    if isinstance(network, ipaddress.IPv4Network) and network.prefixlen >= 8:
        octets = network.network_address.exploded.split(".")[: network.prefixlen // 8]
        return func.lower(column).like(
            like_pattern(".".join(octets) + ".", prefix=True), escape=ESCAPE
        )
    return column.is_not(None)


def _in_network(value: str | None, network: Network) -> bool:
    address = parse_address(value)
    return address is not None and address in network


def _sort_key(value: str) -> tuple[int, int]:
    address = parse_address(value)
    return (0, 0) if address is None else (address.version, int(address))


async def configurations_in_network(
    session: AsyncSession,
    network: Network,
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
) -> list[AddressMatch]:
    """Configurations whose primary IP or an interface's IP is in ``network``.

    Args:
        session: any session.
        network: from :func:`parse_network`; a single address is a one-address network.
        organization_ids: organizations searched (``None``: all).
        limit: most configurations returned.

    Returns:
        Matches by their lowest matching address, then name.

    Raises:
        ValueError: ``limit`` below 1.
        StoreError: the database failed.
    """
    check_page(limit)
    if network.num_addresses == 1:
        views = await _holding_address(session, network, organization_ids, limit)
        page = [view.id for view in views]
    else:
        page, views = await _holding_network(session, network, organization_ids, limit)
    by_id = {view.id: view for view in views}
    matches = []
    for view in (by_id[id_] for id_ in page if id_ in by_id):
        held = [i for i in view.interfaces if _in_network(i.ip_address, network)]
        primary = _in_network(view.primary_ip, network)
        values = [*([view.primary_ip] if primary else []), *(i.ip_address for i in held)]
        addresses = sorted({str(parse_address(value)) for value in values}, key=_sort_key)
        named = held[0] if held and network.num_addresses == 1 else None
        matches.append(AddressMatch(view, tuple(addresses), primary, tuple(held), named))
    return matches


async def _holding_address(
    session: AsyncSession, network: Network, organization_ids: Collection[int] | None, limit: int
) -> list[ConfigurationView]:
    """The page of configurations holding a single address, by name: every candidate holds
    it (its stored forms are matched exactly), so SQL ranks and cuts in the same read."""
    configurations = RecordType.CONFIGURATIONS.table
    interfaces = RecordType.CONFIGURATION_INTERFACES.table
    on_interface = select(interfaces.c.configuration_id).where(
        _candidate_condition(interfaces.c.ip_address, network)
    )
    statement = (
        select_configurations(organization_ids)
        .where(
            or_(
                _candidate_condition(configurations.c.primary_ip, network),
                configurations.c.id.in_(on_interface),
            )
        )
        .order_by(func.lower(configurations.c.name), configurations.c.id)
        .limit(limit)
    )
    return await fetch_configurations(session, statement)


async def _holding_network(
    session: AsyncSession, network: Network, organization_ids: Collection[int] | None, limit: int
) -> tuple[list[int], list[ConfigurationView]]:
    """The ids of the page of configurations holding addresses of ``network`` (by their
    lowest such address, then name), and their views."""
    configurations = RecordType.CONFIGURATIONS.table
    interfaces = RecordType.CONFIGURATION_INTERFACES.table
    # First the addresses alone, to rank and cut; then full views for the page only.
    by_primary = select(
        configurations.c.id, configurations.c.name, configurations.c.primary_ip.label("ip")
    ).where(
        _candidate_condition(configurations.c.primary_ip, network),
        *scope(configurations, organization_ids),
    )
    statement = by_primary.union_all(
        select(configurations.c.id, configurations.c.name, interfaces.c.ip_address)
        .join(configurations, configurations.c.id == interfaces.c.configuration_id)
        .where(
            _candidate_condition(interfaces.c.ip_address, network),
            *scope(configurations, organization_ids),
        )
    )
    with translate_errors("read configurations"):
        candidates = (await session.execute(statement)).all()
    lowest: dict[int, tuple[tuple[int, int], str]] = {}
    for row in candidates:
        if _in_network(row.ip, network):
            key = (_sort_key(row.ip), (row.name or "").lower())
            lowest[row.id] = min(lowest.get(row.id, key), key)
    page = sorted(lowest, key=lambda id_: (lowest[id_], id_))[:limit]
    views = await fetch_configurations(
        session, select_configurations().where(configurations.c.id.in_(page))
    )
    return page, views


async def configurations_by_mac(
    session: AsyncSession,
    mac: str,
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
) -> list[ConfigurationView]:
    """Configurations with this MAC address, on the configuration or one of its interfaces.

    Raises:
        ValueError: ``mac`` is not a MAC address, or ``limit`` below 1.
        StoreError: the database failed.
    """
    normalized = normalize_mac(mac)
    if normalized is None:
        raise ValueError(f"mac: {mac!r} is not a MAC address")
    check_page(limit)
    forms = _mac_forms(normalized)
    configurations = RecordType.CONFIGURATIONS.table
    interfaces = RecordType.CONFIGURATION_INTERFACES.table
    by_interface = select(interfaces.c.configuration_id).where(interfaces.c.mac_address.in_(forms))
    statement = select_configurations(organization_ids).where(
        or_(configurations.c.mac_address.in_(forms), configurations.c.id.in_(by_interface))
    )
    statement = statement.order_by(func.lower(configurations.c.name), configurations.c.id)
    return await fetch_configurations(session, statement.limit(limit))


async def configurations_by_serial(
    session: AsyncSession,
    serial_number: str,
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
) -> list[ConfigurationView]:
    """Configurations whose serial number is ``serial_number``, ignoring case and outer spaces.

    Raises:
        ValueError: ``serial_number`` is blank, or ``limit`` below 1.
        StoreError: the database failed.
    """
    serial = serial_number.strip()
    if not serial:
        raise ValueError("serial_number must not be empty")
    check_page(limit)
    table = RecordType.CONFIGURATIONS.table
    statement = (
        select_configurations(organization_ids)
        .where(func.lower(func.trim(table.c.serial_number)) == serial.lower())
        .order_by(func.lower(table.c.name), table.c.id)
        .limit(limit)
    )
    return await fetch_configurations(session, statement)


async def configurations_by_hostname(
    session: AsyncSession,
    hostname: str,
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
) -> list[ConfigurationView]:
    """Configurations whose hostname (or name) is ``hostname``, ignoring case.

    A fully qualified name also matches by its first label (``acme-dc01.corp.acme.com``
    finds hostname ``ACME-DC01``), as IT Glue usually holds the short name.

    Raises:
        ValueError: ``hostname`` is blank, or ``limit`` below 1.
        StoreError: the database failed.
    """
    wanted = hostname.strip().rstrip(".").lower()
    if not wanted:
        raise ValueError("hostname must not be empty")
    check_page(limit)
    parameters: dict[str, Any] = {
        "names": sorted({wanted, wanted.split(".", 1)[0]}),
        "hostname": wanted,
        "limit": limit,
    }
    if organization_ids is not None:
        parameters["organization_ids"] = sorted(set(organization_ids))
    statement = _by_hostname(Dialect.of(session), scoped=organization_ids is not None)
    return await fetch_prepared_configurations(session, statement, parameters)


@functools.cache
def _by_hostname(dialect: Dialect, *, scoped: bool) -> Select[Any]:
    """:func:`configurations_by_hostname`'s statement, built once per dialect and scoping.

    Every ``get_configuration`` call starts with this lookup: building the statement and its
    cache key anew each call cost about a tenth of the call. Parameters: ``names`` (the
    lower-cased names matched), ``hostname`` (the one ranked first), ``limit`` and, when
    ``scoped``, ``organization_ids``.
    """
    table = RecordType.CONFIGURATIONS.table
    names: BindParameter[list[str]] = bindparam("names", expanding=True)
    hostname, name = func.lower(table.c.hostname), func.lower(table.c.name)
    return (
        select_view(ConfigurationView, table)
        .add_columns(interfaces_column(dialect))
        .where(*scope_parameters(table, scoped=scoped))
        .where(or_(hostname.in_(names), name.in_(names)))
        .order_by(case((hostname == bindparam("hostname"), 0), else_=1), name, table.c.id)
        .limit(bindparam("limit"))
    )


def _kind_candidates(rule: KindRule) -> Iterator[ColumnElement[bool]]:
    """SQL conditions that every configuration of the kind meets at least one of."""
    table = RecordType.CONFIGURATIONS.table
    for word in rule.type_words:
        pattern = like_pattern(word, prefix=False)
        yield func.lower(table.c.configuration_type_name).like(pattern, escape=ESCAPE)
    if rule.type_kinds:
        yield func.lower(table.c.configuration_type_kind).in_(rule.type_kinds)
    role: list[ColumnElement[bool]] = []
    for code in rule.name_codes:
        pattern = like_pattern(code, prefix=False)
        role.extend(
            func.lower(column).like(pattern, escape=ESCAPE)
            for column in (table.c.name, table.c.hostname)
        )
    notes = func.lower(table.c.notes)
    role.extend(
        notes.like(like_pattern(phrase, prefix=False), escape=ESCAPE)
        for phrase in rule.note_phrases
    )
    if role and rule.role_type_kinds:
        type_kind = func.lower(table.c.configuration_type_kind)
        # No type kind recorded (hand-made accounts often leave it out): the type's name
        # says it ("Server", "Virtual Server").
        unkinded = and_(
            table.c.configuration_type_kind.is_(None),
            or_(
                *(
                    func.lower(table.c.configuration_type_name).like(
                        like_pattern(kind, prefix=False), escape=ESCAPE
                    )
                    for kind in rule.role_type_kinds
                )
            ),
        )
        yield and_(or_(type_kind.in_(rule.role_type_kinds), unkinded), or_(*role))
    elif role:
        yield or_(*role)


async def configurations_of_kind(
    session: AsyncSession,
    rule: KindRule,
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
) -> list[ConfigurationView]:
    """Configurations of one kind (see :class:`KindRule`): active ones first, then by name.

    Args:
        session: any session.
        rule: what makes a configuration of the kind.
        organization_ids: organizations searched (``None``: all).
        limit: most configurations returned.

    Raises:
        ValueError: ``limit`` below 1.
        StoreError: the database failed.
    """
    check_page(limit)
    candidates = list(_kind_candidates(rule))
    if not candidates:
        return []
    table = RecordType.CONFIGURATIONS.table
    # SQL narrows to the candidates and puts them in the listing's order (live, then
    # active, then by name); the rule's word boundaries (regular expressions, which SQLite
    # lacks) are checked on a few columns of each candidate, read a page at a time until
    # `limit` are of the kind. Full views (with their interfaces) are read for those only.
    inactive = case((func.lower(table.c.configuration_status_name) == _ACTIVE, 0), else_=1)
    statement = (
        select_view(_KindRow, table)
        .where(*scope(table, organization_ids), or_(*candidates))
        .order_by(table.c.archived, inactive, func.lower(table.c.name), table.c.id)
    )
    size = 2 * limit
    kept: list[_KindRow] = []
    for offset in itertools.count(0, size):
        with translate_errors("read configurations"):
            rows = [
                to_view(_KindRow, row)
                for row in await session.execute(statement.limit(size).offset(offset))
            ]
        kept.extend(row for row in rows if rule.matches(row))
        if len(kept) >= limit or len(rows) < size:
            break
    page = [row.id for row in kept[:limit]]
    views = await fetch_configurations(session, select_configurations().where(table.c.id.in_(page)))
    by_id = {view.id: view for view in views}
    return [by_id[id_] for id_ in page if id_ in by_id]


_ACTIVE = "active"
"""IT Glue's configuration status of a configuration in use (compared in lower case)."""


def addresses_of(view: ConfigurationView) -> list[str]:
    """The IP addresses a configuration holds, primary IP first, then each interface's."""
    found: list[str] = []
    for value in (view.primary_ip, *(i.ip_address for i in view.interfaces)):
        address = parse_address(value)
        if address is not None and str(address) not in found:
            found.append(str(address))
    return found


@dataclass(frozen=True, slots=True)
class Trait:
    """One trait of a flexible asset that is not a secret.

    Attributes:
        key: the trait's key (``"gateway"``), IT Glue's field ``name-key``.
        label: the field's name (``"Gateway"``), when the asset's type is known.
        kind: the field's kind (``"Text"``, ``"Tag"``…), when known.
        value: the value as IT Glue sent it (text, number, or a Tag's ``{"type", "values"}``).
    """

    key: str
    label: str | None
    kind: str | None
    value: Any


@dataclass(frozen=True, slots=True)
class FlexibleAssetTraits:
    """A flexible asset (a LAN, a VPN…) with its traits, Password-kind traits left out."""

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    flexible_asset_type_name: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None
    traits: tuple[Trait, ...]


async def _with_traits(session: AsyncSession, statement: Select[Any]) -> list[FlexibleAssetTraits]:
    fields = RecordType.FLEXIBLE_ASSET_FIELDS.table
    with translate_errors("read flexible assets"):
        rows = (await session.execute(statement)).all()
        type_ids = sorted(
            {row.flexible_asset_type_id for row in rows if row.flexible_asset_type_id}
        )
        schema = await session.execute(
            select(fields.c.flexible_asset_type_id, fields.c.name_key)
            .add_columns(fields.c.name, fields.c.kind)
            .where(fields.c.flexible_asset_type_id.in_(type_ids))
        )
    known = {(f.flexible_asset_type_id, f.name_key): (f.name, f.kind) for f in schema}
    views = []
    for row in rows:
        traits = []
        for key, value in (row.traits or {}).items():
            label, kind = known.get((row.flexible_asset_type_id, key), (None, None))
            # The sync stores no Password-kind trait; refusing one here too costs nothing.
            if (kind or "").lower() != "password":
                traits.append(Trait(key, label, kind, value))
        views.append(to_view(FlexibleAssetTraits, row, traits=tuple(traits)))
    return views


def _select_assets(organization_ids: Collection[int] | None) -> Select[Any]:
    table = RecordType.FLEXIBLE_ASSETS.table
    statement = select_view(FlexibleAssetTraits, table).add_columns(
        table.c.flexible_asset_type_id, table.c.traits
    )
    return statement.where(*scope(table, organization_ids))


async def flexible_assets_with_text(
    session: AsyncSession, text: str, *, organization_ids: Collection[int] | None = None
) -> list[FlexibleAssetTraits]:
    """Every flexible asset whose traits contain ``text`` (ignoring case), by name.

    Matching is on the traits' JSON text, so it also finds ``text`` inside keys or Tag
    names: a candidate set for callers that check the values themselves.

    Raises:
        ValueError: ``text`` is empty.
        StoreError: the database failed.
    """
    if not text:
        raise ValueError("text must not be empty")
    table = RecordType.FLEXIBLE_ASSETS.table
    traits = func.lower(cast(table.c.traits, Text))
    statement = (
        _select_assets(organization_ids)
        .where(traits.like(like_pattern(text, prefix=False), escape=ESCAPE))
        .order_by(func.lower(table.c.name), table.c.id)
    )
    return await _with_traits(session, statement)


async def find_flexible_assets(
    session: AsyncSession,
    name: str,
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 20,
) -> list[FlexibleAssetTraits]:
    """Flexible assets named like ``name``: exact, then prefix, then part, ignoring case.

    Raises:
        ValueError: ``name`` is blank or ``limit`` below 1.
        StoreError: the database failed.
    """
    name = name.strip()
    if not name:
        raise ValueError("name must not be empty")
    check_page(limit)
    table = RecordType.FLEXIBLE_ASSETS.table
    matches, tier = name_match((table.c.name,), name)
    statement = _select_assets(organization_ids).where(matches)
    statement = statement.order_by(tier, func.lower(table.c.name), table.c.id).limit(limit)
    return await _with_traits(session, statement)
