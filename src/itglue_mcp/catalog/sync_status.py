"""Sync status: the syncs asked for on demand, and how fresh each organization is.

The one home of three questions:

- **May a sync be queued now?** :meth:`SyncStatusService.request_sync` queues one (the sync
  worker runs it) unless a sync holds the store's lock or a request is queued or running:
  then :class:`SyncBusy` names the run or request in progress (one sync at a time).
- **Where does a request stand?** :meth:`SyncStatusService.request_status`: the request and
  the run the worker started for it.
- **How fresh is an organization?** A state derived from the runs that covered it — runs
  scoped to it and account-wide runs: ``never``, ``running``, ``succeeded`` or ``failed``
  (the newest such run's status), its last success, and what that run wrote when it covered
  this organization alone. :meth:`SyncStatusService.state_counts` counts organizations per
  state for ``health`` from one grouped query.

A run's error text never leaves here: :func:`error_kind` reduces it to the error's type.

Example::

    service = SyncStatusService(sessions)
    request = await service.request_sync(organization_id=7, full=False, requested_by="ada")
    status = await service.request_status(request.id)
    (await service.organization_status(7)).state    # SyncState.RUNNING
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from itglue_mcp.catalog.unit import reading
from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.store import sync_requests, sync_state
from itglue_mcp.store.database import unit_of_work
from itglue_mcp.store.errors import StoreIntegrityError
from itglue_mcp.store.sync_requests import SyncRequest, SyncRequestStatus
from itglue_mcp.store.sync_state import RunOutcome, RunStatus, SyncRun
from itglue_mcp.sync.lock import sync_lock_held

__all__ = [
    "OrganizationSync",
    "RequestStatus",
    "SyncBusy",
    "SyncRequest",
    "SyncRequestStatus",
    "SyncState",
    "SyncStatusService",
    "error_kind",
    "written",
]


class SyncState(StrEnum):
    """How the newest sync covering an organization went (``never``: none covered it)."""

    NEVER = "never"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class SyncBusy(ItglueMcpError):
    """A sync is already running or queued: at most one sync at a time.

    Attributes:
        run_id: the run in progress, when one is.
        request_id: the request queued or running, when one is.
    """

    def __init__(self, message: str, run_id: int | None, request_id: int | None) -> None:
        super().__init__(message)
        self.run_id = run_id
        self.request_id = request_id


@dataclass(frozen=True, slots=True)
class OrganizationSync:
    """How fresh one organization is.

    Attributes:
        state: the newest covering run's status, or ``never``.
        run_id: that run.
        last_success: when the newest covering run that succeeded finished.
        records: records that run wrote (created or updated), when it covered this
            organization alone (an account-wide run's counts span every organization).
    """

    state: SyncState
    run_id: int | None = None
    last_success: datetime | None = None
    records: int | None = None


@dataclass(frozen=True, slots=True)
class RequestStatus:
    """A sync request and the run the worker started for it (``None`` until it starts)."""

    request: SyncRequest
    run: SyncRun | None


def written(run: SyncRun) -> tuple[int, int]:
    """``(records created or updated, records marked deleted)`` by ``run``, over all types."""
    counters = run.counts.values()
    return (
        sum(c.get("created", 0) + c.get("updated", 0) for c in counters),
        sum(c.get("deleted", 0) for c in counters),
    )


def error_kind(run: SyncRun) -> str | None:
    """What made ``run`` fail, as a word safe to show: the error's type (``ItglueError``),
    ``interrupted``, or ``error``; ``None`` for a run that did not fail.

    The recorded message (``"Type: message"``, :mod:`itglue_mcp.sync.engine`) may quote
    a URL or a response; only its leading type name is kept.
    """
    if run.status is not RunStatus.FAILED:
        return None
    head = (run.error_message or "").split(":", 1)[0].strip()
    return head if head.isidentifier() else "error"


def _covering(outcomes: Sequence[RunOutcome], organization_id: int) -> list[RunOutcome]:
    return [o for o in outcomes if o.organization_id in (None, organization_id)]


def _state(covering: Sequence[RunOutcome]) -> tuple[SyncState, int | None, datetime | None]:
    if not covering:
        return SyncState.NEVER, None, None
    newest = max(covering, key=lambda o: o.run_id)
    successes = [
        o.finished_at
        for o in covering
        if o.status is RunStatus.SUCCEEDED and o.finished_at is not None
    ]
    return SyncState(newest.status.value), newest.run_id, max(successes, default=None)


class SyncStatusService:
    """Sync requests and per-organization sync status over one store.

    One instance per process (:class:`~itglue_mcp.catalog.Catalog` holds it).

    Args:
        sessions: the store's session factory (bound to its engine).
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    def _engine(self) -> AsyncEngine:
        engine = self._sessions.kw.get("bind")
        if not isinstance(engine, AsyncEngine):
            raise TypeError("the session factory is bound to no engine")
        return engine

    async def request_sync(
        self, *, organization_id: int | None, full: bool, requested_by: str
    ) -> SyncRequest:
        """Queue a sync for the sync worker (in its own unit of work, committed on return).

        Args:
            organization_id: the organization (IT Glue id); ``None``: the whole account.
            full: list everything and detect deletions.
            requested_by: the caller's subject.

        Raises:
            SyncBusy: a sync holds the store's lock (run named), or a request is queued or
                running (request and run named).
            StoreError: the store failed.
        """
        if await sync_lock_held(self._engine()):
            async with reading(self._sessions) as session:
                running = await sync_state.unfinished_run(session)
                active = await sync_requests.active_request(session)
            run_id = None if running is None else running.id
            raise SyncBusy(
                _busy_message(run_id, active), run_id, None if active is None else active.id
            )
        try:
            async with unit_of_work(self._sessions) as session:
                active = await sync_requests.active_request(session)
                if active is None:
                    return await sync_requests.enqueue_request(
                        session,
                        organization_id=organization_id,
                        full=full,
                        requested_by=requested_by,
                    )
        except StoreIntegrityError:
            # Another replica queued one between the check and the insert: name it.
            async with unit_of_work(self._sessions) as session:
                active = await sync_requests.active_request(session)
        run_id = None if active is None else active.run_id
        raise SyncBusy(_busy_message(run_id, active), run_id, None if active is None else active.id)

    async def request_status(self, request_id: int | None) -> RequestStatus | None:
        """The request ``request_id`` (``None``: the newest) and its run; ``None`` when there
        is no such request.

        Raises:
            StoreError: the store failed.
        """
        async with reading(self._sessions) as session:
            if request_id is None:
                request = await sync_requests.latest_request(session)
            else:
                request = await sync_requests.get_request(session, request_id)
            if request is None:
                return None
            run = None
            if request.run_id is not None:
                run = await sync_state.get_run(session, request.run_id)
        return RequestStatus(request, run)

    async def organization_status(self, organization_id: int) -> OrganizationSync:
        """How fresh organization ``organization_id`` is.

        Raises:
            StoreError: the store failed.
        """
        async with reading(self._sessions) as session:
            outcomes = await sync_state.run_outcomes(session)
            state, run_id, last_success = _state(_covering(outcomes, organization_id))
            records = None
            if run_id is not None:
                run = await sync_state.get_run(session, run_id)
                if run is not None and run.scope.get("organization_id") == organization_id:
                    records = written(run)[0]
        return OrganizationSync(state, run_id, last_success, records)

    async def state_counts(self, organization_ids: Collection[int]) -> dict[str, int]:
        """How many of ``organization_ids`` are in each :class:`SyncState` (states with none
        left out).

        Raises:
            StoreError: the store failed.
        """
        async with reading(self._sessions) as session:
            outcomes = await sync_state.run_outcomes(session)
        # Outcomes by organization once, not filtered again for each of the organizations.
        account = [o for o in outcomes if o.organization_id is None]
        own: dict[int, list[RunOutcome]] = {}
        for outcome in outcomes:
            if outcome.organization_id is not None:
                own.setdefault(outcome.organization_id, []).append(outcome)
        # An organization no run was scoped to is in the account-wide runs' state: computed
        # once for all of them (most of an account), so the count costs the same at 1,000
        # organizations as at 10.
        wanted = set(organization_ids)
        scoped = [organization_id for organization_id in own if organization_id in wanted]
        counts: Counter[str] = Counter(
            str(_state([*account, *own[organization_id]])[0]) for organization_id in scoped
        )
        if len(wanted) > len(scoped):
            counts[str(_state(account)[0])] += len(wanted) - len(scoped)
        return dict(sorted(counts.items()))


def _busy_message(run_id: int | None, active: SyncRequest | None) -> str:
    """One line naming what is in progress."""
    if active is not None and active.status is SyncRequestStatus.QUEUED and run_id is None:
        return (
            f"a sync is already queued (request {active.id}); follow it with sync_status, "
            "one sync runs at a time"
        )
    run = f"sync run {run_id}" if run_id is not None else "a sync"
    request = f" (request {active.id})" if active is not None else ""
    return f"{run}{request} is in progress; follow it with sync_status, one sync runs at a time"
