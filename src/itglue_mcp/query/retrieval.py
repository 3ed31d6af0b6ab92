"""Hybrid retrieval: full-text and vector search fused by reciprocal rank, exact names first.

One call gathers candidates from up to four retrievers, all restricted to the organizations
asked for:

- **exact** — records whose name (or a configuration's hostname) equals the question's
  target (:func:`~itglue_mcp.catalog.records.records_named`). They rank above everything else.
- **keyword** — the store's full-text search (FTS5 / tsvector). The search requires every term,
  so a question is searched as its content words all together, then (with two or more words)
  each word on its own, at most :data:`MAX_KEYWORD_TERMS`; the lists are fused into one keyword
  ranking, which gives "or" semantics with records matching more words ranked higher. When the
  all-words query alone fills the candidates, the words are not searched one by one (search
  engines' "all words, then any word" relaxation): a record missing a word would only crowd
  out ones holding all of them, and over a whole account a common word's query ranks every
  record holding it, which grows with the account (benchmarks/README.md).
- **semantic** — :class:`~itglue_mcp.index.search.SemanticSearch`, when a vector index is
  configured; without one retrieval is keyword-only and says so (:attr:`Retrieval.note`).
- **graph** — optionally, the records linked to the best hits (IT Glue related items and
  attribute links, :meth:`GraphStore.neighbours`) join with a reduced score
  (:data:`GRAPH_DECAY` x the score of the hit they hang off).

Keyword and semantic rankings are fused with reciprocal rank fusion
(:mod:`~itglue_mcp.query.fusion`, k = 60, Cormack, Clarke and Büttcher, SIGIR 2009), which needs
no calibration between full-text ranks and cosine similarities.

Every candidate is then cited from the store (:func:`~itglue_mcp.catalog.records.cite_records`):
a record marked deleted — which the vector index may still hold — or one now filed under an
organization outside the scope is dropped, so no hit can cite it.

Example::

    retriever = HybridRetriever(sessions, semantic=semantic, graph=graph)
    found = await retriever.retrieve("reset the Sophos VPN", organization_ids={2104807})
    for hit in found.hits:
        print(hit.record.name, hit.score, sorted(hit.found_by), hit.snippet)
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

import structlog
from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import CitationKey, SourceRecord
from itglue_mcp.catalog.records import cite_records, record_texts, records_named
from itglue_mcp.catalog.search import SearchHit, query_terms
from itglue_mcp.catalog.search import search as full_text_search
from itglue_mcp.catalog.unit import reading
from itglue_mcp.graph.store import GraphStore, RecordRef
from itglue_mcp.index.errors import EmbedderError, VectorIndexError
from itglue_mcp.index.search import SemanticSearch
from itglue_mcp.index.vector_index import VectorHit
from itglue_mcp.query.entities import keywords as content_words
from itglue_mcp.query.fusion import ranked, reciprocal_rank_fusion
from itglue_mcp.query.hits import Retrieval, RetrievedHit, Retriever
from itglue_mcp.query.passages import clip

__all__ = [
    "GRAPH_DECAY",
    "GRAPH_SEEDS",
    "MAX_KEYWORD_TERMS",
    "SEARCHABLE_RECORD_TYPES",
    "SNIPPET_CHARS",
    "HybridRetriever",
    "Retrieval",
    "RetrievedHit",
    "Retriever",
    "SearchMode",
    "SearchableRecordType",
    "keyword_queries",
]

GRAPH_DECAY = 0.5
"""A linked record's score as a share of the score of the hit it was reached from."""

GRAPH_SEEDS = 3
"""How many of the best hits have their links followed."""

MAX_KEYWORD_TERMS = 6
"""Most content words searched one by one (each costs one full-text query)."""

SNIPPET_CHARS = 240
"""Longest snippet cut from a record's text for a hit found by meaning or by a link."""

SearchableRecordType = Literal[
    "organizations",
    "configurations",
    "passwords",
    "flexible-asset-types",
    "flexible-assets",
    "documents",
    "contacts",
    "locations",
    "domains",
    "expirations",
]
"""The JSON:API types the sync writes search entries for (the types it syncs)."""

SEARCHABLE_RECORD_TYPES: tuple[str, ...] = get_args(SearchableRecordType)
""":data:`SearchableRecordType` as a tuple."""

SearchMode = Literal["hybrid", "keyword", "semantic"]

_log = structlog.get_logger(__name__)
_tracer = trace.get_tracer(__name__)


@dataclass
class _Candidates:
    """Everything gathered before citing: per-retriever rankings and what each knows."""

    exact: list[SourceRecord] = field(default_factory=list)
    keyword: list[CitationKey] = field(default_factory=list)
    snippets: dict[CitationKey, str] = field(default_factory=dict)
    semantic: list[VectorHit] = field(default_factory=list)
    note: str | None = None


def keyword_queries(text: str, words: Sequence[str] | None = None) -> list[str]:
    """The full-text queries run for ``text``: all content words, then each word alone.

    Args:
        text: the question or search text.
        words: its content words, when already known (else :func:`query.entities.keywords`).

    Returns:
        Distinct queries, the all-words one first; the raw words of ``text`` when it has no
        content word at all; empty when it has no searchable word.
    """
    words = list(words if words is not None else content_words(text))
    if not words:
        return [" ".join(query_terms(text))] if query_terms(text) else []
    queries = [" ".join(words)]
    if len(words) > 1:
        queries.extend(words[:MAX_KEYWORD_TERMS])
    return list(dict.fromkeys(queries))


class HybridRetriever:
    """Finds records by exact name, full text, meaning and links, fused into one ranking.

    Args:
        sessions: the store's session factory (read through the request's read-only unit of
            work, or one of its own per call outside a request).
        semantic: search by meaning; ``None`` makes retrieval keyword-only.
        graph: the record graph, for expansion; ``None`` disables expansion.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        semantic: SemanticSearch | None = None,
        graph: GraphStore | None = None,
    ) -> None:
        self._sessions = sessions
        self._semantic = semantic
        self._graph = graph

    @property
    def semantic_available(self) -> bool:
        """A vector index is configured."""
        return self._semantic is not None

    async def retrieve(
        self,
        text: str,
        *,
        organization_ids: Collection[int] | None,
        record_types: Collection[str] | None = None,
        mode: SearchMode = "hybrid",
        limit: int = 10,
        words: Sequence[str] | None = None,
        exact_name: str | None = None,
        expand_graph: bool = False,
        semantic_floor: float = 0.0,
    ) -> Retrieval:
        """Records for ``text``, best first, each cited from the store.

        Args:
            text: the question or search text (embedded as is for semantic search).
            organization_ids: only records of these organizations (``None``: every
                organization, account-wide records included).
            record_types: only these JSON:API types (``None``: all).
            mode: ``hybrid`` (all retrievers), ``keyword`` (exact + full text) or
                ``semantic`` (vector search only).
            limit: most hits returned (at least 1).
            words: the content words to search for (default: those of ``text``).
            exact_name: a name whose exact holders rank first (``None``: no exact lookup).
            expand_graph: add the records linked to the best :data:`GRAPH_SEEDS` hits.
            semantic_floor: vector hits with a lower cosine similarity are ignored.

        Returns:
            The hits, the retrievers that ran, and a note when semantic search was not
            available.

        Raises:
            ValueError: ``text`` is blank, ``limit`` below 1, or ``mode`` is ``semantic``
                while no vector index is configured (naming ``mode``).
            StoreError: the store failed.
        """
        if not text.strip():
            raise ValueError("query: must not be empty")
        if limit < 1:
            raise ValueError("limit: must be at least 1")
        if mode == "semantic" and self._semantic is None:
            raise ValueError(
                "mode: semantic search is not available (no vector index is configured); "
                "use 'keyword' or 'hybrid'"
            )
        with _tracer.start_as_current_span(
            "retrieval", attributes={"itglue_mcp.retrieval.mode": mode}
        ) as span:
            # The request's read-only session for every store read of the call: the semantic
            # side (embedding, vector index) runs beside the keyword side but reads no SQL, so
            # the session still serves one task at a time.
            async with reading(self._sessions) as session:
                found = await self._retrieve(
                    session,
                    text,
                    organization_ids=organization_ids,
                    record_types=record_types,
                    mode=mode,
                    limit=limit,
                    words=words,
                    exact_name=exact_name,
                    expand_graph=expand_graph,
                    semantic_floor=semantic_floor,
                )
            span.set_attributes(
                {
                    "itglue_mcp.retrieval.hits": len(found.hits),
                    "itglue_mcp.retrieval.retrievers": [str(r) for r in found.retrievers],
                }
            )
            return found

    async def _retrieve(
        self,
        session: AsyncSession,
        text: str,
        *,
        organization_ids: Collection[int] | None,
        record_types: Collection[str] | None,
        mode: SearchMode,
        limit: int,
        words: Sequence[str] | None,
        exact_name: str | None,
        expand_graph: bool,
        semantic_floor: float,
    ) -> Retrieval:
        candidates_wanted = max(2 * limit, 20)
        use_keyword = mode != "semantic"
        use_semantic = mode != "keyword" and self._semantic is not None
        keyword_task = self._keyword_side(
            session,
            text,
            words,
            exact_name if use_keyword else None,
            organization_ids,
            record_types,
            candidates_wanted if use_keyword else 0,
        )
        if use_semantic:
            semantic_task = self._semantic_side(
                text, organization_ids, record_types, candidates_wanted, semantic_floor
            )
            candidates, (vector_hits, note) = await asyncio.gather(keyword_task, semantic_task)
            candidates.semantic, candidates.note = vector_hits, note
        else:
            candidates = await keyword_task
            if mode != "keyword" and self._semantic is None:
                candidates.note = (
                    "semantic search unavailable (no vector index configured): keyword results only"
                )
        retrievers = [Retriever.EXACT, Retriever.KEYWORD] if use_keyword else []
        if use_semantic and candidates.note is None:
            retrievers.append(Retriever.SEMANTIC)
        with _tracer.start_as_current_span("retrieval.fusion"):
            hits = await self._fuse_and_cite(session, candidates, organization_ids)
        if expand_graph and self._graph is not None and hits:
            retrievers.append(Retriever.GRAPH)
            with _tracer.start_as_current_span("retrieval.expansion"):
                hits = await self._expand(session, hits, organization_ids, record_types)
        hits = await self._fill_snippets(session, hits[: limit + 1])
        return Retrieval(
            hits=hits[:limit],
            retrievers=tuple(retrievers),
            semantic_available=use_semantic and candidates.note is None,
            truncated=len(hits) > limit,
            note=candidates.note,
        )

    async def _keyword_side(
        self,
        session: AsyncSession,
        text: str,
        words: Sequence[str] | None,
        exact_name: str | None,
        organization_ids: Collection[int] | None,
        record_types: Collection[str] | None,
        limit: int,
    ) -> _Candidates:
        candidates = _Candidates()
        if limit == 0:
            return candidates
        with _tracer.start_as_current_span("retrieval.full_text") as span:
            if exact_name and exact_name.strip():
                candidates.exact = await records_named(
                    session,
                    exact_name,
                    organization_ids=organization_ids,
                    record_types=record_types,
                )
            lists: list[list[SearchHit]] = []
            for query in keyword_queries(text, words):
                found = await full_text_search(
                    session,
                    query,
                    organization_ids=organization_ids,
                    record_types=record_types,
                    limit=limit,
                )
                lists.append(found)
                if len(lists) == 1 and len(found) >= limit:
                    break  # the all-words query fills the candidates (module docstring)
            span.set_attribute("itglue_mcp.retrieval.queries", len(lists))
        for found in lists:
            for hit in found:
                key = (hit.record_type, hit.record_id)
                known = candidates.snippets.get(key)
                # The most precise query's snippet, unless it highlights nothing (a match in
                # the name only) and a one-word query's does.
                if hit.snippet and (known is None or ("**" not in known and "**" in hit.snippet)):
                    candidates.snippets[key] = hit.snippet
        rankings = [[(hit.record_type, hit.record_id) for hit in found] for found in lists]
        candidates.keyword = ranked(reciprocal_rank_fusion(rankings))
        return candidates

    async def _semantic_side(
        self,
        text: str,
        organization_ids: Collection[int] | None,
        record_types: Collection[str] | None,
        limit: int,
        floor: float,
    ) -> tuple[list[VectorHit], str | None]:
        assert self._semantic is not None  # checked by the caller
        try:
            with _tracer.start_as_current_span("retrieval.vector") as span:
                hits = await self._semantic.search(
                    text, organization_ids=organization_ids, record_types=record_types, limit=limit
                )
                span.set_attribute("itglue_mcp.retrieval.hits", len(hits))
        except (EmbedderError, VectorIndexError) as exc:
            # The store still answers: degrade to keyword results and say so.
            _log.warning("retrieval.semantic_failed", error_type=type(exc).__name__)
            return [], f"semantic search failed ({type(exc).__name__}): keyword results only"
        return [hit for hit in hits if hit.score >= floor], None

    async def _fuse_and_cite(
        self,
        session: AsyncSession,
        candidates: _Candidates,
        organization_ids: Collection[int] | None,
    ) -> list[RetrievedHit]:
        semantic_keys = [(hit.record_type, hit.record_id) for hit in candidates.semantic]
        fused = reciprocal_rank_fusion([candidates.keyword, semantic_keys])
        keyword_rank = {key: rank for rank, key in enumerate(candidates.keyword, start=1)}
        vectors = {(hit.record_type, hit.record_id): hit for hit in candidates.semantic}
        exact = {record.key: record for record in candidates.exact}
        cited = await cite_records(session, [*fused, *exact])
        cited.update(exact)
        hits: list[RetrievedHit] = []
        for key in dict.fromkeys([*exact, *ranked(fused)]):
            record = cited.get(key)
            if record is None or not _in_scope(record, organization_ids):
                continue
            vector = vectors.get(key)
            found_by = {Retriever.EXACT} if key in exact else set()
            if key in keyword_rank:
                found_by.add(Retriever.KEYWORD)
            if vector is not None:
                found_by.add(Retriever.SEMANTIC)
            hits.append(
                RetrievedHit(
                    record=record,
                    score=fused.get(key, 0.0),
                    found_by=frozenset(found_by),
                    keyword_rank=keyword_rank.get(key),
                    semantic_score=None if vector is None else vector.score,
                    chunk=None if vector is None else vector.chunk,
                    snippet=candidates.snippets.get(key),
                )
            )
        return hits

    async def _expand(
        self,
        session: AsyncSession,
        hits: list[RetrievedHit],
        organization_ids: Collection[int] | None,
        record_types: Collection[str] | None,
    ) -> list[RetrievedHit]:
        assert self._graph is not None  # checked by the caller
        seeds = {RecordRef(*hit.key): hit for hit in hits[:GRAPH_SEEDS]}
        edges = await self._graph.neighbours(list(seeds), organization_ids=organization_ids)
        known = {hit.key for hit in hits}
        linked: dict[CitationKey, tuple[RetrievedHit, str]] = {}
        for edge in edges:
            key = (edge.target.record_type, edge.target.record_id)
            if key in known or key in linked:
                continue
            if record_types is not None and key[0] not in record_types:
                continue
            linked[key] = (seeds[edge.source], edge.relation)
        if not linked:
            return hits
        cited = await cite_records(session, linked)
        added = [
            RetrievedHit(
                record=cited[key],
                score=GRAPH_DECAY * seed.score,
                found_by=frozenset({Retriever.GRAPH}),
                linked_from=seed.key,
                relation=relation,
            )
            for key, (seed, relation) in linked.items()
            if key in cited and _in_scope(cited[key], organization_ids)
        ]
        exact = [hit for hit in hits if Retriever.EXACT in hit.found_by]
        rest = [hit for hit in hits if Retriever.EXACT not in hit.found_by]
        # sorted() is stable: a linked record never overtakes a hit with the same score.
        return exact + sorted(rest + added, key=lambda hit: -hit.score)

    async def _fill_snippets(
        self, session: AsyncSession, hits: list[RetrievedHit]
    ) -> list[RetrievedHit]:
        """Snippets for hits that have none yet: the matched chunk, else the text's start."""
        missing = [hit.key for hit in hits if hit.snippet is None]
        if not missing:
            return hits
        texts = await record_texts(session, missing)
        filled = []
        for hit in hits:
            body = texts.get(hit.key)
            if hit.snippet is None and body:
                passage = None
                if hit.chunk is not None and self._semantic is not None:
                    passage = self._semantic.passage(body, hit.chunk)
                hit = replace(hit, snippet=clip(passage or body, SNIPPET_CHARS))
            filled.append(hit)
        return filled


def _in_scope(record: SourceRecord, organization_ids: Collection[int] | None) -> bool:
    """The record (as the store holds it now) belongs to one of the organizations asked for."""
    return organization_ids is None or record.organization_id in organization_ids
