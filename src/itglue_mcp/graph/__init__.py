"""The record graph: IT Glue records and the links between them, walked for dependencies.

Example::

    graph = SqlGraphStore(sessions)
    subgraph = await graph.expand(RecordRef("configurations", 42), depth=2, limit=50)
"""

from itglue_mcp.graph.sql import SqlGraphStore
from itglue_mcp.graph.store import Edge, GraphStore, RecordRef, Subgraph

__all__ = ["Edge", "GraphStore", "RecordRef", "SqlGraphStore", "Subgraph"]
