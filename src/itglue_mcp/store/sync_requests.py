"""The sync request queue: syncs asked for on demand, claimed by the sync worker.

A serving replica only *enqueues* (:func:`enqueue_request`); ``itglue-mcp sync-worker``
*claims* the oldest queued request (:func:`claim_request`), records the run it started
(:func:`attach_run`) and its outcome (:func:`finish_request`). A partial unique index on
``status`` (migration 0008) keeps at most one request queued and one running: a second
:func:`enqueue_request` racing the first fails with :class:`StoreIntegrityError`.

Claiming is safe with several workers: on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED``
(a row one worker is claiming is skipped by the others), on SQLite an ``UPDATE … WHERE
status = 'queued'`` that only one writer can win (SQLite writers are serialised).

Example::

    request = await enqueue_request(session, organization_id=7, full=False, requested_by="ada")
    claimed = await claim_request(session)          # in the worker
    await attach_run(session, claimed.id, run_id=12)
    await finish_request(session, claimed.id, SyncRequestStatus.SUCCEEDED)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.database import Dialect
from itglue_mcp.store.errors import StoreError, translate_errors
from itglue_mcp.store.models import SyncRequestRow, utcnow

__all__ = [
    "SyncRequest",
    "SyncRequestStatus",
    "active_request",
    "attach_run",
    "claim_request",
    "enqueue_request",
    "fail_running_requests",
    "finish_request",
    "get_request",
    "latest_request",
    "requeue_request",
]


class SyncRequestStatus(StrEnum):
    """Where a request stands: waiting for the worker, being synced, done."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


_ACTIVE = (SyncRequestStatus.QUEUED, SyncRequestStatus.RUNNING)


@dataclass(frozen=True, slots=True)
class SyncRequest:
    """One request as recorded.

    Attributes:
        organization_id: the IT Glue organization to sync; ``None``: the whole account.
        full: list everything and detect deletions (else changes since the checkpoints).
        requested_by: the subject of the caller who asked.
        run_id: the sync run the worker started for it, once started.
    """

    id: int
    organization_id: int | None
    full: bool
    status: SyncRequestStatus
    requested_by: str
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    run_id: int | None


def _request(row: SyncRequestRow) -> SyncRequest:
    return SyncRequest(
        id=row.id,
        organization_id=row.organization_id,
        full=row.full,
        status=SyncRequestStatus(row.status),
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        run_id=row.run_id,
    )


async def enqueue_request(
    session: AsyncSession, *, organization_id: int | None, full: bool, requested_by: str
) -> SyncRequest:
    """Queue a sync of ``organization_id`` (``None``: the whole account).

    Raises:
        StoreIntegrityError: a request is already queued (the one-active-request index);
            callers check :func:`active_request` first and name it.
        StoreError: the database failed.
    """
    row = SyncRequestRow(
        organization_id=organization_id,
        full=full,
        status=SyncRequestStatus.QUEUED,
        requested_by=requested_by,
        requested_at=utcnow(),
    )
    with translate_errors("insert into sync_requests"):
        session.add(row)
        await session.flush()
    return _request(row)


async def get_request(session: AsyncSession, request_id: int) -> SyncRequest | None:
    """The request ``request_id``, or ``None``."""
    with translate_errors("read sync_requests"):
        row = await session.get(SyncRequestRow, request_id, populate_existing=True)
    return None if row is None else _request(row)


async def latest_request(session: AsyncSession) -> SyncRequest | None:
    """The newest request, or ``None`` when none was ever made."""
    statement = select(SyncRequestRow).order_by(SyncRequestRow.id.desc()).limit(1)
    with translate_errors("read sync_requests"):
        row = (await session.scalars(statement)).first()
    return None if row is None else _request(row)


async def active_request(session: AsyncSession) -> SyncRequest | None:
    """The running request, else the queued one, else ``None``."""
    statement = (
        select(SyncRequestRow)
        .where(SyncRequestRow.status.in_(_ACTIVE))
        # "queued" sorts after "running": the running one first.
        .order_by(SyncRequestRow.status.desc())
        .limit(1)
    )
    with translate_errors("read sync_requests"):
        row = (await session.scalars(statement)).first()
    return None if row is None else _request(row)


async def claim_request(session: AsyncSession) -> SyncRequest | None:
    """Mark the oldest queued request ``running`` (started now) and return it.

    Returns:
        ``None`` when nothing is queued, or another worker claimed it first.
    """
    pick = (
        select(SyncRequestRow.id)
        .where(SyncRequestRow.status == SyncRequestStatus.QUEUED)
        .order_by(SyncRequestRow.id)
        .limit(1)
    )
    if Dialect.of(session) is Dialect.POSTGRESQL:
        pick = pick.with_for_update(skip_locked=True)
    with translate_errors("claim from sync_requests"):
        request_id = await session.scalar(pick)
        if request_id is None:
            return None
        claimed = await session.execute(
            update(SyncRequestRow)
            .where(
                SyncRequestRow.id == request_id,
                SyncRequestRow.status == SyncRequestStatus.QUEUED,
            )
            .values(status=SyncRequestStatus.RUNNING, started_at=utcnow())
            .returning(SyncRequestRow.id)
        )
        if claimed.scalar() is None:
            return None
    return await get_request(session, request_id)


async def _set(session: AsyncSession, request_id: int, **values: object) -> None:
    with translate_errors("write sync_requests"):
        result = await session.execute(
            update(SyncRequestRow)
            .where(SyncRequestRow.id == request_id)
            .values(**values)
            .returning(SyncRequestRow.id)
        )
        if result.scalar() is None:
            raise StoreError(f"sync request {request_id} does not exist")


async def attach_run(session: AsyncSession, request_id: int, run_id: int) -> None:
    """Record the sync run started for a request.

    Raises:
        StoreError: the request does not exist, or the database failed.
    """
    await _set(session, request_id, run_id=run_id)


async def finish_request(
    session: AsyncSession,
    request_id: int,
    status: SyncRequestStatus,
    run_id: int | None = None,
) -> None:
    """Close a request as succeeded or failed, finished now (``run_id`` when known).

    Raises:
        StoreError: ``status`` is not final, the request does not exist, or the database
            failed.
    """
    if status in _ACTIVE:
        raise StoreError(f"a sync request finishes as succeeded or failed, not {status!r}")
    values: dict[str, object] = {"status": status, "finished_at": utcnow()}
    if run_id is not None:
        values["run_id"] = run_id
    await _set(session, request_id, **values)


async def requeue_request(session: AsyncSession, request_id: int) -> None:
    """Put a claimed request back in the queue (another sync held the lock meanwhile).

    Raises:
        StoreError: the request does not exist, or the database failed.
    """
    await _set(session, request_id, status=SyncRequestStatus.QUEUED, started_at=None)


async def fail_running_requests(session: AsyncSession) -> list[int]:
    """Close every ``running`` request as failed: their worker is gone (one worker runs at a
    time, and it calls this when it starts).

    Returns:
        The ids closed.
    """
    with translate_errors("write sync_requests"):
        result = await session.execute(
            update(SyncRequestRow)
            .where(SyncRequestRow.status == SyncRequestStatus.RUNNING)
            .values(status=SyncRequestStatus.FAILED, finished_at=utcnow())
            .returning(SyncRequestRow.id)
        )
        return sorted(result.scalars())
