"""Every chunk of a local-mode index in one in-memory collection, for searches over wide scopes.

The per-organization layout (see :mod:`itglue_mcp.index.qdrant`) answers a search over many
organizations with one query per collection, a fixed ~0.4 ms each (65 ms at 151
organizations). :class:`AllChunksMirror` holds a copy of every chunk point in one collection
of a ``:memory:`` qdrant-client, so such a search is one numpy query instead.

**Why in memory, not on disk.** An on-disk copy doubled every index write (local mode commits
each point to SQLite separately, ~12 ms a point under load), took 68-108 s to build on the
first open of a 150-organization data directory, and needed a consistency check at every open.
Local mode is held by one process at a time (see
:func:`~itglue_mcp.index.qdrant_layout.refuse_if_locked`), so a mirror kept by that process's
own writes cannot go stale behind another writer: it is built at open from the vectors the
per-organization collections store (nothing re-embedded) and updated after each of their
successful writes and deletes.

Its collection ranks by dot product over unit vectors: local mode renormalizes every stored
vector of a cosine collection on each query, most of a wide search's time at this size, and
the dot product of unit vectors is their cosine similarity. The vectors it copies come from
cosine collections, which qdrant-client stores normalized; those written and queried must be
unit vectors already (:class:`~itglue_mcp.index.qdrant.QdrantVectorIndex` normalizes them).

Example::

    mirror = await AllChunksMirror.build(client, ["itglue-org-7", "itglue-account"], 384)
    hits = await mirror.query(unit_query, limit=10, query_filter=None)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from qdrant_client import AsyncQdrantClient, models

from itglue_mcp.index.qdrant_layout import HIT_PAYLOAD, vector_hit
from itglue_mcp.index.vector_index import VectorHit

__all__ = ["AllChunksMirror"]

# Points copied per scroll when the mirror is built.
_COPY_BATCH = 1_000
_COLLECTION = "all-chunks"


class AllChunksMirror:
    """The in-memory all-chunks collection; build it with :meth:`build`.

    Point ids and payloads are those of the per-organization collections, so a point is
    replaced or deleted here by the same id.
    """

    def __init__(self, client: AsyncQdrantClient) -> None:
        self._client = client

    @classmethod
    async def build(
        cls, source: AsyncQdrantClient, collections: Iterable[str], dimension: int
    ) -> AllChunksMirror:
        """A mirror holding every point of ``collections`` on ``source``.

        Args:
            source: the local-mode client holding the per-organization collections.
            collections: the chunk collections to copy (all must exist, all cosine).
            dimension: length of every vector.

        Raises:
            qdrant-client's errors, untranslated (the caller wraps them).
        """
        client = AsyncQdrantClient(":memory:")
        await client.create_collection(
            _COLLECTION,
            vectors_config=models.VectorParams(size=dimension, distance=models.Distance.DOT),
        )
        mirror = cls(client)
        for name in collections:
            offset: models.ExtendedPointId | None = None
            while True:
                records, offset = await source.scroll(
                    name, limit=_COPY_BATCH, offset=offset, with_payload=True, with_vectors=True
                )
                await mirror.upsert(
                    models.PointStruct(
                        id=r.id, vector=cast(list[float], r.vector), payload=r.payload
                    )
                    for r in records
                )
                if offset is None:
                    break
        return mirror

    async def upsert(self, points: Iterable[models.PointStruct]) -> None:
        """Add or replace ``points`` (unit vectors)."""
        batch = list(points)
        if batch:
            await self._client.upsert(_COLLECTION, points=batch)

    async def delete(self, point_ids: Sequence[str]) -> None:
        """Remove the points of ``point_ids``; unknown ids are ignored."""
        if point_ids:
            await self._client.delete(
                _COLLECTION, points_selector=models.PointIdsList(points=list(point_ids))
            )

    async def query(
        self, query: list[float], limit: int, query_filter: models.Filter | None
    ) -> list[VectorHit]:
        """The ``limit`` points nearest the unit vector ``query`` that pass ``query_filter``
        (evaluated in Python over every point: keep it for what an unfiltered query misses),
        best first; scores are cosine similarities."""
        response = await self._client.query_points(
            _COLLECTION,
            query=query,
            query_filter=query_filter,
            limit=limit,
            with_payload=HIT_PAYLOAD,
        )
        return [vector_hit(point) for point in response.points]

    async def count(self) -> int:
        """Points in the mirror: every chunk of the per-organization collections."""
        return (await self._client.count(_COLLECTION, exact=True)).count

    async def close(self) -> None:
        """Release the in-memory client."""
        await self._client.close()
