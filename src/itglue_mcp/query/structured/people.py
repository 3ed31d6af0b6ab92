"""People and places: an organization's contacts and locations, as facts.

:func:`contact` finds the contacts a question means, in this order:

1. **a role** — the question's target as a title or contact type ("the IT contact", "the
   office manager"; :func:`~itglue_mcp.catalog.people.find_contacts` by role). Confidence 0.9.
2. **a name** — the target as a contact's name ("Grace Hall"): 0.95 when it is the whole
   name, 0.7 when a part of it.
3. **words** — contacts whose name, title, type, e-mail addresses or notes hold every
   distinctive word ("Metro Fiber account manager"): ``0.5 + 0.45 x`` the share held.
4. **"the primary contact"** — IT Glue has no such field; the contacts marked important are
   the ones to call first (:mod:`itglue_mcp.catalog.people`). Confidence 0.85.

Facts: title, contact type, location, phone numbers and e-mail addresses (the ones asked for
first); notes are quoted as an untrusted excerpt. :func:`location` finds a location by name or
city (0.95 whole name, 0.9 part of it), by the distinctive words of the question, the primary
location for "the main office"/"the address" (0.9), or every location for "locations" (0.85);
facts are the address fields and phone.

Someone or some place absent from the organization but present in another gives ``no_data``
naming where; absent everywhere, ``no_data`` too (the question is clearly about a person or a
place). A question naming no one and no organization ("who is the primary contact") gives
``None``.

Example::

    answer = await contact(asked, context)   # "phone number of Roger Martinez @acme"
    answer.facts[0].label, answer.facts[0].value  # ('Work phone', '(303) 555-0165')
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from itglue_mcp.catalog.citations import source_of
from itglue_mcp.catalog.people import (
    ContactPoint,
    ContactView,
    LocationView,
    find_contacts,
    find_locations,
)
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer, Fact
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.lexicon import LABEL_SYNONYMS
from itglue_mcp.query.structured.common import (
    EXACT,
    MAX_LISTED,
    PARTIAL,
    answered,
    holds_enough,
    keyword_candidates,
    listing,
    no_data,
    notes_excerpt,
    scope_name,
    subject_words,
    telling_target,
    words_confidence,
)
from itglue_mcp.query.suggestions import elsewhere_hint

__all__ = ["CONTACT_WORDS", "LOCATION_WORDS", "contact", "location"]

CONTACT_WORDS = frozenset({
    "call", "cell", "contact", "contacts", "e-mail", "email", "emails", "escalate", "first",
    "go-to", "important", "key", "lead", "mail", "main", "mobile", "person", "phone", "phones",
    "poc", "point", "primary", "reach", "text", "address", "addresses"
})  # fmt: skip
"""Words asking for a contact or its details: they do not say which person."""

LOCATION_WORDS = frozenset({
    "address", "addresses", "branch", "branches", "building", "campus", "hq", "headquarters",
    "located", "location", "locations", "mailing", "main", "office", "offices", "physical",
    "postal", "premises", "primary", "site", "sites", "street"
})  # fmt: skip
"""Words asking for a location: they do not say which one."""

_PLURAL_PLACES = frozenset({"addresses", "branches", "locations", "offices", "sites"})
_PHONE_WORDS = frozenset({"call", "cell", "mobile", "number", "phone", "phones", "text"})
_EMAIL_WORDS = frozenset({"e-mail", "email", "emails", "mail"})
_ROLE = 0.9
_IMPORTANT = 0.85
_PRIMARY = 0.9
_NAMED_PART = 0.9
_ALL_PLACES = 0.85
_CANDIDATES = 10
_PLACES_READ = 500

_ADDRESS = (
    ("address line 1", "address_1"),
    ("address line 2", "address_2"),
    ("city", "city"),
    ("region", "region_name"),
    ("postal code", "postal_code"),
    ("country", "country_name"),
    ("phone", "phone"),
)


def _kind_asked_first(
    phones: Sequence[ContactPoint], keywords: Sequence[str]
) -> list[ContactPoint]:
    """``phones`` with those whose kind (IT Glue's phone label: Work, Mobile, Home, Fax…) the
    question names first ("Linda's mobile number" leads with her Mobile phone), in their
    order otherwise; "cell" names a Mobile phone."""
    asked = {LABEL_SYNONYMS.get(word.lower(), word.lower()) for word in keywords}

    def named(phone: ContactPoint) -> bool:
        label = (phone.label_name or "").lower()
        return any(LABEL_SYNONYMS.get(w, w) in asked for w in re.findall(r"[a-z]+", label))

    return sorted(phones, key=lambda phone: not named(phone))


def _contact_facts(view: ContactView, confidence: float, asked: AskedQuestion) -> list[Fact]:
    source = source_of("contacts", view)
    phones: list[tuple[str, str | None]] = []
    for phone in _kind_asked_first(view.phones, asked.intent.entities.keywords):
        kind = f"{phone.label_name} phone" if phone.label_name else "phone"
        phones += [(kind, phone.value), (f"{kind} extension", phone.extension)]
    emails = [
        (f"{email.label_name} e-mail" if email.label_name else "e-mail", email.value)
        for email in view.emails
    ]
    about = [
        ("title", view.title),
        ("contact type", view.contact_type_name),
        ("location", view.location_name),
    ]
    asked_words = set(asked.intent.entities.keywords)
    if asked_words & _EMAIL_WORDS:
        ordered = emails + phones + about
    elif asked_words & _PHONE_WORDS:
        ordered = phones + emails + about
    else:
        ordered = about + phones + emails
    return [
        Fact(label=label, value=value.strip(), source=source, confidence=confidence)
        for label, value in ordered
        if value and value.strip()
    ]


def _contact_text(view: ContactView) -> str:
    parts = [view.name, view.title, view.contact_type_name, view.notes]
    parts += [email.value for email in view.emails]
    return "\n".join(part for part in parts if part)


async def _contacts_by_words(
    context: EngineContext, words: list[str], scope: Collection[int] | None
) -> list[ContactView]:
    """Contacts holding every word (two thirds from three), found by full text, best first."""
    candidates = await keyword_candidates(
        context, words, record_type="contacts", organization_ids=scope, limit=_CANDIDATES
    )
    found: list[ContactView] = []
    # The store reads contacts by name, not id: each candidate is read back by its name.
    async with reading(context.sessions) as session:
        for record in candidates:
            if not record.name or record.organization_id is None:
                continue
            views = await find_contacts(
                session, name=record.name, organization_ids={record.organization_id}, limit=5
            )
            found += [
                view
                for view in views
                if view.id == record.record_id and holds_enough(words, _contact_text(view))
            ]
    return found


async def _find_contacts(
    context: EngineContext, asked: AskedQuestion, scope: Collection[int] | None
) -> tuple[list[ContactView], float]:
    """The contacts a question names by role, name or words (none: ``([], 0)``)."""
    target = telling_target(asked, drop=CONTACT_WORDS)
    if target:
        async with reading(context.sessions) as session:
            by_role = await find_contacts(session, role=target, organization_ids=scope)
            if by_role:
                return by_role, _ROLE
            by_name = await find_contacts(session, name=target, organization_ids=scope)
        if by_name:
            whole = [v for v in by_name if (v.name or "").casefold() == target.casefold()]
            return (whole, EXACT) if whole else (by_name, PARTIAL)
    words = subject_words(asked, drop=CONTACT_WORDS)
    if not words:
        return [], 0.0
    views = await _contacts_by_words(context, words, scope)
    if not views:
        return [], 0.0
    return views, words_confidence(words, _contact_text(views[0]))


def _contacts_answer(
    asked: AskedQuestion, views: list[ContactView], confidence: float, lead: str
) -> Answer:
    shown = views[:MAX_LISTED]
    facts = [fact for view in shown for fact in _contact_facts(view, confidence, asked)]
    excerpts = [e for v in shown for e in notes_excerpt(v.notes, source_of("contacts", v))]
    named = listing([source_of("contacts", view) for view in views])
    return answered(
        asked,
        facts=facts,
        excerpts=excerpts,
        leading=[source_of("contacts", view) for view in shown],
        message=f"{lead} in {scope_name(asked)}: {named}.",
    )


async def contact(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """Contacts by role, name or words, or the important ones for "the primary contact".

    Reads the organization's contacts. Returns ``None`` when the question names no one and
    either no organization or one without a contact marked important.
    """
    views, confidence = await _find_contacts(context, asked, asked.organization_ids)
    if views:
        return _contacts_answer(asked, views, confidence, "Contacts")
    words = subject_words(asked, drop=CONTACT_WORDS)
    if not words:
        if asked.organization is None:
            return None
        async with reading(context.sessions) as session:
            important = await find_contacts(
                session, important=True, organization_ids=asked.organization_ids
            )
        if not important:
            return None
        lead = "Contacts marked important (the ones to call first)"
        return _contacts_answer(asked, important, _IMPORTANT, lead)
    subject = telling_target(asked, drop=CONTACT_WORDS) or " ".join(words)
    hints: list[str | None] = []
    if asked.organization is not None:
        others, _ = await _find_contacts(context, asked, asked.readable)
        here = asked.organization.id
        elsewhere = [source_of("contacts", view) for view in others if view.organization_id != here]
        hints.append(elsewhere_hint(subject, elsewhere))
    return no_data(asked, f"No contact of {scope_name(asked)} matches {subject!r}.", hints)


def _location_facts(view: LocationView, confidence: float) -> list[Fact]:
    source = source_of("locations", view)
    facts = []
    for label, name in _ADDRESS:
        value = getattr(view, name)
        if isinstance(value, str) and value.strip():
            facts.append(
                Fact(label=label, value=value.strip(), source=source, confidence=confidence)
            )
    return facts


def _place_text(view: LocationView) -> str:
    parts = (view.name, view.city, view.region_name, view.address_1, view.address_2)
    return "\n".join(part for part in parts if part)


async def _candidate_places(
    context: EngineContext,
    words: list[str],
    scope: Collection[int] | None,
    *,
    one_organization: bool,
) -> list[LocationView]:
    """Locations that may hold ``words``: all of the organization's when ``scope`` is the one
    asked about (an organization has a few), else those of ``scope`` (``None``: the whole
    account) whose name or city holds one of the words."""
    async with reading(context.sessions) as session:
        if one_organization:
            return await find_locations(session, organization_ids=scope, limit=_PLACES_READ)
        found: dict[int, LocationView] = {}
        for word in words:
            for view in await find_locations(
                session, name=word, organization_ids=scope, limit=_PLACES_READ
            ):
                found.setdefault(view.id, view)
    return list(found.values())


async def _find_locations(
    context: EngineContext,
    asked: AskedQuestion,
    scope: Collection[int] | None,
    *,
    one_organization: bool,
) -> tuple[list[LocationView], float]:
    """The locations of ``scope`` a question names by name or words, and their confidence
    (``one_organization``: ``scope`` is the organization asked about)."""
    target = telling_target(asked, drop=LOCATION_WORDS)
    if target:
        async with reading(context.sessions) as session:
            named = await find_locations(session, name=target, organization_ids=scope)
        if named:
            whole = [v for v in named if (v.name or "").casefold() == target.casefold()]
            return (whole, EXACT) if whole else (named, _NAMED_PART)
    words = subject_words(asked, drop=LOCATION_WORDS)
    candidates = (
        await _candidate_places(context, words, scope, one_organization=one_organization)
        if words
        else []
    )
    held = [view for view in candidates if holds_enough(words, _place_text(view))]
    if not held:
        return [], 0.0
    return held, words_confidence(words, _place_text(held[0]))


def _places_answer(
    asked: AskedQuestion, views: list[LocationView], confidence: float, lead: str
) -> Answer:
    shown = views[:MAX_LISTED]
    named = listing([source_of("locations", view) for view in views])
    return answered(
        asked,
        facts=[fact for view in shown for fact in _location_facts(view, confidence)],
        leading=[source_of("locations", view) for view in shown],
        message=f"{lead} in {scope_name(asked)}: {named}.",
    )


async def location(asked: AskedQuestion, context: EngineContext) -> Answer | None:
    """A location by name or words, the primary one, or all of them, with their addresses.

    Reads the organization's locations. Returns ``None`` for a question that names no place
    and either no organization or one without locations.
    """
    views, confidence = await _find_locations(
        context, asked, asked.organization_ids, one_organization=asked.organization is not None
    )
    if views:
        return _places_answer(asked, views, confidence, "Locations")
    words = subject_words(asked, drop=LOCATION_WORDS)
    if not words:
        if asked.organization is None:
            return None
        every = bool(set(asked.intent.entities.keywords) & _PLURAL_PLACES)
        async with reading(context.sessions) as session:
            views = await find_locations(
                session, primary=None if every else True, organization_ids=asked.organization_ids
            )
        if not views:
            return None
        if every:
            return _places_answer(asked, views, _ALL_PLACES, "Locations")
        return _places_answer(asked, views, _PRIMARY, "Primary location")
    subject = telling_target(asked, drop=LOCATION_WORDS) or " ".join(words)
    hints: list[str | None] = []
    if asked.organization is not None:
        others, _ = await _find_locations(context, asked, asked.readable, one_organization=False)
        here = asked.organization.id
        elsewhere = [source_of("locations", v) for v in others if v.organization_id != here]
        hints.append(elsewhere_hint(subject, elsewhere))
    return no_data(asked, f"No location of {scope_name(asked)} matches {subject!r}.", hints)
