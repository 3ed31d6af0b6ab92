"""Configurations found by one of their interfaces: by its name, alone or with its device's.

IT Glue interface names are free text an admin typed: "iDRAC", "OOB-MGMT", a port with the
role it was given ("igc0 (WAN)", "vmk0 (Management)"). :func:`names_interface` decides
whether a reference names an interface (case and separators ignored, either part of a
parenthesised name), and :func:`configurations_by_interface` finds the configurations with
such an interface, indexed on ``lower(name)`` where the names are whole. The join to
configurations applies the organization scope; records marked deleted are never returned.

Example::

    [match] = await configurations_by_interface(
        session, [("iDRAC", "ACME-HV01")], organization_ids={7}
    )
    match.configuration.name, match.interface.ip_address   # ('ACME-HV01', '10.10.10.11')
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.network import normalize_mac
from itglue_mcp.store.queries import (
    ESCAPE,
    ConfigurationInterfaceView,
    ConfigurationView,
    check_page,
    fetch_configurations,
    like_pattern,
    scope,
    select_configurations,
)
from itglue_mcp.store.record_types import RecordType

__all__ = [
    "InterfaceMatch",
    "configurations_by_interface",
    "interface_for_mac",
    "names_interface",
]


@dataclass(frozen=True, slots=True)
class InterfaceMatch:
    """A configuration found by the name of one of its interfaces.

    Attributes:
        configuration: the configuration, with all its interfaces.
        interface: the interface named.
        rank: how closely the reference named them, lower is closer, as
            ``(configuration, interface)``: configuration 0 when its name or hostname was given
            exactly, 1 when none was given, 2 when a whole part of its name was; interface 0
            when its whole name was given, 1 when the part before or inside its parentheses
            was (``WAN`` for ``igc0 (WAN)``).
    """

    configuration: ConfigurationView
    interface: ConfigurationInterfaceView
    rank: tuple[int, int]


_SEPARATORS = re.compile(r"[\s_\-]+")
# "igc0 (WAN)", "vmk0 (Management)": a device's port name, then the role an admin gave it.
_LABELLED = re.compile(r"(?P<bare>[^()]*?)\s*\((?P<label>[^()]*)\)\s*")
# The most rows one stage of configurations_by_interface reads per configuration asked for:
# its ranks are checked in Python after SQL narrowed the candidates.
_CANDIDATES_PER_RESULT = 4


def _fold(text: str) -> str:
    """Lower case, with runs of spaces, hyphens and underscores read as one space."""
    return " ".join(part for part in _SEPARATORS.split(text.casefold()) if part)


def names_interface(name: str | None, reference: str) -> int | None:
    """How ``reference`` names an interface called ``name``: 0 its whole name, 1 the part
    before or inside its parentheses (``igc0`` or ``WAN`` for ``igc0 (WAN)``), else ``None``.

    Case is ignored, and so are the separators people write differently (``OOB-MGMT``,
    ``oob mgmt``, ``OOB_MGMT``).
    """
    wanted = _fold(reference)
    if not name or not wanted:
        return None
    if _fold(name) == wanted:
        return 0
    labelled = _LABELLED.fullmatch(name)
    if labelled and wanted in (_fold(labelled["bare"]), _fold(labelled["label"])):
        return 1
    return None


def interface_for_mac(view: ConfigurationView, mac: str) -> ConfigurationInterfaceView | None:
    """The first interface of ``view`` with this MAC address (any usual form), else ``None``."""
    wanted = normalize_mac(mac)
    return next(
        (i for i in view.interfaces if i.mac_address and normalize_mac(i.mac_address) == wanted),
        None,
    )


def _name_forms(reference: str) -> list[str]:
    """Lower-case stored forms of an interface name: its words joined by each separator."""
    words = _fold(reference).split(" ")
    return sorted({separator.join(words) for separator in (" ", "-", "_")})


def _configuration_names(reference: str) -> list[str]:
    """A configuration reference in lower case, and its first label if it is a FQDN."""
    wanted = reference.strip().rstrip(".").lower()
    return sorted({wanted, wanted.split(".", 1)[0]})


def _configuration_rank(
    reference: str | None, name: str | None, hostname: str | None
) -> int | None:
    if reference is None:
        return 1
    values = [value.lower() for value in (name, hostname) if value]
    if set(values) & set(_configuration_names(reference)):
        return 0
    wanted = reference.strip().lower()
    part = re.compile(rf"(?<![a-z0-9]){re.escape(wanted)}(?![a-z0-9])")
    return 2 if any(part.search(value) for value in values) else None


def _interface_condition(
    column: ColumnElement[str | None], reference: str, *, labels: bool
) -> ColumnElement[bool]:
    folded = func.lower(column)
    forms = _name_forms(reference)
    if not labels:
        return folded.in_(forms)
    bare = [folded.like(like_pattern(form + " (", prefix=True), escape=ESCAPE) for form in forms]
    inside = [
        folded.like(like_pattern("(" + form + ")", prefix=False), escape=ESCAPE) for form in forms
    ]
    return or_(folded.in_(forms), *bare, *inside)


def _owner_condition(reference: str | None, *, parts: bool) -> ColumnElement[bool] | None:
    if reference is None:
        return None
    table = RecordType.CONFIGURATIONS.table
    columns = (func.lower(table.c.name), func.lower(table.c.hostname))
    if not parts:
        names = _configuration_names(reference)
        return or_(*(column.in_(names) for column in columns))
    pattern = like_pattern(reference.strip(), prefix=False)
    return or_(*(column.like(pattern, escape=ESCAPE) for column in columns))


async def _interface_candidates(
    session: AsyncSession,
    references: Sequence[tuple[str, str | None]],
    organization_ids: Collection[int] | None,
    limit: int,
    *,
    labels: bool = False,
    parts: bool = False,
) -> list[tuple[int, int, tuple[int, int]]]:
    """``(configuration id, interface id, rank)`` of the candidates, ranked in Python.

    Whole names only by default, which the indexes on ``lower(name)`` of both tables serve;
    ``labels`` also reads parenthesised parts of interface names, ``parts`` whole parts of
    configuration names (both unindexed ``LIKE``).
    """
    configurations = RecordType.CONFIGURATIONS.table
    interfaces = RecordType.CONFIGURATION_INTERFACES.table
    conditions = []
    for interface, owner in references:
        condition = _interface_condition(interfaces.c.name, interface, labels=labels)
        owned = _owner_condition(owner, parts=parts)
        conditions.append(condition if owned is None else and_(condition, owned))
    statement = (
        select(
            interfaces.c.id.label("interface_id"),
            interfaces.c.name.label("interface_name"),
            configurations.c.id,
            configurations.c.name,
            configurations.c.hostname,
        )
        .join(configurations, configurations.c.id == interfaces.c.configuration_id)
        .where(*scope(configurations, organization_ids), or_(*conditions))
        .order_by(func.lower(configurations.c.name), configurations.c.id, interfaces.c.id)
        .limit(limit * _CANDIDATES_PER_RESULT)
    )
    with translate_errors("read configuration interfaces"):
        rows = (await session.execute(statement)).all()
    found = []
    for row in rows:
        ranks = [
            (owner_rank, interface_rank)
            for interface, owner in references
            if (owner_rank := _configuration_rank(owner, row.name, row.hostname)) is not None
            and (interface_rank := names_interface(row.interface_name, interface)) is not None
        ]
        if ranks:
            found.append((row.id, row.interface_id, min(ranks)))
    return found


async def configurations_by_interface(
    session: AsyncSession,
    references: Sequence[tuple[str, str | None]],
    *,
    organization_ids: Collection[int] | None = None,
    limit: int = 50,
) -> list[InterfaceMatch]:
    """Configurations with an interface that one of ``references`` names.

    Each reference is ``(interface name, configuration name or None)``: the interface's name
    (see :func:`names_interface`) and, when given, the name or hostname of its configuration,
    exactly or as a whole part (``HV01`` in ``ACME-HV01``). Only the matches of the best rank
    (see :class:`InterfaceMatch`) are returned, one per configuration, by name.

    Raises:
        ValueError: no reference, a blank interface name, or ``limit`` below 1.
        StoreError: the database failed.
    """
    check_page(limit)
    if not references or any(not _fold(interface) for interface, _ in references):
        raise ValueError("references: give at least one non-blank interface name")
    found = await _interface_candidates(session, references, organization_ids, limit)
    if not found:
        found = await _interface_candidates(
            session, references, organization_ids, limit, labels=True, parts=True
        )
    elif min(rank for *_, rank in found) == (1, 0):
        # Only a configuration named exactly, with a parenthesised part of an interface's
        # name, ranks better than an interface named alone: look for that, still indexed.
        owned = [(interface, owner) for interface, owner in references if owner]
        if owned:
            found += await _interface_candidates(
                session, owned, organization_ids, limit, labels=True
            )
    if not found:
        return []
    best = min(rank for *_, rank in found)
    chosen: dict[int, int] = {}
    for configuration_id, interface_id, rank in found:
        if rank == best:
            chosen.setdefault(configuration_id, interface_id)
    table = RecordType.CONFIGURATIONS.table
    statement = (
        select_configurations()
        .where(table.c.id.in_(list(chosen)))
        .order_by(func.lower(table.c.name), table.c.id)
        .limit(limit)
    )
    matches = []
    for view in await fetch_configurations(session, statement):
        interface = next(i for i in view.interfaces if i.id == chosen[view.id])
        matches.append(InterfaceMatch(view, interface, best))
    return matches
