"""The sync engine: IT Glue pages in, store rows out, resumable at every page.

Pages are fetched ahead by one producer per stream (several streams at once, within the
client's own concurrency and rate limit) while a single writer commits them in order. Each
page is one transaction holding its rows, their children, related items, search entries, the
stream's checkpoint and the run's counters — so a run killed at any point leaves the store
consistent, and the next run resumes from the first page not committed:

- a *full* run lists every stream from page 1 (``sort=id``), stamps each record it sees with
  the run id, and at a stream's last page marks the records it did not see as deleted (IT
  Glue has no deletion feed; API facts: Paging, sorting, filtering). A full run that stopped
  is resumed by the next run with the same scope, from each stream's ``next_page``.
- an *incremental* run lists organizations by ``filter[updated_at]`` and every other stream by
  ``sort=-updated_at`` down to the stream's checkpoint; its checkpoint moves only with the
  stream's last page, so a stopped incremental run is simply done again (upserts are
  idempotent). A stream never completed before is listed in full.

With an :class:`~itglue_mcp.index.Indexer`, the run ends with the indexing phase
(:mod:`itglue_mcp.sync.indexing`): the vector index catches up with the index outbox the pages
filled. Its failure fails the run like any other, and the next run (resumed or repeated)
drains what is left.

Example::

    engine = SyncEngine(client, store_engine, sessions, settings=settings.sync, indexer=indexer)
    report = await engine.run(full=True)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from itglue_mcp.config import IndexSettings, SyncSettings
from itglue_mcp.index import Indexer
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.jsonapi import Page
from itglue_mcp.itglue.models import ItglueRecord
from itglue_mcp.store import sync_state
from itglue_mcp.store.database import unit_of_work
from itglue_mcp.sync.errors import SyncError
from itglue_mcp.sync.indexing import IndexFeed, IndexingReport
from itglue_mcp.sync.lock import sync_lock
from itglue_mcp.sync.plan import (
    Incremental,
    Stream,
    normalise_types,
    phase_one_streams,
    phase_two_streams,
)
from itglue_mcp.sync.progress import LogProgress, SyncProgress
from itglue_mcp.sync.writer import PageWrite, StoreWriter

__all__ = ["SyncEngine", "SyncReport"]

_log = structlog.get_logger(__name__)
_tracer = trace.get_tracer(__name__)


@dataclass(frozen=True)
class SyncReport:
    """What a finished run did.

    Attributes:
        run_id: the sync run record's id.
        mode: ``full`` or ``incremental``.
        resumed: whether the run continued a full run that had stopped.
        records: JSON:API type -> records written (created or updated).
        deleted: JSON:API type -> records newly marked deleted.
        api_requests: requests sent to IT Glue by this process.
        rate_limited: 429 answers received.
        duration_s: wall-clock seconds.
        indexing: what the indexing phase did; ``None`` when the run had no indexer.
    """

    run_id: int
    mode: str
    resumed: bool
    records: Mapping[str, int]
    deleted: Mapping[str, int]
    api_requests: int
    rate_limited: int
    duration_s: float
    indexing: IndexingReport | None = None

    @property
    def total_records(self) -> int:
        """Records written over every type."""
        return sum(self.records.values())


@dataclass
class _StreamState:
    start_page: int
    incremental_since: datetime | None
    newest: datetime | None = None


@dataclass
class _Counters:
    records: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)


class SyncEngine:
    """Pulls an IT Glue account (or one organization) into the store.

    Args:
        client: an open :class:`ItglueClient`; its rate limit bounds the whole sync.
        engine: the store's engine (used for the one-sync-at-a-time lock).
        session_factory: sessions on that engine.
        settings: sync settings (``pipeline_depth``: pages fetched ahead per stream;
            ``concurrent_streams``: streams listed at the same time).
        progress: receives progress; log lines by default.
        indexer: feeds the vector index in the run's indexing phase; ``None`` leaves the
            changes queued in the index outbox (for a later run that has one).
        index_settings: the types embedded and the batch size of that phase.

    Raises:
        ConfigurationError: ``index_settings.record_types`` names a type that is not synced.
    """

    def __init__(
        self,
        client: ItglueClient,
        engine: AsyncEngine,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        settings: SyncSettings,
        progress: SyncProgress | None = None,
        indexer: Indexer | None = None,
        index_settings: IndexSettings | None = None,
    ) -> None:
        self._client = client
        self._engine = engine
        self._sessions = session_factory
        self._depth = settings.pipeline_depth
        self._progress = progress or LogProgress()
        self._concurrent_streams = settings.concurrent_streams
        self._feed = (
            None
            if indexer is None
            else IndexFeed(
                session_factory, indexer, settings=index_settings, progress=self._progress
            )
        )

    async def run(
        self,
        *,
        full: bool = False,
        organization_id: int | None = None,
        types: Collection[str] | None = None,
        on_start: Callable[[int], Awaitable[None]] | None = None,
    ) -> SyncReport:
        """Run one sync and record it as a sync run.

        Args:
            full: list every stream from the start and detect deletions; otherwise only what
                changed since each stream's checkpoint.
            organization_id: restrict the run to one organization (IT Glue id).
            types: JSON:API types to sync (the types they depend on come along).
            on_start: called with the run's id once the lock is held and the run recorded
                (the sync worker links its request to the run); its failure fails the run.

        Returns:
            The run's report.

        Raises:
            SyncAlreadyRunning: another sync holds the store's lock.
            UnknownRecordType: ``types`` names a type that is not synced.
            SyncError: ``organization_id`` is not an organization of the account.
            ItglueError: the API failed past retries, or stayed down past the client's
                ``breaker_wait_s`` (during an outage the run pauses instead; the run is
                recorded as failed and the next run resumes it).
            StoreError: the store failed (likewise).
            EmbedderError: the indexing phase could not embed (likewise; the records not
                indexed stay in the index outbox).
            VectorIndexError: the vector index failed (likewise).
        """
        with _tracer.start_as_current_span("sync.run") as span:
            report = await self._run(span, full, organization_id, types, on_start)
            span.set_attributes(
                {
                    "itglue_mcp.sync.run_id": report.run_id,
                    "itglue_mcp.sync.mode": report.mode,
                    "itglue_mcp.sync.records": report.total_records,
                    "itglue_mcp.sync.api_requests": report.api_requests,
                    "itglue_mcp.sync.rate_limited": report.rate_limited,
                }
            )
            return report

    async def _run(
        self,
        span: trace.Span,
        full: bool,
        organization_id: int | None,
        types: Collection[str] | None,
        on_start: Callable[[int], Awaitable[None]] | None,
    ) -> SyncReport:
        wanted = normalise_types(types)
        scope = {"organization_id": organization_id, "types": list(wanted)}
        started = time.monotonic()
        before = self._client.stats()
        span.set_attribute("itglue_mcp.sync.full", full)
        async with sync_lock(self._engine):
            run_id, mode, resumed = await self._open_run(full, scope)
            log = _log.bind(run_id=run_id, mode=mode)
            log.info("sync.started", resumed=resumed, scope=scope)
            writer = StoreWriter(self._sessions, run_id=run_id, client=self._client)
            counters = _Counters()
            try:
                if on_start is not None:
                    await on_start(run_id)
                await self._run_streams(
                    phase_one_streams(wanted, organization_id), run_id, mode, writer, counters
                )
                org_ids, type_ids = await writer.known_parents(organization_id)
                listed_orgs = "organizations" in wanted
                if organization_id is not None and listed_orgs and organization_id not in org_ids:
                    raise SyncError(
                        f"organization_id: {organization_id} is not an organization of this "
                        "IT Glue account"
                    )
                streams = phase_two_streams(
                    wanted,
                    organization_id=organization_id,
                    organization_ids=org_ids,
                    flexible_asset_type_ids=type_ids,
                )
                await self._run_streams(streams, run_id, mode, writer, counters)
                indexing = None
                if self._feed is not None:
                    with _tracer.start_as_current_span("sync.indexing"):
                        indexing = await self._feed.drain()
            except BaseException as exc:
                await self._close_run(run_id, "failed", _short_reason(exc))
                log.warning("sync.failed", reason=_short_reason(exc))
                raise
            await self._close_run(run_id, "succeeded", None)
        after = self._client.stats()
        report = SyncReport(
            run_id=run_id,
            mode=mode,
            resumed=resumed,
            records=dict(counters.records),
            deleted=dict(counters.deleted),
            api_requests=after.requests - before.requests,
            rate_limited=after.rate_limited - before.rate_limited,
            duration_s=time.monotonic() - started,
            indexing=indexing,
        )
        log.info(
            "sync.finished",
            records=report.total_records,
            deleted=sum(report.deleted.values()),
            api_requests=report.api_requests,
            rate_limited=report.rate_limited,
            duration_s=round(report.duration_s, 3),
        )
        return report

    async def _open_run(self, full: bool, scope: Mapping[str, object]) -> tuple[int, str, bool]:
        """Resume the newest unfinished full run of the same scope, or start a new run."""
        async with unit_of_work(self._sessions) as session:
            latest = await sync_state.latest_run(session)
            if latest is not None and latest.status in ("running", "failed"):
                if latest.mode == "full" and dict(latest.scope) == dict(scope):
                    await sync_state.reopen_run(session, latest.id)
                    return latest.id, "full", True
                if latest.status == "running":
                    await sync_state.finish_run(
                        session, latest.id, "failed", "abandoned: a new run started"
                    )
            # The very first run lists everything anyway: call it what it is.
            first = await sync_state.latest_run(session, status=sync_state.RunStatus.SUCCEEDED)
            mode = "full" if full or first is None else "incremental"
            run_id = await sync_state.start_run(session, mode, dict(scope))
            return run_id, mode, False

    async def _close_run(self, run_id: int, status: str, reason: str | None) -> None:
        async with unit_of_work(self._sessions) as session:
            await sync_state.finish_run(session, run_id, status, reason)

    async def _run_streams(
        self,
        streams: Sequence[Stream],
        run_id: int,
        mode: str,
        writer: StoreWriter,
        counters: _Counters,
    ) -> None:
        """List ``streams`` concurrently, committing their pages through one writer."""
        if not streams:
            return
        queue: asyncio.Queue[PageWrite | None] = asyncio.Queue(maxsize=self._depth * 2)
        slots = asyncio.Semaphore(self._concurrent_streams)

        async def produce(stream: Stream) -> None:
            async with slots:
                with _tracer.start_as_current_span(
                    "sync.stream",
                    attributes={
                        "itglue_mcp.sync.stream": stream.key,
                        "itglue_mcp.record_type": stream.record_type,
                    },
                ) as span:
                    pages = 0
                    async for write in self._stream_pages(stream, run_id, mode):
                        pages += 1
                        await queue.put(write)
                    span.set_attribute("itglue_mcp.sync.pages", pages)

        async def produce_all() -> None:
            async with asyncio.TaskGroup() as producers:
                for stream in streams:
                    producers.create_task(produce(stream))
            await queue.put(None)

        # The page being written, shielded from the run's cancellation: a page commits or
        # rolls back whole before the run is closed, so no connection is left mid-transaction
        # holding the store's write lock (SQLite) when the run records how it ended.
        writing: asyncio.Future[tuple[int, Mapping[str, int]]] | None = None

        async def consume() -> None:
            nonlocal writing
            while (write := await queue.get()) is not None:
                writing = asyncio.ensure_future(writer.write(write))
                written, deleted = await asyncio.shield(writing)
                record_type = write.stream.record_type
                counters.records[record_type] = counters.records.get(record_type, 0) + written
                for deleted_type, count in deleted.items():
                    counters.deleted[deleted_type] = counters.deleted.get(deleted_type, 0) + count
                self._progress.advance(record_type, len(write.records))

        try:
            # A failing producer cancels the writer and the other producers, and vice versa.
            async with asyncio.TaskGroup() as group:
                group.create_task(produce_all())
                group.create_task(consume())
        except BaseExceptionGroup as group_error:
            if writing is not None and not writing.done():
                # Its outcome is the page's own; the run fails with the first error either way.
                await asyncio.wait([writing])
                if not writing.cancelled():
                    writing.exception()  # retrieved: the first error is the one reported
            raise _first_leaf(group_error) from None

    async def _stream_state(self, stream: Stream, run_id: int, mode: str) -> _StreamState | None:
        """Where ``stream`` starts in this run; ``None`` when it is already complete."""
        # A read-only unit of work: on SQLite it begins without the write lock, so a stream
        # starting while the writer commits neither waits for it nor holds it when cancelled.
        async with unit_of_work(self._sessions, read_only=True) as session:
            checkpoint = await sync_state.get_checkpoint(session, stream.key)
        if checkpoint is not None and checkpoint.run_id == run_id:
            if checkpoint.completed:
                return None
            return _StreamState(
                _resume_page(checkpoint.next_page, checkpoint.page_size, self._client.page_size),
                None,
                checkpoint.high_water_mark,
            )
        if mode == "incremental" and checkpoint is not None and checkpoint.completed:
            return _StreamState(1, checkpoint.high_water_mark, checkpoint.high_water_mark)
        return _StreamState(1, None)

    async def _stream_pages(
        self, stream: Stream, run_id: int, mode: str
    ) -> AsyncIterator[PageWrite]:
        state = await self._stream_state(stream, run_id, mode)
        if state is None:
            return
        since = state.incremental_since
        if since is None or stream.incremental is Incremental.UPDATED_AT_FILTER:
            params = dict(stream.params)
            if since is not None:
                params["filter[updated_at]"] = f"{_api_time(since)},*"
            params["sort"] = "id"
            pages = self._pipelined(stream.path, stream.model, params, state.start_page)
            async for page in pages:
                # The range filter includes its start (and IT Glue compares whole seconds):
                # records at or before the checkpoint are already stored.
                fresh = None
                if since is not None:
                    fresh = [
                        r for r in page.records if r.updated_at is None or r.updated_at > since
                    ]
                yield self._page_write(
                    stream, page, state, full=since is None, last=False, records=fresh
                )
            return
        params = {**stream.params, "sort": "-updated_at"}
        async for page in self._client.iter_pages(stream.path, stream.model, params=params):
            fresh = [r for r in page.records if _after(r.updated_at, since)]
            reached = len(fresh) < len(page.records) or page.meta.next_page is None
            yield self._page_write(stream, page, state, full=False, last=reached, records=fresh)
            if reached:
                return

    def _page_write(
        self,
        stream: Stream,
        page: Page[ItglueRecord],
        state: _StreamState,
        *,
        full: bool,
        last: bool,
        records: Sequence[ItglueRecord] | None = None,
    ) -> PageWrite:
        kept = list(page.records if records is None else records)
        if stream.organization_id is not None:
            # Unknown filters are silently ignored by IT Glue: never trust the scope filter.
            kept = [
                r
                for r in kept
                if getattr(r, "organization_id", None) in (None, stream.organization_id)
            ]
        if page.meta.number == 1 and full and page.meta.total_count is not None:
            self._progress.add_total(stream.record_type, page.meta.total_count)
        for record in kept:
            if record.updated_at is not None and (
                state.newest is None or record.updated_at > state.newest
            ):
                state.newest = record.updated_at
        is_last = last or page.meta.next_page is None
        return PageWrite(
            stream=stream,
            records=kept,
            next_page=None if is_last else page.meta.number + 1,
            page_size=self._client.page_size,
            high_water_mark=state.newest,
            finished=is_last,
            detect_deletions=full and is_last,
        )

    async def _pipelined(
        self,
        path: str,
        model: type[ItglueRecord],
        params: Mapping[str, str],
        start_page: int,
    ) -> AsyncIterator[Page[ItglueRecord]]:
        """Pages ``start_page``… in order, up to ``pipeline_depth`` requests ahead."""
        first = await self._client.fetch_page(path, model, params=params, page_number=start_page)
        yield first
        if first.meta.next_page is None:
            return
        if first.meta.total_pages is None:
            async for page in self._client.iter_pages(
                path, model, params=params, start_page=first.meta.next_page
            ):
                yield page
            return
        ahead: list[asyncio.Task[Page[ItglueRecord]]] = []
        number = first.meta.next_page
        try:
            while number <= first.meta.total_pages or ahead:
                while len(ahead) < self._depth and number <= first.meta.total_pages:
                    ahead.append(
                        asyncio.create_task(
                            self._client.fetch_page(path, model, params=params, page_number=number)
                        )
                    )
                    number += 1
                page = await ahead.pop(0)
                yield page
                if page.meta.next_page is None:
                    return
        finally:
            for task in ahead:
                task.cancel()


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first real error inside (possibly nested) exception groups of the task groups."""
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first


def _resume_page(next_page: int | None, saved_size: int | None, size: int) -> int:
    """The page to resume at with ``size`` records a page, given a checkpoint's position.

    Page numbers only mean something with their page size: a run resumed with another
    ``page[size]`` starts at the page holding the first record not yet committed, re-reading
    at most one page (upserts are idempotent) rather than skipping any.
    """
    if not next_page:
        return 1
    done = (next_page - 1) * (saved_size or size)
    return done // size + 1


def _api_time(value: datetime) -> str:
    """RFC 3339 UTC with milliseconds, as IT Glue writes timestamps."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _short_reason(exc: BaseException) -> str:
    """A one-line reason for the run record: the error type and its (secret-free) message."""
    if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt):
        return "interrupted"
    return f"{type(exc).__name__}: {exc}"[:500]


def _after(updated_at: datetime | None, since: datetime) -> bool:
    """Whether a record changed after the checkpoint (one without a time always counts)."""
    return updated_at is None or updated_at > since
