"""Full text as the answer engine reads it: a repeat within one transaction reads nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.search import search
from itglue_mcp.store.search import search as store_search

Sessions = async_sessionmaker[AsyncSession]


async def test_a_repeat_in_one_transaction_is_answered_from_the_first_read(
    synced: Sessions,
) -> None:
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        if "search_entries" in arguments[2]:
            statements.append(arguments[2])

    async with synced() as session:
        engine = session.bind.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            async with session.begin():
                wide = await search(session, "vpn", limit=20)
                narrow = await search(session, "vpn", limit=5)  # the same terms, fewer hits
                in_one_transaction = len(statements)
                wider = await search(session, "vpn", limit=40)  # more than was read: reads
                typed = await search(session, "vpn", record_types=["documents"], limit=5)
                after_more_and_typed = len(statements)
            async with session.begin():
                again = await search(session, "vpn", limit=5)  # a new transaction reads again
            expected = await store_search(session, "vpn", limit=5)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    assert len(wide) > 5, "the dataset mentions VPNs often enough"
    assert in_one_transaction == 1
    assert narrow == wide[:5] == expected == again
    assert wider[:20] == wide
    assert all(hit.record_type == "documents" for hit in typed)
    assert after_more_and_typed == 3
    assert len(statements) == 5
