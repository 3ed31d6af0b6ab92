"""The sync request queue (SQLite and PostgreSQL): one request queued at a time, the oldest
claimed once, a claim put back, abandoned requests closed."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import StoreError, SyncMode, start_run, unit_of_work
from itglue_mcp.store.errors import StoreIntegrityError
from itglue_mcp.store.sync_requests import (
    SyncRequestStatus,
    active_request,
    attach_run,
    claim_request,
    enqueue_request,
    fail_running_requests,
    finish_request,
    get_request,
    requeue_request,
)

Sessions = async_sessionmaker[AsyncSession]


async def _enqueue(sessions: Sessions, organization_id: int | None = 7) -> int:
    async with unit_of_work(sessions) as session:
        request = await enqueue_request(
            session, organization_id=organization_id, full=False, requested_by="ada"
        )
    assert request.status is SyncRequestStatus.QUEUED
    return request.id


async def test_one_request_is_queued_at_a_time(session_factory: Sessions) -> None:
    first = await _enqueue(session_factory)

    with pytest.raises(StoreIntegrityError):
        await _enqueue(session_factory, None)

    async with unit_of_work(session_factory) as session:
        active = await active_request(session)
    assert active is not None and active.id == first and active.organization_id == 7


async def test_a_request_is_claimed_once_and_runs_to_its_end(session_factory: Sessions) -> None:
    request_id = await _enqueue(session_factory)

    async with unit_of_work(session_factory) as session:
        claimed = await claim_request(session)
        again = await claim_request(session)
        run_id = await start_run(session, SyncMode.INCREMENTAL, {"organization_id": 7})
        await attach_run(session, request_id, run_id)
    # The next request may be queued while this one runs.
    queued = await _enqueue(session_factory, None)
    async with unit_of_work(session_factory) as session:
        await finish_request(session, request_id, SyncRequestStatus.SUCCEEDED)
        done = await get_request(session, request_id)
        active = await active_request(session)

    assert claimed is not None and claimed.id == request_id and again is None
    assert claimed.status is SyncRequestStatus.RUNNING and claimed.started_at is not None
    assert done is not None and done.status is SyncRequestStatus.SUCCEEDED
    assert done.run_id == run_id and done.finished_at is not None
    assert active is not None and active.id == queued


async def test_a_claim_goes_back_and_abandoned_requests_fail(session_factory: Sessions) -> None:
    request_id = await _enqueue(session_factory)
    async with unit_of_work(session_factory) as session:
        await claim_request(session)
        await requeue_request(session, request_id)
        requeued = await get_request(session, request_id)
        await claim_request(session)
        closed = await fail_running_requests(session)
        failed = await get_request(session, request_id)
        with pytest.raises(StoreError, match="succeeded or failed"):
            await finish_request(session, request_id, SyncRequestStatus.QUEUED)

    assert requeued is not None and requeued.status is SyncRequestStatus.QUEUED
    assert requeued.started_at is None
    assert closed == [request_id]
    assert failed is not None and failed.status is SyncRequestStatus.FAILED
