"""The index outbox: enqueued with the text it follows, read oldest first, removed when done."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    RecordType,
    index_outbox,
    mark_unseen_deleted,
    replace_search_entries,
    unit_of_work,
    upsert_records,
)
from itglue_mcp.store.search import SearchEntry

Sessions = async_sessionmaker[AsyncSession]

FIREWALL = SearchEntry("configurations", 11, 7, "ACME-FW01", "Perimeter firewall 10.10.10.1")
SWITCH = SearchEntry("configurations", 12, 7, "ACME-SW01", "Core switch")
RUNBOOK = SearchEntry("documents", 30, 7, "Sophos VPN", "Reset a user's VPN access")


async def _write(sessions: Sessions, *entries: SearchEntry) -> int:
    """Write search text the way the sync writer does; returns the records enqueued."""
    async with unit_of_work(sessions) as session:
        enqueued = await index_outbox.enqueue_changed_text(session, list(entries))
        await replace_search_entries(session, list(entries))
    return enqueued


async def _drain(sessions: Sessions) -> None:
    async with unit_of_work(sessions) as session:
        batch = await index_outbox.next_batch(session, limit=1000)
        await index_outbox.acknowledge(session, batch.outbox_ids)


async def _pending(sessions: Sessions) -> int:
    async with sessions() as session:
        return await index_outbox.pending_count(session)


async def test_new_and_changed_text_is_enqueued_unchanged_text_is_not(
    session_factory: Sessions,
) -> None:
    assert await _write(session_factory, FIREWALL, SWITCH) == 2
    await _drain(session_factory)

    assert await _write(session_factory, FIREWALL, SWITCH) == 0
    renamed = SearchEntry("configurations", 12, 7, "ACME-SW02", SWITCH.body)
    moved = SearchEntry("configurations", 11, 8, FIREWALL.name, FIREWALL.body)
    assert await _write(session_factory, renamed, moved, RUNBOOK) == 3
    assert await _pending(session_factory) == 3


async def test_a_record_waits_once_however_often_it_changes(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await index_outbox.enqueue(session, "configurations", [11, 12])
        await index_outbox.enqueue(session, "configurations", [12, 11, 11])
        await index_outbox.enqueue(session, "documents", [11])

    assert await _pending(session_factory) == 3


async def test_batches_come_oldest_first_with_current_text_and_go_when_acknowledged(
    session_factory: Sessions,
) -> None:
    await _write(session_factory, RUNBOOK)
    await _write(session_factory, FIREWALL)
    async with unit_of_work(session_factory) as session:
        await index_outbox.enqueue(session, "contacts", [99])  # no text: deleted

    async with session_factory() as session:
        first = await index_outbox.next_batch(session, limit=2)
        everything = await index_outbox.next_batch(session, limit=10)

    assert first.entries == [RUNBOOK, FIREWALL] and first.removed == {}
    assert everything.entries == [RUNBOOK, FIREWALL]
    assert everything.removed == {"contacts": [99]}
    assert len(everything) == 3
    async with unit_of_work(session_factory) as session:
        await index_outbox.acknowledge(session, first.outbox_ids)
    async with session_factory() as session:
        rest = await index_outbox.next_batch(session, limit=10)
    assert rest.entries == [] and rest.removed == {"contacts": [99]}
    with pytest.raises(ValueError, match="limit"):
        async with session_factory() as session:
            await index_outbox.next_batch(session, limit=0)


async def test_a_deletion_is_enqueued_in_its_own_transaction(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [{"id": 11, "organization_id": 7, "name": "ACME-FW01"}],
            run_id=None,
        )
        await replace_search_entries(session, [FIREWALL])

    class Interrupted(Exception):
        """Stands for a crash in the middle of the transaction."""

    with pytest.raises(Interrupted):
        async with unit_of_work(session_factory) as session:
            await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=1)
            raise Interrupted
    assert await _pending(session_factory) == 0  # rolled back with the deletion

    async with unit_of_work(session_factory) as session:
        assert await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=1) == [11]
    async with session_factory() as session:
        batch = await index_outbox.next_batch(session, limit=10)
    assert batch.entries == [] and batch.removed == {"configurations": [11]}


async def test_enqueue_all_takes_every_record_with_text(session_factory: Sessions) -> None:
    await _write(session_factory, FIREWALL, SWITCH, RUNBOOK)
    await _drain(session_factory)
    async with unit_of_work(session_factory) as session:
        await index_outbox.enqueue(session, "contacts", [99])
        waiting = await index_outbox.enqueue_all(session)

    assert waiting == 4
    async with session_factory() as session:
        batch = await index_outbox.next_batch(session, limit=10)
    assert sorted(e.record_id for e in batch.entries) == [11, 12, 30]
