"""Where else a question's subject is held: :func:`matching_elsewhere`, the one bounded
full-text query behind "matching records exist in other organizations" (the synced
three-organization tenant, SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.query.suggestions import matching_elsewhere

ACME = 2104801
NORTHWIND = 2104807
BRIGHTPATH = 2104812


async def test_records_of_other_organizations_holding_every_word(
    synced: async_sessionmaker[AsyncSession],
) -> None:
    found = await matching_elsewhere(synced, ["sophos", "vpn", "reset"], outside=ACME)

    assert found, "the premise: Northwind Traders' Sophos VPN runbook"
    assert {record.organization_id for record, _ in found} == {NORTHWIND}
    assert found[0][0].record_type == "documents"
    assert found[0][0].name is not None and "Sophos VPN" in found[0][0].name
    for record, text in found:
        lowered = text.lower()
        assert record.name is not None and record.name in text
        assert all(word in lowered for word in ("sophos", "vpn", "reset"))


async def test_the_organization_asked_about_and_unreadable_ones_are_left_out(
    synced: async_sessionmaker[AsyncSession],
) -> None:
    outside_northwind = await matching_elsewhere(
        synced, ["sophos", "vpn", "reset"], outside=NORTHWIND
    )
    unreadable = await matching_elsewhere(
        synced, ["sophos", "vpn", "reset"], outside=ACME, readable={ACME, BRIGHTPATH}
    )
    only_passwords = await matching_elsewhere(
        synced, ["sophos", "vpn", "reset"], outside=ACME, record_types=["passwords"]
    )

    assert all(record.organization_id != NORTHWIND for record, _ in outside_northwind)
    assert unreadable == []
    assert all(record.record_type == "passwords" for record, _ in only_passwords)
    assert await matching_elsewhere(synced, [], outside=ACME) == []
