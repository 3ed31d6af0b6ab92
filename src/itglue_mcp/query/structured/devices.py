"""Devices a question names or describes: their IP addresses, or the list of them.

- :func:`device_ip` — "what's the firewall IP at @Acme", "IP of DC01", "default gateway of
  ACME-FW01". The device is read, in this order, from a hostname in the question
  (:func:`~.configurations.named_configurations`), a configuration kind (:func:`~.configurations
  .of_kind`, narrowed by the question's other words: "the firewall at the Ottawa office"), or
  the name of a configuration or flexible asset (:func:`~itglue_mcp.query.network
  .find_addresses`). Facts: each address the device holds (primary IP, interfaces; the default
  gateway first when the question says "gateway").
- :func:`configuration` — "domain controllers at @X", "printers on floor 2", "the NAS": the
  configurations of the kind, each with its primary IP, type, location and status.

Confidence follows :mod:`~.common` (exact name 0.95, part of a name 0.7, the one / one of
several of a kind 0.9 / 0.8, of the kind but not matching the question's other words 0.5).
A name or kind the organization lacks but another has gives ``no_data`` naming where, and so
does a kind it has when none of its devices carries the question's qualifiers ("the milling
PC" where the only workstations are "Front Desk PC 1" and "Xray workstation"); a
question naming no device, or a device held nowhere, gives ``None`` (retrieval tries).

Example::

    answer = await device_ip(asked, context)      # "what's the firewall IP at @Acme"
    [(fact.source.name, fact.value) for fact in answer.facts]
"""

from __future__ import annotations

from itglue_mcp.catalog.configurations import ConfigurationView, configuration_source
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.network import find_addresses
from itglue_mcp.query.structured.common import (
    MAX_LISTED,
    answered,
    asked_first,
    listing,
    no_data,
    scope_name,
)
from itglue_mcp.query.structured.configurations import (
    KindMatch,
    address_facts,
    kind_label,
    kind_missing,
    name_missing,
    named_configurations,
    of_kind,
    qualifier_missing,
    summary_facts,
)

__all__ = ["IP_WORDS", "configuration", "device_ip"]

IP_WORDS = frozenset({
    "address", "addresses", "default", "gateway", "internal", "ip", "ips", "ipv4", "ipv6", "lan",
    "primary"
})  # fmt: skip
"""Words asking for an address: they do not say which device is meant."""


def _kind_message(asked: AskedQuestion, kind: str, match: KindMatch, noun: str) -> str:
    views = match.views
    plural = kind_label(kind, plural=len(views) != 1)
    text = (
        f"{len(views)}{'+' if match.truncated else ''} {plural} in {scope_name(asked)}"
        f"{noun}: {listing([configuration_source(view) for view in views])}."
    )
    if match.unmatched:
        words = ", ".join(repr(word) for word in match.unmatched)
        text += f" None of them mentions {words}."
    if len(views) > MAX_LISTED:
        text += f" The first {MAX_LISTED} are cited."
    return text


def _no_address(asked: AskedQuestion, views: list[ConfigurationView]) -> Answer:
    named = listing([configuration_source(view) for view in views])
    return no_data(asked, f"IT Glue holds no IP address for {named}.")


async def _named_device_ip(
    asked: AskedQuestion, context: EngineContext, name: str, gateway: bool
) -> Answer | None:
    async with reading(context.sessions) as session:
        views, confidence = await named_configurations(
            session, name, organization_ids=asked.organization_ids, limit=MAX_LISTED
        )
    if not views:
        return await name_missing(context, asked, name)
    facts = [fact for view in views for fact in address_facts(view, confidence, gateway=gateway)]
    facts = asked_first(facts, asked)
    if not facts:
        return _no_address(asked, views)
    named = listing([configuration_source(view) for view in views])
    return answered(asked, facts=facts, message=f"IP addresses of {named}.")


async def _kind_device_ip(
    asked: AskedQuestion, context: EngineContext, kind: str, gateway: bool
) -> Answer | None:
    async with reading(context.sessions) as session:
        match = await of_kind(session, asked, kind, drop=IP_WORDS)
    if match.missing:
        return await qualifier_missing(context, asked, kind, match)
    if not match.views:
        return await kind_missing(context, asked, kind)
    shown = match.views[:MAX_LISTED]
    facts = [f for view in shown for f in address_facts(view, match.confidence, gateway=gateway)]
    facts = asked_first(facts, asked)
    if not facts:
        return _no_address(asked, shown)
    message = _kind_message(asked, kind, match, " and their IP addresses")
    return answered(asked, facts=facts, message=message)


async def device_ip(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """The IP addresses of the device(s) a question names or describes.

    Reads configurations by hostname, by kind, then configurations and flexible assets by
    name. Returns ``None`` when the question names no device, or one held nowhere.
    """
    entities = asked.intent.entities
    gateway = "gateway" in entities.keywords
    if entities.hostname:
        return await _named_device_ip(asked, context, entities.hostname, gateway)
    if entities.configuration_kind:
        return await _kind_device_ip(asked, context, entities.configuration_kind, gateway)
    if not entities.target:
        return None
    async with reading(context.sessions) as session:
        lookup = await find_addresses(
            session, entities.target, organization_ids=asked.organization_ids, limit=MAX_LISTED
        )
    facts = lookup.facts() if lookup.kind == "name" else []
    if not facts:
        return None
    return answered(asked, facts=facts, message=f"IP addresses of {entities.target!r}.")


async def configuration(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """The configurations of the kind a question names, narrowed by its other words.

    Returns ``None`` when the question names no kind ("devices at @Acme"), or a kind no
    organization has.
    """
    kind = asked.intent.entities.configuration_kind
    if kind is None:
        return None
    async with reading(context.sessions) as session:
        match = await of_kind(session, asked, kind)
    if match.missing:
        return await qualifier_missing(context, asked, kind, match)
    if not match.views:
        return await kind_missing(context, asked, kind)
    shown = match.views[:MAX_LISTED]
    return answered(
        asked,
        facts=[fact for view in shown for fact in summary_facts(view, match.confidence)],
        leading=[configuration_source(view) for view in shown],
        message=_kind_message(asked, kind, match, ""),
    )
