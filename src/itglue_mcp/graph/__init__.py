"""The record graph: IT Glue records and the links between them, walked for dependencies.

Example::

    graph = SqlGraphStore(sessions)
    subgraph = await graph.expand(RecordRef("configurations", 42), depth=2, limit=50)
"""

from itglue_mcp.graph.sql import SqlGraphStore
from itglue_mcp.graph.store import (
    LEAF_TYPES,
    MAX_DEPTH,
    MAX_LIMIT,
    NODE_TYPES,
    Edge,
    GraphNode,
    GraphStore,
    NameMatch,
    RecordRef,
    Relation,
    Subgraph,
)

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
    "SqlGraphStore",
    "Subgraph",
]
