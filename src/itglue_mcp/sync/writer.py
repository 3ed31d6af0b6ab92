"""Commit one page of a stream: rows, children, links, search text, checkpoint, counters.

Everything a page changes is written in one transaction (one unit of work), so the
checkpoint that says "page N is done" can never be ahead of, or behind, the data of page N;
the records whose search text changed (or went) are enqueued in the index outbox in that
same transaction, so the vector index learns of every change (:mod:`itglue_mcp.sync.indexing`).

Example::

    writer = StoreWriter(session_factory, run_id=run_id, client=client)
    written, deleted = await writer.write(page_write)
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.errors import ResourceNotFound
from itglue_mcp.itglue.models import ItglueRecord
from itglue_mcp.store import index_outbox, records, sync_state
from itglue_mcp.store.database import unit_of_work
from itglue_mcp.store.generation import advance_data_generation
from itglue_mcp.store.models import FlexibleAssetField, FlexibleAssetType, Organization
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.store.search import SearchEntry, replace_search_entries
from itglue_mcp.sync.mapping import map_page
from itglue_mcp.sync.plan import Stream

__all__ = ["ORGANIZATION_SCOPED_TYPES", "PageWrite", "StoreWriter"]

# Record types that belong to an organization: when an organization disappears from IT Glue,
# whatever of it a scoped listing did not see this run is marked deleted with it.
ORGANIZATION_SCOPED_TYPES: tuple[str, ...] = (
    "configurations",
    "passwords",
    "contacts",
    "locations",
    "domains",
    "expirations",
    "flexible-assets",
    "documents",
)


@dataclass(frozen=True)
class PageWrite:
    """One page of a stream, ready to commit.

    Attributes:
        stream: the stream the page belongs to.
        records: the records to upsert (already scoped and, when incremental, only new ones).
        next_page: page number to resume from; ``None`` once the stream is finished.
        page_size: the ``page[size]`` that ``next_page`` counts in.
        high_water_mark: newest ``updated_at`` the stream has seen in this run.
        finished: this is the stream's last page: its checkpoint becomes complete.
        detect_deletions: mark the stream's records this run did not see as deleted.
    """

    stream: Stream
    records: Sequence[ItglueRecord]
    next_page: int | None
    page_size: int
    high_water_mark: datetime | None
    finished: bool
    detect_deletions: bool


class StoreWriter:
    """Writes pages for one sync run; one instance per run, used by a single task."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        run_id: int,
        client: ItglueClient,
    ) -> None:
        self._sessions = session_factory
        self._run_id = run_id
        self._client = client
        self._reported = client.stats()
        self._columns = {str(kind): frozenset(kind.table.c.keys()) for kind in RecordType}
        self._secret_keys: dict[int, frozenset[str]] = {}

    async def known_parents(self, organization_id: int | None) -> tuple[list[int], list[int]]:
        """Organizations and flexible asset types in the store, and the asset types' secrets.

        Args:
            organization_id: when set, only that organization is returned (if stored).

        Returns:
            ``(organization ids, flexible asset type ids)``, not deleted, ascending.
        """
        async with unit_of_work(self._sessions, read_only=True) as session:
            orgs = select(Organization.id).where(Organization.deleted_at.is_(None))
            if organization_id is not None:
                orgs = orgs.where(Organization.id == organization_id)
            org_ids = list((await session.scalars(orgs.order_by(Organization.id))).all())
            types = select(FlexibleAssetType.id).where(FlexibleAssetType.deleted_at.is_(None))
            type_ids = list((await session.scalars(types.order_by(FlexibleAssetType.id))).all())
            secrets = await session.execute(
                select(
                    FlexibleAssetField.flexible_asset_type_id, FlexibleAssetField.name_key
                ).where(FlexibleAssetField.kind == "Password")
            )
            keys: dict[int, set[str]] = {type_id: set() for type_id in type_ids}
            for type_id, name_key in secrets:
                if name_key:
                    keys.setdefault(type_id, set()).add(name_key)
        self._secret_keys = {type_id: frozenset(names) for type_id, names in keys.items()}
        return org_ids, type_ids

    async def write(self, write: PageWrite) -> tuple[int, Mapping[str, int]]:
        """Commit one page; returns ``(records written, {type: records marked deleted})``.

        Raises:
            StoreError: the store refused the page; nothing of it is committed.
        """
        stream = write.stream
        deleted: dict[str, int] = {}
        async with unit_of_work(self._sessions) as session:
            result = await self._write_records(session, stream, write.records)
            if write.detect_deletions:
                result += await self._confirm_unseen(session, stream)
                deleted = await self._mark_deleted(session, stream)
            await sync_state.save_checkpoint(
                session,
                sync_state.Checkpoint(
                    stream=stream.key,
                    high_water_mark=write.high_water_mark,
                    run_id=self._run_id,
                    next_page=write.next_page,
                    page_size=write.page_size,
                    completed=write.finished,
                ),
            )
            stats = self._client.stats()
            await sync_state.record_progress(
                session,
                self._run_id,
                counts_delta=_counts(stream.record_type, result, deleted),
                api_requests=stats.requests - self._reported.requests,
                rate_limited=stats.rate_limited - self._reported.rate_limited,
                errors=stats.failures - self._reported.failures,
            )
            if result.written or deleted:
                # Readers' caches stay valid when a page changed nothing (a warm start).
                await advance_data_generation(session)
        self._reported = stats
        return result.written, deleted

    async def _write_records(
        self, session: AsyncSession, stream: Stream, page: Sequence[ItglueRecord]
    ) -> records.UpsertResult:
        """Upsert records with their children, related items and search text (flush only);
        records whose search text is new or changed are enqueued for the vector index."""
        mapped = map_page(page, columns=self._columns, secret_keys=self._secret_keys)
        ids = [row["id"] for row in mapped.rows]
        result = await records.upsert_records(
            session, RecordType(stream.record_type), mapped.rows, run_id=self._run_id
        )
        for child_type, (parent_column, rows) in mapped.children.items():
            await records.replace_children(
                session, RecordType(child_type), parent_column, ids, rows
            )
        await records.replace_related_items(session, stream.record_type, ids, mapped.related_items)
        entries = [
            SearchEntry(
                record_type=text.record_type,
                record_id=text.record_id,
                organization_id=text.organization_id,
                name=text.name,
                body=text.body,
            )
            for text in mapped.search
        ]
        # Compared with the stored text, so it must run before that text is replaced.
        await index_outbox.enqueue_changed_text(session, entries)
        await replace_search_entries(session, entries)
        return result

    async def _confirm_unseen(self, session: AsyncSession, stream: Stream) -> records.UpsertResult:
        """Fetch by id each stored record the full listing did not return; keep those that answer.

        Paging by number over a listing that changes underneath can skip a record: when one
        on an earlier page is deleted mid-listing, the next one moves back onto a page already
        read. Absence from the listing is therefore only a suspicion; the show route decides
        (404: deleted; an answer: the record exists and is written as seen by this run).
        """
        suspects = await records.existing_ids(
            session,
            RecordType(stream.record_type),
            organization_id=stream.organization_id,
            where=stream.deletion_where or None,
            unseen_by_run=self._run_id,
        )

        async def show(record_id: int) -> ItglueRecord | None:
            try:
                return await self._client.get(
                    stream.show_path.format(id=record_id), stream.model, params=stream.show_params
                )
            except ResourceNotFound:
                return None

        answers = await asyncio.gather(*(show(record_id) for record_id in sorted(suspects)))
        alive = [record for record in answers if record is not None]
        return await self._write_records(session, stream, alive)

    async def _mark_deleted(self, session: AsyncSession, stream: Stream) -> dict[str, int]:
        """Mark what the stream's full listing did not return, and what depended on it."""
        record_type = RecordType(stream.record_type)
        gone = await records.mark_unseen_deleted(
            session,
            record_type,
            run_id=self._run_id,
            organization_id=stream.organization_id,
            where=stream.deletion_where or None,
        )
        deleted = {stream.record_type: len(gone)} if gone else {}
        for parent_id in gone:
            if record_type is RecordType.ORGANIZATIONS:
                dependants = [
                    (name, {"organization_id": parent_id}) for name in ORGANIZATION_SCOPED_TYPES
                ]
            elif record_type is RecordType.FLEXIBLE_ASSET_TYPES:
                dependants = [("flexible-assets", {"flexible_asset_type_id": parent_id})]
            else:
                break
            for name, where in dependants:
                marked = await records.mark_unseen_deleted(
                    session, RecordType(name), run_id=self._run_id, where=where
                )
                if marked:
                    deleted[name] = deleted.get(name, 0) + len(marked)
        return deleted


def _counts(
    record_type: str, result: records.UpsertResult, deleted: Mapping[str, int]
) -> dict[str, dict[str, int]]:
    """Counters of one page for the run record: created/updated per type, and deletions."""
    counts: dict[str, dict[str, int]] = {
        record_type: {"created": result.inserted, "updated": result.updated}
    }
    for name, count in deleted.items():
        counts.setdefault(name, {})["deleted"] = count
    return counts
