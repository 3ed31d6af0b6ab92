"""The vector-index contract: chunk vectors filed by record and organization, searched by meaning.

Implementations: :class:`~itglue_mcp.index.qdrant.QdrantVectorIndex` (qdrant-client local mode on
disk, or a Qdrant server). Callers hand over :class:`IndexDocument` chunks with their vectors,
ask which chunk hashes are already stored (so unchanged text is never re-embedded), and search
with an organization scope.

Example::

    hits = await index.search(query_vector, organization_ids={7, None}, limit=5)
    for hit in hits:
        print(hit.record_type, hit.record_id, hit.score)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from itglue_mcp.index.documents import ChunkKey, IndexDocument, RecordKey

__all__ = ["VectorHit", "VectorIndex"]


@dataclass(frozen=True, slots=True)
class VectorHit:
    """One chunk found by a vector search.

    Attributes:
        record_type: JSON:API type of the record.
        record_id: IT Glue id of the record.
        organization_id: its organization; ``None`` for account-wide records.
        chunk: which chunk of the record's text matched (0-based); the text is reproduced by
            chunking the record's stored body with the same settings.
        score: cosine similarity to the query, in ``[-1, 1]``; higher is closer.
    """

    record_type: str
    record_id: int
    organization_id: int | None
    chunk: int
    score: float


class VectorIndex(Protocol):
    """Stores one vector per :class:`IndexDocument` and finds the nearest ones.

    A record's chunks always live with its organization: writing a chunk of a record that was
    filed under another organization removes the old ones. Every method raises
    :class:`~itglue_mcp.index.errors.VectorIndexError` when the backend fails.
    """

    async def upsert(
        self, documents: Sequence[IndexDocument], vectors: NDArray[np.float32]
    ) -> None:
        """Write (insert or replace) one vector per document.

        Args:
            documents: chunks to write; all chunks of one record carry the same organization.
            vectors: shape ``(len(documents), dimension)``, unit-length rows.

        Raises:
            ValueError: counts or dimensions disagree, or a record's chunks disagree on
                their organization.
        """

    async def delete(self, record_type: str, record_ids: Collection[int]) -> int:
        """Remove every chunk of these records; ids not indexed are ignored.

        Returns:
            The number of chunks removed.
        """

    async def delete_chunks(self, keys: Collection[ChunkKey]) -> None:
        """Remove these chunks (e.g. the tail of a record whose text got shorter)."""

    async def search(
        self,
        vector: Sequence[float] | NDArray[np.float32],
        *,
        organization_ids: Collection[int | None] | None = None,
        record_types: Collection[str] | None = None,
        limit: int = 10,
    ) -> list[VectorHit]:
        """The chunks nearest to ``vector``, best first.

        Args:
            vector: the query embedding (``dimension`` floats, unit length).
            organization_ids: only chunks of these organizations; ``None`` in the collection
                stands for account-wide records. ``None`` (the argument) searches everything.
                An empty collection finds nothing.
            record_types: only these JSON:API types; ``None`` for all.
            limit: most hits returned (>= 1).

        Raises:
            ValueError: ``limit`` < 1 or the vector has the wrong length.
        """

    async def known_hashes(self, records: Collection[RecordKey]) -> dict[ChunkKey, str]:
        """The content hash of every chunk stored for ``records`` (absent records: no keys)."""

    async def count(self) -> int:
        """The number of chunks stored."""

    async def close(self) -> None:
        """Release the backend (files, connections); the index is unusable afterwards."""
