"""What every structured handler shares: building answers, "no data" hints, and question words.

A structured answer is made of :class:`~itglue_mcp.query.answer.Fact` values read from store
records, each citing its record; :func:`answered` orders the citations as the facts do and
takes the best fact's confidence. :func:`no_data` says nothing in the organization answers and
carries hints read from the store: where else the subject exists (:func:`elsewhere_hint`),
records with close names (:func:`close_name_hint`).

Question words: :func:`subject_words` keeps the content words of a question that say *which*
record is meant ("admin" in "admin password for the firewall", "floor" in "printers on floor
2"), without the words of the intent itself, the configuration kind or the organization.
:func:`best_matching` keeps the records whose own text holds most of them.

Confidence rules shared by the handlers (``Fact.confidence``, 0-1):

- :data:`EXACT` (0.95) — the record is named, numbered or addressed exactly as asked (an IP,
  MAC, serial number, name or hostname equal to the question's).
- :data:`PARTIAL` (0.7) — the question's name is one part of the record's (``DC01`` →
  ``ACME-DC01``).
- :data:`KIND_ONE` (0.9) / :data:`KIND_SEVERAL` (0.8) — the only / one of several records of
  the kind asked about ("the firewall").
- :data:`UNMATCHED_QUALIFIER` (0.5) — records of the kind, none of which mentions the other
  words of the question ("printers on floor 9"): listed, but they may not be the ones meant.
- words — a record found by the question's words alone (a service, a vendor, a place) must
  hold all of them, or two thirds from three words on (:func:`holds_enough`); confidence
  ``0.5 + 0.45 x`` the share it holds (:func:`words_confidence`).
- :data:`SPREAD` (0.7) caps an answer with no organization named whose records belong to
  several organizations: each fact is true, but the question may have meant one of them.

Example::

    facts = [Fact(label="primary IP", value="10.10.10.1", source=source, confidence=EXACT)]
    answer = answered(asked, facts=facts, message="ACME-FW01: 10.10.10.1")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.query.answer import Answer, Excerpt, Fact
from itglue_mcp.query.entities import keywords
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.lexicon import CONFIGURATION_KINDS, STOP_WORDS
from itglue_mcp.query.matching import kind_brand_words, matched_words
from itglue_mcp.query.suggestions import MAX_NAMED, close_names, label

__all__ = [
    "EXACT",
    "KIND_ONE",
    "KIND_SEVERAL",
    "MAX_LISTED",
    "PARTIAL",
    "SPREAD",
    "UNMATCHED_QUALIFIER",
    "WORDS_SHARE",
    "answered",
    "asked_first",
    "best_matching",
    "close_name_hint",
    "held_words",
    "holds_enough",
    "keyword_candidates",
    "listing",
    "no_data",
    "notes_excerpt",
    "scope_name",
    "subject_words",
    "telling_target",
    "words_confidence",
]

EXACT = 0.95
PARTIAL = 0.7
KIND_ONE = 0.9
KIND_SEVERAL = 0.8
UNMATCHED_QUALIFIER = 0.5
SPREAD = 0.7

MAX_LISTED = 20
"""Most records one structured answer lists (its message says when there were more)."""

WORDS_SHARE = 2 / 3
"""Share of three or more words a record found by words must hold (as retrieval's rule for
keyword-only matches, :data:`~itglue_mcp.query.grounding.PARTIAL_COVERAGE`)."""

Item = TypeVar("Item")

# Words that ask for a value rather than say which record: never a qualifier.
_ASKING_WORDS = frozenset({
    "all", "any", "anything", "asset", "assets", "box", "boxes", "config", "configs",
    "configuration", "configurations", "count", "detail", "details", "device", "devices",
    "equipment", "every", "hardware", "have", "info", "information", "kind", "machine",
    "machines", "many", "name", "names", "number", "numbers", "one", "ones", "type", "types",
    "unit", "units", "value"
})  # fmt: skip


_TOKEN = re.compile(r"\w[\w.\-]*")

# Words of fact labels too common to say which fact a question wants.
_LABEL_WORDS = frozenset({"address", "interface", "ip", "name", "number", "primary", "type"})


def scope_name(asked: AskedQuestion) -> str:
    """The organization's name, or "any organization" for an unscoped question."""
    return asked.organization.name if asked.organization is not None else "any organization"


def _unique(sources: Iterable[SourceRecord]) -> list[SourceRecord]:
    seen: dict[tuple[str, int], SourceRecord] = {}
    for source in sources:
        seen.setdefault((source.record_type, source.record_id), source)
    return list(seen.values())


def answered(
    asked: AskedQuestion,
    *,
    facts: Sequence[Fact],
    message: str,
    excerpts: Sequence[Excerpt] = (),
    leading: Sequence[SourceRecord] = (),
) -> Answer:
    """An ``answered`` answer citing the records of ``facts`` (then ``excerpts``) in order.

    Args:
        asked: the question.
        facts: the values read, most relevant first (at least one).
        message: the one-line summary.
        excerpts: IT Glue free text quoted (untrusted), with its records.
        leading: records cited before those of the facts (the record asked about).

    Returns:
        The answer; its confidence is the best fact's, capped at :data:`SPREAD` when no
        organization was named and the records belong to several.
    """
    sources = _unique([*leading, *(f.source for f in facts), *(e.source for e in excerpts)])
    confidence = max((fact.confidence for fact in facts), default=PARTIAL)
    organizations = {source.organization_id for source in sources}
    if asked.organization is None and len(organizations) > 1:
        confidence = min(confidence, SPREAD)
    return Answer(
        question=asked.question,
        organization=None if asked.organization is None else asked.organization.source,
        intent=str(asked.intent.kind),
        status="answered",
        facts=list(facts),
        excerpts=list(excerpts),
        sources=sources,
        confidence=confidence,
        message=message,
    )


def no_data(asked: AskedQuestion, detail: str, suggestions: Iterable[str | None] = ()) -> Answer:
    """A ``no_data`` answer: "No data available in IT Glue for this in <scope>. <detail>".

    ``suggestions`` are hints of what does exist (``None`` entries are skipped).
    """
    return Answer(
        question=asked.question,
        organization=None if asked.organization is None else asked.organization.source,
        intent=str(asked.intent.kind),
        status="no_data",
        confidence=0.0,
        suggestions=[hint for hint in dict.fromkeys(suggestions) if hint],
        message=f"No data available in IT Glue for this in {scope_name(asked)}. {detail}".strip(),
    )


async def close_name_hint(
    sessions: async_sessionmaker[AsyncSession], asked: AskedQuestion, subject: str
) -> str | None:
    """ "Records in <scope> with names close to '<subject>': …", or ``None`` when none is."""
    close = await close_names(
        sessions, subject, organization_ids=asked.organization_ids, record_types=asked.record_types
    )
    if not close:
        return None
    named = ", ".join(label(record) for record in close)
    return f"Records in {scope_name(asked)} with names close to {subject!r}: {named}."


def listing(records: Sequence[SourceRecord]) -> str:
    """``"A (configuration), B (configuration) and 2 more"``: records named in a message.

    Records of several organizations carry their organization's name.
    """
    several = len({record.organization_id for record in records}) > 1

    def named(record: SourceRecord) -> str:
        where = f" in {record.organization_name}" if several and record.organization_name else ""
        return f"{label(record)}{where}"

    shown = ", ".join(named(record) for record in records[:MAX_NAMED])
    rest = len(records) - MAX_NAMED
    return f"{shown} and {rest} more" if rest > 0 else shown


def asked_first(facts: Sequence[Fact], asked: AskedQuestion) -> list[Fact]:
    """``facts`` with those the question names first ("serial" → the serial number), the
    order otherwise kept; words every label shares ("address", "IP") do not count."""
    wanted = [word for word in asked.intent.entities.keywords if word not in _LABEL_WORDS]
    return sorted(facts, key=lambda fact: not held_words(wanted, fact.label))


def notes_excerpt(text: str | None, source: SourceRecord, field: str = "notes") -> list[Excerpt]:
    """The record's free text as an untrusted excerpt (none when it is blank)."""
    if text is None or not text.strip():
        return []
    return [Excerpt(field=field, text=text.strip(), source=source)]


def _whole_words(synonyms: Sequence[str]) -> re.Pattern[str]:
    """Any of ``synonyms`` (regular expressions) as whole words, as the lexicon matches them."""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(synonyms)})(?![\w-])", re.IGNORECASE)


def subject_words(
    asked: AskedQuestion,
    *,
    drop: Iterable[str] = (),
    kind: str | None = None,
    cut: Sequence[str] = (),
) -> list[str]:
    """Content words of the question that say which record is meant.

    Args:
        asked: the question.
        drop: words of the intent ("password", "phone"…) to leave out.
        kind: a configuration kind whose synonyms are cut from the text first (so "domain
            controllers" leaves neither "domain" nor "controllers"); the make or product
            words of a synonym stay ("FortiGate" of "the FortiGate": :func:`~itglue_mcp
            .query.matching.kind_brand_words`).
        cut: further synonyms (regular expressions, whole words) cut from the text first.

    Returns:
        The remaining content words, lower-cased, in order, without the words of the
        organization's name and the generic words of :data:`_ASKING_WORDS`.
    """
    synonyms = [*(CONFIGURATION_KINDS.get(kind, ()) if kind else ()), *cut]
    text = _whole_words(synonyms).sub(" ", asked.text) if synonyms else asked.text
    dropped = _dropped(asked, drop)
    brands = [word for word in kind_brand_words(asked.text, kind) if word not in dropped]
    return [*brands, *(word for word in keywords(text) if word not in dropped)]


def _dropped(asked: AskedQuestion, drop: Iterable[str]) -> set[str]:
    dropped = {*_ASKING_WORDS, *(word.lower() for word in drop)}
    if asked.organization is not None:
        dropped.update(keywords(asked.organization.name))
    return dropped


def telling_target(asked: AskedQuestion, *, drop: Iterable[str] = ()) -> str | None:
    """The question's target phrase, when it has a word besides ``drop`` and the
    organization's name ("Grace Hall", "IT contact"; not "the contact" or "main office")."""
    target = asked.intent.entities.target
    if not target:
        return None
    dropped = _dropped(asked, drop)

    def telling(word: str) -> bool:
        # An acronym written in capitals ("IT") tells even when it is a stop word ("it").
        lower = word.lower()
        return lower not in dropped and (lower not in STOP_WORDS or word.isupper())

    return target if any(telling(word) for word in _TOKEN.findall(target)) else None


def _holds(word: str, text: str) -> bool:
    """``text`` holds ``word``; a number also as an ordinal ("2" in "2nd floor")."""
    if matched_words([word], text):
        return True
    return word.isdigit() and bool(re.search(rf"(?<!\w){word}(?:st|nd|rd|th)\b", text, re.I))


def held_words(words: Sequence[str], text: str) -> list[str]:
    """The ``words`` that ``text`` holds (see :func:`~itglue_mcp.query.matching.matched_words`;
    numbers also match their ordinals)."""
    return [word for word in words if _holds(word, text)]


def holds_enough(words: Sequence[str], text: str) -> bool:
    """``text`` holds every word of ``words``, or :data:`WORDS_SHARE` of three or more."""
    needed = len(words) if len(words) < 3 else WORDS_SHARE * len(words)
    return bool(words) and len(held_words(words, text)) >= needed


def words_confidence(words: Sequence[str], text: str) -> float:
    """``0.5 + 0.45 x`` the share of ``words`` that ``text`` holds, rounded (at most EXACT)."""
    share = len(held_words(words, text)) / len(words) if words else 0.0
    return round(min(EXACT, 0.5 + 0.45 * share), 2)


def best_matching(
    items: Sequence[Item], words: Sequence[str], text_of: Callable[[Item], str]
) -> tuple[list[Item], list[str]]:
    """The items whose text holds the most of ``words`` (all items when none holds any).

    Returns:
        ``(kept, held)``: ``held`` lists the words the kept items hold (empty when no item
        holds any, and then every item is kept).
    """
    if not words or not items:
        return list(items), []
    found = [held_words(words, text_of(item)) for item in items]
    best = max(len(held) for held in found)
    if best == 0:
        return list(items), []
    kept = [item for item, held in zip(items, found, strict=True) if len(held) == best]
    return kept, next(held for held in found if len(held) == best)


async def keyword_candidates(
    context: EngineContext,
    words: Sequence[str],
    *,
    record_type: str,
    organization_ids: Collection[int] | None,
    limit: int = 50,
) -> list[SourceRecord]:
    """Records of one type whose name or text holds any of ``words``, most words first.

    Full-text retrieval (keyword mode: each word on its own as well as all together); the
    caller checks the records' own fields, so a match in free text only ranks a candidate.

    Raises:
        StoreError: the store failed.
    """
    if not words:
        return []
    found = await context.retriever.retrieve(
        " ".join(words),
        organization_ids=organization_ids,
        record_types=[record_type],
        mode="keyword",
        words=list(words),
        limit=limit,
    )
    return [hit.record for hit in found.hits]
