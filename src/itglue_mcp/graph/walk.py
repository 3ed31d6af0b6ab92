"""Breadth-first walk over any backend's one-level step, level by level, cycle-safe.

A backend supplies ``step(frontier)``: the edges leaving the frontier's records (far ends
checked: existing, not deleted, in scope) and the details of those far ends. The walk
queries one level at a time (so a backend batches each level into a few IN queries), keeps
each record at the depth it was first reached, lists a link seen from both ends once, and
stops admitting records at ``limit``. Records of
:data:`~itglue_mcp.graph.store.LEAF_TYPES` types are reached but their own links
are not followed.

Example::

    subgraph = await breadth_first(start_node, step, depth=2, limit=50)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from itglue_mcp.graph.store import (
    LEAF_TYPES,
    Edge,
    GraphNode,
    RecordRef,
    Relation,
    Subgraph,
)

__all__ = ["Step", "breadth_first", "link_key"]

Step = Callable[[Sequence[RecordRef]], Awaitable[tuple[list[Edge], dict[RecordRef, GraphNode]]]]
"""One level: the frontier → (edges leaving it, details of their far ends)."""


def link_key(edge: Edge) -> tuple[RecordRef, RecordRef, str]:
    """The same key for a link read from either end (ends sorted, relation named from the first)."""
    relation = Relation(edge.relation)
    if edge.source <= edge.target:
        return edge.source, edge.target, relation.value
    return edge.target, edge.source, relation.inverse.value


async def breadth_first(start: GraphNode, step: Step, *, depth: int, limit: int) -> Subgraph:
    """Walk from ``start`` up to ``depth`` edges, admitting at most ``limit`` other records.

    Args:
        start: the first record (depth 0), already checked to exist and be in scope.
        step: the backend's one-level step.
        depth: most edges from ``start`` (checked by the caller).
        limit: most records reached besides ``start`` (checked by the caller).

    Returns:
        The subgraph; ``truncated`` when a record was left out because of ``limit``.
    """
    depths = {start.ref: 0}
    nodes = {start.ref: start}
    walked: list[Edge] = []
    truncated = False
    seen_links: set[tuple[RecordRef, RecordRef, str]] = set()
    frontier: list[RecordRef] = [start.ref]
    for level in range(1, depth + 1):
        if not frontier:
            break
        edges, far_ends = await step(frontier)
        frontier = []
        for edge in edges:
            key = link_key(edge)
            if key in seen_links:
                continue
            if edge.target not in depths:
                if len(depths) > limit:
                    truncated = True
                    continue
                depths[edge.target] = level
                nodes[edge.target] = far_ends[edge.target]
                if edge.target.record_type not in LEAF_TYPES:
                    frontier.append(edge.target)
            seen_links.add(key)
            walked.append(edge)
    return Subgraph(start.ref, depths, nodes, walked, truncated)
