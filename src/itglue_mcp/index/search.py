"""Semantic search: a question embedded once, nearest record chunks found in the vector index.

Joins an :class:`Embedder` and a :class:`VectorIndex` for the read path, so callers (the
query engine, the ``search`` tool) hand over text and an organization scope and get records
back, best first, one hit per record (its best chunk). The chunk that matched can be cut out
of the record's stored text again (:meth:`SemanticSearch.passage`) because chunking is a pure
function of the text and the chunk sizes, which this object shares with the indexer.

Example::

    semantic = SemanticSearch(embedder, index, settings=IndexSettings())
    hits = await semantic.search("reset a user's VPN access", organization_ids={7}, limit=5)
    text = semantic.passage(stored_body, hits[0].chunk)
"""

from __future__ import annotations

from collections.abc import Collection

from itglue_mcp.config.index import IndexSettings
from itglue_mcp.index.chunking import chunk_text
from itglue_mcp.index.documents import RecordKey
from itglue_mcp.index.embedder import Embedder
from itglue_mcp.index.vector_index import VectorHit, VectorIndex

__all__ = ["SemanticSearch"]

# Chunks fetched per record wanted: long documents put several chunks near the top.
_CHUNKS_PER_RECORD = 3


class SemanticSearch:
    """Finds records by meaning.

    Args:
        embedder: embeds the query (the same model that embedded the records).
        index: the vector index the sync fills.
        settings: the chunk sizes the records were indexed with (``chunk_chars``,
            ``chunk_overlap_chars``); defaults when omitted, as for the indexer.
    """

    def __init__(
        self, embedder: Embedder, index: VectorIndex, *, settings: IndexSettings | None = None
    ) -> None:
        self.embedder = embedder
        self.index = index
        settings = settings or IndexSettings()
        self._chunk_chars = settings.chunk_chars
        self._overlap_chars = settings.chunk_overlap_chars

    async def search(
        self,
        text: str,
        *,
        organization_ids: Collection[int | None] | None = None,
        record_types: Collection[str] | None = None,
        limit: int = 10,
    ) -> list[VectorHit]:
        """The records whose text is nearest in meaning to ``text``, best first.

        Args:
            text: the query, in plain language.
            organization_ids: only records of these organizations (``None`` inside the
                collection: account-wide records; ``None`` as the argument: everything).
            record_types: only these JSON:API types (``None``: all).
            limit: most records returned (>= 1).

        Returns:
            One hit per record, its best-scoring chunk; ``score`` is cosine similarity.

        Raises:
            ValueError: ``text`` is blank or ``limit`` < 1.
            EmbedderError: the model cannot be loaded.
            VectorIndexError: the index fails.
        """
        if not text.strip():
            raise ValueError("query must not be empty")
        if limit < 1:
            raise ValueError("limit must be at least 1")
        [vector] = await self.embedder.embed([text])
        hits = await self.index.search(
            vector,
            organization_ids=organization_ids,
            record_types=record_types,
            limit=limit * _CHUNKS_PER_RECORD,
        )
        best: dict[RecordKey, VectorHit] = {}
        for hit in hits:
            key = RecordKey(hit.record_type, hit.record_id)
            if key not in best or hit.score > best[key].score:
                best[key] = hit
        return sorted(best.values(), key=lambda hit: -hit.score)[:limit]

    def passage(self, body: str, chunk: int) -> str | None:
        """The text of chunk ``chunk`` (0-based) of a record whose stored body is ``body``.

        Args:
            body: the record's searchable text as the store holds it now.
            chunk: :attr:`VectorHit.chunk` of a hit.

        Returns:
            The chunk's body text (without the name header the index adds), or ``None`` when
            the body is empty or now has fewer chunks (it changed since it was indexed).
        """
        chunks = chunk_text(body, max_chars=self._chunk_chars, overlap_chars=self._overlap_chars)
        return chunks[chunk] if 0 <= chunk < len(chunks) else None
