"""Naming and bookkeeping of the Qdrant vector index: collections, point ids, errors.

Everything :class:`~itglue_mcp.index.qdrant.QdrantVectorIndex` needs to know about *where*
things live, kept apart from the operations: the two collection layouts, the tenant key of an
organization (``scope``), deterministic point ids (uuid5, so a chunk is rewritten in place and
found by id without a search), the directory entry of a record, and the translation of
qdrant-client failures into :class:`~itglue_mcp.index.errors.VectorIndexError`.

Example::

    chunk_point_id("documents", 42, 0)   # the same UUID on every machine and every run
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
import portalocker
from qdrant_client import models
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from itglue_mcp.index.documents import RecordKey
from itglue_mcp.index.errors import VectorIndexError
from itglue_mcp.index.vector_index import VectorHit

__all__ = [
    "ACCOUNT_SCOPE",
    "HIT_PAYLOAD",
    "MAX_PARTITION_QUERIES",
    "ChunkFilter",
    "CollectionLayout",
    "FiledRecord",
    "chunk_point_id",
    "qdrant_errors",
    "record_point_id",
    "refuse_if_locked",
    "scope_key",
    "vector_hit",
]

# Fixed namespace of this project's point ids; changing it orphans every stored point.
NAMESPACE = uuid.UUID("5f0c3a52-8d7e-4b8e-9a47-2a8f1f0e6c11")
ACCOUNT_SCOPE = "account"

HIT_PAYLOAD = ["organization_id", "record_type", "record_id", "chunk"]
"""The payload fields a search reads back (what :func:`vector_hit` needs)."""

MAX_PARTITION_QUERIES = 16
"""Most per-organization collections one search queries one by one; a wider scope, and every
organization, is one masked query of the in-memory all-chunks mirror
(:class:`~itglue_mcp.index.qdrant_mirror.AllChunksMirror`). A local-mode query costs a fixed
~0.3-1.2 ms per collection; the mirror's query grows with the whole account (one float32
product over every chunk). Measured by ``benchmarks/test_index_scoping.py`` on the loaded
2-core machine: at 51,588 chunks, 16 one-organization collections took 19.5 ms against 38-45 ms
for the mirror (break-even ~30 collections); at 20,000 chunks, 16 collections of 1,000 took
48.6 ms against 32.0 ms (break-even ~11). 16 sits between the two."""


class CollectionLayout(StrEnum):
    """How chunks are spread over Qdrant collections."""

    PER_ORGANIZATION = "per-organization"
    """One collection per organization (+ one account-wide); for local mode, where every chunk
    is also mirrored in memory for searches over a wide scope (see
    :class:`~itglue_mcp.index.qdrant_mirror.AllChunksMirror`)."""
    SINGLE = "single"
    """One collection filtered by payload; for a Qdrant server with payload indexes."""


@dataclass(frozen=True, slots=True)
class ChunkFilter:
    """The chunks one search may return.

    Attributes:
        scopes: tenant keys (:func:`scope_key`) of the organizations searched; ``None``: all.
        record_types: JSON:API types searched; ``None``: all.
    """

    scopes: frozenset[str] | None
    record_types: frozenset[str] | None

    @classmethod
    def of(
        cls,
        organization_ids: Collection[int | None] | None,
        record_types: Collection[str] | None,
    ) -> ChunkFilter:
        """The filter of a search's arguments (see :meth:`VectorIndex.search`)."""
        return cls(
            None if organization_ids is None else frozenset(map(scope_key, organization_ids)),
            None if record_types is None else frozenset(record_types),
        )

    @property
    def finds_nothing(self) -> bool:
        """Whether an empty scope or an empty set of record types rules out every chunk."""
        return self.scopes == frozenset() or self.record_types == frozenset()

    def payload_filter(self, *, scope: bool = True) -> models.Filter | None:
        """The Qdrant filter on the ``scope`` (unless ``scope`` is false: the collection holds
        one scope) and ``record_type`` payload fields; ``None`` when nothing is filtered."""
        conditions: list[models.Condition] = []
        if scope and self.scopes is not None:
            conditions.append(
                models.FieldCondition(key="scope", match=models.MatchAny(any=sorted(self.scopes)))
            )
        if self.record_types is not None:
            conditions.append(
                models.FieldCondition(
                    key="record_type", match=models.MatchAny(any=sorted(self.record_types))
                )
            )
        return models.Filter(must=conditions) if conditions else None


def scope_key(organization_id: int | None) -> str:
    """The tenant key of an organization (``"org-7"``), ``"account"`` for account-wide records."""
    return ACCOUNT_SCOPE if organization_id is None else f"org-{organization_id}"


def chunk_point_id(record_type: str, record_id: int, chunk: int) -> str:
    """The Qdrant point id of one chunk: uuid5 of ``"<type>/<id>/<chunk>"``."""
    return str(uuid.uuid5(NAMESPACE, f"{record_type}/{record_id}/{chunk}"))


def record_point_id(key: RecordKey) -> str:
    """The directory point id of one record: uuid5 of ``"<type>/<id>"``."""
    return str(uuid.uuid5(NAMESPACE, f"{key.record_type}/{key.record_id}"))


@dataclass(slots=True)
class FiledRecord:
    """A directory entry: where a record's chunks are and which chunk numbers exist."""

    organization_id: int | None
    chunks: set[int] = field(default_factory=set)

    @property
    def scope(self) -> str:
        """The record's tenant key (see :func:`scope_key`)."""
        return scope_key(self.organization_id)


def refuse_if_locked(path: Path) -> None:
    """Fail clearly when another client holds the local directory.

    Raises:
        VectorIndexError: another client (this process or another) holds the lock.

    qdrant-client takes an exclusive lock on ``<path>/.lock``; when that fails it raises from
    its constructor and leaks the open lock file, so the lock is tried here first.
    """
    lock_file = path / ".lock"
    if not lock_file.exists():
        return
    with lock_file.open("r+") as handle:
        try:
            portalocker.lock(
                handle, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
            )
        except portalocker.exceptions.LockException as exc:
            raise VectorIndexError(
                f"the local vector index at {path} is already accessed by another client; "
                "local mode allows one process at a time (use a Qdrant server to share it)"
            ) from exc
        portalocker.unlock(handle)


@contextmanager
def qdrant_errors(action: str) -> Iterator[None]:
    """Translate qdrant-client failures inside the block into :class:`VectorIndexError`.

    Messages name the operation and the status (HTTP, gRPC) or exception type, never a
    response body; the original exception is chained.
    """
    try:
        yield
    except UnexpectedResponse as exc:
        raise VectorIndexError(f"Qdrant {action} failed: HTTP {exc.status_code}") from exc
    except grpc.RpcError as exc:
        raise VectorIndexError(f"Qdrant {action} failed: gRPC {exc.code()}") from exc
    except (ResponseHandlingException, OSError) as exc:
        raise VectorIndexError(f"Qdrant {action} failed: {type(exc).__name__}") from exc
    except RuntimeError as exc:
        # Local mode: the directory is locked by another process, or the client is closed.
        raise VectorIndexError(f"Qdrant {action} failed: {exc}") from exc


def vector_hit(point: models.ScoredPoint) -> VectorHit:
    """The :class:`VectorHit` a scored chunk point stands for."""
    payload: dict[str, Any] = point.payload or {}
    organization_id = payload.get("organization_id")
    return VectorHit(
        record_type=str(payload["record_type"]),
        record_id=int(payload["record_id"]),
        organization_id=None if organization_id is None else int(organization_id),
        chunk=int(payload["chunk"]),
        score=float(point.score),
    )
