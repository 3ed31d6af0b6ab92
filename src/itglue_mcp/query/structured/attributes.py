"""One-attribute answers: "the serial number of ACME-FW01", "the WAN IP of the firewall",
"the circuit ID of the Acme fibre line", "Grace Hall's e-mail", "the URL of the Meraki login".

:func:`answer_attribute` reads which attribute a question asks for
(:func:`~itglue_mcp.query.attributes.asked_attributes`: the lexicon and the store's flexible
asset fields), then which thing it asks it of, and answers with that attribute only:

1. **a configuration** — named by a hostname-like word, a configuration kind ("the
   firewall"), or the phrase the attribute is said of ("the serial of NW Core Switch"):
   the field asked (serial number, model, manufacturer, operating system, warranty, asset tag,
   hostname, location, status, MAC address), or the IP/MAC of the interface the question names
   — by its role (WAN, LAN, out-of-band management, management: the interface's name or
   notes show it) or by its own name as stored ("port1", "iDRAC").
2. **a flexible asset** — of a type holding the field asked, picked by the words of its name
   or its type's name ("the Nightly backup", "the ISP circuit"), or every one of the
   organization's when the question names nothing but the field: that trait's value
   (:mod:`.asset_fields`).
3. **a contact, a password entry or a location** — found as their own handlers find them,
   answered with the e-mail, phone or title, the username or the login URL (never a
   password's value), the address or phone only; **a domain** named in the question, with
   its registrar.

The thing found but the attribute not recorded gives ``no_data`` naming what is recorded
("ACME-FW01 has no serial number recorded in IT Glue"); another attribute is never given in
its place. Nothing found gives ``None``: the intent's own handler, then retrieval, answer.
A question naming a literal IP, MAC or serial is a lookup, not an attribute question.

Confidence is the subject's (exact name 0.95, part of a name 0.7, the one / one of several of
a kind 0.9 / 0.8, a flexible asset by the share of the question's words its name holds).

Example::

    answer = await answer_attribute(asked, context)   # "serial number of ACME-FW01"
    answer.facts[0].label, answer.facts[0].value      # ('serial number', 'FGT40FTK32701336')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from itglue_mcp.catalog.citations import source_of
from itglue_mcp.catalog.configurations import (
    ConfigurationInterfaceView,
    ConfigurationView,
    configuration_source,
)
from itglue_mcp.catalog.domains import domain_source, domains_named, organization_domains
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer, Fact
from itglue_mcp.query.attributes import (
    CONFIGURATION_ATTRIBUTES,
    INTERFACE_ROLES,
    AskedAttributes,
    FieldTerm,
    InterfaceRole,
    RecordFamily,
    SchemaCache,
    asked_attributes,
    restated,
    without_spans,
)
from itglue_mcp.query.entities import find_hostname
from itglue_mcp.query.handlers import AskedQuestion, EngineContext, IntentHandler
from itglue_mcp.query.intent import IntentKind, phrase_around
from itglue_mcp.query.lexicon import LABEL_SYNONYMS, configuration_kind
from itglue_mcp.query.structured.asset_fields import asset_field_answer
from itglue_mcp.query.structured.common import (
    EXACT,
    KIND_ONE,
    KIND_SEVERAL,
    MAX_LISTED,
    answered,
    listing,
    no_data,
    scope_name,
)
from itglue_mcp.query.structured.configurations import (
    address_facts,
    kind_missing,
    name_missing,
    named_configurations,
    of_kind,
)
from itglue_mcp.query.structured.credentials import credential
from itglue_mcp.query.structured.people import contact, location
from itglue_mcp.query.suggestions import elsewhere_hint

__all__ = ["answer_attribute", "attribute_fallback", "attribute_first"]

_SCHEMAS = SchemaCache()
_ADDRESS_WORD = re.compile(r"(?<![\w-])(?:ip(?:v[46])?s?|address(?:es)?|mac)(?![\w-])", re.I)
_EMAIL_OR_WEB = re.compile(r"(?<![\w-])(?:e-?mail|mail|web|url|login)\s+address", re.I)
# Configuration attributes whose words also name other things: they pick a configuration's
# field only when a configuration is named by a hostname-like word or a kind.
_DOMAIN_WORD = re.compile(r"(?<![\w-])(?:domains?|registrars?)(?![\w-])", re.IGNORECASE)
_LOOSE = frozenset({"location", "status", "manufacturer"})
# Record families and the record type the caller must be allowed to see.
_FAMILY_TYPES: dict[RecordFamily, str] = {
    "location": "locations",
    "contact": "contacts",
    "password": "passwords",
    "domain": "domains",
}


def _stored(value: str | date | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    return text or None


# --- configurations ---------------------------------------------------------------------


class _Kind(str):
    """A configuration kind the question names, as opposed to a name (for "missing")."""

    __slots__ = ()


def _hostnames(text: str) -> list[str]:
    found: list[str] = []
    while (name := find_hostname(text, exclude=frozenset(found))) is not None:
        found.append(name)
    return found


async def _configurations(
    asked: AskedQuestion, context: EngineContext, rest: AskedQuestion, phrase: str | None
) -> tuple[list[ConfigurationView], float, str | None, bool]:
    """The configurations the question names: by hostname-like word, kind, then phrase.

    Returns:
        ``(views, confidence, missing, named)``: ``missing`` is a hostname-like word held by
        no configuration of the scope, the kind named (a :class:`_Kind`) when the scope
        has none of it, or the brand named (a :class:`_Brand`) when none of its is of
        it; ``named`` says the subject was a name or kind (not a
        loose phrase).
    """
    missing: str | None = None
    async with reading(context.sessions) as session:
        named: list[tuple[list[ConfigurationView], float]] = []
        for name in _hostnames(rest.text):
            views, confidence = await named_configurations(
                session, name, organization_ids=asked.organization_ids, limit=MAX_LISTED
            )
            if views:
                named.append((views, confidence))
            else:
                missing = missing or name
        if named:
            # A device written beside one of its interfaces ("wan1 of FW01"): both words name
            # configurations, the interface's every device that has one; the device's own name
            # is the narrower, and the subject.
            views, confidence = min(named, key=lambda found: len(found[0]))
            return views, confidence, None, True
        kind = configuration_kind(rest.text)
        if kind is not None:
            match = await of_kind(session, rest, kind)
            # A make named with the kind ("the FortiGate") is a qualifier of_kind applies.
            if match.views:
                return match.views[:MAX_LISTED], match.confidence, None, True
            missing = missing or _Kind(kind)
        if phrase and missing is None:
            views, confidence = await named_configurations(
                session, phrase, organization_ids=asked.organization_ids, limit=MAX_LISTED
            )
            if views:
                return views, confidence, None, False
    return [], 0.0, missing, False


def _recorded(view: ConfigurationView) -> list[str]:
    """The attributes a configuration has values for, as answers name them."""
    return [
        name
        for name, (column, _) in CONFIGURATION_ATTRIBUTES.items()
        if _stored(getattr(view, column))
    ]


def _field_facts(view: ConfigurationView, term: FieldTerm, confidence: float) -> list[Fact]:
    source = configuration_source(view)
    facts = []
    value = _stored(getattr(view, term.field))
    if value is not None:
        facts.append(Fact(label=term.name, value=value, source=source, confidence=confidence))
    if term.field == "mac_address":
        facts += [
            Fact(
                label=f"interface {interface.name or '-'} MAC address",
                value=interface.mac_address,
                source=source,
                confidence=confidence,
            )
            for interface in view.interfaces
            if interface.mac_address and interface.mac_address != value
        ]
    return facts


def _named_interfaces(view: ConfigurationView, text: str) -> list[ConfigurationInterfaceView]:
    """The interfaces of ``view`` whose own name the question writes ("port1", "iDRAC")."""
    named = []
    for interface in view.interfaces:
        name = (interface.name or "").strip()
        if name and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.IGNORECASE):
            named.append(interface)
    return named


def _role_interfaces(
    view: ConfigurationView, role: InterfaceRole
) -> list[ConfigurationInterfaceView]:
    """The interfaces of ``view`` in ``role``: named with the question's own word first, then
    named for the role, then noted as being in it."""
    shown = INTERFACE_ROLES[role.role][1]
    said = re.compile(rf"(?<![a-z]){re.escape(role.said)}(?![a-z])", re.IGNORECASE)
    ranked: list[tuple[int, ConfigurationInterfaceView]] = []
    for interface in view.interfaces:
        name, notes = interface.name or "", interface.notes or ""
        if said.search(name):
            ranked.append((3, interface))
        elif shown.search(name):
            ranked.append((2, interface))
        elif shown.search(notes):
            ranked.append((1, interface))
    if not ranked:
        return []
    best = max(rank for rank, _ in ranked)
    return [interface for rank, interface in ranked if rank == best]


def _interface_facts(
    view: ConfigurationView,
    interfaces: Sequence[ConfigurationInterfaceView],
    mac: bool,
    confidence: float,
) -> list[Fact]:
    source = configuration_source(view)
    facts = []
    for interface in interfaces:
        value = interface.mac_address if mac else interface.ip_address
        if value and value.strip():
            label = f"interface {interface.name or '-'} {'MAC address' if mac else 'IP'}"
            facts.append(
                Fact(label=label, value=value.strip(), source=source, confidence=confidence)
            )
    return facts


def _listed(views: Sequence[ConfigurationView]) -> str:
    return listing([configuration_source(view) for view in views])


def _interfaces_held(views: Sequence[ConfigurationView]) -> str | None:
    named = [
        f"{view.name}: "
        + ", ".join(f"{i.name or '-'} ({i.ip_address or 'no IP'})" for i in view.interfaces)
        for view in views
        if view.interfaces
    ]
    return f"Interfaces recorded: {'; '.join(named)}." if named else None


def _run_on(span: tuple[int, int], words: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """``span`` run on over the address words right after it ("management" → "management
    IP"): the thing asked about is named after the whole attribute ("…IP of fw-edge")."""
    start, end = span
    for word_start, word_end in sorted(words):
        if end <= word_start <= end + 1:
            end = word_end
    return start, end


async def _configuration_attribute(
    asked: AskedQuestion, context: EngineContext, found: AskedAttributes
) -> Answer | None:
    """The configuration field or interface address asked, of the configurations named.

    An interface named by its own name, else by the role asked, gives its IP (its MAC when
    the question says "MAC"); an address asked of a device with no attribute named gives
    its addresses; a field gives that field. ``None`` when no configuration is named, or
    only loosely (a phrase, for words like "location" that name other records too).
    """
    term, role = found.configuration, found.interface
    address_words = [m.span() for m in _ADDRESS_WORD.finditer(asked.text)]
    spans = [s for s in (term.span if term else None, role.span if role else None) if s]
    rest = restated(asked, without_spans(asked.text, [*spans, *address_words]))
    said = role or term
    anchor = _run_on(said.span if said is not None else address_words[0], address_words)
    phrase = phrase_around(asked.text, *anchor)
    views, confidence, missing, named = await _configurations(asked, context, rest, phrase)
    if not views:
        if isinstance(missing, _Kind) and (term or role):
            return await kind_missing(context, asked, missing)
        if missing is not None and (term or role):
            return await name_missing(context, asked, missing)
        return None
    wants_mac = bool(re.search(r"(?<![\w-])mac(?![\w-])", asked.text, re.I))
    by_name = {view.id: _named_interfaces(view, asked.text) for view in views}
    if role is not None or any(by_name.values()):
        facts: list[Fact] = []
        for view in views:
            chosen = by_name[view.id] or (_role_interfaces(view, role) if role else [])
            facts += _interface_facts(view, chosen, wants_mac, confidence)
        what = role.role if role else "named"
        kind = "MAC address" if wants_mac else "IP address"
        if not facts:
            return no_data(
                asked,
                f"{_listed(views)} has no {what} interface {kind} recorded in IT Glue.",
                [_interfaces_held(views)],
            )
        return answered(
            asked,
            facts=facts,
            message=f"{what[0].upper()}{what[1:]} interface {kind} of {_listed(views)}.",
        )
    if term is None and named and asked.intent.kind is not IntentKind.DEVICE_IP:
        # "the address of ACME-FW01": a device's address is its IP, not a location (the
        # device's IP handler answers IP questions itself).
        facts = [fact for view in views for fact in address_facts(view, confidence)]
        if facts:
            return answered(asked, facts=facts, message=f"IP addresses of {_listed(views)}.")
        return no_data(asked, f"{_listed(views)} has no IP address recorded in IT Glue.")
    if term is None or (term.name in _LOOSE and not named):
        return None
    facts = [fact for view in views for fact in _field_facts(view, term, confidence)]
    if not facts:
        recorded = sorted({name for view in views for name in _recorded(view)})
        hint = f"Recorded for {_listed(views)}: {', '.join(recorded)}." if recorded else None
        return no_data(asked, f"{_listed(views)} has no {term.name} recorded in IT Glue.", [hint])
    return answered(asked, facts=facts, message=f"The {term.name} of {_listed(views)}.")


# --- contacts and password entries --------------------------------------------------------

_FAMILY_HANDLERS: dict[RecordFamily, tuple[IntentKind, IntentHandler]] = {
    "contact": (IntentKind.CONTACT, contact),
    "password": (IntentKind.CREDENTIAL, credential),
    "location": (IntentKind.LOCATION, location),
}


async def _organization_registrars(
    asked: AskedQuestion, context: EngineContext, term: FieldTerm
) -> Answer:
    """The ``term`` of each domain of the question's organization, or ``no_data`` saying it
    has none recorded."""
    async with reading(context.sessions) as session:
        views = await organization_domains(
            session, organization_ids=asked.organization_ids or (), limit=MAX_LISTED
        )
    facts = [
        Fact(
            label=f"{term.name} of {view.name}",
            value=view.registrar_name.strip(),
            source=domain_source(view),
            confidence=KIND_ONE if len(views) == 1 else KIND_SEVERAL,
        )
        for view in views
        if view.registrar_name and view.registrar_name.strip()
    ]
    if not facts:
        held = ", ".join(view.name or "?" for view in views)
        what = f"Its domains: {held}." if held else None
        return no_data(
            asked, f"No domain of {scope_name(asked)} has a {term.name} recorded.", [what]
        )
    named = ", ".join(view.name or "?" for view in views)
    return answered(asked, facts=facts, message=f"The {term.name} of {named}.")


async def _domain_attribute(
    asked: AskedQuestion, context: EngineContext, term: FieldTerm
) -> Answer | None:
    """A domain's registrar: the domain named by a dotted name in the question, else (the
    question saying "domain" or "registrar" of one organization) the organization's domains."""
    names = [name for name in _hostnames(asked.text) if "." in name]
    if not names:
        if asked.organization is None or not _DOMAIN_WORD.search(asked.text):
            return None
        return await _organization_registrars(asked, context, term)
    async with reading(context.sessions) as session:
        views = await domains_named(session, names[0], organization_ids=asked.organization_ids)
        elsewhere = []
        if not views and asked.organization is not None:
            elsewhere = [
                source_of("domains", view)
                for view in await domains_named(session, names[0], organization_ids=asked.readable)
                if view.organization_id != asked.organization.id
            ]
    if not views:
        if not elsewhere:
            return None
        return no_data(
            asked,
            f"{scope_name(asked)} has no domain {names[0]!r}.",
            [elsewhere_hint(names[0], elsewhere)],
        )
    facts = [
        Fact(
            label=term.name,
            value=view.registrar_name.strip(),
            source=domain_source(view),
            confidence=EXACT,
        )
        for view in views
        if view.registrar_name and view.registrar_name.strip()
    ]
    if not facts:
        return no_data(asked, f"The domain {names[0]} has no {term.name} recorded in IT Glue.")
    return answered(asked, facts=facts, message=f"The {term.name} of {names[0]}.")


def _kind_named_first(facts: Sequence[Fact], text: str, term: FieldTerm) -> list[Fact]:
    """``facts`` with those whose label's own kind the question names first ("Linda's mobile
    number": the "Mobile phone" before the "Work phone"), in their order otherwise."""
    said = {LABEL_SYNONYMS.get(w, w) for w in re.findall(r"[a-z]+", text.lower())}
    generic = set(re.findall(r"[a-z]+", term.name.lower()))

    def named(fact: Fact) -> bool:
        words = set(re.findall(r"[a-z]+", fact.label.lower())) - generic
        return any(LABEL_SYNONYMS.get(w, w) in said for w in words)

    return sorted(facts, key=lambda fact: not named(fact))


async def _record_attribute(
    asked: AskedQuestion, context: EngineContext, family: RecordFamily, term: FieldTerm
) -> Answer | None:
    """The contact's, password entry's or domain's ``term``; contacts and password entries
    are found as their own handlers find them."""
    if _FAMILY_TYPES[family] in asked.hidden_types:
        return None
    if family == "domain":
        return await _domain_attribute(asked, context, term)
    kind, handler = _FAMILY_HANDLERS[family]
    rest = restated(asked, without_spans(asked.text, [term.span]), kind)
    entities = replace(rest.intent.entities, target=phrase_around(asked.text, *term.span))
    found = await handler(replace(rest, intent=replace(rest.intent, entities=entities)), context)
    if found is None or found.status != "answered" or not found.facts:
        return None
    wanted = re.compile(term.field, re.IGNORECASE)
    facts = _kind_named_first(
        [fact for fact in found.facts if wanted.search(fact.label)], asked.text, term
    )
    named = ", ".join(dict.fromkeys(source.name or "?" for source in found.sources[:MAX_LISTED]))
    if not facts:
        return no_data(asked, f"{named}: no {term.name} recorded in IT Glue.")
    message = f"The {term.name} of {named}."
    if family == "password":
        message += " The password value itself is never returned here."
    # The record's notes stay quoted (untrusted): "prefers text" belongs with a phone number.
    return answered(asked, facts=facts, excerpts=found.excerpts, message=message)


# --- entry points -------------------------------------------------------------------------


async def answer_attribute(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """The one attribute a question asks of one thing, or ``None`` when it asks none or
    names nothing that holds it (see the module docstring).

    Raises:
        StoreError: the store failed.
    """
    entities = asked.intent.entities
    if entities.ip or entities.mac or entities.serial:
        return None
    schemas, os_words = await _SCHEMAS.vocabulary(context.sessions)
    found = asked_attributes(asked.text, schemas, os_words)
    asks_address = bool(_ADDRESS_WORD.search(_EMAIL_OR_WEB.sub(" ", asked.text)))
    if found.configuration or found.interface or asks_address:
        answer = await _configuration_attribute(asked, context, found)
        if answer is not None:
            return answer
    if found.traits:
        answer = await asset_field_answer(asked, context, found.traits)
        if answer is not None:
            return answer
    for family, term in found.records.items():
        answer = await _record_attribute(asked, context, family, term)
        if answer is not None:
            return answer
    return None


def attribute_first(handler: IntentHandler | None) -> IntentHandler:
    """``handler`` preceded by :func:`answer_attribute` (``None``: the attribute step only)."""

    async def handle(asked: AskedQuestion, context: EngineContext) -> Answer | None:
        answer = await answer_attribute(asked, context)
        if answer is not None or handler is None:
            return answer
        return await handler(asked, context)

    return handle


def attribute_fallback(handler: IntentHandler) -> IntentHandler:
    """``handler``, then :func:`answer_attribute` when it found nothing."""

    async def handle(asked: AskedQuestion, context: EngineContext) -> Answer | None:
        answer = await handler(asked, context)
        return answer if answer is not None else await answer_attribute(asked, context)

    return handle
