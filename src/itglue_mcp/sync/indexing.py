"""The sync's indexing phase: the vector index catches up with the index outbox.

After the streams, the records whose search text changed or went wait in the store's index
outbox (:mod:`itglue_mcp.store.index_outbox`), enqueued in the same transactions as the
text. :class:`IndexFeed` drains it oldest first, one batch at a time:

1. read a batch with each record's current search text (a read-only transaction);
2. bring the vector index up to date: :meth:`Indexer.index_records` for records that have
   text and whose type is embedded (``index.record_types``; content hashes make unchanged
   chunks free), :meth:`Indexer.remove` for the others — deleted in IT Glue, or of a type not
   embedded (so narrowing ``record_types`` and rebuilding purges them);
3. only then delete those outbox rows (one transaction per batch).

A crash or an error anywhere leaves the unfinished rows in the outbox, and the error fails the
sync run, so the next run (which resumes or repeats it) drains them: the index lags at worst,
it never misses a change. Rebuilding (:meth:`IndexFeed.rebuild`, after a model change)
enqueues every record and drains.

Example::

    feed = IndexFeed(sessions, Indexer(embedder, index), settings=IndexSettings())
    report = await feed.drain()
    print(report.records, report.removed, report.chunks.embedded)
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.config import IndexSettings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.index import Indexer, IndexReport
from itglue_mcp.store import index_outbox
from itglue_mcp.store.database import unit_of_work
from itglue_mcp.sync.plan import SYNCED_TYPES
from itglue_mcp.sync.progress import INDEX_PHASE, LogProgress, SyncProgress

__all__ = ["IndexFeed", "IndexingReport"]

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class IndexingReport:
    """What one drain of the outbox did.

    Attributes:
        records: records whose chunks were brought up to date (text new or changed).
        removed: records whose chunks were removed: they have no search text any more.
        keyword_only: changed records of types not embedded (``index.record_types``); any
            chunks they had are removed too.
        chunks: chunks embedded, skipped as unchanged and removed as stale.
        removed_chunks: chunks removed with the ``removed`` and ``keyword_only`` records.
        duration_s: wall-clock seconds of the drain.
    """

    records: int = 0
    removed: int = 0
    keyword_only: int = 0
    chunks: IndexReport = field(default_factory=IndexReport)
    removed_chunks: int = 0
    duration_s: float = 0.0

    @property
    def embedded_per_s(self) -> float:
        """Chunks embedded per second of the drain (0 when nothing was embedded)."""
        return self.chunks.embedded / self.duration_s if self.duration_s > 0 else 0.0


class IndexFeed:
    """Drains the index outbox into the vector index, batch by batch.

    The caller holds the store's sync lock (:func:`itglue_mcp.sync.lock.sync_lock`): the
    outbox has one writer and one reader at a time.

    Args:
        sessions: sessions on the store.
        indexer: embeds and writes (or removes) chunks.
        settings: ``records_per_batch`` (outbox rows indexed and acknowledged per
            transaction: an interruption loses at most one batch of work) and
            ``record_types`` (the types embedded); defaults if omitted.
        progress: receives the phase's total and progress under :data:`INDEX_PHASE`.

    Raises:
        ConfigurationError: ``settings.record_types`` names a type the sync does not sync.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        indexer: Indexer,
        *,
        settings: IndexSettings | None = None,
        progress: SyncProgress | None = None,
    ) -> None:
        settings = settings or IndexSettings()
        unknown = sorted(set(settings.record_types) - set(SYNCED_TYPES))
        if unknown:
            raise ConfigurationError(
                f"index.record_types: unknown record type(s) {', '.join(unknown)}; "
                f"known: {', '.join(SYNCED_TYPES)}"
            )
        self._sessions = sessions
        self._indexer = indexer
        self._batch = settings.records_per_batch
        self._types = frozenset(settings.record_types)
        self._progress = progress or LogProgress()

    async def drain(self) -> IndexingReport:
        """Index every record waiting in the outbox, oldest first, until none waits.

        Returns:
            What was indexed and removed.

        Raises:
            EmbedderError: the model cannot be loaded or fails (rows not done stay queued).
            VectorIndexError: the vector index fails (likewise).
            StoreError: the store fails (likewise).
        """
        started = time.monotonic()
        async with unit_of_work(self._sessions, read_only=True) as session:
            pending = await index_outbox.pending_count(session)
            # The progress counts the records whose text is embedded: keyword-only ones are
            # drained too (their stale chunks removed) but cost no model time.
            to_embed = await index_outbox.pending_count(session, record_types=self._types)
        if pending == 0:
            return IndexingReport()
        _log.info("sync.indexing", pending=pending, to_embed=to_embed)
        self._progress.add_total(INDEX_PHASE, to_embed)
        records = removed = keyword_only = removed_chunks = 0
        chunks = IndexReport()
        while True:
            async with unit_of_work(self._sessions, read_only=True) as session:
                batch = await index_outbox.next_batch(session, limit=self._batch)
            if not batch:
                break
            embedded = [entry for entry in batch.entries if entry.record_type in self._types]
            # Deleted records, and records of types not embedded: their chunks must go.
            gone: dict[str, list[int]] = defaultdict(list)
            for record_type, record_ids in batch.removed.items():
                gone[record_type].extend(record_ids)
            for entry in batch.entries:
                if entry.record_type not in self._types:
                    gone[entry.record_type].append(entry.record_id)
            if embedded:
                chunks += await self._indexer.index_records(embedded)
            for record_type, record_ids in gone.items():
                removed_chunks += await self._indexer.remove(record_type, record_ids)
            # Acknowledged only now: the index holds the batch whatever happens next.
            async with unit_of_work(self._sessions) as session:
                await index_outbox.acknowledge(session, batch.outbox_ids)
            records += len(embedded)
            removed += sum(len(ids) for ids in batch.removed.values())
            keyword_only += len(batch.entries) - len(embedded)
            # Records of embedded types whose text went are counted too: the total holds them.
            gone_embedded = sum(
                len(ids) for kind, ids in batch.removed.items() if kind in self._types
            )
            self._progress.advance(INDEX_PHASE, len(embedded) + gone_embedded)
        report = IndexingReport(
            records=records,
            removed=removed,
            keyword_only=keyword_only,
            chunks=chunks,
            removed_chunks=removed_chunks,
            duration_s=time.monotonic() - started,
        )
        _log.info(
            "sync.indexed",
            records=report.records,
            removed=report.removed,
            keyword_only=report.keyword_only,
            embedded=chunks.embedded,
            unchanged=chunks.skipped_unchanged,
            duration_s=round(report.duration_s, 3),
            embedded_per_s=round(report.embedded_per_s, 1),
        )
        return report

    async def rebuild(self) -> IndexingReport:
        """Enqueue every record that has search text, then :meth:`drain`.

        For a changed model (the content hashes name the model, so every chunk is embedded
        again) or an index that lost data. Raises what :meth:`drain` raises.
        """
        async with unit_of_work(self._sessions) as session:
            waiting = await index_outbox.enqueue_all(session)
        _log.info("index.rebuild", records=waiting)
        return await self.drain()
