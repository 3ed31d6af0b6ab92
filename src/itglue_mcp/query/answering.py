"""Answers from retrieval: the document/how-to handler, the generic one, and "no data".

:func:`answer_from_retrieval` retrieves candidates (exact name, full text, meaning, links),
keeps those the relevance rules accept (:func:`~itglue_mcp.query.grounding.judge`), and
quotes their relevant passages as untrusted :class:`Excerpt` values with their citations —
a document's sections, another record's searchable text. It adds no fact of its own: every
word returned is read from a cited record. When the scope names an organization, the
question's subject (its literal identifiers and the words of its target) must occur in that
organization; a subject found only elsewhere means no data here, with a hint saying where. A
question asking for a value of a known shape (an IP address, an e-mail address, a phone
number, a URL) is answered only by records holding such a value: a record that merely shares
its words is not evidence for it.

:func:`no_data_answer` builds the ``no_data`` answer: a message saying IT Glue has no data
for the question, and suggestions of what does exist (:mod:`~itglue_mcp.query.suggestions`):
where the subject lives, organizations holding a matching record, close names in scope, and
the closest records that did not match.

Example::

    answer = await answer_documentation(asked, context)
    [excerpt.source.name for excerpt in answer.excerpts]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from opentelemetry import trace

from itglue_mcp.catalog.citations import CitationKey
from itglue_mcp.catalog.documents import get_documents
from itglue_mcp.catalog.records import record_texts
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.answer import Answer, Excerpt
from itglue_mcp.query.attributes import asked_attributes
from itglue_mcp.query.entities import find_ip
from itglue_mcp.query.entities import keywords as content_words
from itglue_mcp.query.grounding import Judged, judge, subject_words
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.hits import Retrieval, RetrievedHit, Retriever
from itglue_mcp.query.intent import Entities, IntentKind
from itglue_mcp.query.matching import kind_brand_words, missing_qualifiers
from itglue_mcp.query.passages import Passage, select_passages, split_text
from itglue_mcp.query.suggestions import (
    MAX_NAMED,
    Located,
    close_names,
    elsewhere_hint,
    label,
    locate_subjects,
    matching_elsewhere,
)

__all__ = [
    "CANDIDATES",
    "MAX_EXCERPT_RECORDS",
    "MAX_SOURCES",
    "OTHER_EXCERPT_CHARS",
    "RELATIVE_CONFIDENCE",
    "TOP_EXCERPT_CHARS",
    "answer_documentation",
    "answer_from_retrieval",
    "answer_search",
    "no_data_answer",
]

_tracer = trace.get_tracer(__name__)

CANDIDATES = 10
"""Records retrieved per question before the relevance rules."""

MAX_SOURCES = 5
"""Most records cited by one answer."""

RELATIVE_CONFIDENCE = 0.3
"""Supporting records this far below the best one's confidence are left out: they passed the
relevance rules, but the answer is better without weak company."""

MAX_EXCERPT_RECORDS = 3
"""Most records quoted by one answer (the best ones)."""

TOP_EXCERPT_CHARS = 2400
"""Characters quoted from the best record (a typical runbook fits whole)."""

OTHER_EXCERPT_CHARS = 600
"""Characters quoted from each further record."""


def _identifiers(entities: Entities) -> list[str]:
    """Literal values the answer must contain: IP, MAC, serial number, hostname."""
    values = (entities.ip, entities.mac, entities.serial, entities.hostname)
    return list(dict.fromkeys(value for value in values if value))


def _subjects(entities: Entities, identifiers: Sequence[str]) -> list[str]:
    """What the question is about: its identifiers, then the content words of its target."""
    taken = {value.casefold() for value in identifiers}
    words = content_words(entities.target) if entities.target else ()
    return [*identifiers, *(word for word in words if word.casefold() not in taken)]


async def _texts(context: EngineContext, hits: Sequence[RetrievedHit]) -> dict[CitationKey, str]:
    async with reading(context.sessions) as session:
        return await record_texts(session, [hit.key for hit in hits])


def _judge_all(
    found: Retrieval, texts: Mapping[CitationKey, str], words: Sequence[str], ids: Sequence[str]
) -> list[Judged]:
    with _tracer.start_as_current_span("query.grounding") as span:
        judged = [
            judge(hit, words=words, identifiers=ids, text=texts.get(hit.key, ""))
            for hit in found.hits
        ]
        span.set_attribute("itglue_mcp.query.candidates", len(judged))
        span.set_attribute(
            "itglue_mcp.query.supporting", sum(1 for verdict in judged if verdict.supports)
        )
        return judged


async def answer_from_retrieval(
    asked: AskedQuestion,
    context: EngineContext,
    *,
    preferred_types: Sequence[str] = (),
) -> Answer:
    """Answer ``asked`` with the records retrieval finds and the relevance rules accept.

    Args:
        asked: the parsed question.
        context: the backends.
        preferred_types: record types listed before others among supporting records (before
            exact-name matches too), e.g. documents for how-to questions; the best of them
            sets the confidence bar the others must come near.

    Returns:
        ``answered`` with excerpts and sources, best first; or :func:`no_data_answer`.

    Raises:
        StoreError: the store failed.
    """
    entities = asked.intent.entities
    words = subject_words(entities.keywords)
    identifiers = _identifiers(entities)
    found = await context.retriever.retrieve(
        asked.text,
        organization_ids=asked.organization_ids,
        record_types=asked.record_types,
        words=words,
        exact_name=entities.hostname or entities.target,
        limit=CANDIDATES,
        expand_graph=True,
    )
    texts = await _texts(context, found.hits)
    judged = _judge_all(found, texts, words, identifiers)
    holds_value = _value_shape(asked)
    # A make named through a kind ("the Palo Alto firewall") must be the record's own: a
    # SonicWall's upgrade procedure does not answer for a Palo Alto.
    makes = kind_brand_words(asked.text, entities.configuration_kind)

    def answers(verdict: Judged) -> bool:
        text = f"{verdict.hit.record.name or ''}\n{texts.get(verdict.hit.key, '')}"
        if holds_value is not None and not holds_value(text):
            return False
        return not missing_qualifiers(makes, text)

    supporting = [verdict for verdict in judged if verdict.supports and answers(verdict)]
    missing: dict[str, Located] = {}
    subjects = _subjects(entities, identifiers)
    if asked.organization is not None and subjects:
        located = await locate_subjects(
            context.sessions,
            subjects,
            identifiers=set(identifiers),
            organization_ids={asked.organization.id},
            context_words=words,
            readable=asked.readable,
            record_types=asked.record_types,
        )
        missing = {subject: where for subject, where in located.items() if not where.here}
        if any(where.elsewhere for where in missing.values()):
            # The thing asked about lives in another organization: whatever else matched
            # here is about something else.
            supporting = []
    if not supporting:
        return await no_data_answer(asked, context, judged=judged, missing=missing, note=found.note)
    # A how-to is answered by a procedure: the best document sets the bar when there is one,
    # so a record named exactly like the subject does not push it out.
    preferred = [v for v in supporting if v.hit.record.record_type in preferred_types]
    best = max(verdict.confidence for verdict in preferred or supporting)
    ordered = _order(
        [v for v in supporting if v.confidence >= best - RELATIVE_CONFIDENCE], preferred_types
    )
    excerpts = await _excerpts(context, ordered[:MAX_EXCERPT_RECORDS], words, texts)
    top = ordered[0].hit.record
    where = f" ({top.organization_name})" if top.organization_name else ""
    more = min(len(ordered), MAX_SOURCES) - 1
    also = f"; {more} more supporting record{'s' if more != 1 else ''} cited" if more else ""
    return Answer(
        question=asked.question,
        organization=None if asked.organization is None else asked.organization.source,
        intent=str(asked.intent.kind),
        status="answered",
        excerpts=excerpts,
        sources=[verdict.hit.record for verdict in ordered[:MAX_SOURCES]],
        confidence=ordered[0].confidence,
        message=f"Best match in IT Glue: {label(top)}{where}{also}. {_note(found)}".strip(),
    )


_VALUE_SHAPES: dict[str, re.Pattern[str]] = {
    "e-mail address": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "phone number": re.compile(r"(?:\d[\s().-]*){7,}"),
    "login URL": re.compile(r"https?://|\bwww\.", re.IGNORECASE),
}


def _value_shape(asked: AskedQuestion) -> Callable[[str], bool] | None:
    """How a record that answers must look when the question asks for a value of a known
    shape — an IP address, an e-mail address, a phone number, a URL: it holds one. A record
    that matched the question's words without holding such a value (a domain's registrar
    line for "the IP of the domain controller") does not answer it. ``None``: no shape."""
    found = asked_attributes(asked.text, ())
    asks_ip = asked.intent.kind is IntentKind.DEVICE_IP or (
        found.interface is not None and not found.interface.mac
    )
    if asks_ip and asked.intent.entities.ip is None:
        return lambda text: find_ip(text) is not None
    for term in found.records.values():
        shape = _VALUE_SHAPES.get(term.name)
        if shape is not None:
            return lambda text: shape.search(text) is not None
    return None


def _note(found: Retrieval) -> str:
    return f"Note: {found.note}." if found.note else ""


def _order(supporting: list[Judged], preferred_types: Sequence[str]) -> list[Judged]:
    """Preferred types (documents for a how-to), then exact-name matches, then the rest,
    each group in retrieval order."""

    def group(verdict: Judged) -> int:
        if verdict.hit.record.record_type in preferred_types:
            return 0
        return 1 if Retriever.EXACT in verdict.hit.found_by else 2

    return sorted(supporting, key=group)


async def _excerpts(
    context: EngineContext,
    quoted: Sequence[Judged],
    words: Sequence[str],
    texts: Mapping[CitationKey, str],
) -> list[Excerpt]:
    """The relevant passages of each quoted record: document sections, else its text."""
    document_ids = [
        v.hit.record.record_id for v in quoted if v.hit.record.record_type == "documents"
    ]
    async with reading(context.sessions) as session:
        documents = await get_documents(session, document_ids)
    sections = {
        document.id: [Passage(section.heading, section.text) for section in document.sections]
        for document in documents
    }
    excerpts: list[Excerpt] = []
    for position, verdict in enumerate(quoted):
        record = verdict.hit.record
        is_document = record.record_type == "documents"
        if is_document:
            passages = sections.get(record.record_id, [])
        else:
            passages = split_text(texts.get(record.key, ""))
        budget = TOP_EXCERPT_CHARS if position == 0 else OTHER_EXCERPT_CHARS
        source = record
        excerpts.extend(
            Excerpt(field="content" if is_document else "text", text=passage.quoted, source=source)
            for passage in select_passages(passages, words, budget=budget)
        )
    return excerpts


async def answer_documentation(asked: AskedQuestion, context: EngineContext) -> Answer:
    """Handler of how-to questions (``document`` intent): documents lead among the matches."""
    return await answer_from_retrieval(asked, context, preferred_types=("documents",))


async def answer_search(asked: AskedQuestion, context: EngineContext) -> Answer:
    """Handler of any other question, and the fallback of every intent."""
    return await answer_from_retrieval(asked, context)


async def no_data_answer(
    asked: AskedQuestion,
    context: EngineContext,
    *,
    judged: Sequence[Judged] = (),
    missing: Mapping[str, Located] | None = None,
    note: str | None = None,
) -> Answer:
    """The ``no_data`` answer to ``asked``, with suggestions of what IT Glue does hold.

    Args:
        asked: the parsed question.
        context: the backends.
        judged: the candidates retrieval found and the rules refused (closest first).
        missing: subjects of the question absent from the organization asked about, with
            where they occur instead (:func:`~itglue_mcp.query.suggestions.locate_subjects`).
        note: why retrieval was narrower than usual (:attr:`Retrieval.note`), repeated in
            the message.

    Returns:
        An answer with ``status="no_data"``, no sources, confidence 0, and suggestions.

    Raises:
        StoreError: the store failed.
    """
    missing = dict(missing or {})
    organization = asked.organization
    scope_name = organization.name if organization is not None else "any organization"
    suggestions: list[str] = []
    for missing_subject, where in missing.items():
        hint = elsewhere_hint(missing_subject, where.elsewhere)
        if hint:
            suggestions.append(hint)
    if organization is not None and not any(where.elsewhere for where in missing.values()):
        suggestions.extend(await _other_organizations(asked, context))
    entities = asked.intent.entities
    subject = next(iter(_identifiers(entities)), None) or entities.target
    named: set[CitationKey] = set()
    if subject:
        close = await close_names(
            context.sessions,
            subject,
            organization_ids=asked.organization_ids,
            record_types=asked.record_types,
        )
        named.update(record.key for record in close)
        if close:
            suggestions.append(
                f"Records in {scope_name} with names close to {subject!r}: "
                + ", ".join(label(record) for record in close)
                + "."
            )
    nearest = [v.hit.record for v in judged if v.hit.key not in named][:MAX_NAMED]
    if nearest:
        suggestions.append(
            f"Closest records in {scope_name}, which do not answer it: "
            + ", ".join(label(record) for record in nearest)
            + "."
        )
    absent = [name for name, where in missing.items() if not where.here]
    detail = (
        f" No record of {scope_name} mentions " + ", ".join(repr(s) for s in absent) + "."
        if absent
        else ""
    )
    return Answer(
        question=asked.question,
        organization=None if organization is None else organization.source,
        intent=str(asked.intent.kind),
        status="no_data",
        confidence=0.0,
        suggestions=suggestions,
        message=(
            f"No data available in IT Glue for this in {scope_name}.{detail} "
            f"{f'Note: {note}.' if note else ''}"
        ).strip(),
    )


async def _other_organizations(asked: AskedQuestion, context: EngineContext) -> list[str]:
    """Organizations other than the one asked about, among those the caller may read,
    holding a record that would answer (by the relevance rules, on its words alone: the
    hint is one bounded full-text query, :func:`~.suggestions.matching_elsewhere`)."""
    assert asked.organization is not None  # only called for a scoped question
    entities = asked.intent.entities
    words = subject_words(entities.keywords)
    identifiers = _identifiers(entities)
    with _tracer.start_as_current_span("query.other_organizations"):
        found = await matching_elsewhere(
            context.sessions,
            words,
            outside=asked.organization.id,
            readable=asked.readable,
            record_types=asked.record_types,
            limit=2 * CANDIDATES,
        )
    by_organization: dict[str, list[str]] = {}
    for record, text in found:
        hit = RetrievedHit(record=record, score=0.0, found_by=frozenset({Retriever.KEYWORD}))
        verdict = judge(hit, words=words, identifiers=identifiers, text=text)
        if verdict.supports and record.organization_name:
            by_organization.setdefault(record.organization_name, []).append(label(record))
    if not by_organization:
        return []
    listed = "; ".join(
        f"{name}: {', '.join(labels[:MAX_NAMED])}"
        for name, labels in list(by_organization.items())[:MAX_NAMED]
    )
    return [f"Matching records exist in other organizations — {listed}."]
