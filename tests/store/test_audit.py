"""The append-only audit log."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import itglue_mcp.store.audit as audit
from itglue_mcp.store import (
    AuditDecision,
    StoreError,
    append_audit_event,
    list_audit_events,
    unit_of_work,
)

from .conftest import T0

Sessions = async_sessionmaker[AsyncSession]


async def test_events_are_listed_in_time_order(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        late = await append_audit_event(
            session,
            subject="alice",
            decision=AuditDecision.DENY,
            tool="reveal_password",
            client_id="claude",
            organization_id=7,
            record_type="passwords",
            record_id=42,
            reason="role technician lacks passwords:reveal",
            request_id="req-1",
            trace_id="0af7651916cd43dd8448eb211c80319c",
            source_ip="203.0.113.9",
            occurred_at=T0 + timedelta(minutes=5),
        )
        early = await append_audit_event(
            session, subject="bob", decision="allow", tool="search", occurred_at=T0
        )
        same_time = await append_audit_event(
            session, subject="alice", decision="allow", occurred_at=T0 + timedelta(minutes=5)
        )
    async with unit_of_work(session_factory) as session:
        events = await list_audit_events(session)
        recent = await list_audit_events(session, since=T0 + timedelta(minutes=1))
        before = await list_audit_events(session, until=T0 + timedelta(minutes=5))
        alices = await list_audit_events(session, subject="alice", limit=1)
    assert [event.id for event in events] == [early.id, late.id, same_time.id]
    assert events[1] == late
    assert late.decision is AuditDecision.DENY and late.occurred_at == T0 + timedelta(minutes=5)
    assert [event.id for event in recent] == [late.id, same_time.id]
    assert [event.id for event in before] == [early.id]
    assert [event.id for event in alices] == [late.id]


async def test_default_time_and_bad_input(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        event = await append_audit_event(session, subject="alice", decision="allow")
        assert event.occurred_at.tzinfo is not None
        with pytest.raises(StoreError, match="allow or deny"):
            await append_audit_event(session, subject="alice", decision="maybe")
        with pytest.raises(ValueError, match="limit"):
            await list_audit_events(session, limit=0)


def test_the_audit_api_cannot_change_or_remove_events() -> None:
    functions = {
        name
        for name, value in inspect.getmembers(audit, inspect.isfunction)
        if value.__module__ == audit.__name__
    }
    assert {name for name in functions if not name.startswith("_")} == {
        "append_audit_event",
        "list_audit_events",
    }
    assert set(audit.__all__) == {
        "AuditDecision",
        "AuditEvent",
        "append_audit_event",
        "list_audit_events",
    }
