"""The graph contract: IT Glue records as nodes, their links as edges, walked to a depth.

Edges are IT Glue's related items (both directions) and the links records carry in their own
attributes: a password's resource, an expiration's resource, a configuration's location and
contact, a contact's location, and the records a flexible asset's Tag traits point at. Every
edge is oriented away from the record it was read for, with the relation named from that
side (``password_for`` from a password, ``has_password`` from its configuration).
Implementations: :class:`~itglue_mcp.graph.sql.SqlGraphStore` (queries over the store's
tables, the embedded default); a Neo4j backend shares the same contract and contract tests.

Example::

    [match] = await graph.find_nodes("DC01", record_types=["configurations"],
                                     organization_ids={7}, limit=1)
    subgraph = await graph.expand(match.node.ref, depth=2, limit=50, organization_ids={7})
    for edge in subgraph.edges:
        print(edge.source, edge.relation, edge.target, subgraph.depths[edge.target])
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

__all__ = [
    "LEAF_TYPES",
    "MAX_DEPTH",
    "MAX_LIMIT",
    "NODE_TYPES",
    "Edge",
    "GraphNode",
    "GraphStore",
    "NameMatch",
    "RecordRef",
    "Relation",
    "Subgraph",
    "check_walk",
]

MAX_DEPTH = 5
"""Deepest walk :meth:`GraphStore.expand` accepts (edges from the start record)."""

MAX_LIMIT = 1000
"""Most records :meth:`GraphStore.expand` returns besides the start record."""

NODE_TYPES = (
    "configurations",
    "passwords",
    "flexible-assets",
    "documents",
    "contacts",
    "locations",
    "domains",
    "expirations",
)
"""JSON:API types of the records that are nodes (organizations are scopes, not nodes)."""

LEAF_TYPES = ("locations", "contacts")
"""Types :meth:`GraphStore.expand` reaches but does not walk through (unless it starts there).

A location links every configuration and contact of a site, a contact every device a person
uses: walking through them would put every record of a site two links from every other, and
a dependency question wants what a record is linked to, not what shares its office.
"""


class Relation(StrEnum):
    """What an edge means, read from its source record.

    Each link held in the data has a name from the side that holds it and an inverse name
    from the other side; a related item reads the same from both ends.
    """

    RELATED_ITEM = "related_item"
    PASSWORD_FOR = "password_for"
    HAS_PASSWORD = "has_password"
    EXPIRATION_OF = "expiration_of"
    HAS_EXPIRATION = "has_expiration"
    LOCATED_AT = "located_at"
    LOCATION_OF = "location_of"
    CONTACT = "contact"
    CONTACT_FOR = "contact_for"
    TAGS = "tags"
    TAGGED_BY = "tagged_by"

    @property
    def inverse(self) -> Relation:
        """The same link named from its other end."""
        return _INVERSE[self]


_PAIRS = (
    (Relation.PASSWORD_FOR, Relation.HAS_PASSWORD),
    (Relation.EXPIRATION_OF, Relation.HAS_EXPIRATION),
    (Relation.LOCATED_AT, Relation.LOCATION_OF),
    (Relation.CONTACT, Relation.CONTACT_FOR),
    (Relation.TAGS, Relation.TAGGED_BY),
)
_INVERSE = {
    Relation.RELATED_ITEM: Relation.RELATED_ITEM,
    **dict(_PAIRS),
    **{b: a for a, b in _PAIRS},
}


@dataclass(frozen=True, slots=True, order=True)
class RecordRef:
    """One IT Glue record: its JSON:API type (``"configurations"``) and id."""

    record_type: str
    record_id: int

    def __str__(self) -> str:
        return f"{self.record_type}/{self.record_id}"


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A record as the graph shows it: enough to name and cite it.

    Attributes:
        ref: its type and id.
        name: its IT Glue name; an expiration, which has none, is named after its record
            and date (``Expiration of NW-FW01 on 2027-03-01``).
        organization_id: its organization.
        organization_name: that organization's name, when the store holds it.
        resource_url: its link in IT Glue.
        updated_at: when IT Glue last changed it.
        archived: IT Glue's soft-delete flag (archived records are still nodes).
    """

    ref: RecordRef
    name: str | None
    organization_id: int | None
    organization_name: str | None
    resource_url: str | None
    updated_at: datetime | None
    archived: bool


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed link between two records, oriented away from the record it was read for.

    Attributes:
        source: the record whose links were asked for.
        target: the record at the other end.
        relation: a :class:`Relation` value, named from ``source``'s side.
        notes: the related item's notes, if any (IT Glue free text: untrusted).
        label: where an attribute link is held, when that says more than the relation: the
            Tag trait's field name (``Installed On``).
    """

    source: RecordRef
    target: RecordRef
    relation: str
    notes: str | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A record found by name, and how well the name matched.

    Attributes:
        node: the record.
        tier: 0 the name equals the text (case ignored), 1 starts with it, 2 contains it;
            3 for a fuzzy suggestion.
    """

    node: GraphNode
    tier: int


@dataclass(frozen=True, slots=True)
class Subgraph:
    """Records reached from a start record, with the depth at which each was first reached.

    Attributes:
        start: the record the walk began at.
        depths: every record reached → its distance from ``start`` in edges (``start`` at 0);
            empty when ``start`` is deleted, unknown or outside the organizations asked for.
        nodes: every record of ``depths`` → its details.
        edges: the edges walked between records of ``depths``, in discovery order; a link
            seen from both ends is listed once, from the end reached first.
        truncated: the walk stopped at ``limit`` records before exhausting ``depth``.
    """

    start: RecordRef
    depths: dict[RecordRef, int] = field(default_factory=dict)
    nodes: dict[RecordRef, GraphNode] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False


def check_walk(depth: int, limit: int) -> None:
    """Refuse a walk outside ``1 ≤ depth ≤ MAX_DEPTH`` and ``1 ≤ limit ≤ MAX_LIMIT``.

    Raises:
        ValueError: naming ``depth`` or ``limit`` and the allowed range.
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth: must be between 1 and {MAX_DEPTH}, got {depth}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit: must be between 1 and {MAX_LIMIT}, got {limit}")


class GraphStore(Protocol):
    """Reads records and the links between them; records marked deleted are never returned.

    ``organization_ids`` restricts every answer to records of those organizations (``None``:
    every organization). Every method raises
    :class:`~itglue_mcp.store.errors.StoreError` (or the backend's own error translated to an
    ``ItglueMcpError``) when the backend fails.
    """

    async def nodes(
        self,
        records: Collection[RecordRef],
        *,
        organization_ids: Collection[int] | None = None,
    ) -> dict[RecordRef, GraphNode]:
        """Details of those of ``records`` that exist, are not deleted and are in scope.

        Refs of types outside :data:`NODE_TYPES` are absent from the result.
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

        Returns:
            Edges whose far end exists, is not deleted and is in scope, each link once per
            record asked for and relation, in the order of ``records`` then by relation and
            target. A deleted or unknown record has none.
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

        The walk is cycle-safe (each record is reached once, at its shortest distance) and
        visits each level's records in the order they were reached. Records of
        :data:`LEAF_TYPES` types are reached but not walked through, unless the
        walk starts at one.

        Raises:
            ValueError: ``depth`` or ``limit`` outside :func:`check_walk`'s range.
        """

    async def find_nodes(
        self,
        name: str,
        *,
        record_types: Collection[str],
        organization_ids: Collection[int] | None = None,
        limit: int = 20,
    ) -> list[NameMatch]:
        """Records of ``record_types`` whose name equals, starts with or contains ``name``.

        Case is ignored. Best tier first, then by name, type and id.

        Raises:
            ValueError: ``name`` is blank, ``limit`` below 1, or a type is not a node type.
        """

    async def similar_nodes(
        self,
        name: str,
        *,
        record_types: Collection[str],
        organization_ids: Collection[int] | None = None,
        limit: int = 5,
    ) -> list[NameMatch]:
        """Records whose name is close to ``name`` (typos): suggestions when nothing matched.

        Raises:
            ValueError: ``name`` is blank, ``limit`` below 1, or a type is not a node type.
        """
