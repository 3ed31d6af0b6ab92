"""Full text as the answer engine reads it: a repeat within one transaction reads nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.search import search
from itglue_mcp.store.search import search as store_search
from tests.statements import recorded_statements

Sessions = async_sessionmaker[AsyncSession]


def _entry_reads(statements: list[str]) -> int:
    """How many of ``statements`` query the full-text index (SQLite's MATCH, PostgreSQL's @@)."""
    return sum(" MATCH " in statement or "@@" in statement for statement in statements)


async def test_a_repeat_in_one_transaction_is_answered_from_the_first_read(
    synced: Sessions,
) -> None:
    async with synced() as session:
        with recorded_statements(session) as statements:
            async with session.begin():
                wide = await search(session, "vpn", limit=20)
                narrow = await search(session, "vpn", limit=5)  # the same terms, fewer hits
                in_one_transaction = _entry_reads(statements)
                wider = await search(session, "vpn", limit=40)  # more than was read: reads
                typed = await search(session, "vpn", record_types=["documents"], limit=5)
                after_more_and_typed = _entry_reads(statements)
            async with session.begin():
                again = await search(session, "vpn", limit=5)  # a new transaction reads again
            expected = await store_search(session, "vpn", limit=5)

    assert len(wide) > 5, "the dataset mentions VPNs often enough"
    assert in_one_transaction == 1
    assert narrow == wide[:5] == expected == again
    assert wider[:20] == wide
    assert all(hit.record_type == "documents" for hit in typed)
    assert after_more_and_typed == 3
    assert _entry_reads(statements) == 5
