"""Tag links: which traits are Tag links, and the rows kept with each flexible asset."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    RecordType,
    mark_unseen_deleted,
    start_run,
    unit_of_work,
    upsert_records,
)
from itglue_mcp.store.models import FlexibleAssetTag
from itglue_mcp.store.tag_links import TagLink, parse_tag_links, tag_links

from .conftest import T0

Sessions = async_sessionmaker[AsyncSession]

ACME, BETA = 7, 8


def _tag(tag_type: str, *ids: Any) -> dict[str, Any]:
    return {"type": tag_type, "values": [{"id": record_id, "name": "x"} for record_id in ids]}


def _asset(id_: int, organization_id: int, traits: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": id_,
        "organization_id": organization_id,
        "name": f"Asset {id_}",
        "flexible_asset_type_id": 50,
        "flexible_asset_type_name": "Backup",
        "traits": traits,
        "updated_at": T0,
    }


@pytest.mark.parametrize(
    ("trait", "links"),
    [
        (_tag("Configurations", 4215003, "4215004"), [4215003, 4215004]),
        (_tag("Configurations", 12, 12, "12"), [12]),  # one record, listed thrice: one link
        (_tag("Configurations", "007"), [7]),
        (_tag("Configurations", 10**18 - 1), [10**18 - 1]),
        # Not a record id: a name, a negative or fractional number, a boolean, a number too
        # long for BIGINT, other scripts' digits, an empty string.
        (_tag("Configurations", "ACME-FW01", -4, 4.0, True, 10**18, "1" * 19, "١٢", ""), []),
        ({"type": "Configurations", "values": ["ACME-FW01", [1], None, {"name": "x"}]}, []),
        ({"type": "Configurations", "values": "ACME-FW01"}, []),
        ({"type": "Configurations", "values": {"id": 5}}, []),
        ({"type": 5, "values": [{"id": 5}]}, []),
        ({"values": [{"id": 5}]}, []),
        ("<p>Not a tag</p>", []),
        (42, []),
        (None, []),
    ],
)
def test_which_traits_are_tag_links(trait: Any, links: list[int]) -> None:
    found = parse_tag_links({"notes": "plain text", "servers": trait})

    assert [link.target_id for link in found] == links
    assert {(link.trait_key, link.tag_type) for link in found} <= {("servers", "Configurations")}


def test_links_keep_their_trait_and_type_in_trait_order() -> None:
    traits = {
        "global-admin": _tag("Passwords", 402),
        "backup-server": _tag("Configurations", 100),
        "protected-devices": _tag("Configurations", 101, 100),
        "organization": _tag("Organizations", 7),  # a Tag type the graph does not follow
    }

    assert parse_tag_links(traits) == [
        TagLink("global-admin", "Passwords", 402),
        TagLink("backup-server", "Configurations", 100),
        TagLink("protected-devices", "Configurations", 101),
        TagLink("protected-devices", "Configurations", 100),
        TagLink("organization", "Organizations", 7),
    ]
    assert parse_tag_links(None) == parse_tag_links({}) == []


async def _write(session: AsyncSession, *assets: dict[str, Any], run_id: int | None = None) -> None:
    await upsert_records(session, RecordType.FLEXIBLE_ASSETS, assets, run_id=run_id)


async def _links(
    session: AsyncSession, organization_ids: list[int] | None = None
) -> set[tuple[int, int, str, str, int]]:
    links = tag_links(organization_ids=organization_ids)
    rows = await session.execute(
        select(
            links.c.flexible_asset_id,
            links.c.organization_id,
            links.c.trait_key,
            links.c.tag_type,
            links.c.target_id,
        )
    )
    return {tuple(row) for row in rows}  # type: ignore[misc]


async def test_an_upsert_replaces_the_assets_tag_links(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await _write(
            session,
            _asset(300, ACME, {"protected-devices": _tag("Configurations", 100, 101)}),
            _asset(301, BETA, {"global-admin": _tag("Passwords", 402)}),
        )
    async with unit_of_work(session_factory) as session:
        before = await _links(session)
        # The backup now protects 102 instead of 100; 301's traits are not sent (kept).
        await _write(
            session,
            _asset(300, ACME, {"protected-devices": _tag("Configurations", 101, 102)}),
            {"id": 301, "name": "Renamed"},
        )
        after = await _links(session)
        scoped = await _links(session, [BETA])

    assert before == {
        (300, ACME, "protected-devices", "Configurations", 100),
        (300, ACME, "protected-devices", "Configurations", 101),
        (301, BETA, "global-admin", "Passwords", 402),
    }
    assert after == {
        (300, ACME, "protected-devices", "Configurations", 101),
        (300, ACME, "protected-devices", "Configurations", 102),
        (301, BETA, "global-admin", "Passwords", 402),
    }
    assert scoped == {(301, BETA, "global-admin", "Passwords", 402)}


async def test_an_asset_whose_tags_are_emptied_links_nothing(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await _write(session, _asset(300, ACME, {"protected-devices": _tag("Configurations", 100)}))
        await _write(session, _asset(300, ACME, {"protected-devices": _tag("Configurations")}))
        emptied = await _links(session)
        await _write(session, _asset(300, ACME, None))
        cleared = await _links(session)

    assert emptied == cleared == set()


async def test_a_deleted_assets_links_are_gone_until_it_comes_back(
    session_factory: Sessions,
) -> None:
    traits = {"protected-devices": _tag("Configurations", 100)}
    async with unit_of_work(session_factory) as session:
        first = await start_run(session, "full", {})
        await _write(session, _asset(300, ACME, traits), _asset(301, ACME, traits), run_id=first)
    async with unit_of_work(session_factory) as session:
        second = await start_run(session, "full", {})
        await _write(session, _asset(301, ACME, traits), run_id=second)
        await mark_unseen_deleted(session, RecordType.FLEXIBLE_ASSETS, run_id=second)
        while_deleted = {link[0] for link in await _links(session)}
        await _write(session, _asset(300, ACME, traits))
        back = {link[0] for link in await _links(session)}
        # A row removed from the store takes its links with it (ON DELETE CASCADE).
        table = RecordType.FLEXIBLE_ASSETS.table
        await session.execute(delete(table).where(table.c.id == 301))
        removed = set(await session.scalars(select(FlexibleAssetTag.flexible_asset_id)))

    assert while_deleted == {301}
    assert back == {300, 301}
    assert removed == {300}
