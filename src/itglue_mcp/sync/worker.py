"""The sync worker: runs the syncs asked for on demand, one at a time, outside the servers.

The ``sync_data`` tool only queues a request (:mod:`itglue_mcp.store.sync_requests`); this
loop, run by ``itglue-mcp sync-worker`` (a one-replica Deployment beside the sync CronJob) or
in-process by the demo, claims the oldest queued request every ``poll_s`` seconds, runs the
sync it names through ``runner`` (the CLI's :func:`~itglue_mcp.cli.wiring.run_sync`), links
the run it started, and records the outcome. A request claimed while another sync holds the
lock (the CronJob started meanwhile) goes back to the queue and is tried again next poll.

Nothing it logs can hold the IT Glue API key: request and run ids, the organization id, the
outcome, and for a failure the error's type only (messages may quote URLs or bodies).

Example::

    worker = SyncWorker(sessions, runner, poll_s=2.0)
    await worker.recover()          # close the requests a killed worker left running
    await worker.serve(stop_event)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.store import sync_requests
from itglue_mcp.store.database import unit_of_work
from itglue_mcp.store.sync_requests import SyncRequest, SyncRequestStatus
from itglue_mcp.sync.engine import SyncReport
from itglue_mcp.sync.errors import SyncAlreadyRunning

__all__ = ["DEFAULT_POLL_S", "SyncRunner", "SyncWorker"]

_log = structlog.get_logger(__name__)

DEFAULT_POLL_S = 2.0
"""Seconds between two looks at the queue when it is empty."""


class SyncRunner(Protocol):
    """Runs one sync (the engine with its client and backends), as ``run_sync`` does."""

    def __call__(
        self,
        *,
        full: bool,
        organization_id: int | None,
        on_start: Callable[[int], Awaitable[None]],
    ) -> Awaitable[SyncReport]:
        """Sync ``organization_id`` (``None``: the account); ``on_start`` gets the run id.

        Raises:
            SyncAlreadyRunning: another sync holds the lock (the request is queued again).
            ItglueMcpError: the sync failed (the request is closed as failed).
        """
        ...


class SyncWorker:
    """Claims queued sync requests and runs them, one at a time.

    Args:
        sessions: the store's session factory (the queue lives in the store).
        runner: what runs one sync.
        poll_s: seconds between looks at an empty queue (> 0).
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        runner: SyncRunner,
        *,
        poll_s: float = DEFAULT_POLL_S,
    ) -> None:
        if poll_s <= 0:
            raise ValueError(f"poll_s: must be greater than 0 seconds, got {poll_s}")
        self._sessions = sessions
        self._runner = runner
        self._poll_s = poll_s

    async def recover(self) -> list[int]:
        """Close as failed the requests left ``running`` by a worker that was killed.

        Call once at start: one worker runs at a time (the Deployment has one replica and
        replaces it only after the old one stopped).
        """
        async with unit_of_work(self._sessions) as session:
            closed = await sync_requests.fail_running_requests(session)
        if closed:
            _log.warning("sync_worker.abandoned_requests", request_ids=closed)
        return closed

    async def run_next(self) -> SyncRequestStatus | None:
        """Claim the oldest queued request and run it.

        Returns:
            ``None`` when nothing was queued; else where the request stands afterwards
            (``queued`` again when another sync held the lock).

        Raises:
            StoreError: the queue could not be read or written.
        """
        async with unit_of_work(self._sessions) as session:
            request = await sync_requests.claim_request(session)
        if request is None:
            return None
        log = _log.bind(request_id=request.id, organization_id=request.organization_id)
        log.info("sync_worker.claimed", full=request.full)
        status, run_id = await self._run(request, log)
        async with unit_of_work(self._sessions) as session:
            if status is SyncRequestStatus.QUEUED:
                await sync_requests.requeue_request(session, request.id)
            else:
                await sync_requests.finish_request(session, request.id, status, run_id)
        log.info("sync_worker.finished", status=str(status), run_id=run_id)
        return status

    async def _run(
        self, request: SyncRequest, log: structlog.typing.FilteringBoundLogger
    ) -> tuple[SyncRequestStatus, int | None]:
        async def started(run_id: int) -> None:
            async with unit_of_work(self._sessions) as session:
                await sync_requests.attach_run(session, request.id, run_id)

        try:
            report = await self._runner(
                full=request.full, organization_id=request.organization_id, on_start=started
            )
        except SyncAlreadyRunning:
            log.info("sync_worker.lock_held")
            return SyncRequestStatus.QUEUED, None
        except asyncio.CancelledError:
            # Stopping mid-run: the request is closed now (the run itself is resumable).
            async with unit_of_work(self._sessions) as session:
                await sync_requests.finish_request(session, request.id, SyncRequestStatus.FAILED)
            raise
        except ItglueMcpError as error:
            log.warning("sync_worker.sync_failed", error_type=type(error).__name__)
            return SyncRequestStatus.FAILED, None
        return SyncRequestStatus.SUCCEEDED, report.run_id

    async def serve(self, stop: asyncio.Event | None = None) -> None:
        """Run requests until ``stop`` is set (forever without one).

        A store that fails is logged (its error type) and tried again after ``poll_s``.
        """
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                outcome = await self.run_next()
            except ItglueMcpError as error:
                _log.warning("sync_worker.queue_failed", error_type=type(error).__name__)
                outcome = None
            if outcome in (None, SyncRequestStatus.QUEUED):
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self._poll_s)
