"""The read side used by MCP tools."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    ConfigurationInterfaceView,
    RecordType,
    count_records,
    find_configurations,
    list_organizations,
    mark_unseen_deleted,
    replace_children,
    replace_related_items,
    start_run,
    unit_of_work,
    upsert_records,
)
from itglue_mcp.store.queries import (
    RelatedItemView,
    get_configurations,
    record_names,
    related_items,
)
from tests.statements import recorded_statements

from .conftest import configuration, organization

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def organizations(session_factory: Sessions) -> None:
    """Five organizations seen by one run, then "Gone Ltd" (5) marked deleted."""
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.ORGANIZATIONS,
            [
                organization(1, "acme Corp", short_name="ACME"),
                organization(2, "Beta 100% Ltd", short_name="beta"),
                organization(3, "Acme Holdings", archived=True),
                organization(4, "Zeta_Works"),
                organization(42, "Answer Inc"),
            ],
            run_id=run_id,
        )
        await upsert_records(
            session, RecordType.ORGANIZATIONS, [organization(5, "Gone Ltd")], run_id=None
        )
        await mark_unseen_deleted(session, RecordType.ORGANIZATIONS, run_id=run_id)


async def _names(session_factory: Sessions, **options: object) -> list[str | None]:
    async with unit_of_work(session_factory) as session:
        views = await list_organizations(session, **options)  # type: ignore[arg-type]
    return [view.name for view in views]


async def test_list_organizations(session_factory: Sessions, organizations: None) -> None:
    everything = ["acme Corp", "Acme Holdings", "Answer Inc", "Beta 100% Ltd", "Zeta_Works"]
    assert await _names(session_factory) == everything
    assert await _names(session_factory, limit=2, offset=1) == everything[1:3]
    assert await _names(session_factory, name_contains="ACME") == everything[:2]
    assert await _names(session_factory, name_contains="100%") == ["Beta 100% Ltd"]
    assert await _names(session_factory, name_contains="a_W") == ["Zeta_Works"]
    assert await _names(session_factory, name_contains="0% L") == ["Beta 100% Ltd"]
    assert await _names(session_factory, name_contains="%") == ["Beta 100% Ltd"]
    async with unit_of_work(session_factory) as session:
        [holdings] = await list_organizations(session, name_contains="holdings")
        with pytest.raises(ValueError, match="limit"):
            await list_organizations(session, limit=0)
        with pytest.raises(ValueError, match="offset"):
            await list_organizations(session, offset=-1)
    assert holdings.archived is True
    assert holdings.id == 3


async def test_find_configurations(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [
                configuration(1, 7, "DC01-backup", hostname="dc01-bk"),
                configuration(2, 7, "Domain controller", hostname="DC01"),
                configuration(3, 7, "dc01", hostname=None, archived=True),
                configuration(4, 8, "DC01"),  # another organization
                configuration(5, 7, "dc0123"),
                configuration(6, 7, "xdc01"),  # contains, not a prefix: last
            ],
            run_id=run_id,
        )
        await upsert_records(
            session, RecordType.CONFIGURATIONS, [configuration(7, 7, "dc01-old")], run_id=None
        )
        await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=run_id)
        await replace_children(
            session,
            RecordType.CONFIGURATION_INTERFACES,
            "configuration_id",
            [2],
            [
                {"id": 22, "configuration_id": 2, "name": "mgmt", "primary": False},
                {"id": 20, "configuration_id": 2, "name": "eth1", "ip_address": "10.0.0.3"},
                {"id": 21, "configuration_id": 2, "name": "eth0", "primary": True},
            ],
        )
    async with unit_of_work(session_factory) as session:
        with recorded_statements(session) as statements:
            found = await find_configurations(session, organization_ids=[7], name="dc01")
        limited = await find_configurations(session, organization_ids={7}, name="DC01", limit=1)
        everywhere = await find_configurations(session, name="DC01")
        nowhere = await find_configurations(session, organization_ids=(), name="DC01")
        with pytest.raises(ValueError, match="name"):
            await find_configurations(session, organization_ids=[7], name=" ")
    assert [view.id for view in found] == [3, 2, 1, 5, 6], "exact, then prefix, then contains"
    assert [view.id for view in limited] == [3]
    assert [view.id for view in everywhere] == [3, 4, 2, 1, 5, 6], "exact ones by name, then id"
    assert nowhere == []
    controller = found[1]
    assert controller.hostname == "DC01"
    assert controller.resource_url == "https://acme.itglue.com/7/configurations/2"
    assert controller.interfaces == (
        ConfigurationInterfaceView(21, "eth0", None, None, True, None),
        ConfigurationInterfaceView(20, "eth1", "10.0.0.3", None, None, None),
        ConfigurationInterfaceView(22, "mgmt", None, None, False, None),
    ), "the primary interface first, then by id"
    selects = [text for text in statements if text.startswith("SELECT")]
    assert len(selects) == 1, "configurations and their interfaces in one round trip"
    assert found[0].archived is True and found[0].interfaces == ()


async def test_count_records(session_factory: Sessions, organizations: None) -> None:
    async with unit_of_work(session_factory) as session:
        counts = await count_records(session)
    assert set(counts) == {str(record_type) for record_type in RecordType}
    assert counts["organizations"] == 5, "the deleted one is not counted"
    assert counts["configurations"] == 0


async def test_counts_names_and_lookups_within_organizations(
    session_factory: Sessions, organizations: None
) -> None:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [
                configuration(10, 1, "ACME-FW01", hostname="fw01"),
                configuration(11, 1, "ACME-SW01", hostname=None),
                configuration(12, 2, "BETA-FW01"),
            ],
            run_id=run_id,
        )
        await upsert_records(
            session, RecordType.CONFIGURATIONS, [configuration(13, 1, "ACME-OLD")], run_id=None
        )
        await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=run_id)
    async with unit_of_work(session_factory) as session:
        acme_counts = await count_records(session, organization_ids=[1])
        names = await record_names(
            session, RecordType.CONFIGURATIONS, organization_ids={1}, columns=("name", "hostname")
        )
        by_id = await get_configurations(session, [12, 10, 13, 99])
        scoped = await get_configurations(session, [12, 10], organization_ids={1})
    assert acme_counts["organizations"] == 1 and acme_counts["configurations"] == 2
    assert "related-items" not in acme_counts, "only types that belong to an organization"
    assert names == ["ACME-FW01", "ACME-SW01", "fw01"], "deleted ACME-OLD is not offered"
    assert [view.id for view in by_id] == [10, 12]
    assert [view.organization_name for view in by_id] == ["acme Corp", "Beta 100% Ltd"]
    assert [view.id for view in scoped] == [10]


async def test_related_items_leave_out_deleted_targets(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [configuration(1, 7, "fw"), configuration(2, 7, "switch")],
            run_id=run_id,
        )
        await upsert_records(
            session, RecordType.CONFIGURATIONS, [configuration(3, 7, "old")], run_id=None
        )
        await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=run_id)
        item = {"source_id": 1, "asset_type": "configuration", "is_inverse": False}
        await replace_related_items(
            session,
            "configurations",
            [1],
            [
                item | {"id": 100, "resource_id": 2, "resource_name": "switch", "notes": "uplink"},
                item | {"id": 101, "resource_id": 3, "resource_name": "old"},
                item
                | {"id": 102, "asset_type": "document", "resource_id": 9, "resource_name": "A"},
                item | {"id": 103, "asset_type": "widget", "resource_id": 5, "resource_name": "B"},
            ],
        )
    async with unit_of_work(session_factory) as session:
        links = await related_items(session, RecordType.CONFIGURATIONS, [1, 2])
    assert links == {
        1: (
            RelatedItemView(102, "documents", 9, "A", None, None, False),
            RelatedItemView(103, "widget", 5, "B", None, None, False),
            RelatedItemView(100, "configurations", 2, "switch", None, "uplink", False),
        )
    }
