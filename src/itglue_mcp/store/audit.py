"""The audit log: an append-only record of every access decision the server makes.

There is deliberately no function to change or remove an event; retention, if any, is an
operator's job on the database. Events never hold secret values or tool arguments, only who
asked for what and the decision.

Example::

    await append_audit_event(
        session, subject="alice@msp.example", decision=AuditDecision.DENY,
        tool="reveal_password", organization_id=7, record_type="passwords", record_id=42,
        reason="role technician lacks passwords:reveal",
    )
    events = await list_audit_events(session, since=yesterday)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import StoreError, translate_errors
from itglue_mcp.store.models import AuditEventRow, utcnow

__all__ = ["AuditDecision", "AuditEvent", "append_audit_event", "list_audit_events"]


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
