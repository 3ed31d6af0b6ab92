"""The graph contract: IT Glue records as nodes, their links as edges, walked to a depth.

Edges are IT Glue's related items (both directions) and the links records carry in their own
attributes (a password's resource, an expiration's resource, a configuration's location and
contact). Implementations: :class:`~itglue_mcp.graph.sql.SqlGraphStore` (queries over the
store's tables, the embedded default); a Neo4j backend shares the same contract.

Example::

    subgraph = await graph.expand(RecordRef("configurations", 42), depth=2, limit=50)
    for edge in subgraph.edges:
        print(edge.source, edge.relation, edge.target)
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Edge", "GraphStore", "RecordRef", "Subgraph"]


@dataclass(frozen=True, slots=True, order=True)
class RecordRef:
    """One IT Glue record: its JSON:API type (``"configurations"``) and id."""

    record_type: str
    record_id: int


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed link between two records.

    Attributes:
        source: the record the link was read from.
        target: the record it points at.
        relation: what the link is: ``related_item`` (IT Glue related items), or a link
            held in an attribute (``password_for``, ``expiration_of``, ``located_at``,
            ``contact``).
        notes: the related item's notes, if any (IT Glue free text: untrusted).
    """

    source: RecordRef
    target: RecordRef
    relation: str
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Subgraph:
    """Records reached from a start record, with the depth at which each was first reached.

    Attributes:
        start: the record the walk began at (depth 0).
        depths: every record reached → its distance from ``start`` in edges.
        edges: the edges walked, in discovery order.
        truncated: the walk stopped at ``limit`` records before exhausting ``depth``.
    """

    start: RecordRef
    depths: dict[RecordRef, int] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False


class GraphStore(Protocol):
    """Reads the links between records; records marked deleted are never reached.

    Every method raises :class:`~itglue_mcp.store.errors.StoreError` (or the backend's own
    error translated to an ``ItglueMcpError``) when the backend fails.
    """

    async def neighbours(
        self,
        records: Collection[RecordRef],
        *,
        organization_ids: Collection[int] | None = None,
    ) -> list[Edge]:
        """Edges touching any of ``records``, oriented away from them.

        Args:
            records: the records whose links are wanted.
            organization_ids: only edges whose far end belongs to one of these
                organizations (``None``: any).
        """

    async def expand(
        self,
        start: RecordRef,
        *,
        depth: int,
        limit: int,
        organization_ids: Collection[int] | None = None,
    ) -> Subgraph:
        """Breadth-first walk from ``start`` up to ``depth`` edges and ``limit`` records.

        Raises:
            ValueError: ``depth`` or ``limit`` below 1.
        """
