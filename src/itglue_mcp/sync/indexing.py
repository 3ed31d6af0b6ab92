"""The sync's indexing phase: the vector index catches up with the index outbox.

After the streams, the records whose search text changed or went wait in the store's index
outbox (:mod:`itglue_mcp.store.index_outbox`), enqueued in the same transactions as the
text. :class:`IndexFeed` drains it oldest first, one batch of records at a time, in two passes
so that the chunks the model will embed are counted before the first is embedded (the
progress bar's total, :data:`INDEX_PHASE`, in chunks):

1. *settling* the records waiting when the drain starts: for each batch (read with its
   current search text in a read-only transaction), everything that needs no model is done —
   :meth:`Indexer.remove` for records deleted in IT Glue or of a type not embedded
   (``index.record_types``, so narrowing it and rebuilding purges them); for the others an
   :meth:`Indexer.plan` (split, hash, compare with the index's content hashes), whose stale
   chunks are deleted and whose chunks to embed are counted. The batch's outbox rows are then
   acknowledged, and in the same transaction the records that have chunks to embed are
   enqueued again, behind every row still waiting: the store reads the outbox oldest first
   only, so sending them to its end is how the pass gets past them without embedding;
2. *embedding* what is then waiting — only those records — batch by batch
   (:meth:`Indexer.index_records`, a model batch of chunks at a time), acknowledging each
   batch only once its chunks are written; the progress advances per model batch.

A crash or an error anywhere leaves the unfinished records in the outbox, and the error fails
the sync run, so the next run (which resumes or repeats it) drains them: the index lags at
worst, it never misses a change, and content hashes make chunks already written free. Each
record's text is split and hashed twice, its chunks embedded once; no more than a model batch
of vectors is held. Rebuilding (:meth:`IndexFeed.rebuild`, after a model change) enqueues
every record and drains.

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
from itglue_mcp.store.index_outbox import OutboxBatch
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


@dataclass(slots=True)
class _Settled:
    """What the settling pass of one drain did and found so far."""

    rows: int = 0
    records: int = 0
    removed: int = 0
    keyword_only: int = 0
    unchanged: int = 0
    stale: int = 0
    removed_chunks: int = 0
    records_to_embed: int = 0
    chunks_to_embed: int = 0


class IndexFeed:
    """Drains the index outbox into the vector index, batch by batch.

    The caller holds the store's sync lock (:func:`itglue_mcp.sync.lock.sync_lock`): the
    outbox has one writer and one reader at a time.

    Args:
        sessions: sessions on the store.
        indexer: embeds and writes (or removes) chunks.
        settings: ``records_per_batch`` (outbox rows read, planned and acknowledged
            together), ``record_types`` (the types embedded); defaults if omitted. The
            indexer's ``batch_size`` bounds what an interruption loses: one model batch.
        progress: receives, under :data:`INDEX_PHASE`, the chunks to embed (once, before
            the first is embedded; not at all when there are none) and each model batch
            written.

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
        """Index every record waiting in the outbox until none waits (see the module
        docstring for the two passes).

        Returns:
            What was indexed and removed; ``chunks.embedded`` equals the progress total.

        Raises:
            EmbedderError: the model cannot be loaded or fails (rows not done stay queued).
            VectorIndexError: the vector index fails (likewise).
            StoreError: the store fails (likewise).
        """
        started = time.monotonic()
        async with unit_of_work(self._sessions, read_only=True) as session:
            pending = await index_outbox.pending_count(session)
        if pending == 0:
            return IndexingReport()
        settled = _Settled()
        while settled.rows < pending:
            batch = await self._next_batch(min(self._batch, pending - settled.rows))
            if not batch:
                break
            await self._settle(batch, settled)
        _log.info(
            "sync.indexing",
            pending=pending,
            records_to_embed=settled.records_to_embed,
            chunks_to_embed=settled.chunks_to_embed,
        )
        if settled.chunks_to_embed:
            self._progress.add_total(INDEX_PHASE, settled.chunks_to_embed)
        embedded = 0
        while batch := await self._next_batch(self._batch):
            embedded += await self._embed(batch)
        report = IndexingReport(
            records=settled.records,
            removed=settled.removed,
            keyword_only=settled.keyword_only,
            chunks=IndexReport(embedded, settled.unchanged, settled.stale),
            removed_chunks=settled.removed_chunks,
            duration_s=time.monotonic() - started,
        )
        _log.info(
            "sync.indexed",
            records=report.records,
            removed=report.removed,
            keyword_only=report.keyword_only,
            embedded=embedded,
            unchanged=settled.unchanged,
            duration_s=round(report.duration_s, 3),
            embedded_per_s=round(report.embedded_per_s, 1),
        )
        return report

    async def _next_batch(self, limit: int) -> OutboxBatch:
        async with unit_of_work(self._sessions, read_only=True) as session:
            return await index_outbox.next_batch(session, limit=limit)

    async def _settle(self, batch: OutboxBatch, settled: _Settled) -> None:
        """Pass 1 for one batch: everything but embedding, then acknowledge the batch and
        enqueue again the records that have chunks to embed (one transaction)."""
        embedded = [entry for entry in batch.entries if entry.record_type in self._types]
        # Deleted records, and records of types not embedded: their chunks must go.
        gone: dict[str, list[int]] = defaultdict(list)
        for record_type, record_ids in batch.removed.items():
            gone[record_type].extend(record_ids)
        for entry in batch.entries:
            if entry.record_type not in self._types:
                gone[entry.record_type].append(entry.record_id)
        plan = await self._indexer.plan(embedded)
        settled.stale += await self._indexer.delete_stale(plan)
        for record_type, record_ids in gone.items():
            settled.removed_chunks += await self._indexer.remove(record_type, record_ids)
        waiting = plan.records_to_embed()
        async with unit_of_work(self._sessions) as session:
            await index_outbox.acknowledge(session, batch.outbox_ids)
            for record_type, record_ids in waiting.items():
                await index_outbox.enqueue(session, record_type, record_ids)
        settled.rows += len(batch)
        settled.records += len(embedded)
        settled.removed += sum(len(ids) for ids in batch.removed.values())
        settled.keyword_only += len(batch.entries) - len(embedded)
        settled.unchanged += plan.unchanged
        settled.records_to_embed += sum(len(ids) for ids in waiting.values())
        settled.chunks_to_embed += plan.to_embed

    async def _embed(self, batch: OutboxBatch) -> int:
        """Pass 2 for one batch of records that pass 1 found chunks to embed for; returns
        chunks embedded. Acknowledged only once the index holds them."""
        report = await self._indexer.index_records(
            batch.entries, on_embedded=lambda chunks: self._progress.advance(INDEX_PHASE, chunks)
        )
        async with unit_of_work(self._sessions) as session:
            await index_outbox.acknowledge(session, batch.outbox_ids)
        return report.embedded

    async def rebuild(self) -> IndexingReport:
        """Enqueue every record that has search text, then :meth:`drain`.

        For a changed model (the content hashes name the model, so every chunk is embedded
        again) or an index that lost data. Raises what :meth:`drain` raises.
        """
        async with unit_of_work(self._sessions) as session:
            waiting = await index_outbox.enqueue_all(session)
        _log.info("index.rebuild", records=waiting)
        return await self.drain()
