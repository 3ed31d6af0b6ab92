"""Per-organization sync status, derived from the runs that covered each organization
(SQLite and PostgreSQL), and the secret-free error kind of a failed run."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.sync_status import SyncState, SyncStatusService, error_kind
from itglue_mcp.store import SyncMode, unit_of_work
from itglue_mcp.store.sync_state import (
    RunStatus,
    finish_run,
    get_run,
    record_progress,
    start_run,
)

Sessions = async_sessionmaker[AsyncSession]


async def _run(
    sessions: Sessions, organization_id: int | None, status: RunStatus | None, written: int = 0
) -> int:
    async with unit_of_work(sessions) as session:
        run_id = await start_run(
            session, SyncMode.INCREMENTAL, {"organization_id": organization_id, "types": []}
        )
        await record_progress(session, run_id, {"configurations": {"updated": written}})
        if status is not None:
            message = "ItglueError: GET https://api.example/?key=ITG.secret failed"
            await finish_run(
                session, run_id, status, message if status is RunStatus.FAILED else None
            )
    return run_id


async def test_states_follow_the_newest_covering_run(session_factory: Sessions) -> None:
    service = SyncStatusService(session_factory)
    assert (await service.organization_status(7)).state is SyncState.NEVER
    assert await service.state_counts([7, 8]) == {"never": 2}

    account = await _run(session_factory, None, RunStatus.SUCCEEDED, written=40)
    failed = await _run(session_factory, 7, RunStatus.FAILED)
    running = await _run(session_factory, 8, None, written=3)
    await _run(session_factory, 9, RunStatus.SUCCEEDED, written=5)

    seven = await service.organization_status(7)
    eight = await service.organization_status(8)
    nine = await service.organization_status(9)
    other = await service.organization_status(10)
    async with unit_of_work(session_factory) as session:
        account_run = await get_run(session, account)
    assert account_run is not None
    assert (seven.state, seven.run_id, seven.records) == (SyncState.FAILED, failed, 0)
    assert seven.last_success == account_run.finished_at
    assert (eight.state, eight.run_id, eight.records) == (SyncState.RUNNING, running, 3)
    assert (nine.state, nine.records) == (SyncState.SUCCEEDED, 5)
    assert nine.last_success is not None and nine.last_success >= seven.last_success
    # Covered by the account-wide run only: its counts span every organization, not shown.
    assert (other.state, other.run_id, other.records) == (SyncState.SUCCEEDED, account, None)
    assert await service.state_counts([7, 8, 9, 10, 11]) == {
        "failed": 1,
        "running": 1,
        "succeeded": 3,
    }
    # Organizations no run was scoped to: the account-wide run's state, counted once each.
    assert await service.state_counts([10, 11, 12]) == {"succeeded": 3}
    assert await service.state_counts([7, 10]) == {"failed": 1, "succeeded": 1}


async def test_a_failed_runs_error_is_shown_by_kind_only(session_factory: Sessions) -> None:
    run_id = await _run(session_factory, 7, RunStatus.FAILED)
    async with unit_of_work(session_factory) as session:
        run = await get_run(session, run_id)

    assert run is not None and "ITG.secret" in (run.error_message or "")
    assert error_kind(run) == "ItglueError"
