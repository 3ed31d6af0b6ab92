"""Records to cite and quote: summaries by key or by exact name, and their searchable text.

A grounded answer cites every record it used (type, id, name, organization, IT Glue link, last
change) as a :class:`SourceRecord`, the one citation type of every tool result and answer (its
ids are IT Glue's integer ids; an expiration, which IT Glue gives no name, is named after its
description, date and the name of what expires). Hits arrive from several places — full-text
search, the vector index, the graph — as bare ``(record_type, record_id)`` keys;
:func:`cite_records` turns a batch of them into citations in one ``UNION ALL`` query, and leaves
out every key whose record is marked deleted or unknown. That is the guard for the vector index
in particular, which may still hold a record the sync has since marked deleted: such a record
must never be cited.

:func:`records_named` finds records whose name (or a configuration's hostname) equals a text,
for "exact matches first" and for naming where a record exists; :func:`record_names` lists
the names in a scope for close-name suggestions; :func:`record_texts` reads the searchable text
the sync stored (``search_entries``: secret-free by construction) to quote from.

Example::

    cited = await cite_records(session, [("documents", 5530375), ("configurations", 42)])
    cited[("documents", 5530375)].organization_name  # 'Northwind Traders'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    FromClause,
    Select,
    Table,
    Text,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.models import SearchEntryRow
from itglue_mcp.store.record_types import RecordType

__all__ = [
    "CITABLE_TYPES",
    "CitationKey",
    "NamedRecord",
    "SourceRecord",
    "cite_records",
    "record_names",
    "record_texts",
    "records_named",
]

CitationKey = tuple[str, int]
"""A record as ``(JSON:API type, IT Glue id)``."""

CITABLE_TYPES: tuple[RecordType, ...] = tuple(
    record_type
    for record_type in RecordType
    if record_type.tracks_deletion and "name" in record_type.table.c
)
"""Record types with a name and deletion tracking: everything a hit can point at."""

# Ids per IN list: far below both dialects' bound-parameter limits.
_BATCH = 5_000
_ENTRIES = cast(Table, SearchEntryRow.__table__)


class SourceRecord(BaseModel):
    """The IT Glue record a fact comes from: enough to cite it and to open it in IT Glue."""

    # The docstring above is the citation's description in every tool's output schema; kept
    # short for the tools/list budget. Frozen: a citation is a value (hashable, never edited).
    model_config = ConfigDict(frozen=True)

    record_type: str = Field(description="IT Glue JSON:API type, e.g. configurations.")
    record_id: int = Field(description="IT Glue id of the record.")
    name: str | None = Field(description="Name of the record.")
    organization_id: int | None = Field(description="IT Glue id of its organization.")
    organization_name: str | None = Field(
        default=None, description="Name of its organization, when known."
    )
    resource_url: str | None = Field(description="Link to the record in IT Glue.")
    updated_at: datetime | None = Field(description="When IT Glue last changed the record.")

    @property
    def key(self) -> CitationKey:
        """``(record_type, record_id)``."""
        return (self.record_type, self.record_id)


@dataclass(frozen=True, slots=True)
class NamedRecord:
    """A record's name and where it lives, as its search entry holds them."""

    record_type: str
    record_id: int
    organization_id: int | None
    name: str


def _column(table: Table, name: str, kind: Any) -> ColumnElement[Any]:
    """``table.<name>``, or a typed NULL for tables without it (PostgreSQL types UNION columns)."""
    if name in table.c:
        return table.c[name]
    return null().cast(kind)


def _summary_select(record_type: RecordType) -> Select[Any]:
    """Citation columns of ``record_type``'s live records, with their organization's name."""
    table = record_type.table
    organizations = RecordType.ORGANIZATIONS.table.alias("organization")
    organization_id = _column(table, "organization_id", BigInteger)
    source: FromClause = table
    organization_name: ColumnElement[Any] = null().cast(Text)
    if "organization_id" in table.c:
        source = table.outerjoin(organizations, organizations.c.id == table.c.organization_id)
        organization_name = organizations.c.name
    return (
        select(
            literal(str(record_type), Text).label("record_type"),
            table.c.id.label("record_id"),
            table.c.name.label("name"),
            organization_id.label("organization_id"),
            organization_name.label("organization_name"),
            _column(table, "resource_url", Text).label("resource_url"),
            table.c.updated_at.label("updated_at"),
            # What an expiration's label is made of (IT Glue gives expirations no name).
            _column(table, "description", Text).label("description"),
            _column(table, "expiration_date", Date).label("expiration_date"),
            _column(table, "resource_name", Text).label("resource_name"),
        )
        .select_from(source)
        .where(table.c.deleted_at.is_(None))
    )


def _name(row: Any) -> str | None:
    """The record's name; for an expiration, what expires when: "Warranty expiration
    2028-05-28 (ACME-FW01)" (the sync names them "expirations <id>")."""
    if row.record_type != RecordType.EXPIRATIONS:
        return cast(str | None, row.name)
    parts = [row.description or "Expiration", str(row.expiration_date or "")]
    label = " ".join(part for part in parts if part)
    return f"{label} ({row.resource_name})" if row.resource_name else label


def _cited(row: Any) -> SourceRecord:
    return SourceRecord(
        record_type=row.record_type,
        record_id=int(row.record_id),
        name=_name(row),
        organization_id=None if row.organization_id is None else int(row.organization_id),
        organization_name=row.organization_name,
        resource_url=row.resource_url,
        updated_at=row.updated_at,
    )


def _citable(record_type: str) -> RecordType | None:
    try:
        parsed = RecordType(record_type)
    except ValueError:
        return None
    return parsed if parsed in CITABLE_TYPES else None


async def cite_records(
    session: AsyncSession, keys: Iterable[CitationKey]
) -> dict[CitationKey, SourceRecord]:
    """Citation summaries of the live records among ``keys``.

    Args:
        session: any session.
        keys: ``(record_type, record_id)`` pairs, in any order, repeats allowed.

    Returns:
        One entry per key whose record exists and is not marked deleted; keys of deleted or
        unknown records, and of types that cannot be cited (children, related items), are
        absent. One query for up to 5,000 ids per type.

    Raises:
        StoreError: the database failed.
    """
    by_type: dict[RecordType, list[int]] = {}
    for record_type, record_id in dict.fromkeys(keys):
        parsed = _citable(record_type)
        if parsed is not None:
            by_type.setdefault(parsed, []).append(int(record_id))
    selects = [
        _summary_select(record_type).where(record_type.table.c.id.in_(ids[start : start + _BATCH]))
        for record_type, ids in by_type.items()
        for start in range(0, len(ids), _BATCH)
    ]
    if not selects:
        return {}
    with translate_errors("read records to cite"):
        rows = await session.execute(union_all(*selects))
    return {cited.key: cited for cited in map(_cited, rows)}


async def records_named(
    session: AsyncSession,
    name: str,
    *,
    organization_ids: Collection[int] | None = None,
    record_types: Collection[str] | None = None,
    limit: int = 20,
) -> list[SourceRecord]:
    """Live records whose name — or, for a configuration, hostname — equals ``name``.

    Case is ignored (``lower()`` on both sides, as :mod:`itglue_mcp.store.queries` does).

    Args:
        session: any session.
        name: the exact name, e.g. ``"ACME-FW01"``.
        organization_ids: only records of these organizations (``None``: any; empty: none).
        record_types: only these JSON:API types (``None``: every citable type).
        limit: most records returned (at least 1).

    Returns:
        Summaries ordered by organization name, type and id.

    Raises:
        ValueError: ``name`` is blank or ``limit`` below 1.
        StoreError: the database failed.
    """
    name = name.strip()
    if not name:
        raise ValueError("name: must not be empty")
    if limit < 1:
        raise ValueError("limit: must be at least 1")
    if organization_ids is not None and not organization_ids:
        return []
    wanted = [
        record_type
        for record_type in CITABLE_TYPES
        if record_types is None or str(record_type) in record_types
    ]
    lowered = func.lower(literal(name, Text))
    selects = []
    for record_type in wanted:
        table = record_type.table
        names = [table.c[column] for column in ("name", "hostname") if column in table.c]
        statement = _summary_select(record_type).where(
            or_(*(func.lower(column) == lowered for column in names))
        )
        if organization_ids is not None:
            if "organization_id" not in table.c:
                continue
            statement = statement.where(table.c.organization_id.in_(sorted(organization_ids)))
        selects.append(statement)
    if not selects:
        return []
    union = union_all(*selects).subquery("named")
    statement = (
        select(union)
        .order_by(union.c.organization_name, union.c.record_type, union.c.record_id)
        .limit(limit)
    )
    with translate_errors("find records by name"):
        rows = await session.execute(statement)
    return [_cited(row) for row in rows]


async def record_names(
    session: AsyncSession,
    *,
    organization_ids: Collection[int] | None,
    record_types: Collection[str] | None = None,
    limit: int = 20_000,
) -> list[NamedRecord]:
    """Names of the searchable records of a scope (deleted records have no search entry).

    Args:
        session: any session.
        organization_ids: only records of these organizations (``None``: all; empty: none).
        record_types: only these JSON:API types (``None``: all).
        limit: most names read (at least 1); an account holds about 1,000 per organization.

    Raises:
        ValueError: ``limit`` below 1.
        StoreError: the database failed.
    """
    if limit < 1:
        raise ValueError("limit: must be at least 1")
    if (organization_ids is not None and not organization_ids) or (
        record_types is not None and not record_types
    ):
        return []
    statement = select(
        _ENTRIES.c.record_type, _ENTRIES.c.record_id, _ENTRIES.c.organization_id, _ENTRIES.c.name
    ).where(_ENTRIES.c.name != "")
    if organization_ids is not None:
        statement = statement.where(_ENTRIES.c.organization_id.in_(sorted(organization_ids)))
    if record_types is not None:
        statement = statement.where(_ENTRIES.c.record_type.in_(sorted(record_types)))
    statement = statement.order_by(_ENTRIES.c.id).limit(limit)
    with translate_errors("read record names"):
        rows = await session.execute(statement)
    return [
        NamedRecord(row.record_type, int(row.record_id), row.organization_id, row.name)
        for row in rows
    ]


async def record_texts(
    session: AsyncSession, keys: Sequence[CitationKey]
) -> dict[CitationKey, str]:
    """The searchable text (``search_entries.body``) of the records among ``keys`` that have one.

    The sync builds it from a record's attributes without its secrets (password values and
    Password-kind traits never reach it), with HTML reduced to text; records marked deleted
    have none.

    Raises:
        StoreError: the database failed.
    """
    by_type: dict[str, list[int]] = {}
    for kind, record_id in dict.fromkeys((str(kind), int(record_id)) for kind, record_id in keys):
        by_type.setdefault(kind, []).append(record_id)
    # One type per condition: SQLite answers ``(type, id) IN (...)`` pairs by scanning the
    # whole table, ``type = ? AND id IN (...)`` through the (type, id) unique index.
    selects = [
        select(_ENTRIES.c.record_type, _ENTRIES.c.record_id, _ENTRIES.c.body).where(
            _ENTRIES.c.record_type == kind, _ENTRIES.c.record_id.in_(ids[start : start + _BATCH])
        )
        for kind, ids in by_type.items()
        for start in range(0, len(ids), _BATCH)
    ]
    if not selects:
        return {}
    with translate_errors("read record texts"):
        rows = await session.execute(union_all(*selects))
    return {(row.record_type, int(row.record_id)): row.body for row in rows}
