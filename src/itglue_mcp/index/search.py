"""Semantic search: a question embedded once, nearest record chunks found in the vector index.

Joins an :class:`Embedder` and a :class:`VectorIndex` for the read path, so callers (the
query engine, the ``search`` tool) hand over text and an organization scope and get records
back, best first, one hit per record (its best chunk).

Example::

    semantic = SemanticSearch(embedder, index)
    hits = await semantic.search("reset a user's VPN access", organization_ids={7}, limit=5)
"""

from __future__ import annotations

from collections.abc import Collection

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
    """

    def __init__(self, embedder: Embedder, index: VectorIndex) -> None:
        self.embedder = embedder
        self.index = index

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
