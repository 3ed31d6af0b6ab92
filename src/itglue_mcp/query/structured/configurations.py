"""Configurations for structured answers: the ones a question names or describes, as facts.

- :func:`named_configurations` — by name or hostname: exact matches (:data:`~.common.EXACT`),
  else names holding the asked name as one whole part (``DC01`` → ``ACME-DC01``,
  :data:`~.common.PARTIAL`).
- :func:`of_kind` — by kind ("firewall", "domain controller"; the rules of
  :data:`~itglue_mcp.query.network.KIND_RULES`), narrowed to those whose name, location, type,
  notes or interface names hold the question's other words ("printers on floor 2", "the WAN
  IP of the firewall"); confidence per the rules of :mod:`~.common`.
- :func:`card_facts`, :func:`address_facts`, :func:`summary_facts` — a configuration's fields
  as facts, each value exactly as stored.
- :func:`name_missing`, :func:`kind_missing` — the ``no_data`` answer when the organization
  has no such configuration but others do (``None`` when none has: retrieval then tries the
  free text).

Example::

    views, confidence = await named_configurations(session, "DC01", organization_ids={7})
    facts = [f for view in views for f in address_facts(view, confidence)]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.configurations import (
    ConfigurationView,
    configuration_source,
    resolve_configurations,
)
from itglue_mcp.catalog.records import records_named
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer, Fact
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.matching import kind_brand_words, matched_words, missing_qualifiers
from itglue_mcp.query.network import configurations_of
from itglue_mcp.query.structured.common import (
    EXACT,
    KIND_ONE,
    KIND_SEVERAL,
    PARTIAL,
    UNMATCHED_QUALIFIER,
    best_matching,
    close_name_hint,
    listing,
    no_data,
    scope_name,
    subject_words,
)
from itglue_mcp.query.suggestions import MAX_NAMED, elsewhere_hint

__all__ = [
    "KIND_CANDIDATES",
    "KindMatch",
    "address_facts",
    "card_facts",
    "kind_label",
    "kind_missing",
    "name_missing",
    "named_configurations",
    "of_kind",
    "qualifier_missing",
    "summary_facts",
]

KIND_CANDIDATES = 500
"""Configurations of a kind read before narrowing by the question's other words."""

# (label, ConfigurationView field) in the order a configuration's card lists them.
_CARD = (
    ("hostname", "hostname"),
    ("configuration type", "configuration_type_name"),
    ("status", "configuration_status_name"),
    ("location", "location_name"),
    ("default gateway", "default_gateway"),
    ("MAC address", "mac_address"),
    ("manufacturer", "manufacturer_name"),
    ("model", "model_name"),
    ("operating system", "operating_system_name"),
    ("serial number", "serial_number"),
    ("asset tag", "asset_tag"),
    ("contact", "contact_name"),
    ("warranty expires", "warranty_expires_at"),
)
_SUMMARY = (
    ("configuration type", "configuration_type_name"),
    ("location", "location_name"),
    ("status", "configuration_status_name"),
)
_SINGULARS = {"nas": "NAS", "ups": "UPS", "sql server": "SQL server"}
_PLURALS = {
    "nas": "NAS devices",
    "ups": "UPS devices",
    "sql server": "SQL servers",
    "switch": "switches",
}


def kind_label(kind: str, *, plural: bool = False) -> str:
    """How a message names a kind: "firewall", "firewalls", "NAS devices"."""
    if not plural:
        return _SINGULARS.get(kind, kind)
    return _PLURALS.get(kind, f"{kind}s")


def _stored(value: str | date | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, date) else value.strip()
    return text or None


def _field_facts(
    view: ConfigurationView, fields: Iterable[tuple[str, str]], confidence: float
) -> list[Fact]:
    source = configuration_source(view)
    facts = []
    for label, name in fields:
        value = _stored(getattr(view, name))
        if value is not None:
            facts.append(Fact(label=label, value=value, source=source, confidence=confidence))
    return facts


def address_facts(
    view: ConfigurationView, confidence: float, *, gateway: bool = False
) -> list[Fact]:
    """The IP addresses a configuration holds: primary IP, then each interface's.

    One fact per stored value, labelled with every place holding it ("primary IP; interface
    port1", as :meth:`~itglue_mcp.query.network.AddressLookup.facts` labels them); with
    ``gateway`` the default gateway comes first.
    """
    places: dict[str, list[str]] = {}
    primary = _stored(view.primary_ip)
    if primary is not None:
        places[primary] = ["primary IP"]
    for interface in view.interfaces:
        value = _stored(interface.ip_address)
        if value is not None:
            places.setdefault(value, []).append(f"interface {interface.name or '-'}")
    source = configuration_source(view)
    facts = [
        Fact(label="; ".join(labels), value=value, source=source, confidence=confidence)
        for value, labels in places.items()
    ]
    if gateway:
        facts = _field_facts(view, [("default gateway", "default_gateway")], confidence) + facts
    return facts


def card_facts(view: ConfigurationView, confidence: float) -> list[Fact]:
    """Everything a technician looks up about one configuration: addresses, then the rest."""
    return address_facts(view, confidence) + _field_facts(view, _CARD, confidence)


def summary_facts(view: ConfigurationView, confidence: float) -> list[Fact]:
    """A configuration in a list: its primary IP, type, location and status."""
    addresses = address_facts(view, confidence)[:1]
    return addresses + _field_facts(view, _SUMMARY, confidence)


def _whole_part(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", re.IGNORECASE)


async def named_configurations(
    session: AsyncSession, name: str, *, organization_ids: Collection[int] | None, limit: int
) -> tuple[list[ConfigurationView], float]:
    """Configurations named ``name``, and the confidence that they are the ones meant.

    Resolved by :func:`~itglue_mcp.catalog.configurations.resolve_configurations` (id, exact
    name or hostname, MAC, serial: :data:`EXACT`); failing those, names or hostnames holding
    ``name`` as a whole part (:data:`PARTIAL`).

    Raises:
        ValueError: ``name`` is blank or ``limit`` below 1.
        StoreError: the store failed.
    """
    found = await resolve_configurations(
        session, name, organization_ids=organization_ids, limit=limit
    )
    if found.exact:
        return found.views, EXACT
    part = _whole_part(name.strip())
    views = found.views
    return [v for v in views if part.search(v.name or "") or part.search(v.hostname or "")], PARTIAL


@dataclass(frozen=True, slots=True)
class KindMatch:
    """Configurations of a kind a question describes.

    Attributes:
        views: the configurations kept, active ones first.
        confidence: per the rules of :mod:`~.common`.
        truncated: more configurations of the kind exist than were read.
        qualifiers: the question's other words.
        unmatched: those of them the views do not hold.
        missing: the words that say *which* device is meant (a make of the kind's synonym,
            or a word of the name, type, make, model or OS of a configuration of the kind in
            an organization the caller may read: "milling", "reception", "fortigate") that
            no configuration of the kind in scope carries; ``views`` is then empty.
        near: when ``missing`` is set, the configurations of the kind the scope does hold.
    """

    views: list[ConfigurationView]
    confidence: float
    truncated: bool
    qualifiers: list[str]
    unmatched: list[str]
    missing: list[str] = field(default_factory=list)
    near: list[ConfigurationView] = field(default_factory=list)


def _text(view: ConfigurationView) -> str:
    parts = (
        view.name,
        view.hostname,
        view.location_name,
        view.configuration_type_name,
        view.manufacturer_name,
        view.model_name,
        view.operating_system_name,
        view.notes,
        *(interface.name for interface in view.interfaces),
    )
    return "\n".join(part for part in parts if part)


def _identity(view: ConfigurationView) -> str:
    """What names a configuration (not its free-text notes): the vocabulary of qualifiers."""
    parts = (
        view.name,
        view.hostname,
        view.configuration_type_name,
        view.manufacturer_name,
        view.model_name,
        view.operating_system_name,
    )
    return "\n".join(part for part in parts if part)


# Words said of a device loosely, whether or not its record says them ("our main firewall",
# "the public IP"): never enough to call the organization's only firewall another one.
_LOOSE = frozenset({
    "main", "primary", "public", "private", "internal", "external", "new", "old", "local",
    "remote", "default", "usual", "normal", "live", "production", "prod"
})  # fmt: skip


async def _qualifiers(
    session: AsyncSession, asked: AskedQuestion, kind: str, words: Sequence[str]
) -> list[str]:
    """The ``words`` that say which configuration of ``kind`` is meant: a make named through
    the kind's synonym, or a word naming a configuration of the kind somewhere the caller
    may read. A word no such record is named with ("use", "safe", "run") is not one."""
    brands = set(kind_brand_words(asked.text, kind))
    rest = [word for word in words if word not in brands and word not in _LOOSE]
    named: set[str] = set()
    if rest:
        everywhere = await configurations_of(
            session, kind, organization_ids=asked.readable, limit=KIND_CANDIDATES
        )
        for view in everywhere:
            named.update(matched_words(rest, _identity(view)))
    return [word for word in words if word in brands or word in named]


async def of_kind(
    session: AsyncSession, asked: AskedQuestion, kind: str, *, drop: Iterable[str] = ()
) -> KindMatch:
    """The configurations of ``kind`` in the question's scope that its other words point at.

    Archived configurations count only when no other of the kind exists. A qualifier of the
    question (:attr:`KindMatch.missing`: a make, or a word that names such a configuration
    somewhere) that no configuration carries leaves no view: the question is about another
    device than any the scope holds. Otherwise, when no configuration holds every other
    word, those holding the most are kept (all when none holds any) at
    :data:`~.common.UNMATCHED_QUALIFIER`.

    Args:
        session: any session.
        asked: the question (its scope and words).
        kind: a key of :data:`~itglue_mcp.query.network.KIND_RULES`.
        drop: words of the intent that do not qualify the configuration ("ip", "password").

    Raises:
        StoreError: the store failed.
    """
    views = await configurations_of(
        session, kind, organization_ids=asked.organization_ids, limit=KIND_CANDIDATES + 1
    )
    truncated = len(views) > KIND_CANDIDATES
    live = [view for view in views[:KIND_CANDIDATES] if not view.archived] or views
    words = subject_words(asked, drop=drop, kind=kind)
    qualifiers = await _qualifiers(session, asked, kind, words)
    carrying = [view for view in live if not missing_qualifiers(qualifiers, _text(view))]
    if live and not carrying:
        texts = [_text(view) for view in live]
        missing = [q for q in qualifiers if all(missing_qualifiers([q], text) for text in texts)]
        return KindMatch([], 0.0, truncated, words, words, missing or qualifiers, live)
    live = carrying
    kept, held = best_matching(live, words, _text)
    unmatched = [word for word in words if word not in held]
    confidence = KIND_ONE if len(kept) == 1 else KIND_SEVERAL
    if unmatched:
        confidence = UNMATCHED_QUALIFIER
    return KindMatch(kept, confidence, truncated, words, unmatched)


async def name_missing(context: EngineContext, asked: AskedQuestion, name: str) -> Answer | None:
    """``no_data`` for a configuration name absent from the organization but held elsewhere.

    "Elsewhere" is another organization the caller may read (``asked.readable``).

    Returns:
        The answer naming where ``name`` exists (and close names in scope); ``None`` when
        no organization was named or no other organization holds a record of that name.

    Raises:
        StoreError: the store failed.
    """
    if asked.organization is None:
        return None
    here = asked.organization.id
    async with reading(context.sessions) as session:
        views, _ = await named_configurations(
            session, name, organization_ids=asked.readable, limit=MAX_NAMED * 10
        )
        others = [configuration_source(view) for view in views if view.organization_id != here]
        if not others:
            named = await records_named(session, name, organization_ids=asked.readable)
            others = [r for r in named if r.organization_id not in (None, here)]
    if not others:
        return None
    return no_data(
        asked,
        f"No configuration of {scope_name(asked)} is named {name!r}.",
        [elsewhere_hint(name, others), await close_name_hint(context.sessions, asked, name)],
    )


async def qualifier_missing(
    context: EngineContext, asked: AskedQuestion, kind: str, match: KindMatch
) -> Answer:
    """``no_data`` for a device of ``kind`` that the scope holds, but not the one asked: no
    configuration of it carries :attr:`KindMatch.missing` ("No firewall of Harbor Dental
    mentions 'fortigate'; it has: firewall"). One carrying them in another organization the
    caller may read is named as a suggestion, never as the answer.

    Raises:
        StoreError: the store failed.
    """
    words = ", ".join(repr(word) for word in match.missing)
    shown = [configuration_source(view) for view in match.near[:MAX_NAMED]]
    more = len(match.near) - len(shown)
    held = listing(shown) + (f" and {more} more" if more > 0 else "")
    suggestions: list[str | None] = []
    here = None if asked.organization is None else asked.organization.id
    if here is not None:
        async with reading(context.sessions) as session:
            views = await configurations_of(
                session, kind, organization_ids=asked.readable, limit=KIND_CANDIDATES
            )
        others = [
            configuration_source(view)
            for view in views
            if view.organization_id != here
            and not view.archived
            and not missing_qualifiers(match.missing, _text(view))
        ]
        suggestions.append(elsewhere_hint(" ".join(match.missing), others))
    return no_data(
        asked,
        f"No {kind_label(kind)} of {scope_name(asked)} mentions {words}; it has: {held}.",
        suggestions,
    )


async def kind_missing(context: EngineContext, asked: AskedQuestion, kind: str) -> Answer | None:
    """``no_data`` for a kind of configuration the organization has none of, others do —
    or has, but none carrying the question's qualifiers (:func:`qualifier_missing`).

    The others are organizations the caller may read (``asked.readable``).

    Returns:
        The answer naming up to three organizations with one of each; ``None`` when no
        organization was named or no other organization has one.

    Raises:
        StoreError: the store failed.
    """
    if asked.organization is None:
        return None
    async with reading(context.sessions) as session:
        match = await of_kind(session, asked, kind)
    if match.missing:
        return await qualifier_missing(context, asked, kind, match)
    async with reading(context.sessions) as session:
        views = await configurations_of(
            session, kind, organization_ids=asked.readable, limit=KIND_CANDIDATES
        )
    first: dict[str, ConfigurationView] = {}
    for view in views:
        if view.organization_id != asked.organization.id and not view.archived:
            first.setdefault(view.organization_name or f"#{view.organization_id}", view)
    if not first:
        return None
    named = [f"{org} ({view.name})" for org, view in list(first.items())[:MAX_NAMED]]
    more = len(first) - MAX_NAMED
    plural = kind_label(kind, plural=True)
    hint = f"{plural[0].upper()}{plural[1:]} exist in: " + ", ".join(named)
    hint += f" and {more} more organizations." if more > 0 else "."
    return no_data(
        asked, f"No configuration of {scope_name(asked)} is a {kind_label(kind)}.", [hint]
    )
