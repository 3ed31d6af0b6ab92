"""What the MCP tools read through, built once at start-up by the CLI wiring.

Tools receive one :class:`Services` and never look a backend up themselves, so the same tools
run over SQLite or PostgreSQL, local or server Qdrant, the SQL graph or Neo4j.

Example::

    services = Services(sessions=sessions, graph=SqlGraphStore(sessions), semantic=semantic)
    mcp = build_server(services)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog import Catalog
from itglue_mcp.graph import GraphStore
from itglue_mcp.index.search import SemanticSearch

if TYPE_CHECKING:
    from itglue_mcp.security.audit import AuditTrail
    from itglue_mcp.security.rbac import Authorizer
    from itglue_mcp.security.reveal import SecretRevealer

__all__ = ["Services"]


@dataclass(frozen=True, slots=True)
class Services:
    """The backends the tools use.

    Attributes:
        sessions: sessions on the store (the source of truth, full-text search).
        graph: links between records (dependencies, graph expansion).
        semantic: search by meaning over the vector index; ``None`` when no index is
            configured, in which case retrieval is keyword-only and says so.
        authorizer: the RBAC policy deciding each caller's permissions; ``None`` permits
            everything to everybody (auth mode ``none``, stdio, tests).
        audit: where access decisions are recorded; ``None``: denials are only logged.
        revealer: reveals secrets live from IT Glue (``get_password(reveal=True)``,
            ``reveal_flexible_asset_password``); ``None``
            when no IT Glue API key is configured, in which case reveal is refused.
        catalog: the read side over ``sessions`` (organization directory, read
            transactions), built here so that every tool and the answer engine share it.
    """

    sessions: async_sessionmaker[AsyncSession]
    graph: GraphStore
    semantic: SemanticSearch | None = None
    authorizer: Authorizer | None = None
    audit: AuditTrail | None = None
    revealer: SecretRevealer | None = None
    catalog: Catalog = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "catalog", Catalog(self.sessions))
