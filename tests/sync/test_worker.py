"""The sync worker's bookkeeping (SQLite and PostgreSQL): a failed sync closes its request as
failed and logs the error's type only — never its message, which may quote a URL or a key —
and requests a killed worker left running are closed when the next one starts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from structlog.testing import capture_logs

from itglue_mcp.itglue.errors import ItglueError
from itglue_mcp.store import unit_of_work
from itglue_mcp.store.sync_requests import (
    SyncRequestStatus,
    claim_request,
    enqueue_request,
    get_request,
)
from itglue_mcp.sync.engine import SyncReport
from itglue_mcp.sync.worker import SyncWorker

Sessions = async_sessionmaker[AsyncSession]
KEY = "ITG.0123456789abcdef"


async def _failing(
    *, full: bool, organization_id: int | None, on_start: Callable[[int], Awaitable[None]]
) -> SyncReport:
    raise ItglueError(f"GET https://api.itglue.com/organizations?api_key={KEY}: 401")


async def _enqueue(sessions: Sessions) -> int:
    async with unit_of_work(sessions) as session:
        request = await enqueue_request(session, organization_id=7, full=False, requested_by="ada")
    return request.id


async def test_a_failed_sync_fails_its_request_and_logs_no_message(
    session_factory: Sessions,
) -> None:
    request_id = await _enqueue(session_factory)
    worker = SyncWorker(session_factory, _failing, poll_s=0.1)

    with capture_logs() as logs:
        outcome = await worker.run_next()
        idle = await worker.run_next()
    async with unit_of_work(session_factory) as session:
        request = await get_request(session, request_id)

    assert outcome is SyncRequestStatus.FAILED and idle is None
    assert request is not None and request.status is SyncRequestStatus.FAILED
    assert {"event": "sync_worker.sync_failed", "error_type": "ItglueError"}.items() <= next(
        entry for entry in logs if entry["event"] == "sync_worker.sync_failed"
    ).items()
    assert KEY not in repr(logs)


async def test_a_new_worker_closes_what_a_killed_one_left_running(
    session_factory: Sessions,
) -> None:
    request_id = await _enqueue(session_factory)
    async with unit_of_work(session_factory) as session:
        await claim_request(session)  # the killed worker's claim

    closed = await SyncWorker(session_factory, _failing).recover()
    async with unit_of_work(session_factory) as session:
        request = await get_request(session, request_id)

    assert closed == [request_id]
    assert request is not None and request.status is SyncRequestStatus.FAILED
