"""The vector index on Qdrant: local mode on disk (embedded default) or a Qdrant server.

**Why a collection per organization in local mode.** qdrant-client's local mode keeps every
point of a collection in memory and evaluates a payload filter in Python, point by point, before
an exact numpy search: an organization-filtered query over one big collection costs time in
proportion to *all* points (about 190 ms at 20k points here). Nearly every question is scoped to
one organization, so local mode files each organization's chunks in a collection of its own
(``<prefix>-org-<id>``, account-wide records in ``<prefix>-account``): an org-scoped search
touches only that organization's points and needs no filter at all. Measured by
``benchmarks/test_index_scoping.py`` at 20 organizations x 1,000 chunks (2-core machine): an
org-scoped query takes 0.54 ms here against 154 ms on the single payload-filtered collection
(x285). A record-type filter inside an organization is still evaluated in Python, but over that
organization's points only (8 ms at 1,000).

**Why every chunk a second time, in memory.** Querying every collection costs a fixed ~0.4 ms
each (65 ms at 151 organizations), so a search over every organization would grow with the
tenant. Local mode therefore also keeps every chunk in an in-memory float32 matrix
(:class:`~itglue_mcp.index.qdrant_mirror.AllChunksMirror`, ranked by this project's own numpy,
not by qdrant-client), built at open from the stored vectors and updated after each write and
delete: a scope wider than :data:`~itglue_mcp.index.qdrant_layout.MAX_PARTITION_QUERIES`
organizations is one exact query there, the scope and record types masked before the top hits
are picked (see :meth:`QdrantVectorIndex.search`). The price: every vector is held in memory
twice, and opening copies them (figures in ``benchmarks/README.md``).

A Qdrant server builds real payload indexes, and its multitenancy guidance is one collection
partitioned by a tenant key, so with ``qdrant_url`` set every chunk goes into one collection,
``<prefix>-chunks``, with keyword indexes on ``scope`` (marked ``is_tenant``) and
``record_type``, filtered per query. Both layouts are the same class (:class:`CollectionLayout`).

**Where a record lives.** Deleting a record or reading its hashes must not scan either: a small
directory collection ``<prefix>-records`` holds one point per record (id = uuid5 of type and id)
whose payload names its scope and chunk numbers, and chunk points have deterministic ids (uuid5
of type, id and chunk), so every lookup is by id. The directory is written before the chunk
points it names, so an interrupted write leaves names without points (re-embedded next time),
never unreachable points.

Chunk payload: ``organization_id``, ``scope``, ``record_type``, ``record_id``, ``chunk``,
``content_hash``; the text itself is not stored (the store is the source of truth).

Example::

    index = await QdrantVectorIndex.open(settings, dimension=384, data_dir=Path(".itglue-mcp"))
    hits = await index.search(vector, organization_ids={7}, limit=5)
    await index.close()
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from opentelemetry import trace
from qdrant_client import AsyncQdrantClient, models

from itglue_mcp.config.index import IndexSettings
from itglue_mcp.index.documents import ChunkKey, IndexDocument, RecordKey
from itglue_mcp.index.errors import VectorIndexError
from itglue_mcp.index.qdrant_layout import (
    ACCOUNT_SCOPE,
    HIT_PAYLOAD,
    MAX_PARTITION_QUERIES,
    ChunkFilter,
    CollectionLayout,
    FiledRecord,
    chunk_point_id,
    qdrant_errors,
    record_point_id,
    refuse_if_locked,
    scope_key,
    vector_hit,
)
from itglue_mcp.index.qdrant_mirror import AllChunksMirror
from itglue_mcp.index.vector_index import VectorHit

__all__ = ["QdrantVectorIndex"]


_tracer = trace.get_tracer(__name__)


def _unit_rows(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    """``matrix`` with each nonzero row scaled to length 1 (cosine scores as dot products)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0.0, 1.0, norms)).astype(np.float32)


class QdrantVectorIndex:
    """A :class:`~itglue_mcp.index.vector_index.VectorIndex` on qdrant-client.

    Build it with :meth:`open` (from settings) or :meth:`create` (from a client). Local mode
    runs in the calling thread: its operations are quick numpy work over the scoped
    collection, but they do block the event loop while they run.

    Args:
        client: an open qdrant-client (local or remote); closed by :meth:`close`.
        dimension: length of every vector.
        layout: see :class:`CollectionLayout`.
        prefix: start of every collection name.
        payload_indexes: create payload indexes on ``scope`` and ``record_type`` (server only:
            local mode ignores them, with a warning).
    """

    def __init__(
        self,
        client: AsyncQdrantClient,
        *,
        dimension: int,
        layout: CollectionLayout,
        prefix: str = "itglue",
        payload_indexes: bool = False,
    ) -> None:
        self._client = client
        self._dimension = dimension
        self._layout = layout
        self._prefix = prefix
        self._payload_indexes = payload_indexes
        self._directory = f"{prefix}-records"
        self._single = f"{prefix}-chunks"
        self._collections: set[str] = set()
        # Per-organization layout only (built by _prepare); see the module docstring.
        self._mirror: AllChunksMirror | None = None
        self._creating = asyncio.Lock()

    @classmethod
    async def open(
        cls, settings: IndexSettings, *, dimension: int, data_dir: Path
    ) -> QdrantVectorIndex:
        """The index ``settings`` select: a server at ``qdrant_url`` (single collection, payload
        indexes, gRPC), else local mode under :meth:`IndexSettings.local_path` (a collection
        per organization).

        Raises:
            VectorIndexError: the server cannot be reached, the local directory is in use by
                another process, or stored vectors have another dimension.
        """
        local_path = settings.local_path(data_dir)
        with qdrant_errors("open"):
            if local_path is None:
                api_key = settings.qdrant_api_key
                client = AsyncQdrantClient(
                    url=settings.qdrant_url,
                    api_key=api_key.get_secret_value() if api_key else None,
                    prefer_grpc=True,
                )
                layout, payload_indexes = CollectionLayout.SINGLE, True
            else:
                local_path.mkdir(parents=True, exist_ok=True)
                refuse_if_locked(local_path)
                client = AsyncQdrantClient(path=str(local_path))
                layout, payload_indexes = CollectionLayout.PER_ORGANIZATION, False
        try:
            return await cls.create(
                client,
                dimension=dimension,
                layout=layout,
                prefix=settings.collection_prefix,
                payload_indexes=payload_indexes,
            )
        except BaseException:
            await client.close()
            raise

    @classmethod
    async def create(
        cls,
        client: AsyncQdrantClient,
        *,
        dimension: int,
        layout: CollectionLayout,
        prefix: str = "itglue",
        payload_indexes: bool = False,
    ) -> QdrantVectorIndex:
        """An index on ``client``, its directory collection created if missing.

        Raises:
            VectorIndexError: Qdrant fails, or an existing chunk collection holds vectors of
                another dimension (the model changed: run `itglue-mcp index rebuild`).
        """
        index = cls(
            client,
            dimension=dimension,
            layout=layout,
            prefix=prefix,
            payload_indexes=payload_indexes,
        )
        await index._prepare()
        return index

    async def _prepare(self) -> None:
        with qdrant_errors("open"):
            listed = await self._client.get_collections()
            names = {collection.name for collection in listed.collections}
            if self._directory not in names:
                await self._client.create_collection(
                    self._directory,
                    vectors_config=models.VectorParams(size=1, distance=models.Distance.DOT),
                )
            for name in sorted(names):
                if self._is_chunk_collection(name):
                    await self._adopt(name)
            if self._layout is CollectionLayout.PER_ORGANIZATION:
                self._mirror = await AllChunksMirror.build(
                    self._client, self._partitions(), self._dimension
                )

    async def _adopt(self, name: str) -> None:
        """Remember an existing chunk collection after checking its vector size."""
        info = await self._client.get_collection(name)
        params = info.config.params.vectors
        size = params.size if isinstance(params, models.VectorParams) else None
        if size != self._dimension:
            raise VectorIndexError(
                f"Qdrant collection {name!r} holds vectors of dimension {size}, the "
                f"embedder makes {self._dimension}: run `itglue-mcp index rebuild`"
            )
        self._collections.add(name)

    async def _exists(self, name: str) -> bool:
        """Whether a chunk collection exists, asking Qdrant about names not seen yet (another
        process, e.g. the sync, may have created it on a shared server since start-up)."""
        if name in self._collections:
            return True
        if not await self._client.collection_exists(name):
            return False
        await self._adopt(name)
        return True

    def _is_chunk_collection(self, name: str) -> bool:
        if self._layout is CollectionLayout.SINGLE:
            return name == self._single
        return name == f"{self._prefix}-{ACCOUNT_SCOPE}" or name.startswith(f"{self._prefix}-org-")

    def _collection(self, scope: str) -> str:
        """The collection holding ``scope``'s chunks and no other scope's (per-organization
        layout), or the one collection (single layout)."""
        if self._layout is CollectionLayout.SINGLE:
            return self._single
        return f"{self._prefix}-{scope}"

    def _partitions(self) -> list[str]:
        """The per-organization layout's collections of one scope each (known so far)."""
        return sorted(self._collections)

    async def _ensure_collection(self, name: str) -> None:
        if name in self._collections:
            return
        async with self._creating:
            if name in self._collections:
                return
            if not await self._client.collection_exists(name):
                await self._client.create_collection(
                    name,
                    vectors_config=models.VectorParams(
                        size=self._dimension, distance=models.Distance.COSINE
                    ),
                )
                if self._payload_indexes:
                    await self._client.create_payload_index(
                        name,
                        "scope",
                        field_schema=models.KeywordIndexParams(
                            type=models.KeywordIndexType.KEYWORD, is_tenant=True
                        ),
                    )
                    await self._client.create_payload_index(
                        name, "record_type", field_schema=models.PayloadSchemaType.KEYWORD
                    )
            self._collections.add(name)

    async def _filed(self, records: Iterable[RecordKey]) -> dict[RecordKey, FiledRecord]:
        ids = [record_point_id(key) for key in dict.fromkeys(records)]
        if not ids:
            return {}
        points = await self._client.retrieve(self._directory, ids=ids, with_payload=True)
        filed: dict[RecordKey, FiledRecord] = {}
        for point in points:
            payload: dict[str, Any] = point.payload or {}
            organization_id = payload.get("organization_id")
            key = RecordKey(str(payload["record_type"]), int(payload["record_id"]))
            filed[key] = FiledRecord(
                None if organization_id is None else int(organization_id),
                {int(chunk) for chunk in payload.get("chunks", [])},
            )
        return filed

    async def _write_directory(self, entries: dict[RecordKey, FiledRecord]) -> None:
        kept = [
            models.PointStruct(
                id=record_point_id(key),
                vector=[1.0],
                payload={
                    "record_type": key.record_type,
                    "record_id": key.record_id,
                    "organization_id": entry.organization_id,
                    "scope": entry.scope,
                    "chunks": sorted(entry.chunks),
                },
            )
            for key, entry in entries.items()
            if entry.chunks
        ]
        gone = [record_point_id(key) for key, entry in entries.items() if not entry.chunks]
        if kept:
            await self._client.upsert(self._directory, points=kept)
        if gone:
            await self._client.delete(
                self._directory, points_selector=models.PointIdsList(points=list(gone))
            )

    async def _delete_points(self, by_scope: dict[str, list[str]]) -> None:
        for scope, point_ids in by_scope.items():
            name = self._collection(scope)
            if point_ids and await self._exists(name):
                await self._client.delete(
                    name, points_selector=models.PointIdsList(points=list(point_ids))
                )
                if self._mirror is not None:
                    self._mirror.delete(point_ids)

    async def upsert(
        self, documents: Sequence[IndexDocument], vectors: NDArray[np.float32]
    ) -> None:
        """See :meth:`VectorIndex.upsert`; also removes a moved record's chunks from its old
        organization."""
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.shape != (len(documents), self._dimension):
            raise ValueError(
                f"upsert: expected vectors of shape ({len(documents)}, {self._dimension}), "
                f"got {matrix.shape}"
            )
        # Unit vectors for the mirror (cosine collections score them the same).
        matrix = _unit_rows(matrix)
        if not documents:
            return
        organization_of: dict[RecordKey, int | None] = {}
        for document in documents:
            known = organization_of.setdefault(document.record_key, document.organization_id)
            if known != document.organization_id:
                raise ValueError(
                    f"upsert: chunks of {document.record_type}/{document.record_id} name "
                    f"organizations {known} and {document.organization_id}"
                )
        with qdrant_errors("upsert"):
            filed = await self._filed(organization_of)
            moved: dict[str, list[str]] = defaultdict(list)
            entries: dict[RecordKey, FiledRecord] = {}
            for key, organization_id in organization_of.items():
                old = filed.get(key)
                if old is not None and old.organization_id != organization_id:
                    moved[old.scope].extend(
                        chunk_point_id(key.record_type, key.record_id, chunk)
                        for chunk in old.chunks
                    )
                    old = None
                entries[key] = FiledRecord(organization_id, set(old.chunks) if old else set())
            for document in documents:
                entries[document.record_key].chunks.add(document.chunk)
            await self._delete_points(moved)
            # Re-embedded text usually keeps its chunks: only new or changed entries are written.
            await self._write_directory(
                {key: entry for key, entry in entries.items() if filed.get(key) != entry}
            )
            points: dict[str, list[models.PointStruct]] = defaultdict(list)
            for document, vector in zip(documents, matrix, strict=True):
                scope = scope_key(document.organization_id)
                point = models.PointStruct(
                    id=chunk_point_id(document.record_type, document.record_id, document.chunk),
                    vector=vector.tolist(),
                    payload={
                        "organization_id": document.organization_id,
                        "scope": scope,
                        "record_type": document.record_type,
                        "record_id": document.record_id,
                        "chunk": document.chunk,
                        "content_hash": document.content_hash,
                    },
                )
                points[self._collection(scope)].append(point)
            for name, batch in points.items():
                await self._ensure_collection(name)
                await self._client.upsert(name, points=batch)
                # After the write it mirrors: a failed write leaves the mirror as the disk.
                if self._mirror is not None:
                    self._mirror.upsert(batch)

    async def delete(self, record_type: str, record_ids: Collection[int]) -> int:
        """See :meth:`VectorIndex.delete`."""
        keys = [RecordKey(record_type, record_id) for record_id in record_ids]
        with qdrant_errors("delete"):
            filed = await self._filed(keys)
            by_scope: dict[str, list[str]] = defaultdict(list)
            for key, entry in filed.items():
                by_scope[entry.scope].extend(
                    chunk_point_id(key.record_type, key.record_id, chunk) for chunk in entry.chunks
                )
                entry.chunks.clear()
            await self._delete_points(by_scope)
            await self._write_directory(filed)
        return sum(len(point_ids) for point_ids in by_scope.values())

    async def delete_chunks(self, keys: Collection[ChunkKey]) -> None:
        """See :meth:`VectorIndex.delete_chunks`."""
        with qdrant_errors("delete"):
            filed = await self._filed(RecordKey(key.record_type, key.record_id) for key in keys)
            by_scope: dict[str, list[str]] = defaultdict(list)
            touched: dict[RecordKey, FiledRecord] = {}
            for key in keys:
                record = RecordKey(key.record_type, key.record_id)
                entry = filed.get(record)
                if entry is not None and key.chunk in entry.chunks:
                    entry.chunks.discard(key.chunk)
                    touched[record] = entry
                    by_scope[entry.scope].append(chunk_point_id(*key))
            await self._delete_points(by_scope)
            await self._write_directory(touched)

    async def search(
        self,
        vector: Sequence[float] | NDArray[np.float32],
        *,
        organization_ids: Collection[int | None] | None = None,
        record_types: Collection[str] | None = None,
        limit: int = 10,
    ) -> list[VectorHit]:
        """See :meth:`VectorIndex.search`.

        Single layout: one query filtered on the indexed ``scope`` and ``record_type``.
        Per-organization layout: a scope of at most
        :data:`~itglue_mcp.index.qdrant_layout.MAX_PARTITION_QUERIES` existing collections
        queries each of them, unfiltered but for ``record_types``; every organization, or a
        wider scope, is one exact masked query of the in-memory all-chunks mirror.
        """
        if limit < 1:
            raise ValueError(f"search: limit must be at least 1, got {limit}")
        query = _unit_rows(np.asarray(vector, dtype=np.float32).reshape(1, -1))[0]
        if len(query) != self._dimension:
            raise ValueError(f"search: expected {self._dimension} floats, got {len(query)}")
        wanted = ChunkFilter.of(organization_ids, record_types)
        if wanted.finds_nothing:
            return []
        with (
            _tracer.start_as_current_span(
                "qdrant.search", attributes={"db.system.name": "qdrant"}
            ) as span,
            qdrant_errors("search"),
        ):
            if self._layout is CollectionLayout.SINGLE:
                hits = await self._query(
                    self._single, query.tolist(), limit, wanted.payload_filter()
                )
                span.set_attribute("itglue_mcp.qdrant.collections", 1)
            else:
                scopes = wanted.scopes
                partitions = None if scopes is None else await self._partitions_in(scopes)
                if self._mirror is not None and (
                    partitions is None or len(partitions) > MAX_PARTITION_QUERIES
                ):
                    hits = self._mirror.query(query, limit, wanted)
                    span.set_attribute("itglue_mcp.qdrant.collections", 1)
                else:
                    names = self._partitions() if partitions is None else partitions
                    floats, query_filter = query.tolist(), wanted.payload_filter(scope=False)
                    hits = []
                    for name in names:
                        hits.extend(await self._query(name, floats, limit, query_filter))
                    span.set_attribute("itglue_mcp.qdrant.collections", len(names))
            span.set_attribute("itglue_mcp.qdrant.hits", len(hits))
        hits.sort(key=lambda hit: (-hit.score, hit.record_type, hit.record_id, hit.chunk))
        return hits[:limit]

    async def _partitions_in(self, scopes: Collection[str]) -> list[str]:
        """The existing per-organization collections of ``scopes``."""
        names = [self._collection(scope) for scope in sorted(scopes)]
        return [name for name in names if await self._exists(name)]

    async def _query(
        self, name: str, query: list[float], limit: int, query_filter: models.Filter | None
    ) -> list[VectorHit]:
        response = await self._client.query_points(
            name, query=query, query_filter=query_filter, limit=limit, with_payload=HIT_PAYLOAD
        )
        return [vector_hit(point) for point in response.points]

    async def known_hashes(self, records: Collection[RecordKey]) -> dict[ChunkKey, str]:
        """See :meth:`VectorIndex.known_hashes`: a directory lookup, then chunk lookups by id."""
        with qdrant_errors("read"):
            filed = await self._filed(records)
            by_collection: dict[str, list[str]] = defaultdict(list)
            for key, entry in filed.items():
                by_collection[self._collection(entry.scope)].extend(
                    chunk_point_id(key.record_type, key.record_id, chunk) for chunk in entry.chunks
                )
            hashes: dict[ChunkKey, str] = {}
            for name, point_ids in by_collection.items():
                if not await self._exists(name):
                    continue
                points = await self._client.retrieve(
                    name,
                    ids=point_ids,
                    with_payload=["record_type", "record_id", "chunk", "content_hash"],
                )
                for point in points:
                    payload: dict[str, Any] = point.payload or {}
                    chunk_key = ChunkKey(
                        str(payload["record_type"]),
                        int(payload["record_id"]),
                        int(payload["chunk"]),
                    )
                    hashes[chunk_key] = str(payload["content_hash"])
        return hashes

    async def count(self) -> int:
        """See :meth:`VectorIndex.count` (exact). In local mode the mirror holds every chunk,
        so one count answers instead of one per organization (``health`` asks on every call)."""
        names = [self._single] if self._layout is CollectionLayout.SINGLE else self._partitions()
        total = 0
        with qdrant_errors("count"):
            if self._mirror is not None:
                return self._mirror.count()
            for name in names:
                if await self._exists(name):
                    total += (await self._client.count(name, exact=True)).count
        return total

    async def close(self) -> None:
        """Close the client (local mode: release the directory lock) and drop the mirror."""
        self._mirror = None
        with qdrant_errors("close"):
            await self._client.close()
