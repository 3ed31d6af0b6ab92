"""Checkpoints and sync-run bookkeeping."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    Checkpoint,
    RunStatus,
    StoreError,
    SyncMode,
    delete_checkpoints,
    finish_run,
    get_checkpoint,
    get_run,
    latest_run,
    list_checkpoints,
    record_progress,
    reopen_run,
    save_checkpoint,
    start_run,
    unfinished_run,
    unit_of_work,
)
from itglue_mcp.store.sync_state import MAX_ERROR_MESSAGE

from .conftest import T0

Sessions = async_sessionmaker[AsyncSession]

STREAMS = [
    "configurations",
    "documents:org:7",
    "documents:org:70",
    "documents:org_7",
    "flexible-assets:42",
]


async def test_checkpoints_round_trip(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        assert await get_checkpoint(session, "configurations") is None
        saved = await save_checkpoint(
            session, Checkpoint("configurations", high_water_mark=T0, run_id=3, next_page=4)
        )
    assert saved.updated_at is not None
    async with unit_of_work(session_factory) as session:
        loaded = await get_checkpoint(session, "configurations")
        assert loaded == saved
        overwritten = await save_checkpoint(
            session, Checkpoint("configurations", high_water_mark=T0, completed=True)
        )
    async with unit_of_work(session_factory) as session:
        assert await get_checkpoint(session, "configurations") == overwritten
    assert (overwritten.run_id, overwritten.next_page, overwritten.completed) == (None, None, True)
    assert overwritten.high_water_mark == T0


async def test_checkpoints_by_prefix(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        for stream in STREAMS:
            await save_checkpoint(session, Checkpoint(stream))
    async with unit_of_work(session_factory) as session:
        listed = [c.stream for c in await list_checkpoints(session, "documents:org:7")]
        assert listed == ["documents:org:7", "documents:org:70"]
        # "_" and "%" are literal characters of the prefix, not LIKE wildcards.
        assert await delete_checkpoints(session, "documents:org_") == 1
        assert await delete_checkpoints(session, "documents:") == 2
        assert await get_checkpoint(session, "documents:org:7") is None
    async with unit_of_work(session_factory) as session:
        remaining = [c.stream for c in await list_checkpoints(session)]
        assert remaining == ["configurations", "flexible-assets:42"]
        assert await delete_checkpoints(session, "") == 2


async def test_run_lifecycle(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, SyncMode.FULL, {"organization_id": 7, "types": ["a"]})
    async with unit_of_work(session_factory) as session:
        await record_progress(session, run_id, {"configurations": {"upserted": 10}}, 3, 1, 0)
        await record_progress(
            session,
            run_id,
            {"configurations": {"upserted": 5, "deleted": 1}, "passwords": {"upserted": 2}},
            api_requests=2,
            errors=1,
        )
    async with unit_of_work(session_factory) as session:
        run = await get_run(session, run_id)
    assert run is not None
    assert (run.mode, run.status, run.finished_at) == (SyncMode.FULL, RunStatus.RUNNING, None)
    assert run.scope == {"organization_id": 7, "types": ["a"]}
    assert run.counts == {
        "configurations": {"upserted": 15, "deleted": 1},
        "passwords": {"upserted": 2},
    }
    assert (run.api_requests, run.rate_limited, run.errors) == (5, 1, 1)

    async with unit_of_work(session_factory) as session:
        await finish_run(session, run_id, RunStatus.FAILED, "x" * 2000)
    async with unit_of_work(session_factory) as session:
        run = await get_run(session, run_id)
    assert run is not None and run.status is RunStatus.FAILED
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert run.error_message == "x" * MAX_ERROR_MESSAGE


async def test_a_failed_run_can_be_reopened(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await record_progress(session, run_id, {"configurations": {"upserted": 3}})
        await finish_run(session, run_id, "failed", "rate limited")
    async with unit_of_work(session_factory) as session:
        await reopen_run(session, run_id)
    async with unit_of_work(session_factory) as session:
        run = await unfinished_run(session)
        assert run is not None and run.id == run_id
        assert (run.finished_at, run.error_message) == (None, None)
        assert run.counts == {"configurations": {"upserted": 3}}
        await finish_run(session, run_id, "succeeded")
        with pytest.raises(StoreError, match="only a failed run can be reopened"):
            await reopen_run(session, run_id)


async def test_latest_and_unfinished_runs(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        assert await latest_run(session) is None
        assert await unfinished_run(session) is None
        crashed = await start_run(session, "full", {})
        succeeded = await start_run(session, "incremental", {})
        await finish_run(session, succeeded, "succeeded")
        failed = await start_run(session, "incremental", {})
        await finish_run(session, failed, RunStatus.FAILED, "rate limited")
    async with unit_of_work(session_factory) as session:
        latest = await latest_run(session)
        latest_success = await latest_run(session, status=RunStatus.SUCCEEDED)
        unfinished = await unfinished_run(session)
    assert latest is not None and latest.id == failed
    assert latest_success is not None and latest_success.id == succeeded
    assert latest_success.mode is SyncMode.INCREMENTAL
    assert unfinished is not None and unfinished.id == crashed


async def test_run_errors(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        with pytest.raises(StoreError, match="mode must be full or incremental"):
            await start_run(session, "partial", {})
        with pytest.raises(StoreError, match="sync run 404 does not exist"):
            await record_progress(session, 404, api_requests=1)
        run_id = await start_run(session, "full", {})
        with pytest.raises(StoreError, match="succeeded or failed"):
            await finish_run(session, run_id, RunStatus.RUNNING)
        assert await get_run(session, 404) is None
