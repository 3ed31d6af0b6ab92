"""What to offer when IT Glue holds no answer: where the thing asked about does exist.

A "no data" answer is more useful when it says what is there instead. Four kinds of hint,
all read from the store (nothing is invented):

- **elsewhere** — the subject of the question (a hostname, an IP, a word of its target) is
  absent from the organization asked about but present in others: "'ACME-FW01' exists only in
  Acme Corporation: ACME-FW01 (configuration)". :func:`locate_subjects` finds, per subject,
  whether the scope mentions it and which records elsewhere do (a literal identifier must occur
  as a whole token, a word as a word; see :mod:`~itglue_mcp.query.matching`).
- **other organizations** — records elsewhere holding every word of the question
  (:func:`matching_elsewhere`, one bounded full-text query), when nothing in scope answers.
- **close names** — records of the scope whose names are close to the subject (the one
  suggester, :mod:`itglue_mcp.suggest`), e.g. NW-FW01 for ACME-FW01 at Northwind Traders.
- **closest records** — the best-ranked records retrieval found that did not pass the
  relevance rules, named as such.

Example::

    located = await locate_subjects(sessions, ["ACME-FW01"], identifiers={"ACME-FW01"},
                                    organization_ids={2104807})
    elsewhere_hint("ACME-FW01", located["ACME-FW01"].elsewhere)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import CitationKey, SourceRecord
from itglue_mcp.catalog.records import cite_records, record_names, record_texts, records_named
from itglue_mcp.catalog.search import SearchHit
from itglue_mcp.catalog.search import search as full_text_search
from itglue_mcp.catalog.unit import reading
from itglue_mcp.index.documents import record_header
from itglue_mcp.query.matching import coverage, matched_words, mentions
from itglue_mcp.suggest import closest_keys

__all__ = [
    "MAX_NAMED",
    "Located",
    "close_names",
    "elsewhere_hint",
    "label",
    "locate_subjects",
    "matching_elsewhere",
]


MAX_NAMED = 3
"""Records named in one hint."""

# Full-text candidates read per subject before the literal check.
_CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class Located:
    """Where one subject of a question occurs.

    Attributes:
        here: some record of the scope mentions it.
        elsewhere: records outside the scope that mention it (or are named it), by
            organization name, then type and id.
    """

    here: bool
    elsewhere: list[SourceRecord] = field(default_factory=list)


def label(record: SourceRecord) -> str:
    """``"<name> (<type, singular>)"``, e.g. ``"ACME-FW01 (configuration)"``."""
    return record_header(record.record_type, record.name or f"#{record.record_id}")


def _mentioned(subject: str, identifier: bool, text: str) -> bool:
    if identifier:
        return mentions(subject, text)
    return bool(matched_words([subject], text))


async def _mentioning(
    session: AsyncSession,
    subject: str,
    *,
    identifier: bool,
    organization_ids: Collection[int] | None,
    limit: int,
    record_types: Collection[str] | None = None,
) -> list[tuple[SourceRecord, str]]:
    """Live records of the scope whose name or text mentions ``subject``, with that text."""
    hits = await full_text_search(
        session, subject, organization_ids=organization_ids, record_types=record_types, limit=limit
    )
    return await _cited_texts(
        session, hits, lambda haystack: _mentioned(subject, identifier, haystack)
    )


async def _cited_texts(
    session: AsyncSession, hits: Sequence[SearchHit], keep: Callable[[str], bool]
) -> list[tuple[SourceRecord, str]]:
    """The live records of ``hits`` whose name and text (joined by a newline) ``keep``
    accepts, cited, with that text; in the hits' order."""
    keys = [(hit.record_type, hit.record_id) for hit in hits]
    names = {(hit.record_type, hit.record_id): hit.name for hit in hits}
    texts = await record_texts(session, keys)
    haystacks = {key: f"{names[key]}\n{texts.get(key, '')}" for key in keys}
    kept = [key for key in keys if keep(haystacks[key])]
    cited = await cite_records(session, kept)
    return [(cited[key], haystacks[key]) for key in kept if key in cited]


async def matching_elsewhere(
    sessions: async_sessionmaker[AsyncSession],
    words: Sequence[str],
    *,
    outside: int,
    readable: Collection[int] | None = None,
    record_types: Collection[str] | None = None,
    limit: int = 20,
) -> list[tuple[SourceRecord, str]]:
    """Records of organizations other than ``outside`` that hold every one of ``words``.

    One full-text query of all the words (:func:`~itglue_mcp.catalog.search.search`, at
    most ``limit`` matches, best first) over the organizations the caller may read: a hint
    of where an answer may be, so no per-word queries, no search by meaning, no links.

    Args:
        sessions: the store's session factory.
        words: the question's content words (none: nothing is searched).
        outside: the organization asked about, whose records are left out.
        readable: the organizations the caller may read (``None``: every one).
        record_types: the record types looked at (``None``: every searchable type).
        limit: most matches read.

    Returns:
        ``(record, name and text)`` of live records of other organizations (not
        account-wide ones), best match first.

    Raises:
        StoreError: the store failed.
    """
    if not words:
        return []
    scope = None if readable is None else set(readable) - {outside}
    if scope is not None and not scope:
        return []
    async with reading(sessions) as session:
        hits = await full_text_search(
            session,
            " ".join(words),
            organization_ids=scope,
            record_types=record_types,
            limit=limit,
        )
        others = [hit for hit in hits if hit.organization_id not in (None, outside)]
        return await _cited_texts(session, others, lambda _: True)


async def locate_subjects(
    sessions: async_sessionmaker[AsyncSession],
    subjects: Sequence[str],
    *,
    identifiers: Collection[str],
    organization_ids: Collection[int],
    context_words: Sequence[str] = (),
    readable: Collection[int] | None = None,
    record_types: Collection[str] | None = None,
) -> dict[str, Located]:
    """For each subject, whether the scope mentions it and which records elsewhere do.

    Args:
        sessions: the store's session factory.
        subjects: words of the question's target and its literal identifiers.
        identifiers: those of ``subjects`` that are literal identifiers (checked as whole
            tokens); the others are words.
        organization_ids: the organizations asked about.
        context_words: the question's content words; records elsewhere whose name, then
            text, holds more of them are listed first.
        readable: the organizations the caller may read (``None``: every one); records
            elsewhere are looked for among these only, so a hint never names another.
        record_types: the record types looked at (``None``: every searchable type).

    Returns:
        subject → :class:`Located`; ``elsewhere`` is only looked up for subjects the scope
        does not mention, and holds records of other organizations only (not account-wide
        ones) that ``readable`` holds, records named exactly ``subject`` first.

    Raises:
        StoreError: the store failed.
    """
    located: dict[str, Located] = {}
    scope = set(organization_ids)
    permitted = None if readable is None else set(readable)
    async with reading(sessions) as session:
        for subject in dict.fromkeys(subjects):
            identifier = subject in identifiers
            here = await _mentioning(
                session,
                subject,
                identifier=identifier,
                organization_ids=scope,
                limit=10,
                record_types=record_types,
            )
            if here:
                located[subject] = Located(here=True)
                continue
            named = await records_named(
                session, subject, organization_ids=permitted, record_types=record_types
            )
            mentioning = await _mentioning(
                session,
                subject,
                identifier=identifier,
                organization_ids=permitted,
                limit=_CANDIDATES,
                record_types=record_types,
            )
            ranked: dict[CitationKey, tuple[tuple[int, float, float], SourceRecord]] = {}
            for position, (record, text) in enumerate(
                [*((record, record.name or "") for record in named), *mentioning]
            ):
                if record.organization_id is None or record.organization_id in scope:
                    continue
                if permitted is not None and record.organization_id not in permitted:
                    continue
                exact = 0 if position < len(named) else 1
                order = (
                    exact,
                    -coverage(context_words, record.name or ""),
                    -coverage(context_words, text),
                )
                ranked.setdefault(record.key, (order, record))
            ordered = [record for _, record in sorted(ranked.values(), key=lambda item: item[0])]
            located[subject] = Located(here=False, elsewhere=ordered)
    return located


def elsewhere_hint(subject: str, records: Sequence[SourceRecord]) -> str | None:
    """``"'X' exists only in Org: A (configuration)…"`` for records outside the scope."""
    if not records:
        return None
    organizations = list(dict.fromkeys(record.organization_name or "?" for record in records))
    if len(organizations) == 1:
        named = "; ".join(label(record) for record in records[:MAX_NAMED])
        more = f" and {len(records) - MAX_NAMED} more" if len(records) > MAX_NAMED else ""
        return f"{subject!r} exists only in {organizations[0]}: {named}{more}."
    per_organization = []
    for organization in organizations[:MAX_NAMED]:
        first = next(r for r in records if (r.organization_name or "?") == organization)
        per_organization.append(f"{organization} ({label(first)})")
    more = f" and {len(organizations) - MAX_NAMED} more" if len(organizations) > MAX_NAMED else ""
    return f"{subject!r} exists in other organizations: {', '.join(per_organization)}{more}."


async def close_names(
    sessions: async_sessionmaker[AsyncSession],
    subject: str,
    *,
    organization_ids: Collection[int] | None,
    limit: int = 5,
    record_types: Collection[str] | None = None,
) -> list[SourceRecord]:
    """Live records of the scope (of ``record_types``; ``None``: every type) whose names are
    close to ``subject``, closest first.

    Raises:
        StoreError: the store failed.
    """
    async with reading(sessions) as session:
        named = await record_names(
            session, organization_ids=organization_ids, record_types=record_types
        )
        best = closest_keys(subject, dict(enumerate(entry.name for entry in named)), limit=limit)
        keys = [(named[index].record_type, named[index].record_id) for index in best]
        cited = await cite_records(session, keys)
    return [cited[key] for key in keys if key in cited]
