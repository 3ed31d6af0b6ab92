"""Lookups by a literal identifier: an IP address or network, a MAC address, a serial, a hostname.

Each handler reads the records holding the value in the question's scope:

- :func:`ip_lookup` — :func:`~itglue_mcp.query.network.find_addresses`: configurations whose
  primary IP or an interface's IP is the address (or lies in the network), and flexible assets
  whose traits hold or span it. Confidence 1.0 for a record holding the address itself, 0.8
  for a network or range merely spanning it (the rules of :mod:`itglue_mcp.query.network`).
- :func:`mac_lookup` — configurations with the MAC on themselves or an interface
  (:data:`~.common.EXACT`), with the MAC as stored and the device's summary.
- :func:`serial_lookup` — configurations with that serial number (:data:`~.common.EXACT`).
- :func:`hostname_lookup` — the configuration named so (exact :data:`~.common.EXACT`, a whole
  part of the name :data:`~.common.PARTIAL`): every stored field, and its notes quoted as an
  untrusted excerpt.

A value absent from the organization but held by another gives ``no_data`` naming where. A
value held nowhere gives ``None``: retrieval then searches the free text for it (and says no
data when nothing mentions it). :func:`hostname_lookup` also returns ``None`` when the name is
another kind of record of the scope (a domain, a document…), which retrieval answers.

Example::

    answer = await ip_lookup(asked, context)   # "which device has 10.10.10.1 @acme"
    answer.facts[0].label, answer.facts[0].value  # ('primary IP; interface port1', '10.10.10.1')
"""

from __future__ import annotations

from collections.abc import Sequence

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.catalog.configurations import ConfigurationView, configuration_source
from itglue_mcp.catalog.network import (
    configurations_by_mac,
    configurations_by_serial,
    normalize_mac,
)
from itglue_mcp.catalog.records import records_named
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer, Fact
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.network import (
    AddressLookup,
    find_addresses,
)
from itglue_mcp.query.structured.common import (
    EXACT,
    MAX_LISTED,
    answered,
    asked_first,
    listing,
    no_data,
    notes_excerpt,
    scope_name,
)
from itglue_mcp.query.structured.configurations import (
    card_facts,
    name_missing,
    named_configurations,
    summary_facts,
)
from itglue_mcp.query.suggestions import elsewhere_hint

__all__ = ["hostname_lookup", "ip_lookup", "mac_lookup", "serial_lookup"]


def _holders(lookup: AddressLookup) -> list[SourceRecord]:
    return [configuration_source(m.configuration) for m in lookup.configurations] + [
        source_of("flexible-assets", asset) for asset in lookup.assets
    ]


def _listed(views: Sequence[ConfigurationView]) -> str:
    """The configurations named for a message (:func:`~.common.listing`)."""
    return listing([configuration_source(view) for view in views])


async def ip_lookup(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """Which configurations and flexible assets hold an IP address, or addresses of a network.

    Reads configurations (primary IP, interfaces) and flexible assets' traits of the scope.
    Returns ``None`` without an IP in the question, or when no record anywhere holds it.
    """
    ip = asked.intent.entities.ip
    if ip is None:
        return None
    async with reading(context.sessions) as session:
        lookup = await find_addresses(
            session, ip, organization_ids=asked.organization_ids, limit=MAX_LISTED
        )
        if not (lookup.configurations or lookup.assets):
            if asked.organization is None:
                return None
            other = await find_addresses(
                session, ip, organization_ids=asked.readable, limit=MAX_LISTED
            )
            elsewhere = [r for r in _holders(other) if r.organization_id != asked.organization.id]
            if not elsewhere:
                return None
            return no_data(
                asked,
                f"No configuration or flexible asset of {scope_name(asked)} holds {ip}.",
                [elsewhere_hint(ip, elsewhere)],
            )
    facts = sorted(lookup.facts(), key=lambda fact: -fact.confidence)
    held = "; ".join(f"{fact.source.name} ({fact.label})" for fact in facts[:3])
    more = " and more" if len(facts) > 3 or lookup.truncated else ""
    return answered(asked, facts=facts, message=f"{ip} in {scope_name(asked)}: {held}{more}.")


def _mac_facts(view: ConfigurationView, mac: str) -> list[Fact]:
    """The stored MAC values equal to ``mac``, on the configuration or its interfaces."""
    source = configuration_source(view)
    facts = []
    if view.mac_address and normalize_mac(view.mac_address) == mac:
        facts.append(
            Fact(label="MAC address", value=view.mac_address, source=source, confidence=EXACT)
        )
    facts.extend(
        Fact(
            label=f"interface {interface.name or '-'} MAC address",
            value=interface.mac_address,
            source=source,
            confidence=EXACT,
        )
        for interface in view.interfaces
        if interface.mac_address and normalize_mac(interface.mac_address) == mac
    )
    return facts


def _elsewhere(asked: AskedQuestion, value: str, views: list[ConfigurationView]) -> Answer | None:
    """``no_data`` naming the configurations of other organizations holding ``value``
    (``views`` are read within ``asked.readable``)."""
    assert asked.organization is not None
    others = [
        configuration_source(view)
        for view in views
        if view.organization_id != asked.organization.id
    ]
    if not others:
        return None
    return no_data(
        asked,
        f"No configuration of {scope_name(asked)} has {value!r}.",
        [elsewhere_hint(value, others)],
    )


async def mac_lookup(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """The configurations with a MAC address, on themselves or one of their interfaces.

    Returns ``None`` without a MAC in the question, or when no configuration anywhere has it.
    """
    mac = asked.intent.entities.mac
    if mac is None:
        return None
    async with reading(context.sessions) as session:
        views = await configurations_by_mac(
            session, mac, organization_ids=asked.organization_ids, limit=MAX_LISTED
        )
        if not views:
            if asked.organization is None:
                return None
            everywhere = await configurations_by_mac(
                session, mac, organization_ids=asked.readable, limit=MAX_LISTED
            )
            return _elsewhere(asked, mac, everywhere)
    facts = [f for view in views for f in _mac_facts(view, mac) + summary_facts(view, EXACT)]
    return answered(
        asked,
        facts=facts,
        message=f"{mac} in {scope_name(asked)}: {_listed(views)}.",
    )


async def serial_lookup(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """The configurations with a serial number (case and outer spaces ignored).

    Returns ``None`` without a serial in the question, or when no configuration anywhere has
    it (a flexible asset or a document may mention it: retrieval looks).
    """
    serial = asked.intent.entities.serial
    if serial is None:
        return None
    async with reading(context.sessions) as session:
        views = await configurations_by_serial(
            session, serial, organization_ids=asked.organization_ids, limit=MAX_LISTED
        )
        if not views:
            if asked.organization is None:
                return None
            everywhere = await configurations_by_serial(
                session, serial, organization_ids=asked.readable, limit=MAX_LISTED
            )
            return _elsewhere(asked, serial, everywhere)
    facts = []
    for view in views:
        card = card_facts(view, EXACT)
        facts += [f for f in card if f.label == "serial number"] + [
            f for f in card if f.label != "serial number"
        ]
    return answered(
        asked,
        facts=facts,
        message=f"Serial {serial} in {scope_name(asked)}: {_listed(views)}.",
    )


async def hostname_lookup(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """A configuration by name or hostname: every stored field, and its notes as an excerpt.

    Returns ``None`` without a hostname in the question, when the scope holds another kind of
    record of that name, or when no organization holds a configuration of that name.
    """
    name = asked.intent.entities.hostname
    if name is None:
        return None
    async with reading(context.sessions) as session:
        views, confidence = await named_configurations(
            session, name, organization_ids=asked.organization_ids, limit=MAX_LISTED
        )
        if not views and await records_named(
            session, name, organization_ids=asked.organization_ids, limit=1
        ):
            return None
    if not views:
        return await name_missing(context, asked, name)
    facts = asked_first([fact for view in views for fact in card_facts(view, confidence)], asked)
    excerpts = [
        excerpt
        for view in views
        for excerpt in notes_excerpt(view.notes, configuration_source(view))
    ]
    first = views[0]
    if len(views) == 1:
        kind = first.configuration_type_name or "configuration"
        message = f"{first.name} ({kind}) in {first.organization_name or scope_name(asked)}."
    else:
        message = f"{name!r} names {len(views)} configurations: {_listed(views)}."
    return answered(asked, facts=facts, excerpts=excerpts, message=message)
