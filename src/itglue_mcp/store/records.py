"""Writes of IT Glue records: batched upserts, child replacement and deletion marking.

Repository functions: they execute statements in the caller's session and never commit
(the caller's :func:`~itglue_mcp.store.database.unit_of_work` does). Rows are mappings keyed
by column names of the record type's table, holding Python values (aware ``datetime``,
``date``, ``bool``, JSON-able ``dict``/``list``); the store sets ``synced_at``,
``last_seen_run_id`` and ``deleted_at`` itself.

Example::

    result = await upsert_records(
        session, RecordType.CONFIGURATIONS, [{"id": 5, "name": "dc01"}], run_id=run_id
    )
    deleted = await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=run_id)
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ScalarResult,
    Table,
    delete,
    insert,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store import index_outbox
from itglue_mcp.store.database import Dialect
from itglue_mcp.store.errors import StoreError, translate_errors
from itglue_mcp.store.models import FlexibleAssetTag, utcnow
from itglue_mcp.store.record_types import RecordType, check_columns, scope_conditions
from itglue_mcp.store.search import delete_search_entries
from itglue_mcp.store.tag_links import parse_tag_links

__all__ = [
    "UpsertResult",
    "existing_ids",
    "mark_unseen_deleted",
    "replace_children",
    "replace_related_items",
    "upsert_records",
]

# Bound parameters per statement: SQLite's limit is 32766, asyncpg's 32767; keep a margin.
MAX_PARAMETERS = {Dialect.SQLITE: 30_000, Dialect.POSTGRESQL: 32_000}

# Columns only the store writes: a caller setting them would defeat deletion tracking.
MANAGED_COLUMNS = frozenset({"synced_at", "last_seen_run_id", "deleted_at"})

# Attribute keys that hold a password's secret; a row carrying one is refused (defence in
# depth: callers strip secrets, and the store must never hold them).
_PASSWORD_SECRET_ATTRIBUTES = frozenset({"password", "otp-secret", "otp_secret"})


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What :func:`upsert_records` wrote: rows new to the table and rows that existed."""

    inserted: int = 0
    updated: int = 0

    @property
    def written(self) -> int:
        """All rows written (inserted + updated)."""
        return self.inserted + self.updated

    def __add__(self, other: UpsertResult) -> UpsertResult:
        return UpsertResult(self.inserted + other.inserted, self.updated + other.updated)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _prepare(
    record_type: RecordType, rows: Sequence[Mapping[str, Any]], run_id: int | None
) -> list[dict[str, Any]]:
    """Validate rows, add the managed columns and keep the last row per primary key.

    Raises:
        StoreError: an unknown or managed column, a missing key, or a password secret.
    """
    table = record_type.table
    key_names = [column.name for column in table.primary_key.columns]
    integer_keys = [
        column.name for column in table.primary_key.columns if column.type.python_type is int
    ]
    now = utcnow()
    managed: dict[str, Any] = {"synced_at": now}
    if record_type.tracks_deletion:
        managed["deleted_at"] = None  # a record that comes back is no longer deleted
        if run_id is not None:
            managed["last_seen_run_id"] = run_id
    by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
    for index, row in enumerate(rows):
        check_columns(record_type, row.keys())
        reserved = sorted(MANAGED_COLUMNS.intersection(row))
        if reserved:
            raise StoreError(f"{record_type}: column {reserved[0]!r} is set by the store")
        missing = [name for name in key_names if row.get(name) is None]
        if missing:
            raise StoreError(f"{record_type}: row {index} has no {missing[0]!r}")
        # JSON:API ids are strings; PostgreSQL would refuse "123" and SQLite would coerce it.
        textual = [name for name in integer_keys if not isinstance(row[name], int)]
        if textual:
            raise StoreError(f"{record_type}: row {index} has a non-integer {textual[0]!r}")
        if record_type is RecordType.PASSWORDS:
            _refuse_password_secrets(row, index)
        prepared = {**row, **managed}
        if record_type is RecordType.ORGANIZATIONS:
            prepared.setdefault("organization_id", row["id"])
        by_key[tuple(row[name] for name in key_names)] = prepared
    return list(by_key.values())


def _refuse_password_secrets(row: Mapping[str, Any], index: int) -> None:
    attributes = row.get("attributes") or {}
    for key in _PASSWORD_SECRET_ATTRIBUTES.intersection(attributes):
        if attributes[key] is not None:
            raise StoreError(
                f"passwords: row {index} carries the secret attribute {key!r}; "
                "remove secrets before storing"
            )


async def _existing_keys(
    session: AsyncSession, table: Table, keys: list[tuple[Any, ...]]
) -> set[tuple[Any, ...]]:
    key_columns = list(table.primary_key.columns)
    if len(key_columns) == 1:
        # A plain IN of scalars compiles once (expanding parameter) whatever the chunk size.
        (column,) = key_columns
        statement = select(column).where(column.in_([key[0] for key in keys]))
    else:
        statement = select(*key_columns).where(tuple_(*key_columns).in_(keys))
    return {tuple(row) for row in await session.execute(statement)}


async def _upsert_chunk(
    session: AsyncSession, dialect: Dialect, table: Table, chunk: Sequence[dict[str, Any]]
) -> UpsertResult:
    key_names = [column.name for column in table.primary_key.columns]
    insert = pg_insert if dialect is Dialect.POSTGRESQL else sqlite_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=key_names,
        set_={name: statement.excluded[name] for name in chunk[0] if name not in key_names},
    )
    # Executed with a list of parameter sets, not one VALUES built per chunk: SQLAlchemy
    # compiles the statement once and batches the rows itself ("insertmanyvalues"); building
    # a literal multi-row VALUES recompiled hundreds of thousands of bind parameters a page.
    if dialect is Dialect.POSTGRESQL:
        # xmax is 0 on a row version created by INSERT and non-zero after an UPDATE: the
        # usual way to tell the two outcomes of ON CONFLICT DO UPDATE apart in one trip.
        flags: ScalarResult[bool] = (
            await session.execute(statement.returning(literal_column("xmax = 0")), list(chunk))
        ).scalars()
        inserted = sum(1 for flag in flags if flag)
        return UpsertResult(inserted, len(chunk) - inserted)
    keys = [tuple(row[name] for name in key_names) for row in chunk]
    existing = await _existing_keys(session, table, keys)
    await session.execute(statement, list(chunk))
    return UpsertResult(len(chunk) - len(existing), len(existing))


async def _upsert(
    session: AsyncSession, record_type: RecordType, rows: list[dict[str, Any]]
) -> UpsertResult:
    dialect = Dialect.of(session)
    table = record_type.table
    # A multi-row VALUES needs one column list, so rows are grouped by the keys they carry.
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    result = UpsertResult()
    # SQLAlchemy also binds a parameter per row for each Python-side default left out.
    defaulted = {column.name for column in table.columns if column.default is not None}
    for columns, group in groups.items():
        size = max(1, MAX_PARAMETERS[dialect] // len(defaulted.union(columns)))
        for chunk in _chunks(group, size):
            result += await _upsert_chunk(session, dialect, table, chunk)
    return result


async def upsert_records(
    session: AsyncSession,
    record_type: RecordType,
    rows: Sequence[Mapping[str, Any]],
    *,
    run_id: int | None,
) -> UpsertResult:
    """Insert or update records by primary key (IT Glue id), in batches.

    Each written row gets ``synced_at`` = now and ``deleted_at`` = NULL (a record that comes
    back is undeleted) and, when ``run_id`` is given, ``last_seen_run_id`` = ``run_id``.
    Columns a row does not carry keep their stored value on update. When several rows share
    a key, the last one wins. Organizations get ``organization_id`` = their own id. A flexible
    asset written with its ``traits`` gets its Tag links (table ``flexible_asset_tags``)
    replaced by those of the new traits, in the same transaction.

    Args:
        session: the unit of work's session (flushed, not committed).
        record_type: the kind of record, which selects the table.
        rows: column name → value, one mapping per record; ``id`` is required.
        run_id: the sync run writing the rows, or ``None`` outside a run.

    Returns:
        How many rows were inserted and how many updated.

    Raises:
        StoreError: a row names an unknown or store-managed column, lacks its key, or (for
            passwords) carries a secret; or the database refused the write.
    """
    prepared = _prepare(record_type, rows, run_id)
    if not prepared:
        return UpsertResult()
    with translate_errors(f"upsert into {record_type.table.name}"):
        result = await _upsert(session, record_type, prepared)
        if record_type is RecordType.FLEXIBLE_ASSETS:
            await _replace_tag_links(session, prepared)
        return result


async def _replace_tag_links(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Make the ``flexible_asset_tags`` rows of the assets among ``rows`` that carry traits
    the links of those traits (:func:`~itglue_mcp.store.tag_links.parse_tag_links`).

    An asset written without its traits keeps its stored traits, so its rows stay right.
    """
    traits = {row["id"]: row["traits"] for row in rows if "traits" in row}
    if not traits:
        return
    table = FlexibleAssetTag.__table__
    assert isinstance(table, Table)  # a plain declarative table
    await _delete_in(session, table, "flexible_asset_id", traits.keys())
    links = [
        {
            "flexible_asset_id": asset_id,
            "trait_key": link.trait_key,
            "tag_type": link.tag_type,
            "target_id": link.target_id,
        }
        for asset_id, asset_traits in traits.items()
        for link in parse_tag_links(asset_traits)
    ]
    if links:
        # A list of parameter sets: the driver's executemany, whatever the number of rows.
        await session.execute(insert(table), links)


async def _delete_in(
    session: AsyncSession, table: Table, column: str, values: Collection[Any], *extra: Any
) -> None:
    dialect = Dialect.of(session)
    for chunk in _chunks(sorted(set(values)), MAX_PARAMETERS[dialect] - 10):
        await session.execute(delete(table).where(table.c[column].in_(chunk), *extra))


async def replace_children(
    session: AsyncSession,
    child_type: RecordType,
    parent_column: str,
    parent_ids: Collection[int],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Make ``rows`` the complete set of children of the given parents.

    Children of ``parent_ids`` not in ``rows`` are deleted; ``rows`` are upserted. Used for
    configuration interfaces (``configuration_id``) and flexible asset fields
    (``flexible_asset_type_id``).

    Args:
        session: the unit of work's session.
        child_type: e.g. ``RecordType.CONFIGURATION_INTERFACES``.
        parent_column: the column holding the parent id.
        parent_ids: the parents whose children are replaced (parents with no rows lose all).
        rows: the new children; each must name one of ``parent_ids`` in ``parent_column``.

    Raises:
        StoreError: unknown column, a row whose parent is not in ``parent_ids``, a parent
            that does not exist (foreign key), or a database error.
    """
    check_columns(child_type, [parent_column])
    parents = set(parent_ids)
    for index, row in enumerate(rows):
        if row.get(parent_column) not in parents:
            raise StoreError(
                f"{child_type}: row {index} has a {parent_column} outside the parents replaced"
            )
    prepared = _prepare(child_type, rows, None)
    table = child_type.table
    with translate_errors(f"replace rows of {table.name}"):
        await _delete_in(session, table, parent_column, parents)
        if prepared:
            await _upsert(session, child_type, prepared)


async def replace_related_items(
    session: AsyncSession,
    source_type: str,
    source_ids: Collection[int],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Make ``rows`` the complete set of related items carried by the given records.

    Args:
        session: the unit of work's session.
        source_type: JSON:API type of the records carrying the items (``"configurations"``).
        source_ids: ids of those records; their items not in ``rows`` are deleted.
        rows: related items (``id``, ``source_id``, ``asset_type``, ``resource_id``…);
            ``source_type`` may be omitted and is then filled in.

    Raises:
        StoreError: unknown ``source_type`` or column, or a row whose source is not among
            ``source_type``/``source_ids``.
    """
    source = RecordType.parse(source_type)
    sources = set(source_ids)
    filled: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        item = {"source_type": str(source), **row}
        if item["source_type"] != source or item.get("source_id") not in sources:
            raise StoreError(f"related-items: row {index} belongs to another source record")
        filled.append(item)
    prepared = _prepare(RecordType.RELATED_ITEMS, filled, None)
    table = RecordType.RELATED_ITEMS.table
    with translate_errors("replace rows of related_items"):
        await _delete_in(session, table, "source_id", sources, table.c.source_type == source)
        if prepared:
            await _upsert(session, RecordType.RELATED_ITEMS, prepared)


def _require_deletion_tracking(record_type: RecordType) -> None:
    if not record_type.tracks_deletion:
        raise StoreError(f"{record_type}: records are replaced with their parent, not marked")


async def mark_unseen_deleted(
    session: AsyncSession,
    record_type: RecordType,
    *,
    run_id: int,
    organization_id: int | None = None,
    where: Mapping[str, Any] | None = None,
) -> list[int]:
    """Mark deleted the records of a scope that sync run ``run_id`` did not see.

    Within the scope, every record not yet deleted whose ``last_seen_run_id`` is not
    ``run_id`` (or is NULL) gets ``deleted_at`` = now, its search entry is removed, and it is
    enqueued in the index outbox (in this transaction) so that its vectors go too. Call it
    only after the run listed the whole scope.

    Args:
        session: the unit of work's session.
        record_type: a kind with deletion tracking (not children or related items).
        run_id: the run that listed the scope completely.
        organization_id: restrict to one organization (``None``: all).
        where: further column equalities (``{"flexible_asset_type_id": 42}``).

    Returns:
        The ids marked deleted, ascending.

    Raises:
        StoreError: the type has no deletion tracking, a ``where`` column is unknown, or a
            database error.
    """
    _require_deletion_tracking(record_type)
    table = record_type.table
    conditions = scope_conditions(record_type, organization_id=organization_id, where=where)
    statement = (
        update(table)
        .where(
            table.c.deleted_at.is_(None),
            or_(table.c.last_seen_run_id.is_(None), table.c.last_seen_run_id != run_id),
            *conditions,
        )
        .values(deleted_at=utcnow())
        .returning(table.c.id)
    )
    with translate_errors(f"mark deleted in {table.name}"):
        ids = sorted(await session.scalars(statement))
    await delete_search_entries(session, record_type, ids)
    await index_outbox.enqueue(session, record_type, ids)
    return ids


async def existing_ids(
    session: AsyncSession,
    record_type: RecordType,
    *,
    organization_id: int | None = None,
    where: Mapping[str, Any] | None = None,
    include_deleted: bool = False,
    unseen_by_run: int | None = None,
) -> set[int]:
    """Ids of the stored records of a scope (by default only those not marked deleted).

    Args:
        session: any session.
        record_type: a kind with deletion tracking.
        organization_id: restrict to one organization (``None``: all).
        where: further column equalities.
        include_deleted: also return records marked deleted.
        unseen_by_run: only records this sync run has not written (the ones
            :func:`mark_unseen_deleted` would mark).

    Raises:
        StoreError: as :func:`mark_unseen_deleted`.
    """
    _require_deletion_tracking(record_type)
    table = record_type.table
    conditions = scope_conditions(record_type, organization_id=organization_id, where=where)
    if not include_deleted:
        conditions.append(table.c.deleted_at.is_(None))
    if unseen_by_run is not None:
        seen = table.c.last_seen_run_id
        conditions.append(or_(seen.is_(None), seen != unseen_by_run))
    with translate_errors(f"read ids of {table.name}"):
        return set(await session.scalars(select(table.c.id).where(*conditions)))
