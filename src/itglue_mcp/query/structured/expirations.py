"""Expiration questions: what falls due in a window, or when one record's expiration is.

The handler (:func:`expiration_handler`, with the clock it counts from) reads IT Glue's
expirations (:func:`~itglue_mcp.query.expirations.find_expirations`), one source for
warranties, domains, SSL certificates and licences:

1. **a record named** — a hostname in the question ("ACME-FW01", "acmecorp.com") or the words
   of its target once kind and expiry words are cut ("the Microsoft 365 licence"): the
   expirations of records named so, whatever their date (past ones too). A record named
   exactly is :data:`~.common.EXACT`; one whose name holds every word :data:`~.common.PARTIAL`.
2. **a window** — the days the question states ("this month" is 31, "in 60 days"), counted
   from today; looking back for "expired"/"lapsed". No window and a kind named ("when do the
   SSL certificates expire"): every one still to come; neither: the default 30 days. Every
   expiration in the window is certain to be in it: :data:`~.common.EXACT`.

Each fact is an expiration date exactly as stored, citing the expiration record; the expiring
record is cited first. IT Glue's descriptions are free text and are not repeated. A window
with nothing in it gives ``no_data`` naming the next expiration after it; a name absent from
the organization gives ``no_data`` naming where it is, or close names.

Example::

    handler = expiration_handler(lambda: date(2026, 11, 21))
    answer = await handler(asked, context)   # "SSL certificates expiring in 60 days @acme"
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, timedelta

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer, Fact
from itglue_mcp.query.entities import keywords
from itglue_mcp.query.expirations import (
    DEFAULT_WINDOW_DAYS,
    MAX_WINDOW_DAYS,
    ExpirationItem,
    expiration_window,
    find_expirations,
    today_utc,
)
from itglue_mcp.query.handlers import AskedQuestion, EngineContext, IntentHandler
from itglue_mcp.query.lexicon import EXPIRATION_KINDS, configuration_kind
from itglue_mcp.query.structured.attributes import answer_attribute
from itglue_mcp.query.structured.common import (
    EXACT,
    MAX_LISTED,
    PARTIAL,
    answered,
    close_name_hint,
    held_words,
    keyword_candidates,
    no_data,
    scope_name,
    subject_words,
)
from itglue_mcp.query.suggestions import elsewhere_hint

__all__ = ["EXPIRY_WORDS", "MAX_READ", "expiration_handler"]

EXPIRY_WORDS = frozenset({
    "anything", "coming", "date", "dates", "day", "days", "due", "end", "expiration",
    "expirations", "expire", "expired", "expires", "expiring", "expiry", "lapse", "lapsed",
    "lapses", "month", "months", "next", "out", "quarter", "renew", "renewal", "renewals",
    "renewed", "renews", "run", "runs", "soon", "status", "this", "today", "tomorrow",
    "upcoming", "week", "weeks", "within", "year", "years"
})  # fmt: skip
"""Words asking about expiry or a window: they do not name what expires."""

MAX_READ = 5000
"""Most expirations read to find those of a record named (an organization holds hundreds)."""

_LOOKING_BACK = frozenset({"expired", "lapsed"})
_KIND_SYNONYMS = tuple(synonym for synonyms in EXPIRATION_KINDS.values() for synonym in synonyms)


def _name_asked(asked: AskedQuestion) -> str | None:
    """The record the question names: its hostname, else the words of its target that remain
    once kind and expiry words are cut ("the Microsoft 365 licence" → "microsoft 365")."""
    entities = asked.intent.entities
    if entities.hostname:
        return entities.hostname
    if entities.target is None:
        return None
    target = keywords(entities.target)
    words = [
        word
        for word in subject_words(asked, drop=EXPIRY_WORDS, cut=_KIND_SYNONYMS)
        if word in target
    ]
    return " ".join(words) or None


def _named(items: Sequence[ExpirationItem], name: str) -> tuple[list[ExpirationItem], float]:
    """Expirations of records named ``name`` exactly, else whose name holds all its words."""
    wanted = name.casefold()
    exact = [item for item in items if (item.resource_name or "").casefold() == wanted]
    if exact:
        return exact, EXACT
    words = keywords(name)
    partial = [
        item
        for item in items
        if words and len(held_words(words, item.resource_name or "")) == len(words)
    ]
    return partial, PARTIAL


def _kind(kind: str) -> str:
    return "SSL certificate" if kind == "ssl certificate" else kind


def _facts(items: Sequence[ExpirationItem], confidence: float) -> list[Fact]:
    return [
        Fact(
            label=f"{_kind(item.kind)} expiration of {item.resource_name or 'a record'}",
            value=item.expiration_date.isoformat(),
            source=item.source,
            confidence=confidence,
        )
        for item in items
    ]


def _answer(
    asked: AskedQuestion, items: Sequence[ExpirationItem], confidence: float, lead: str
) -> Answer:
    shown = list(items[:MAX_LISTED])
    listed = "; ".join(
        f"{item.resource_name} ({_kind(item.kind)}) "
        f"{'expired' if item.expired else 'expires'} {item.expiration_date.isoformat()}"
        for item in shown[:3]
    )
    more = f" and {len(items) - 3} more" if len(items) > 3 else ""
    return answered(
        asked,
        facts=_facts(shown, confidence),
        leading=[item.resource for item in shown if item.resource is not None],
        message=f"{lead} in {scope_name(asked)}: {listed}{more}.",
    )


async def _organizations_naming(
    context: EngineContext,
    name: str,
    scope: Collection[int] | None,
    readable: Collection[int] | None,
) -> Collection[int] | None:
    """Where to read expirations for a record named ``name``: the scope, else the
    organizations among ``readable`` whose expirations mention it (none: an empty set)."""
    if scope is not None:
        return scope
    found = await keyword_candidates(
        context, keywords(name), record_type="expirations", organization_ids=readable
    )
    return {record.organization_id for record in found if record.organization_id is not None}


async def _of_record(
    context: EngineContext,
    name: str,
    kinds: list[str] | None,
    today: date,
    scope: Collection[int] | None,
    readable: Collection[int] | None,
) -> tuple[list[ExpirationItem], float]:
    organizations = await _organizations_naming(context, name, scope, readable)
    if not organizations:
        return [], 0.0
    async with reading(context.sessions) as session:
        report = await find_expirations(
            session,
            start=None,
            end=None,
            kinds=kinds,
            organization_ids=organizations,
            limit=MAX_READ,
            today=today,
        )
    return _named(report.expirations, name)


def _cited(item: ExpirationItem) -> SourceRecord:
    """What a listing names for an expiration: the record that expires, else the expiration."""
    return item.resource or item.source


async def _record_missing(
    context: EngineContext,
    asked: AskedQuestion,
    name: str,
    kinds: list[str] | None,
    today: date,
) -> Answer:
    hints: list[str | None] = []
    if asked.organization is not None:
        others, _ = await _of_record(context, name, kinds, today, None, asked.readable)
        here = asked.organization.id
        hints.append(
            elsewhere_hint(name, [_cited(i) for i in others if i.source.organization_id != here])
        )
    hints.append(await close_name_hint(context.sessions, asked, name))
    what = f"{_kind(kinds[0])} expiration" if kinds else "expiration"
    return no_data(asked, f"No {what} of {scope_name(asked)} is for {name!r}.", hints)


def _window(asked: AskedQuestion, today: date) -> tuple[date | None, date | None]:
    entities = asked.intent.entities
    back = bool(set(entities.keywords) & _LOOKING_BACK)
    if entities.window_days is None and entities.expiration_kind and not back:
        return today, None
    days = min(entities.window_days or DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS)
    return expiration_window(today, within_days=-days if back else days)


async def _in_window(
    context: EngineContext, asked: AskedQuestion, kinds: list[str] | None, today: date
) -> Answer:
    start, end = _window(asked, today)
    async with reading(context.sessions) as session:
        report = await find_expirations(
            session,
            start=start,
            end=end,
            kinds=kinds,
            organization_ids=asked.organization_ids,
            limit=MAX_LISTED,
            today=today,
        )
        after = None
        if not report.expirations and end is not None:
            later = await find_expirations(
                session,
                start=end + timedelta(days=1),
                end=None,
                kinds=kinds,
                organization_ids=asked.organization_ids,
                limit=1,
                today=today,
            )
            after = later.expirations[0] if later.expirations else None
    what = f"{_kind(kinds[0])} expirations" if kinds else "Expirations"
    span = f"from {start or 'the start'} to {end or 'any later date'}"
    if report.expirations:
        lead = f"{what[0].upper()}{what[1:]} {span} ({report.total} in all)"
        return _answer(asked, report.expirations, EXACT, lead)
    hint = None
    if after is not None:
        hint = f"The next one: {after.resource_name} ({_kind(after.kind)}) on "
        hint += f"{after.expiration_date}."
    return no_data(asked, f"Nothing falls due {span}.", [hint])


def expiration_handler(today: Callable[[], date] = today_utc) -> IntentHandler:
    """The ``expiration`` handler, counting windows from ``today()`` (UTC by default).

    Args:
        today: the clock; tests pass a fixed day.

    Returns:
        A handler that never returns ``None``: an expiration question always gets the
        expirations it asks for, or ``no_data``.
    """

    async def expiration(asked: AskedQuestion, context: EngineContext) -> Answer | None:
        """Expirations of a record named, or in a window, from IT Glue's expirations."""
        day = today()
        entities = asked.intent.entities
        kind = entities.expiration_kind
        kinds = None if kind is None else [kind]
        if entities.window_days is None and configuration_kind(asked.text) is not None:
            # "the warranty on the Acme firewall": that device's, not every one's.
            answer = await answer_attribute(asked, context)
            if answer is not None:
                return answer
        name = _name_asked(asked)
        if name is None:
            return await _in_window(context, asked, kinds, day)
        scope = None if asked.organization is None else {asked.organization.id}
        items, confidence = await _of_record(context, name, kinds, day, scope, asked.readable)
        if not items:
            # A record's own expiry field ("the wildcard certificate": its Valid Until).
            answer = await answer_attribute(asked, context)
            if answer is not None and answer.status == "answered":
                return answer
            return await _record_missing(context, asked, name, kinds, day)
        return _answer(asked, items, confidence, f"Expirations of {name!r}")

    return expiration
