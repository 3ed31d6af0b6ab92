"""Every chunk of a local-mode index in one in-memory matrix, for searches over wide scopes.

The per-organization layout (see :mod:`itglue_mcp.index.qdrant`) answers a search over many
organizations with one query per collection, a fixed ~0.4 ms each (65 ms at 151
organizations). :class:`AllChunksMirror` holds a copy of every chunk vector in one float32
matrix, so such a search is one matrix-vector product instead.

**Why in memory, not on disk.** An on-disk copy doubled every index write (local mode commits
each point to SQLite separately, ~12 ms a point under load), took 68-108 s to build on the
first open of a 150-organization data directory, and needed a consistency check at every open.
Local mode is held by one process at a time (see
:func:`~itglue_mcp.index.qdrant_layout.refuse_if_locked`), so a mirror kept by that process's
own writes cannot go stale behind another writer: it is built at open from the vectors the
per-organization collections store (nothing re-embedded) and updated after each of their
successful writes and deletes.

**Why our own numpy, not a qdrant-client ``:memory:`` collection.** Ranking is this project's
core, and qdrant-client's local mode is slow at exactly what the mirror is for: it casts the
whole float32 matrix to float64 on every query (most of a 24-27 ms search at 20k points),
builds a Python object for each point it returns, and evaluates a payload filter point by
point in Python, so a scoped search had to fetch unfiltered hits, drop those out of scope and
fetch again when too few were left. Here a query is one float32 product, the scope and
record types are a boolean mask over small integer codes kept per row, applied *before* the
top ``limit`` are picked (exact, whatever the scope's share of the account), and Python
objects are built for the returned hits only.

Rows hold unit vectors, so a dot product is the cosine similarity the per-organization
(cosine) collections score; the vectors copied at open are stored normalized by qdrant-client,
and those written and queried must be unit vectors already
(:class:`~itglue_mcp.index.qdrant.QdrantVectorIndex` normalizes them).

Example::

    mirror = await AllChunksMirror.build(client, ["itglue-org-7", "itglue-account"], 384)
    hits = mirror.query(unit_query, limit=10, wanted=ChunkFilter.of({7}, None))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from qdrant_client import AsyncQdrantClient, models

from itglue_mcp.index.qdrant_layout import ChunkFilter
from itglue_mcp.index.vector_index import VectorHit

__all__ = ["AllChunksMirror"]

# Points copied per scroll when the mirror is built.
_COPY_BATCH = 1_000
# Rows allocated before the first growth; the matrix doubles when full.
_INITIAL_ROWS = 1_024


class _Codes:
    """Small integer codes for the few distinct values of one payload field (scopes, record
    types): a row stores a code, and a filter becomes a boolean table indexed by code."""

    def __init__(self) -> None:
        self._code: dict[str, int] = {}

    def code(self, value: str) -> int:
        """The code of ``value``, a new one the first time it is seen."""
        return self._code.setdefault(value, len(self._code))

    def allowed(self, values: Iterable[str]) -> NDArray[np.bool_]:
        """A table, indexed by code, true for the codes of ``values`` (unknown ones skipped)."""
        table = np.zeros(len(self._code), dtype=np.bool_)
        table[[self._code[value] for value in values if value in self._code]] = True
        return table


class AllChunksMirror:
    """Every chunk point of the per-organization collections; build it with :meth:`build`.

    Points are identified by the per-organization collections' point ids, so a point is
    replaced or deleted here by the same id. Rows ``0..count-1`` of one contiguous float32
    matrix hold the vectors (grown by doubling); beside each row its hit's identity
    (record type, record id, organization, chunk) and the codes of its scope and record type.
    A deleted point's row is filled by the last row, so the live rows stay contiguous.

    Args:
        dimension: length of every vector.
    """

    def __init__(self, dimension: int) -> None:
        self._dimension = dimension
        self._size = 0
        self._vectors = np.empty((_INITIAL_ROWS, dimension), dtype=np.float32)
        self._scope = np.empty(_INITIAL_ROWS, dtype=np.int32)
        self._type = np.empty(_INITIAL_ROWS, dtype=np.int32)
        self._row_of: dict[str, int] = {}
        # Per row: point id and (record type, record id, organization id, chunk).
        self._ids: list[str] = []
        self._hits: list[tuple[str, int, int | None, int]] = []
        self._scopes = _Codes()
        self._types = _Codes()

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
        mirror = cls(dimension)
        for name in collections:
            offset: models.ExtendedPointId | None = None
            while True:
                records, offset = await source.scroll(
                    name, limit=_COPY_BATCH, offset=offset, with_payload=True, with_vectors=True
                )
                mirror.upsert(
                    models.PointStruct(id=r.id, vector=r.vector or [], payload=r.payload)
                    for r in records
                )
                if offset is None:
                    break
        return mirror

    def upsert(self, points: Iterable[models.PointStruct]) -> None:
        """Add ``points``, or replace those whose id is already here, in place.

        Each point's vector is a unit vector of ``dimension`` floats and its payload holds
        ``scope``, ``record_type``, ``record_id``, ``organization_id`` and ``chunk`` (the chunk
        payload of :mod:`itglue_mcp.index.qdrant`). A point repeated in ``points`` keeps its
        last version.

        Raises:
            ValueError: a vector is not ``dimension`` floats (nothing is written).
        """
        batch = list({str(point.id): point for point in points}.values())
        if not batch:
            return
        for point in batch:
            if not isinstance(point.vector, list) or len(point.vector) != self._dimension:
                raise ValueError(
                    f"mirror upsert: point {point.id} must have a vector of "
                    f"{self._dimension} floats"
                )
        vectors = np.asarray([point.vector for point in batch], dtype=np.float32)
        self._reserve(self._size + len(batch))
        rows = np.empty(len(batch), dtype=np.intp)
        for position, point in enumerate(batch):
            payload: dict[str, Any] = point.payload or {}
            point_id = str(point.id)
            row = self._row_of.get(point_id)
            organization_id = payload["organization_id"]
            hit = (
                str(payload["record_type"]),
                int(payload["record_id"]),
                None if organization_id is None else int(organization_id),
                int(payload["chunk"]),
            )
            if row is None:
                row = self._size
                self._size += 1
                self._row_of[point_id] = row
                self._ids.append(point_id)
                self._hits.append(hit)
            else:
                self._hits[row] = hit
            rows[position] = row
            self._scope[row] = self._scopes.code(str(payload["scope"]))
            self._type[row] = self._types.code(hit[0])
        self._vectors[rows] = vectors

    def delete(self, point_ids: Sequence[str]) -> None:
        """Remove the points of ``point_ids``; unknown ids are ignored."""
        for point_id in point_ids:
            row = self._row_of.pop(str(point_id), None)
            if row is None:
                continue
            last = self._size - 1
            if row != last:
                self._vectors[row] = self._vectors[last]
                self._scope[row] = self._scope[last]
                self._type[row] = self._type[last]
                self._ids[row] = self._ids[last]
                self._hits[row] = self._hits[last]
                self._row_of[self._ids[row]] = row
            self._ids.pop()
            self._hits.pop()
            self._size = last

    def query(self, query: NDArray[np.float32], limit: int, wanted: ChunkFilter) -> list[VectorHit]:
        """The ``limit`` points nearest the unit vector ``query`` among those ``wanted``
        admits, best first; ties by record type, record id, then chunk.

        Scores are cosine similarities (float32 dot products of unit vectors). The filter is
        exact: every admitted point is ranked, however few there are.

        Raises:
            ValueError: ``limit`` < 1, or ``query`` is not ``dimension`` floats.
        """
        if limit < 1:
            raise ValueError(f"mirror query: limit must be at least 1, got {limit}")
        vector = np.asarray(query, dtype=np.float32)
        if vector.shape != (self._dimension,):
            raise ValueError(
                f"mirror query: expected {self._dimension} floats, got shape {vector.shape}"
            )
        size = self._size
        scores = self._vectors[:size] @ vector
        mask: NDArray[np.bool_] | None = None
        if wanted.scopes is not None:
            mask = self._scopes.allowed(wanted.scopes)[self._scope[:size]]
        if wanted.record_types is not None:
            typed = self._types.allowed(wanted.record_types)[self._type[:size]]
            mask = typed if mask is None else mask & typed
        rows = np.arange(size) if mask is None else np.flatnonzero(mask)
        if len(rows) > limit:
            candidates = scores[rows]
            best = np.argpartition(-candidates, limit - 1)[:limit]
            # Every row tied with the last one kept, so ties are ordered below, not by chance.
            rows = rows[candidates >= candidates[best].min()]
        ranked = sorted(
            (VectorHit(*self._hits[row], score=float(scores[row])) for row in rows.tolist()),
            key=lambda hit: (-hit.score, hit.record_type, hit.record_id, hit.chunk),
        )
        return ranked[:limit]

    def count(self) -> int:
        """Points in the mirror: every chunk of the per-organization collections."""
        return self._size

    def _reserve(self, rows: int) -> None:
        """Grow the row arrays (doubling) until they hold ``rows`` rows."""
        capacity = len(self._vectors)
        if rows <= capacity:
            return
        while capacity < rows:
            capacity *= 2
        vectors = np.empty((capacity, self._dimension), dtype=np.float32)
        vectors[: self._size] = self._vectors[: self._size]
        self._vectors = vectors
        self._scope = np.resize(self._scope, capacity)
        self._type = np.resize(self._type, capacity)
