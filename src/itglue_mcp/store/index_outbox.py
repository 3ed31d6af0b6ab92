"""The index outbox: which records' search text the vector index has not caught up with yet.

A transactional outbox. Whoever changes ``search_entries`` (the sync writer for new or changed
text, :func:`~itglue_mcp.store.records.mark_unseen_deleted` for records that went) enqueues
the records in the same transaction, so the store can never hold a change the outbox forgot.
The indexing phase of the sync then takes batches in order (:func:`next_batch`), brings the
vector index up to date, and only then deletes those rows (:func:`acknowledge`) in a
transaction of their own: a crash at any point leaves the rows, and the next run redoes them
(the index's content hashes make re-doing unchanged text free).

One row per record at most: enqueuing a record already waiting changes nothing. The outbox
is written and drained only under the sync's lock (one sync per store), so no record is
enqueued again between a batch being read and acknowledged.

Repository functions: they flush, the caller's unit of work commits.

Example::

    async with unit_of_work(sessions) as session:
        await enqueue_changed_text(session, entries)      # before replace_search_entries
        await replace_search_entries(session, entries)
    async with unit_of_work(sessions, read_only=True) as session:
        batch = await next_batch(session, limit=128)
    ...   # index batch.entries, remove batch.removed
    async with unit_of_work(sessions) as session:
        await acknowledge(session, batch.outbox_ids)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, and_, delete, func, literal, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.database import Dialect
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.models import IndexOutboxRow, SearchEntryRow, UtcDateTime, utcnow
from itglue_mcp.store.search import SearchEntry

__all__ = [
    "OutboxBatch",
    "acknowledge",
    "enqueue",
    "enqueue_all",
    "enqueue_changed_text",
    "next_batch",
    "pending_count",
]

_OUTBOX = cast(Table, IndexOutboxRow.__table__)
_ENTRIES = cast(Table, SearchEntryRow.__table__)

# Ids per IN list: well under both drivers' bound-parameter limits.
_IN_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class OutboxBatch:
    """The oldest waiting records, with what the vector index must now hold for them.

    Attributes:
        outbox_ids: the outbox rows read; pass them to :func:`acknowledge` once done.
        entries: records that have search text: their chunks must match it.
        removed: JSON:API type → ids of records without search text any more (deleted in
            IT Glue): their chunks must go.
    """

    outbox_ids: list[int]
    entries: list[SearchEntry] = field(default_factory=list)
    removed: dict[str, list[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.outbox_ids)


def _insert_ignoring_waiting(session: AsyncSession) -> Any:
    """``INSERT INTO index_outbox … ON CONFLICT (record_type, record_id) DO NOTHING``."""
    dialect_insert = pg_insert if Dialect.of(session) is Dialect.POSTGRESQL else sqlite_insert
    return dialect_insert(_OUTBOX).on_conflict_do_nothing(
        index_elements=["record_type", "record_id"]
    )


async def enqueue(session: AsyncSession, record_type: str, record_ids: Iterable[int]) -> None:
    """Mark records of one type as waiting for the vector index (already waiting: no change).

    Args:
        session: the unit of work that changes their search text.
        record_type: JSON:API type (``"configurations"``).
        record_ids: IT Glue ids.

    Raises:
        StoreError: the database refused the write.
    """
    ids = sorted(set(record_ids))
    if not ids:
        return
    now = utcnow()
    rows = [{"record_type": str(record_type), "record_id": i, "enqueued_at": now} for i in ids]
    with translate_errors("write index_outbox"):
        await session.execute(_insert_ignoring_waiting(session), rows)


async def enqueue_changed_text(session: AsyncSession, entries: Sequence[SearchEntry]) -> int:
    """Enqueue the records whose search text is new or differs from what the store holds.

    Call it in the page's unit of work *before* writing ``entries`` to ``search_entries``:
    it compares against the stored text, so that an unchanged record (most of a full sync)
    costs the vector index nothing.

    Returns:
        The number of records enqueued (new or changed text).

    Raises:
        StoreError: the database failed.
    """
    latest = {(str(entry.record_type), entry.record_id): entry for entry in entries}
    by_type: dict[str, list[int]] = defaultdict(list)
    for record_type, record_id in latest:
        by_type[record_type].append(record_id)
    stored: dict[tuple[str, int], tuple[int | None, str, str]] = {}
    columns = (_ENTRIES.c.organization_id, _ENTRIES.c.name, _ENTRIES.c.body)
    with translate_errors("read search_entries"):
        for record_type, ids in by_type.items():
            for start in range(0, len(ids), _IN_CHUNK):
                statement = select(_ENTRIES.c.record_id, *columns).where(
                    _ENTRIES.c.record_type == record_type,
                    _ENTRIES.c.record_id.in_(ids[start : start + _IN_CHUNK]),
                )
                for row in await session.execute(statement):
                    stored[(record_type, row.record_id)] = (row.organization_id, row.name, row.body)
    changed: dict[str, list[int]] = defaultdict(list)
    for key, entry in latest.items():
        if stored.get(key) != (entry.organization_id, entry.name, entry.body):
            changed[key[0]].append(key[1])
    for record_type, ids in changed.items():
        await enqueue(session, record_type, ids)
    return sum(len(ids) for ids in changed.values())


async def enqueue_all(session: AsyncSession) -> int:
    """Enqueue every record that has search text (a rebuild of the vector index).

    Returns:
        The number of records waiting afterwards.

    Raises:
        StoreError: the database failed.
    """
    # SQLite parses "SELECT … FROM t ON CONFLICT" as a join constraint unless the SELECT has
    # a WHERE clause (SQLite documentation, "The UPSERT clause": parsing ambiguity).
    source = select(
        _ENTRIES.c.record_type, _ENTRIES.c.record_id, literal(utcnow(), UtcDateTime())
    ).where(true())
    # ON CONFLICT keeps records already waiting; INSERT … SELECT copies in the database.
    dialect_insert = pg_insert if Dialect.of(session) is Dialect.POSTGRESQL else sqlite_insert
    statement = dialect_insert(_OUTBOX).from_select(
        ["record_type", "record_id", "enqueued_at"], source
    )
    statement = statement.on_conflict_do_nothing(index_elements=["record_type", "record_id"])
    with translate_errors("write index_outbox"):
        await session.execute(statement)
    return await pending_count(session)


async def pending_count(
    session: AsyncSession, *, record_types: Collection[str] | None = None
) -> int:
    """How many records wait for the vector index (of ``record_types``; ``None``: all).

    Raises:
        StoreError: the database failed.
    """
    statement = select(func.count()).select_from(_OUTBOX)
    if record_types is not None:
        statement = statement.where(_OUTBOX.c.record_type.in_(sorted(record_types)))
    with translate_errors("read index_outbox"):
        return int(await session.scalar(statement) or 0)


async def next_batch(session: AsyncSession, *, limit: int) -> OutboxBatch:
    """The ``limit`` oldest waiting records, each with its current search text if it has one.

    Reading removes nothing: rows stay until :func:`acknowledge`.

    Raises:
        ValueError: ``limit`` < 1.
        StoreError: the database failed.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    joined = _OUTBOX.outerjoin(
        _ENTRIES,
        and_(
            _ENTRIES.c.record_type == _OUTBOX.c.record_type,
            _ENTRIES.c.record_id == _OUTBOX.c.record_id,
        ),
    )
    statement = (
        select(
            _OUTBOX.c.id,
            _OUTBOX.c.record_type,
            _OUTBOX.c.record_id,
            _ENTRIES.c.id.label("entry_id"),
            _ENTRIES.c.organization_id,
            _ENTRIES.c.name,
            _ENTRIES.c.body,
        )
        .select_from(joined)
        .order_by(_OUTBOX.c.id)
        .limit(limit)
    )
    with translate_errors("read index_outbox"):
        rows = (await session.execute(statement)).all()
    entries: list[SearchEntry] = []
    removed: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.entry_id is None:
            removed[row.record_type].append(row.record_id)
        else:
            entries.append(
                SearchEntry(row.record_type, row.record_id, row.organization_id, row.name, row.body)
            )
    return OutboxBatch([row.id for row in rows], entries, dict(removed))


async def acknowledge(session: AsyncSession, outbox_ids: Collection[int]) -> None:
    """Delete outbox rows whose change the vector index now holds.

    Raises:
        StoreError: the database failed.
    """
    ids = sorted(set(outbox_ids))
    with translate_errors("delete from index_outbox"):
        for start in range(0, len(ids), _IN_CHUNK):
            await session.execute(
                delete(_OUTBOX).where(_OUTBOX.c.id.in_(ids[start : start + _IN_CHUNK]))
            )
