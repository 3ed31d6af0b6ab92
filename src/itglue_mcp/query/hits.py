"""What retrieval returns: hits with their citation, score, retrievers and snippet.

A :class:`RetrievedHit` always carries the record as the store holds it now
(:class:`~itglue_mcp.catalog.citations.SourceRecord`), so whoever reads it can cite it; a
:class:`Retrieval` adds which retrievers ran and why fewer ran than asked.

Example::

    found: Retrieval = await retriever.retrieve("sophos vpn", organization_ids={7})
    [(hit.record.name, sorted(hit.found_by)) for hit in found.hits]
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from itglue_mcp.catalog.citations import CitationKey, SourceRecord

__all__ = ["Retrieval", "RetrievedHit", "Retriever"]


class Retriever(StrEnum):
    """Which retriever found a hit."""

    EXACT = "exact"
    KEYWORD = "keyword"
    SEMANTIC = "semantic"
    GRAPH = "graph"


@dataclass(frozen=True, slots=True)
class RetrievedHit:
    """One record found for a query, with its citation.

    Attributes:
        record: the record, as the store holds it now (never a deleted one).
        score: fused score: the RRF score for keyword/semantic hits, ``GRAPH_DECAY`` x the
            linking hit's score for graph hits; exact-name hits are ordered first whatever it is.
        found_by: the retrievers that found it.
        keyword_rank: its rank (from 1) in the fused keyword ranking, if found by keyword.
        semantic_score: cosine similarity of its best chunk to the query, if found by meaning.
        chunk: that chunk's number.
        snippet: an excerpt of its text near the match (IT Glue free text: untrusted), with
            full-text matches between ``**``.
        linked_from: for a graph hit, the hit it was reached from, and ``relation`` the link.
        relation: the link's relation, named from ``linked_from``'s side.
    """

    record: SourceRecord
    score: float
    found_by: frozenset[Retriever]
    keyword_rank: int | None = None
    semantic_score: float | None = None
    chunk: int | None = None
    snippet: str | None = None
    linked_from: CitationKey | None = None
    relation: str | None = None

    @property
    def key(self) -> CitationKey:
        """``(record_type, record_id)``."""
        return self.record.key


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What one :meth:`~itglue_mcp.query.retrieval.HybridRetriever.retrieve` call found.

    Attributes:
        hits: best first, at most the ``limit`` asked for.
        retrievers: the retrievers that ran (exact and keyword always; semantic when
            available and asked for; graph when expansion was asked for and a graph is set).
        semantic_available: a vector index is configured and answered.
        truncated: more records were found than ``limit``.
        note: why retrieval was narrower than asked (no vector index, index failure).
    """

    hits: list[RetrievedHit]
    retrievers: tuple[Retriever, ...]
    semantic_available: bool
    truncated: bool = False
    note: str | None = None
