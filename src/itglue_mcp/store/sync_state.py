"""Sync bookkeeping: per-stream checkpoints and the record of each sync run.

A *stream* is one listing the sync pages through ("configurations", "flexible-assets:42",
"documents:org:7"). Its checkpoint holds the incremental high-water mark and, during a full
run, the page to resume from. A *run* records mode, scope, progress counters and outcome;
a run left ``running`` by a crash is found by :func:`unfinished_run`, a failed one can be
reopened with :func:`reopen_run`, and either resumed.

Example::

    run_id = await start_run(session, SyncMode.FULL, {"organization_id": 7})
    await save_checkpoint(session, Checkpoint("configurations", run_id=run_id, next_page=3))
    await record_progress(session, run_id, {"configurations": {"upserted": 1000}}, 3, 0, 0)
    await finish_run(session, run_id, RunStatus.SUCCEEDED)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import StoreError, translate_errors
from itglue_mcp.store.models import SyncCheckpointRow, SyncRunRow, utcnow

__all__ = [
    "Checkpoint",
    "RunOutcome",
    "RunStatus",
    "SyncMode",
    "SyncRun",
    "delete_checkpoints",
    "finish_run",
    "get_checkpoint",
    "get_run",
    "latest_run",
    "list_checkpoints",
    "record_progress",
    "reopen_run",
    "run_outcomes",
    "save_checkpoint",
    "start_run",
    "unfinished_run",
]

# Longest error message kept on a run; callers pass a summary, never a response body.
MAX_ERROR_MESSAGE = 500


class SyncMode(StrEnum):
    """How a run fetches: everything (with deletion detection) or changes since a mark."""

    FULL = "full"
    INCREMENTAL = "incremental"


class RunStatus(StrEnum):
    """Where a run stands."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where one stream stands.

    Attributes:
        stream: the stream's name ("configurations", "documents:org:7").
        high_water_mark: newest ``updated_at`` fully synced (incremental runs start here).
        run_id: the full run that is paging through the stream, if any.
        next_page: the page a resumed full run continues from (1-based).
        page_size: the ``page[size]`` that ``next_page`` counts in (a resumed run with
            another page size converts, rather than skip records).
        completed: the stream was listed to its end by ``run_id``.
        updated_at: when the store last saved it (set by :func:`save_checkpoint`).
    """

    stream: str
    high_water_mark: datetime | None = None
    run_id: int | None = None
    next_page: int | None = None
    page_size: int | None = None
    completed: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SyncRun:
    """One sync run as recorded.

    Attributes:
        counts: per record type, counters by name (``{"configurations": {"upserted": 12}}``).
        api_requests, rate_limited, errors: totals over the run.
    """

    id: int
    mode: SyncMode
    status: RunStatus
    scope: dict[str, Any]
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, dict[str, int]]
    api_requests: int
    rate_limited: int
    errors: int
    error_message: str | None


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """The newest run of one scope that ended (or is running) with one status.

    Attributes:
        organization_id: the organization the runs were scoped to; ``None``: account-wide.
        status: their status.
        run_id: the newest such run.
        finished_at: when the newest such run finished (``None`` while running).
    """

    organization_id: int | None
    status: RunStatus
    run_id: int
    finished_at: datetime | None


def _checkpoint(row: SyncCheckpointRow) -> Checkpoint:
    return Checkpoint(
        stream=row.stream,
        high_water_mark=row.high_water_mark,
        run_id=row.run_id,
        next_page=row.next_page,
        page_size=row.page_size,
        completed=row.completed,
        updated_at=row.updated_at,
    )


def _run(row: SyncRunRow) -> SyncRun:
    return SyncRun(
        id=row.id,
        mode=SyncMode(row.mode),
        status=RunStatus(row.status),
        scope=dict(row.scope),
        started_at=row.started_at,
        finished_at=row.finished_at,
        counts={kind: dict(counters) for kind, counters in row.counts.items()},
        api_requests=row.api_requests,
        rate_limited=row.rate_limited,
        errors=row.errors,
        error_message=row.error_message,
    )


async def get_checkpoint(session: AsyncSession, stream: str) -> Checkpoint | None:
    """The checkpoint of ``stream``, or ``None`` when the stream was never synced."""
    with translate_errors("read sync_checkpoints"):
        row = await session.get(SyncCheckpointRow, stream)
    return None if row is None else _checkpoint(row)


async def list_checkpoints(session: AsyncSession, prefix: str = "") -> list[Checkpoint]:
    """Checkpoints whose stream starts with ``prefix`` (all when empty), by stream name."""
    statement = (
        select(SyncCheckpointRow)
        .where(SyncCheckpointRow.stream.startswith(prefix, autoescape=True))
        .order_by(SyncCheckpointRow.stream)
    )
    with translate_errors("read sync_checkpoints"):
        return [_checkpoint(row) for row in await session.scalars(statement)]


async def save_checkpoint(session: AsyncSession, checkpoint: Checkpoint) -> Checkpoint:
    """Create or overwrite the checkpoint of ``checkpoint.stream``.

    Returns:
        The checkpoint as saved, with ``updated_at`` set to now.
    """
    values = {
        "high_water_mark": checkpoint.high_water_mark,
        "run_id": checkpoint.run_id,
        "next_page": checkpoint.next_page,
        "page_size": checkpoint.page_size,
        "completed": checkpoint.completed,
        "updated_at": utcnow(),
    }
    with translate_errors("write sync_checkpoints"):
        row = await session.get(SyncCheckpointRow, checkpoint.stream)
        if row is None:
            row = SyncCheckpointRow(stream=checkpoint.stream, **values)
            session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        await session.flush()
    return _checkpoint(row)


async def delete_checkpoints(session: AsyncSession, prefix: str) -> int:
    """Delete the checkpoints whose stream starts with ``prefix`` ("" deletes all).

    Returns:
        How many were deleted.
    """
    statement = delete(SyncCheckpointRow).where(
        SyncCheckpointRow.stream.startswith(prefix, autoescape=True)
    )
    with translate_errors("delete from sync_checkpoints"):
        result = await session.execute(statement.returning(SyncCheckpointRow.stream))
        deleted = len(result.all())
    # Rows loaded earlier in this session would otherwise shadow the deletion.
    session.expire_all()
    return deleted


async def start_run(session: AsyncSession, mode: SyncMode | str, scope: Mapping[str, Any]) -> int:
    """Record a new run as ``running``, started now.

    Args:
        session: the unit of work's session.
        mode: ``full`` or ``incremental``.
        scope: what the run covers, JSON-able (``{"organization_id": 7, "types": [...]}``).

    Returns:
        The run's id.

    Raises:
        StoreError: ``mode`` is not a :class:`SyncMode`, or the database failed.
    """
    try:
        run_mode = SyncMode(mode)
    except ValueError:
        raise StoreError(f"sync run mode must be full or incremental, got {mode!r}") from None
    row = SyncRunRow(
        mode=run_mode, status=RunStatus.RUNNING, scope=dict(scope), started_at=utcnow()
    )
    with translate_errors("write sync_runs"):
        session.add(row)
        await session.flush()
    return row.id


async def _run_row(session: AsyncSession, run_id: int) -> SyncRunRow:
    with translate_errors("read sync_runs"):
        row = await session.get(SyncRunRow, run_id)
    if row is None:
        raise StoreError(f"sync run {run_id} does not exist")
    return row


async def record_progress(
    session: AsyncSession,
    run_id: int,
    counts_delta: Mapping[str, Mapping[str, int]] | None = None,
    api_requests: int = 0,
    rate_limited: int = 0,
    errors: int = 0,
) -> None:
    """Add to a run's counters.

    Args:
        session: the unit of work's session.
        run_id: the run.
        counts_delta: per record type, counter name → amount to add.
        api_requests: requests sent since the last call.
        rate_limited: 429 answers since the last call.
        errors: failed requests or records since the last call.

    Raises:
        StoreError: the run does not exist, or the database failed.
    """
    row = await _run_row(session, run_id)
    counts = {kind: dict(counters) for kind, counters in row.counts.items()}
    for kind, counters in (counts_delta or {}).items():
        totals = counts.setdefault(kind, {})
        for name, amount in counters.items():
            totals[name] = totals.get(name, 0) + amount
    row.counts = counts  # a new object, so the ORM sees the JSON change
    row.api_requests += api_requests
    row.rate_limited += rate_limited
    row.errors += errors
    with translate_errors("write sync_runs"):
        await session.flush()


async def finish_run(
    session: AsyncSession,
    run_id: int,
    status: RunStatus | str,
    error_message: str | None = None,
) -> None:
    """Close a run as ``succeeded`` or ``failed``, finished now.

    Args:
        session: the unit of work's session.
        run_id: the run.
        status: ``succeeded`` or ``failed``.
        error_message: a short summary for a failed run (no secrets, no response bodies);
            cut to :data:`MAX_ERROR_MESSAGE` characters.

    Raises:
        StoreError: the run does not exist, ``status`` is not final, or the database failed.
    """
    if status not in (RunStatus.SUCCEEDED, RunStatus.FAILED):
        raise StoreError(f"a sync run finishes as succeeded or failed, not {status!r}")
    row = await _run_row(session, run_id)
    row.status = RunStatus(status)
    row.finished_at = utcnow()
    row.error_message = None if error_message is None else error_message[:MAX_ERROR_MESSAGE]
    with translate_errors("write sync_runs"):
        await session.flush()


async def reopen_run(session: AsyncSession, run_id: int) -> None:
    """Mark a failed (or still running) run ``running`` again, to resume it.

    Its counters and checkpoints are kept; ``finished_at`` and ``error_message`` are cleared.

    Raises:
        StoreError: the run does not exist or succeeded, or the database failed.
    """
    row = await _run_row(session, run_id)
    if row.status == RunStatus.SUCCEEDED:
        raise StoreError(f"sync run {run_id} succeeded; only a failed run can be reopened")
    row.status = RunStatus.RUNNING
    row.finished_at = None
    row.error_message = None
    with translate_errors("write sync_runs"):
        await session.flush()


async def get_run(session: AsyncSession, run_id: int) -> SyncRun | None:
    """The run ``run_id``, or ``None`` when there is none."""
    with translate_errors("read sync_runs"):
        row = await session.get(SyncRunRow, run_id, populate_existing=True)
    return None if row is None else _run(row)


async def latest_run(session: AsyncSession, *, status: RunStatus | None = None) -> SyncRun | None:
    """The most recently started run (with ``status``, when given), or ``None``."""
    # Ids grow with every run, unlike wall-clock start times across hosts.
    statement = select(SyncRunRow).order_by(SyncRunRow.id.desc())
    if status is not None:
        statement = statement.where(SyncRunRow.status == status)
    with translate_errors("read sync_runs"):
        row = (await session.scalars(statement.limit(1))).first()
    return None if row is None else _run(row)


async def unfinished_run(session: AsyncSession) -> SyncRun | None:
    """The newest run still marked ``running`` (a crashed run to resume), or ``None``."""
    return await latest_run(session, status=RunStatus.RUNNING)


async def run_outcomes(session: AsyncSession) -> list[RunOutcome]:
    """Per scope (an organization, or the whole account) and status, the newest run.

    One grouped query over ``sync_runs`` (a row per run: thousands in a year of hourly runs);
    a run's organization is ``scope.organization_id`` as :meth:`SyncEngine.run` records it.
    """
    organization = SyncRunRow.scope["organization_id"].as_integer()
    statement = select(
        organization,
        SyncRunRow.status,
        func.max(SyncRunRow.id),
        func.max(SyncRunRow.finished_at),
    ).group_by(organization, SyncRunRow.status)
    with translate_errors("read sync_runs"):
        rows = (await session.execute(statement)).all()
    return [
        RunOutcome(
            organization_id=None if org is None else int(org),
            status=RunStatus(status),
            run_id=run_id,
            finished_at=finished,
        )
        for org, status, run_id, finished in rows
    ]
