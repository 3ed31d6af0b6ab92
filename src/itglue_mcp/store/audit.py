"""The audit log: an append-only record of every access decision the server makes.

There is deliberately no function to change an event, and exactly one that removes events:
:func:`purge_audit_events`, which deletes those older than a cut-off (the retention of
``audit.retention_days``, applied by ``itglue-mcp audit purge``). Events never hold secret
values or tool arguments, only who asked for what and the decision. :func:`iter_audit_events`
streams events in time order for an export, a page at a time.

Example::

    await append_audit_event(
        session, subject="alice@msp.example", decision=AuditDecision.DENY,
        tool="get_password", organization_id=7, record_type="passwords", record_id=42,
        reason="role technician lacks passwords:reveal",
    )
    events = await list_audit_events(session, since=yesterday)
    async for event in iter_audit_events(sessions, since=last_month):
        ...
    removed = await purge_audit_events(session, before=now - timedelta(days=400))
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store.database import unit_of_work
from itglue_mcp.store.errors import StoreError, translate_errors
from itglue_mcp.store.models import AuditEventRow, utcnow

__all__ = [
    "AuditDecision",
    "AuditEvent",
    "append_audit_event",
    "iter_audit_events",
    "list_audit_events",
    "purge_audit_events",
]


class AuditDecision(StrEnum):
    """The outcome of an access check."""

    ALLOW = "allow"
    DENY = "deny"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One recorded access decision.

    Attributes:
        subject: who acted (the token's ``sub``, or ``"anonymous"``).
        client_id: the OAuth client the request came through.
        tool: the MCP tool (or resource) invoked.
        organization_id, record_type, record_id: what was accessed, when known.
        reason: why the decision was taken (policy rule, missing scope…).
        request_id, trace_id: correlation with logs and traces.
        source_ip: the client address as the server saw it.
    """

    id: int
    occurred_at: datetime
    subject: str
    decision: AuditDecision
    client_id: str | None = None
    tool: str | None = None
    organization_id: int | None = None
    record_type: str | None = None
    record_id: int | None = None
    reason: str | None = None
    request_id: str | None = None
    trace_id: str | None = None
    source_ip: str | None = None


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        occurred_at=row.occurred_at,
        subject=row.subject,
        decision=AuditDecision(row.decision),
        client_id=row.client_id,
        tool=row.tool,
        organization_id=row.organization_id,
        record_type=row.record_type,
        record_id=row.record_id,
        reason=row.reason,
        request_id=row.request_id,
        trace_id=row.trace_id,
        source_ip=row.source_ip,
    )


async def append_audit_event(
    session: AsyncSession,
    *,
    subject: str,
    decision: AuditDecision | str,
    tool: str | None = None,
    client_id: str | None = None,
    organization_id: int | None = None,
    record_type: str | None = None,
    record_id: int | None = None,
    reason: str | None = None,
    request_id: str | None = None,
    trace_id: str | None = None,
    source_ip: str | None = None,
    occurred_at: datetime | None = None,
) -> AuditEvent:
    """Append one event (flushed; committed with the caller's unit of work).

    Args:
        session: the unit of work's session.
        subject: who acted.
        decision: ``allow`` or ``deny``.
        tool: the MCP tool invoked.
        client_id: the OAuth client.
        organization_id: the organization concerned.
        record_type: JSON:API type of the record concerned.
        record_id: IT Glue id of the record concerned.
        reason: why (no secrets, no arguments).
        request_id: the request's id.
        trace_id: the OpenTelemetry trace id.
        source_ip: the client address.
        occurred_at: when (aware); defaults to now.

    Returns:
        The event as stored, with its id.

    Raises:
        StoreError: ``decision`` is not allow/deny, or the database failed.
    """
    try:
        verdict = AuditDecision(decision)
    except ValueError:
        raise StoreError(f"audit decision must be allow or deny, got {decision!r}") from None
    row = AuditEventRow(
        occurred_at=occurred_at or utcnow(),
        subject=subject,
        decision=verdict,
        tool=tool,
        client_id=client_id,
        organization_id=organization_id,
        record_type=record_type,
        record_id=record_id,
        reason=reason,
        request_id=request_id,
        trace_id=trace_id,
        source_ip=source_ip,
    )
    with translate_errors("append to audit_events"):
        session.add(row)
        await session.flush()
    return _event(row)


async def list_audit_events(
    session: AsyncSession,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    subject: str | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    """Events in time order (oldest first; equal times in append order).

    Args:
        session: any session.
        since: only events at or after this time (aware).
        until: only events before this time (aware).
        subject: only this subject's events.
        limit: most events returned (at least 1).

    Raises:
        ValueError: ``limit`` is below 1.
        StoreError: the database failed.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    statement = select(AuditEventRow).order_by(AuditEventRow.occurred_at, AuditEventRow.id)
    if since is not None:
        statement = statement.where(AuditEventRow.occurred_at >= since)
    if until is not None:
        statement = statement.where(AuditEventRow.occurred_at < until)
    if subject is not None:
        statement = statement.where(AuditEventRow.subject == subject)
    with translate_errors("read audit_events"):
        return [_event(row) for row in await session.scalars(statement.limit(limit))]


async def iter_audit_events(
    sessions: async_sessionmaker[AsyncSession],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    page_size: int = 1000,
) -> AsyncIterator[AuditEvent]:
    """Stream events in time order (oldest first; equal times in append order), page by page.

    Each page is read in a short session of its own and the next page starts after the last
    event seen (keyset paging on ``occurred_at, id``), so an export of millions of events holds
    neither a long transaction nor the whole log in memory, and events appended meanwhile at
    later times are included.

    Args:
        sessions: the store's session factory.
        since: only events at or after this time (aware).
        until: only events before this time (aware).
        page_size: events read per query (at least 1).

    Yields:
        The events.

    Raises:
        ValueError: ``page_size`` is below 1.
        StoreError: the database failed.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    after: tuple[datetime, int] | None = None
    while True:
        statement = select(AuditEventRow).order_by(AuditEventRow.occurred_at, AuditEventRow.id)
        if since is not None:
            statement = statement.where(AuditEventRow.occurred_at >= since)
        if until is not None:
            statement = statement.where(AuditEventRow.occurred_at < until)
        if after is not None:
            at, last_id = after
            statement = statement.where(
                or_(
                    AuditEventRow.occurred_at > at,
                    and_(AuditEventRow.occurred_at == at, AuditEventRow.id > last_id),
                )
            )
        async with unit_of_work(sessions, read_only=True) as session:
            with translate_errors("read audit_events"):
                page = [_event(row) for row in await session.scalars(statement.limit(page_size))]
        for event in page:
            yield event
        if len(page) < page_size:
            return
        after = (page[-1].occurred_at, page[-1].id)


async def purge_audit_events(session: AsyncSession, *, before: datetime) -> int:
    """Delete the events that occurred before ``before``: the retention, and nothing else.

    The only way events leave the log. Flushed; committed with the caller's unit of work.

    Args:
        session: the unit of work's session.
        before: the cut-off (aware); events at or after it are kept.

    Returns:
        How many events were deleted.

    Raises:
        ValueError: ``before`` is naive.
        StoreError: the database failed.
    """
    if before.tzinfo is None:
        raise ValueError("before must be an aware datetime")
    statement = delete(AuditEventRow).where(AuditEventRow.occurred_at < before)
    with translate_errors("purge audit_events"):
        result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
