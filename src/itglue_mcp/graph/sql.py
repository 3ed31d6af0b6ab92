"""The embedded graph backend: links read from the SQL store's own tables, no graph database.

The graph copies nothing: related items, attribute links and Tag traits (with the Tag-link
rows the store keeps beside them) are read where the sync wrote them
(:mod:`~itglue_mcp.graph.links`), a level of the walk at a time in batched IN
queries, and every far end is loaded from its table so that deleted records and records
outside the organizations asked for are never reached. Each call runs in its own read-only
transaction.

Example::

    graph = SqlGraphStore(sessions)
    subgraph = await graph.expand(RecordRef("configurations", 42), depth=2, limit=50)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Select, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.graph.links import chunks, read_links
from itglue_mcp.graph.store import (
    NODE_TYPES,
    Edge,
    GraphNode,
    NameMatch,
    RecordRef,
    Subgraph,
    check_walk,
)
from itglue_mcp.graph.walk import breadth_first
from itglue_mcp.store.database import unit_of_work
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.suggest import CLOSE_NAME_MIN

__all__ = ["MAX_SUGGESTION_POOL", "SqlGraphStore"]

MAX_SUGGESTION_POOL = 20_000
"""Most names per record type compared when suggesting close names."""


# LIKE escape character; not a backslash, whose quoting differs between the dialects.
_ESCAPE = "/"


def _check_types(record_types: Collection[str]) -> None:
    unknown = sorted(set(record_types) - set(NODE_TYPES))
    if unknown:
        raise ValueError(f"record_type: {unknown[0]!r} is not one of {', '.join(NODE_TYPES)}")


def _check_name(name: str, limit: int) -> str:
    name = name.strip()
    if not name:
        raise ValueError("name: must not be empty")
    if limit < 1:
        raise ValueError("limit: must be at least 1")
    return name


def _like(text: str, *, prefix: bool) -> ColumnElement[str]:
    """lower() of a LIKE pattern matching ``text`` literally: as a prefix, or anywhere."""
    escaped = text.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%")
    escaped = escaped.replace("_", _ESCAPE + "_")
    return func.lower(literal(escaped + "%" if prefix else "%" + escaped + "%"))


def _node_select(record_type: str, organization_ids: Collection[int] | None) -> Select[Any]:
    """Node columns of ``record_type``'s live records (in scope), with the organization name."""
    table = RecordType(record_type).table
    organizations = RecordType.ORGANIZATIONS.table
    statement = (
        select(
            table.c.id,
            table.c.name,
            table.c.organization_id,
            organizations.c.name.label("organization_name"),
            table.c.resource_url,
            table.c.updated_at,
            table.c.archived,
        )
        .select_from(table.outerjoin(organizations, organizations.c.id == table.c.organization_id))
        .where(table.c.deleted_at.is_(None))
    )
    if record_type == "expirations":
        statement = statement.add_columns(table.c.resource_name, table.c.expiration_date)
    if organization_ids is not None:
        statement = statement.where(table.c.organization_id.in_(list(organization_ids)))
    return statement


def _node(record_type: str, row: Any) -> GraphNode:
    name = row.name
    if record_type == "expirations":
        # IT Glue gives expirations no name and the sync's "expirations <id>" says nothing;
        # the description is free text, quoted only inside an untrusted fence, never a name.
        name = f"Expiration of {row.resource_name or 'a record'} on {row.expiration_date or '-'}"
    return GraphNode(
        ref=RecordRef(record_type, row.id),
        name=name,
        organization_id=row.organization_id,
        organization_name=row.organization_name,
        resource_url=row.resource_url,
        updated_at=row.updated_at,
        archived=row.archived,
    )


class SqlGraphStore:
    """:class:`~itglue_mcp.graph.store.GraphStore` over the store's tables (SQLite or PostgreSQL).

    Args:
        sessions: the store's session factory; each call opens one read-only transaction.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def nodes(
        self,
        records: Collection[RecordRef],
        *,
        organization_ids: Collection[int] | None = None,
    ) -> dict[RecordRef, GraphNode]:
        """See :meth:`GraphStore.nodes`."""
        async with unit_of_work(self._sessions, read_only=True) as session:
            return await self._nodes(session, records, organization_ids)

    async def neighbours(
        self,
        records: Collection[RecordRef],
        *,
        organization_ids: Collection[int] | None = None,
    ) -> list[Edge]:
        """See :meth:`GraphStore.neighbours`; records that are deleted or unknown have none."""
        async with unit_of_work(self._sessions, read_only=True) as session:
            live = await self._nodes(session, records, None)
            frontier = [ref for ref in dict.fromkeys(records) if ref in live]
            edges, _ = await self._step(session, frontier, organization_ids)
        return edges

    async def expand(
        self,
        start: RecordRef,
        *,
        depth: int,
        limit: int,
        organization_ids: Collection[int] | None = None,
    ) -> Subgraph:
        """See :meth:`GraphStore.expand`."""
        check_walk(depth, limit)
        async with unit_of_work(self._sessions, read_only=True) as session:
            found = await self._nodes(session, [start], organization_ids)
            if start not in found:
                return Subgraph(start=start)

            async def step(
                frontier: Sequence[RecordRef],
            ) -> tuple[list[Edge], dict[RecordRef, GraphNode]]:
                return await self._step(session, frontier, organization_ids)

            return await breadth_first(found[start], step, depth=depth, limit=limit)

    async def find_nodes(
        self,
        name: str,
        *,
        record_types: Collection[str],
        organization_ids: Collection[int] | None = None,
        limit: int = 20,
    ) -> list[NameMatch]:
        """See :meth:`GraphStore.find_nodes`."""
        name = _check_name(name, limit)
        _check_types(record_types)
        lowered = func.lower(literal(name))
        matches: list[NameMatch] = []
        async with unit_of_work(self._sessions, read_only=True) as session:
            for record_type in dict.fromkeys(record_types):
                table = RecordType(record_type).table
                column = func.lower(table.c.name)
                tier = case(
                    (column == lowered, 0),
                    (column.like(_like(name, prefix=True), escape=_ESCAPE), 1),
                    else_=2,
                )
                statement = (
                    _node_select(record_type, organization_ids)
                    .add_columns(tier.label("tier"))
                    .where(column.like(_like(name, prefix=False), escape=_ESCAPE))
                    .order_by(tier, column, table.c.id)
                    .limit(limit)
                )
                with translate_errors(f"find {record_type} by name"):
                    rows = await session.execute(statement)
                matches += [NameMatch(_node(record_type, row), row.tier) for row in rows]
        matches.sort(key=lambda m: (m.tier, (m.node.name or "").lower(), m.node.ref))
        return matches[:limit]

    async def similar_nodes(
        self,
        name: str,
        *,
        record_types: Collection[str],
        organization_ids: Collection[int] | None = None,
        limit: int = 5,
    ) -> list[NameMatch]:
        """See :meth:`GraphStore.similar_nodes` (:mod:`itglue_mcp.suggest`'s scorer and threshold,
        scored per type so that types merge by score)."""
        name = _check_name(name, limit)
        _check_types(record_types)
        scored: list[tuple[float, RecordRef]] = []
        async with unit_of_work(self._sessions, read_only=True) as session:
            for record_type in dict.fromkeys(record_types):
                table = RecordType(record_type).table
                statement = select(table.c.id, table.c.name).where(
                    table.c.deleted_at.is_(None), table.c.name.is_not(None)
                )
                if organization_ids is not None:
                    statement = statement.where(table.c.organization_id.in_(list(organization_ids)))
                with translate_errors(f"read {record_type} names"):
                    rows = (await session.execute(statement.limit(MAX_SUGGESTION_POOL))).all()
                choices = {row.id: row.name.lower() for row in rows}
                scored += [
                    (score, RecordRef(record_type, record_id))
                    for _, score, record_id in process.extract(
                        name.lower(),
                        choices,
                        scorer=fuzz.WRatio,
                        score_cutoff=CLOSE_NAME_MIN,
                        limit=limit,
                    )
                ]
            scored.sort(key=lambda item: (-item[0], item[1]))
            best = [ref for _, ref in scored[:limit]]
            found = await self._nodes(session, best, organization_ids)
        return [NameMatch(found[ref], 3) for ref in best if ref in found]

    async def _nodes(
        self,
        session: AsyncSession,
        records: Collection[RecordRef],
        organization_ids: Collection[int] | None,
    ) -> dict[RecordRef, GraphNode]:
        by_type: dict[str, list[int]] = {}
        for ref in dict.fromkeys(records):
            if ref.record_type in NODE_TYPES:
                by_type.setdefault(ref.record_type, []).append(ref.record_id)
        found: dict[RecordRef, GraphNode] = {}
        for record_type, ids in by_type.items():
            table = RecordType(record_type).table
            for chunk in chunks(ids):
                statement = _node_select(record_type, organization_ids).where(table.c.id.in_(chunk))
                with translate_errors(f"read {record_type}"):
                    rows = await session.execute(statement)
                for row in rows:
                    node = _node(record_type, row)
                    found[node.ref] = node
        return found

    async def _step(
        self,
        session: AsyncSession,
        frontier: Sequence[RecordRef],
        organization_ids: Collection[int] | None,
    ) -> tuple[list[Edge], dict[RecordRef, GraphNode]]:
        """Edges leaving ``frontier`` whose far end is live and in scope, and those far ends."""
        with translate_errors("read related records"):
            edges = await read_links(session, frontier, organization_ids=organization_ids)
        far_ends = await self._nodes(session, {edge.target for edge in edges}, organization_ids)
        unique: dict[tuple[RecordRef, RecordRef, str], Edge] = {}
        for edge in edges:
            if edge.target in far_ends and edge.target != edge.source:
                unique.setdefault((edge.source, edge.target, edge.relation), edge)
        position = {ref: index for index, ref in reversed(list(enumerate(frontier)))}
        ordered = sorted(unique.values(), key=lambda e: (position[e.source], e.relation, e.target))
        return ordered, far_ends
