"""The SQL that reads links between records from the store's tables, in both directions.

Links come from three places (IT Glue API facts: related items, Tag traits):

- ``related_items`` rows: a record (``source_type``/``source_id``) → another (``asset_type``
  /``resource_id``). IT Glue shows a link from both ends when both can carry related items;
  contacts carry none, so a contact's links are only found from the other end.
- attributes: a password's and an expiration's resource (``resource_type[_name]`` +
  ``resource_id``), a configuration's ``location_id`` and ``contact_id``, a contact's
  ``location_id``.
- Tag traits of flexible assets: ``{"type": "Configurations", "values": [{"id", "name"}]}``,
  read by the store's rule (:func:`~itglue_mcp.store.tag_links.parse_tag_links`); the assets
  tagging a record are found through table ``flexible_asset_tags`` (migration 0010).

Each reader returns edges oriented away from the records asked for; whether the far end
exists, is deleted or is in scope is decided by the caller, which loads it. Queries are
batched: a handful per :data:`CHUNK` records whatever their types (related items, each
holder table's attribute links both ways, Tag traits).

The attribute-link queries look records up by ``resource_id``, ``location_id`` and
``contact_id``, each read through an index (migrations 0007 and 0009), and the Tag-link query
by ``(tag_type, target_id)`` (migration 0010).

Example::

    edges = await read_links(session, [RecordRef("configurations", 42)])
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.graph.store import NODE_TYPES, Edge, RecordRef, Relation
from itglue_mcp.store.expirations import RESOURCE_TYPE_NAMES, resource_record_type
from itglue_mcp.store.models import FlexibleAssetTag
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.store.tag_links import parse_tag_links

__all__ = ["ASSET_TYPES", "CHUNK", "TAG_TYPES", "chunks", "read_links", "tag_targets"]

ASSET_TYPES: Mapping[str, str] = {
    "configurations": "configuration",
    "passwords": "password",
    "flexible-assets": "flexible_asset",
    "documents": "document",
    "contacts": "contact",
    "locations": "location",
    "domains": "domain",
}
"""JSON:API type → the ``asset-type`` value a related item gives it."""

TAG_TYPES: Mapping[str, str] = {
    "Configurations": "configurations",
    "Passwords": "passwords",
    "Documents": "documents",
    "Contacts": "contacts",
    "Locations": "locations",
    "Domains": "domains",
}
"""Tag trait ``type`` → JSON:API type of the records it points at. Other Tag types (such as
organizations, or flexible assets of a type) are not followed."""

_TYPE_OF_ASSET = {value: key for key, value in ASSET_TYPES.items()}
_TAG_OF_TYPE = {value: key for key, value in TAG_TYPES.items()}
CHUNK = 500
"""Records per batch of queries (ids per IN list): far below SQLite's and asyncpg's limits
on bind parameters."""


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``ids`` in lists of at most ``size``."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def tag_targets(traits: Mapping[str, Any] | None) -> Iterator[tuple[str, RecordRef]]:
    """``(trait key, record)`` for every record a flexible asset's Tag traits point at.

    The store's rule (:func:`~itglue_mcp.store.tag_links.parse_tag_links`), keeping the Tag
    types of :data:`TAG_TYPES`, in trait order.
    """
    for link in parse_tag_links(traits):
        record_type = TAG_TYPES.get(link.tag_type)
        if record_type is not None:
            yield link.trait_key, RecordRef(record_type, link.target_id)


@dataclass(frozen=True, slots=True)
class _Pointer:
    """A link held in a column: ``holder`` records point at a ``target_type`` record.

    The target type is fixed, or read from ``type_column`` (an IT Glue resource type name).
    """

    holder: str
    column: str
    relation: Relation
    target_type: str | None = None
    type_column: str | None = None


_POINTERS = (
    _Pointer("passwords", "resource_id", Relation.PASSWORD_FOR, type_column="resource_type"),
    _Pointer(
        "expirations", "resource_id", Relation.EXPIRATION_OF, type_column="resource_type_name"
    ),
    _Pointer("configurations", "location_id", Relation.LOCATED_AT, target_type="locations"),
    _Pointer("configurations", "contact_id", Relation.CONTACT, target_type="contacts"),
    _Pointer("contacts", "location_id", Relation.LOCATED_AT, target_type="locations"),
)
_HOLDERS = tuple(dict.fromkeys(pointer.holder for pointer in _POINTERS))

_Batch = dict[str, list[int]]


def _batches(records: Sequence[RecordRef]) -> Iterator[_Batch]:
    """The node records grouped by type, at most :data:`CHUNK` ids per batch."""
    batch: _Batch = {}
    size = 0
    for ref in dict.fromkeys(records):
        if ref.record_type not in NODE_TYPES:
            continue
        if size == CHUNK:
            yield batch
            batch, size = {}, 0
        batch.setdefault(ref.record_type, []).append(ref.record_id)
        size += 1
    if batch:
        yield batch


def _members(batch: _Batch) -> set[RecordRef]:
    return {RecordRef(kind, record_id) for kind, ids in batch.items() for record_id in ids}


async def read_links(
    session: AsyncSession,
    records: Sequence[RecordRef],
    *,
    organization_ids: Collection[int] | None = None,
) -> list[Edge]:
    """Every link touching ``records``, oriented away from them (far ends unchecked, except
    that the flexible assets tagging them are read only within ``organization_ids``).

    A handful of queries per :data:`CHUNK` records, whatever their types. Refs of types
    outside :data:`~itglue_mcp.graph.store.NODE_TYPES` have no links. ``organization_ids``
    (``None``: any) is the scope the caller keeps far ends in anyway: passing it keeps the
    other organizations' flexible assets out of the Tag-link read.

    Raises:
        SQLAlchemyError: the database failed (the caller translates it).
    """
    edges: list[Edge] = []
    for batch in _batches(records):
        edges += await _related_items(session, batch)
        edges += await _held_by(session, batch)
        edges += await _pointing_at(session, batch)
        edges += await _tagging(session, batch, organization_ids)
    return edges


async def _related_items(session: AsyncSession, batch: _Batch) -> list[Edge]:
    """Related items carried by the records, then those carried by others pointing at them."""
    table = RecordType.RELATED_ITEMS.table
    carried = [
        and_(table.c.source_type == record_type, table.c.source_id.in_(ids))
        for record_type, ids in batch.items()
    ]
    # Links carried by the other end only: a contact's, or a one-sided related item.
    pointing = [
        and_(table.c.asset_type == ASSET_TYPES[record_type], table.c.resource_id.in_(ids))
        for record_type, ids in batch.items()
        if record_type in ASSET_TYPES
    ]
    statement = select(
        table.c.source_type,
        table.c.source_id,
        table.c.asset_type,
        table.c.resource_id,
        table.c.notes,
    ).where(or_(*carried, *pointing))
    rows = (await session.execute(statement.order_by(table.c.id))).all()
    members = _members(batch)
    related = Relation.RELATED_ITEM.value
    pairs = [
        (RecordRef(row.source_type, row.source_id), RecordRef(target, row.resource_id), row.notes)
        for row in rows
        if (target := _TYPE_OF_ASSET.get(row.asset_type)) and row.resource_id is not None
    ]
    # Carried first: a link read from the record that holds it keeps that record's notes.
    edges = [
        Edge(holder, other, related, notes) for holder, other, notes in pairs if holder in members
    ]
    edges += [
        Edge(other, holder, related, notes) for holder, other, notes in pairs if other in members
    ]
    return edges


def _holder_select(holder: str) -> Select[Any]:
    """SELECT of a holder table's id and every column its pointers read."""
    table = RecordType(holder).table
    pointers = [pointer for pointer in _POINTERS if pointer.holder == holder]
    columns = {pointer.column for pointer in pointers}
    columns |= {pointer.type_column for pointer in pointers if pointer.type_column}
    return select(table.c.id, *(table.c[column] for column in sorted(columns)))


def _pointed(pointer: _Pointer, row: Any) -> RecordRef | None:
    """The record ``row`` of ``pointer.holder`` points at through ``pointer``, if any."""
    value = getattr(row, pointer.column)
    kind = getattr(row, pointer.type_column) if pointer.type_column else None
    target = pointer.target_type or resource_record_type(kind)
    return None if value is None or target is None else RecordRef(target, value)


async def _held_by(session: AsyncSession, batch: _Batch) -> list[Edge]:
    """Links held in the attributes of the records themselves."""
    edges: list[Edge] = []
    if "flexible-assets" in batch:
        table = RecordType.FLEXIBLE_ASSETS.table
        statement = select(table.c.id, table.c.traits).where(
            table.c.id.in_(batch["flexible-assets"])
        )
        for row in await session.execute(statement.order_by(table.c.id)):
            source = RecordRef("flexible-assets", row.id)
            edges += [
                Edge(source, target, Relation.TAGS.value, label=key)
                for key, target in tag_targets(row.traits)
            ]
    for holder in (holder for holder in _HOLDERS if holder in batch):
        table = RecordType(holder).table
        held = _holder_select(holder).where(table.c.id.in_(batch[holder]))
        for holder_row in await session.execute(held.order_by(table.c.id)):
            edges += [
                Edge(RecordRef(holder, holder_row.id), target, pointer.relation.value)
                for pointer in _POINTERS
                if pointer.holder == holder and (target := _pointed(pointer, holder_row))
            ]
    return edges


def _pointing_condition(pointer: _Pointer, batch: _Batch) -> ColumnElement[bool] | None:
    """Rows of ``pointer.holder`` whose pointer may name a record of ``batch``, if any can."""
    table = RecordType(pointer.holder).table
    column = table.c[pointer.column]
    if pointer.type_column is None:
        ids = batch.get(pointer.target_type or "")
        return column.in_(ids) if ids else None
    conditions = [
        and_(table.c[pointer.type_column].in_(RESOURCE_TYPE_NAMES[record_type]), column.in_(ids))
        for record_type, ids in batch.items()
        if record_type in RESOURCE_TYPE_NAMES
    ]
    return or_(*conditions) if conditions else None


async def _pointing_at(session: AsyncSession, batch: _Batch) -> list[Edge]:
    """Links held in other records' attributes that point at these records (one query per
    holder table)."""
    edges: list[Edge] = []
    members = _members(batch)
    for holder in _HOLDERS:
        pointers = [pointer for pointer in _POINTERS if pointer.holder == holder]
        conditions = [
            condition
            for pointer in pointers
            if (condition := _pointing_condition(pointer, batch)) is not None
        ]
        if not conditions:
            continue
        table = RecordType(holder).table
        statement = _holder_select(holder).where(or_(*conditions)).order_by(table.c.id)
        for row in await session.execute(statement):
            edges += [
                Edge(target, RecordRef(holder, row.id), pointer.relation.inverse.value)
                for pointer in pointers
                if (target := _pointed(pointer, row)) in members
            ]
    return edges


async def _tagging(
    session: AsyncSession, batch: _Batch, organization_ids: Collection[int] | None
) -> list[Edge]:
    """Live flexible assets (of ``organization_ids``; ``None``: any) whose Tag traits point at
    these records.

    ``flexible_asset_tags`` names the assets through its ``(tag_type, target_id)`` index; their
    traits are then read as :func:`_held_by` reads them, so an edge and its label (the first
    trait, in trait order, tagging the record) are the same from both ends.
    """
    wanted = {ref for ref in _members(batch) if ref.record_type in TAG_TYPES.values()}
    if not wanted:
        return []
    tagging = select(FlexibleAssetTag.flexible_asset_id).where(
        or_(
            *(
                and_(
                    FlexibleAssetTag.tag_type == _TAG_OF_TYPE[record_type],
                    FlexibleAssetTag.target_id.in_(ids),
                )
                for record_type, ids in batch.items()
                if record_type in _TAG_OF_TYPE
            )
        )
    )
    table = RecordType.FLEXIBLE_ASSETS.table
    statement = select(table.c.id, table.c.traits).where(
        table.c.id.in_(tagging), table.c.deleted_at.is_(None)
    )
    if organization_ids is not None:
        statement = statement.where(table.c.organization_id.in_(list(organization_ids)))
    edges: list[Edge] = []
    for row in await session.execute(statement.order_by(table.c.id)):
        asset = RecordRef("flexible-assets", row.id)
        edges += [
            Edge(target, asset, Relation.TAGGED_BY.value, label=key)
            for key, target in tag_targets(row.traits)
            if target in wanted
        ]
    return edges
