"""The append-only audit log: appended, listed, streamed in time order, purged by age only."""

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
from itglue_mcp.store.audit import iter_audit_events, purge_audit_events

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


def test_the_audit_api_cannot_change_events_and_removes_them_only_by_age() -> None:
    functions = {
        name
        for name, value in inspect.getmembers(audit, inspect.isfunction)
        if value.__module__ == audit.__name__
    }
    assert {name for name in functions if not name.startswith("_")} == {
        "append_audit_event",
        "iter_audit_events",
        "list_audit_events",
        "purge_audit_events",
    }
    assert list(inspect.signature(purge_audit_events).parameters) == ["session", "before"]


async def _append_minutes(session_factory: Sessions, minutes: list[int]) -> list[int]:
    """Events at T0 + each minute (in that append order); their ids."""
    async with unit_of_work(session_factory) as session:
        return [
            (
                await append_audit_event(
                    session,
                    subject=f"user-{index}",
                    decision="allow",
                    occurred_at=T0 + timedelta(minutes=minute),
                )
            ).id
            for index, minute in enumerate(minutes)
        ]


async def test_streaming_pages_through_every_event_in_time_order(
    session_factory: Sessions,
) -> None:
    # Appended out of time order, with ties that must come out in append order.
    minutes = [5, 1, 3, 3, 0, 9, 3, 7, 1, 2, 8]
    ids = await _append_minutes(session_factory, minutes)
    expected = [event_id for _, event_id in sorted(zip(minutes, ids, strict=True))]

    streamed = [e.id async for e in iter_audit_events(session_factory, page_size=2)]
    window = [
        (event.occurred_at - T0) // timedelta(minutes=1)
        async for event in iter_audit_events(
            session_factory,
            since=T0 + timedelta(minutes=3),
            until=T0 + timedelta(minutes=8),
            page_size=3,
        )
    ]

    assert streamed == expected
    assert window == [3, 3, 3, 5, 7]
    with pytest.raises(ValueError, match="page_size"):
        await anext(iter_audit_events(session_factory, page_size=0))


async def test_purge_deletes_only_events_before_the_cut_off(session_factory: Sessions) -> None:
    await _append_minutes(session_factory, [0, 1, 2, 3, 4])

    async with unit_of_work(session_factory) as session:
        removed = await purge_audit_events(session, before=T0 + timedelta(minutes=2))
    async with unit_of_work(session_factory) as session:
        again = await purge_audit_events(session, before=T0 + timedelta(minutes=2))
        kept = await list_audit_events(session)

    assert (removed, again) == (2, 0)
    assert [event.occurred_at for event in kept] == [
        T0 + timedelta(minutes=minute) for minute in (2, 3, 4)
    ]
    async with unit_of_work(session_factory) as session:
        with pytest.raises(ValueError, match="aware"):
            await purge_audit_events(session, before=T0.replace(tzinfo=None))
