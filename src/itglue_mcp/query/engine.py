"""The answer engine: a question in, a grounded answer out (or "no data", never a guess).

:meth:`QueryEngine.answer` runs the same steps for every question:

1. **scope** — ``@acme`` in the question (:func:`~itglue_mcp.query.scope.parse_scope`) or the
   ``organization`` argument; both may be given only if they name the same organization.
   Without either, an organization named in the question's words ("the DC at Northwind
   Traders", "Acme's NAS": :func:`~itglue_mcp.query.mentions.take_mention`) scopes it, and is
   resolved as if written after ``@``; with either, such words are taken out of the question
   when they name the same organization and otherwise left as ordinary words. Words written
   as a name in its place that come close to organizations' names but name none ("at
   Harborview Dental") are an unknown organization, unless they are a record's name.
2. **organization** — resolved among the stored organizations the caller may read, from the
   cached directory (:class:`~itglue_mcp.catalog.organizations.OrganizationDirectory`, reread
   only when a sync has written since): an unknown reference raises
   :class:`OrganizationNotFound` with close names, an ambiguous one
   :class:`AmbiguousOrganization`. An organization outside ``readable`` is unknown, exactly
   as one that does not exist, and is never suggested.
3. **intent** — :func:`~itglue_mcp.query.intent.detect_intent`.
4. **dispatch** — to the :class:`~itglue_mcp.query.handlers.IntentHandler` registered for the
   intent — the structured lookups of :mod:`~itglue_mcp.query.structured` (IP, MAC, serial,
   hostname, device IP, configuration kind, credential metadata, contact, location,
   expiration, relationship) — and when it returns ``None``, to retrieval
   (:func:`~itglue_mcp.query.answering.answer_search`), which every intent falls back to.
   How-to questions (``document``) have a retrieval handler that puts documents first.

:meth:`QueryEngine.search` serves the ``search`` tool: hybrid (or keyword-only, or semantic)
retrieval with snippets and citations, no relevance verdict.

Both take ``readable``, the organization ids the caller may read (its
``Permissions.readable``; ``None``: every organization): every read — the answer, its hints of
where else something exists, the search results and their linked records — stays within it.
``hidden_types`` are record types the caller may see nowhere (``passwords`` for a
``client-readonly`` caller): they are not searched, their handler does not run, and no fact,
passage or source of one is returned.

Example::

    engine = QueryEngine(sessions, semantic=semantic, graph=SqlGraphStore(sessions))
    answer = await engine.answer("how do we reset the Sophos VPN at @Northwind Traders")
    answer.status, answer.sources[0].name
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import cast

from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.organizations import (
    DirectorySnapshot,
    OrganizationDirectory,
    OrganizationView,
    organization_source,
)
from itglue_mcp.catalog.records import cite_records
from itglue_mcp.catalog.unit import reading
from itglue_mcp.graph.store import GraphStore
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.query.answer import Answer
from itglue_mcp.query.answering import answer_documentation, answer_search
from itglue_mcp.query.entities import keywords as content_words
from itglue_mcp.query.handlers import AskedQuestion, EngineContext, IntentHandler, ScopeOrganization
from itglue_mcp.query.hits import RetrievedHit, Retriever
from itglue_mcp.query.intent import IntentKind, detect_intent
from itglue_mcp.query.mentions import TakenMention, names_a_record, take_mention
from itglue_mcp.query.results import FoundBy, SearchResult, SearchResults
from itglue_mcp.query.retrieval import SEARCHABLE_RECORD_TYPES, HybridRetriever, SearchMode
from itglue_mcp.query.scope import parse_scope
from itglue_mcp.query.scoping import widen_scope
from itglue_mcp.query.structured import structured_handlers

__all__ = [
    "MAX_SEARCH_LIMIT",
    "MAX_SEARCH_QUERY_LENGTH",
    "SEARCH_SEMANTIC_FLOOR",
    "QueryEngine",
]

MAX_SEARCH_QUERY_LENGTH = 500
"""Longest search text accepted, in characters."""

MAX_SEARCH_LIMIT = 50
"""Most results one search returns."""

SEARCH_SEMANTIC_FLOOR = 0.30
"""Vector hits below this cosine similarity are left out of search results: the record that
answers a calibration question scored 0.38 or more, and half of the best hits of unanswerable
questions scored under 0.30 (see :mod:`~itglue_mcp.query.grounding`)."""

_tracer = trace.get_tracer(__name__)

_MODES: tuple[SearchMode, ...] = ("hybrid", "keyword", "semantic")

# The record type a structured handler answers from, when hiding it makes the handler moot.
_HANDLER_TYPES: dict[IntentKind, str] = {
    IntentKind.CREDENTIAL: "passwords",
    IntentKind.CONTACT: "contacts",
    IntentKind.LOCATION: "locations",
    IntentKind.EXPIRATION: "expirations",
}


class QueryEngine:
    """Answers questions and runs searches over the store, the vector index and the graph.

    Args:
        sessions: the store's session factory.
        semantic: search by meaning; ``None`` makes every retrieval keyword-only (results
            say so).
        graph: the record graph, for expanding hits to linked records; ``None``: no expansion.
        handlers: intent → handler, added to (and overriding) the built-in ones: the
            structured handlers (:func:`~itglue_mcp.query.structured.structured_handlers`) and
            retrieval for how-to questions.
        directory: the organization directory to resolve references against (the server
            shares its own); ``None``: one of the engine's own over ``sessions``.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        semantic: SemanticSearch | None = None,
        graph: GraphStore | None = None,
        handlers: Mapping[IntentKind, IntentHandler] | None = None,
        directory: OrganizationDirectory | None = None,
    ) -> None:
        self._directory = directory or OrganizationDirectory(sessions)
        retriever = HybridRetriever(sessions, semantic=semantic, graph=graph)
        self._context = EngineContext(
            sessions=sessions, retriever=retriever, semantic=semantic, graph=graph
        )
        self._handlers: dict[IntentKind, IntentHandler] = {
            **structured_handlers(),
            IntentKind.DOCUMENT: answer_documentation,
            **(handlers or {}),
        }

    @property
    def context(self) -> EngineContext:
        """The backends handlers read through."""
        return self._context

    def register(self, kind: IntentKind, handler: IntentHandler) -> None:
        """Answer questions of intent ``kind`` with ``handler`` (replacing any before it)."""
        self._handlers[kind] = handler

    async def answer(
        self,
        question: str,
        organization: str | None = None,
        *,
        readable: Collection[int] | None = None,
        hidden_types: Collection[str] = (),
        include_types: Collection[str] | None = None,
    ) -> Answer:
        """The grounded answer to ``question``.

        Args:
            question: the technician's question, possibly naming ``@organization``.
            organization: the organization to answer for (id, name, short name or a unique
                part); ``None``: the one the question names (``@`` or in words), else
                every organization.
            readable: the organizations the caller may read (``None``: every one); the
                answer, its suggestions and its errors name no other.
            hidden_types: record types the caller may see in no organization.
            include_types: the only record types (JSON:API names, as :meth:`search` takes)
                the answer may cite (``None``: all): the others are neither retrieved, nor
                hinted at, nor cited by a structured lookup, which then answers ``no_data``
                rather than from another type.

        Returns:
            ``answered`` with sourced facts/excerpts, or ``no_data`` with suggestions.

        Raises:
            ValueError: ``question`` is blank, too long or only a scope (naming ``question``);
                an unknown or empty ``include_types`` (naming it and the allowed values);
                the scope is malformed, or the argument and the ``@`` mention name different
                organizations (naming ``organization`` and both references).
            OrganizationNotFound: the organization matches none (close names suggested).
            AmbiguousOrganization: it matches several about equally.
            StoreError: the store failed.
        """
        if include_types is not None:
            included = _check_types(include_types, field="include_types")
            # Types left out are handled as the caller's hidden types are: not read, not
            # hinted at, and no fact, passage or source of one is returned.
            hidden_types = {
                *hidden_types,
                *(kind for kind in SEARCHABLE_RECORD_TYPES if kind not in included),
            }
        with _tracer.start_as_current_span("query.answer") as span:
            answer = await self._answer(question, organization, readable, hidden_types)
            span.set_attributes(
                {
                    "itglue_mcp.query.intent": answer.intent,
                    "itglue_mcp.query.status": answer.status,
                    "itglue_mcp.query.sources": len(answer.sources),
                }
            )
            return answer

    async def _answer(
        self,
        question: str,
        organization: str | None,
        readable: Collection[int] | None,
        hidden_types: Collection[str],
    ) -> Answer:
        permitted = None if readable is None else frozenset(readable)
        with _tracer.start_as_current_span("query.scope") as span:
            scoped = parse_scope(question)
            directory = await self._directory.snapshot()
            if scoped.organization_ref is not None:
                scoped = widen_scope(question, scoped, directory.candidates(permitted))
            if not scoped.text:
                raise ValueError("question: ask something besides the organization")
            scope = _resolve_scope(directory, permitted, scoped.organization_ref, organization)
            taken = take_mention(
                scoped.text,
                directory.mentions,
                readable=permitted,
                explicit=None if scope is None else scope.id,
            )
            if (
                taken.mention is not None
                and taken.mention.kind == "unknown"
                and await self._names_a_record(taken.mention.ref, permitted)
            ):
                # Words close to organizations' names that are a record's name ("the NAS at
                # Harbor View" with a location Harbor View) are that record, not an
                # organization that does not exist.
                taken = TakenMention(scoped.text, None)
            if scope is None and taken.mention is not None:
                # Named in words: resolved exactly as the same words after "@" would be (an
                # unknown organization raises OrganizationNotFound with the close names).
                scope = _scope_organization(directory.organization_of(taken.mention))
            span.set_attributes(
                {
                    "itglue_mcp.query.scoped": scope is not None,
                    "itglue_mcp.query.named_in_words": taken.mention is not None,
                }
            )
        with _tracer.start_as_current_span("query.intent") as span:
            intent = detect_intent(taken.text)
            span.set_attribute("itglue_mcp.query.intent", str(intent.kind))
        asked = AskedQuestion(
            question=question,
            text=taken.text,
            intent=intent,
            organization=scope,
            readable=permitted,
            hidden_types=frozenset(hidden_types),
        )
        handler = self._handlers.get(asked.intent.kind)
        if _HANDLER_TYPES.get(asked.intent.kind) in asked.hidden_types:
            handler = None
        if handler is not None:
            with _tracer.start_as_current_span(
                "query.handler", attributes={"itglue_mcp.query.intent": str(intent.kind)}
            ):
                answer = await handler(asked, self._context)
            if answer is not None:
                return _without_hidden(answer, asked.hidden_types)
        with _tracer.start_as_current_span("query.search_answer"):
            found = await answer_search(asked, self._context)
        return _without_hidden(found, asked.hidden_types)

    async def _names_a_record(self, words: str, readable: frozenset[int] | None) -> bool:
        async with reading(self._context.sessions) as session:
            return await names_a_record(session, words, readable)

    async def search(
        self,
        query: str,
        *,
        organization: str | None = None,
        record_types: Collection[str] | None = None,
        mode: SearchMode = "hybrid",
        limit: int = 10,
        readable: Collection[int] | None = None,
        hidden_types: Collection[str] = (),
    ) -> SearchResults:
        """Records matching ``query``, best first, with snippets and citations.

        Args:
            query: search text (1-500 characters); words, a name, an IP, a question.
            organization: only this organization's records (``None``: every organization).
            record_types: only these JSON:API types (``None``: all searchable types).
            mode: ``hybrid`` (keyword + semantic + linked records), ``keyword`` or
                ``semantic``.
            limit: most results, 1 to :data:`MAX_SEARCH_LIMIT`.
            readable: the organizations the caller may read (``None``: every one); no
                result, linked record or error names another.
            hidden_types: record types left out of the search (the caller may see them in
                no organization).

        Raises:
            ValueError: naming the field: blank or too long ``query``, an unknown
                ``record_types`` entry, an unknown ``mode`` (or ``semantic`` without a vector
                index), ``limit`` out of range, a blank ``organization``.
            OrganizationNotFound: the organization matches none (close names suggested).
            AmbiguousOrganization: it matches several about equally.
            StoreError: the store failed.
        """
        text = query.strip()
        if not text:
            raise ValueError("query: must not be empty")
        if len(query) > MAX_SEARCH_QUERY_LENGTH:
            raise ValueError(
                f"query: {len(query)} characters is over the limit of {MAX_SEARCH_QUERY_LENGTH}"
            )
        types = None if record_types is None else _check_types(record_types)
        searched = types
        if hidden_types:
            searched = tuple(
                kind for kind in types or SEARCHABLE_RECORD_TYPES if kind not in hidden_types
            )
        if mode not in _MODES:
            raise ValueError(f"mode: must be one of {', '.join(_MODES)}, got {mode!r}")
        if not 1 <= limit <= MAX_SEARCH_LIMIT:
            raise ValueError(f"limit: must be between 1 and {MAX_SEARCH_LIMIT}, got {limit}")
        if organization is not None and not organization.strip():
            raise ValueError("organization: must not be empty")
        permitted = None if readable is None else frozenset(readable)
        with _tracer.start_as_current_span("query.scope") as span:
            directory = await self._directory.snapshot() if organization else None
            scope = _resolve_scope(directory, permitted, None, organization)
            span.set_attribute("itglue_mcp.query.scoped", scope is not None)
        found = await self._context.retriever.retrieve(
            text,
            organization_ids=permitted if scope is None else {scope.id},
            record_types=searched,
            mode=mode,
            limit=limit,
            words=content_words(text) or None,
            exact_name=text,
            expand_graph=mode == "hybrid",
            semantic_floor=SEARCH_SEMANTIC_FLOOR,
        )
        linked = await self._linked_sources(found.hits)
        return SearchResults(
            query=query,
            organization=None if scope is None else scope.source,
            record_types=None if types is None else list(types),
            mode=mode,
            retrievers=[_found_by(retriever) for retriever in found.retrievers],
            semantic_available=found.semantic_available,
            limit=limit,
            truncated=found.truncated,
            note=found.note,
            results=[
                SearchResult(
                    rank=rank,
                    score=round(hit.score, 6),
                    found_by=sorted(_found_by(r) for r in hit.found_by),
                    semantic_score=None
                    if hit.semantic_score is None
                    else round(hit.semantic_score, 4),
                    snippet=hit.snippet,
                    linked_from=None if hit.linked_from is None else linked.get(hit.linked_from),
                    relation=hit.relation,
                    source=hit.record,
                )
                for rank, hit in enumerate(found.hits, start=1)
            ],
        )

    async def _linked_sources(
        self, hits: list[RetrievedHit]
    ) -> dict[tuple[str, int], SourceRecord]:
        """Citations of the records that graph hits were reached from."""
        keys = {hit.linked_from for hit in hits if hit.linked_from is not None}
        known = {hit.key: hit.record for hit in hits if hit.key in keys}
        unknown = keys - known.keys()
        if unknown:
            async with reading(self._context.sessions) as session:
                cited = await cite_records(session, unknown)
            known.update(cited)
        return known


def _resolve_scope(
    directory: DirectorySnapshot | None,
    readable: frozenset[int] | None,
    mentioned: str | None,
    argument: str | None,
) -> ScopeOrganization | None:
    """The organization named by the ``@`` mention and/or the argument (they must agree)."""
    if argument is not None and not argument.strip():
        raise ValueError("organization: must not be empty")
    if directory is None:
        return None
    chosen = [
        (ref, directory.resolve(ref, readable)) for ref in (argument, mentioned) if ref is not None
    ]
    if not chosen:
        return None
    if len({view.id for _, view in chosen}) > 1:
        (arg_ref, arg_view), (at_ref, at_view) = chosen
        raise ValueError(
            f"organization: the argument {arg_ref!r} names {arg_view.name} but the question "
            f"names @{at_ref} ({at_view.name}); ask about one organization at a time"
        )
    return _scope_organization(chosen[0][1])


def _without_hidden(answer: Answer, hidden: frozenset[str]) -> Answer:
    """``answer`` without facts, passages or sources of ``hidden`` record types; an answer
    left with nothing becomes ``no_data`` (without naming what was removed)."""
    if not hidden:
        return answer
    facts = [fact for fact in answer.facts if fact.source.record_type not in hidden]
    excerpts = [e for e in answer.excerpts if e.source.record_type not in hidden]
    sources = [source for source in answer.sources if source.record_type not in hidden]
    if (facts, excerpts, sources) == (answer.facts, answer.excerpts, answer.sources):
        return answer
    if facts or excerpts:
        return answer.model_copy(update={"facts": facts, "excerpts": excerpts, "sources": sources})
    scope = answer.organization.name if answer.organization else None
    return answer.model_copy(
        update={
            "status": "no_data",
            "facts": [],
            "excerpts": [],
            "sources": [],
            "confidence": 0.0,
            "suggestions": [],
            "message": f"No data available in IT Glue for this in {scope or 'any organization'}.",
        }
    )


def _found_by(retriever: Retriever) -> FoundBy:
    return cast(FoundBy, str(retriever))


def _check_types(record_types: Collection[str], field: str = "record_types") -> tuple[str, ...]:
    """``record_types`` without repeats; a ValueError naming ``field`` and the allowed
    values when one is not a searchable type, or when none is given."""
    if isinstance(record_types, str):
        record_types = [record_types]
    unknown = [kind for kind in record_types if kind not in SEARCHABLE_RECORD_TYPES]
    if unknown:
        raise ValueError(
            f"{field}: {unknown[0]!r} is not a searchable record type; use "
            + ", ".join(SEARCHABLE_RECORD_TYPES)
        )
    if not record_types:
        raise ValueError(f"{field}: give at least one type, or leave it out for all")
    return tuple(dict.fromkeys(record_types))


def _scope_organization(view: OrganizationView) -> ScopeOrganization:
    name = view.name or f"organization {view.id}"
    return ScopeOrganization(
        id=view.id,
        name=name,
        source=organization_source(view),
    )
