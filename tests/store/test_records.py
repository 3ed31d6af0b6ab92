"""Record writes: upserts, child and related-item replacement, deletion marking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    RecordType,
    SearchEntry,
    StoreError,
    StoreIntegrityError,
    UpsertResult,
    existing_ids,
    mark_unseen_deleted,
    replace_children,
    replace_related_items,
    replace_search_entries,
    search,
    start_run,
    unit_of_work,
    upsert_records,
)

from .conftest import T0, configuration, organization

Sessions = async_sessionmaker[AsyncSession]


async def _rows(session: AsyncSession, record_type: RecordType) -> list[dict[str, Any]]:
    table = record_type.table
    result = await session.execute(select(table).order_by(*table.primary_key.columns))
    return [dict(row._mapping) for row in result]


async def test_upsert_inserts_then_updates(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        result = await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [configuration(1, 7, "DC01", serial_number="SN1"), configuration(2, 7, "FS01")],
            run_id=run_id,
        )
    assert result == UpsertResult(inserted=2, updated=0)

    async with unit_of_work(session_factory) as session:
        result = await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [{"id": 1, "name": "DC01-renamed"}, configuration(3, 7, "WS01")],
            run_id=None,
        )
        rows = {row["id"]: row for row in await _rows(session, RecordType.CONFIGURATIONS)}
    assert result == UpsertResult(inserted=1, updated=1)
    assert result.written == 2
    assert rows[1]["name"] == "DC01-renamed"
    assert rows[1]["serial_number"] == "SN1", "columns a row does not carry keep their value"
    assert rows[1]["last_seen_run_id"] == run_id, "run_id=None leaves the last run untouched"
    assert rows[3]["last_seen_run_id"] is None
    assert rows[1]["updated_at"] == T0
    assert rows[1]["updated_at"].tzinfo is not None
    assert rows[1]["synced_at"].tzinfo is not None
    assert rows[2]["attributes"] == {"name": "FS01", "organization-id": 7}


async def test_upsert_is_idempotent(session_factory: Sessions) -> None:
    rows = [
        configuration(10**15 + 1, 7, "dc01", warranty_expires_at=date(2027, 1, 31)),
        configuration(2, 7, "fs01", archived=True, primary_ip="10.0.0.2"),
    ]
    states = []
    results = []
    for _ in range(2):
        async with unit_of_work(session_factory) as session:
            results.append(await upsert_records(session, RecordType.CONFIGURATIONS, rows, run_id=5))
            stored = await _rows(session, RecordType.CONFIGURATIONS)
        states.append([{k: v for k, v in row.items() if k != "synced_at"} for row in stored])
    assert results == [UpsertResult(inserted=2, updated=0), UpsertResult(inserted=0, updated=2)]
    assert states[0] == states[1]
    assert states[0][1]["id"] == 10**15 + 1
    assert states[0][1]["warranty_expires_at"] == date(2027, 1, 31)
    assert states[0][0]["archived"] is True


async def test_upsert_batches_beyond_the_parameter_limit(session_factory: Sessions) -> None:
    rows = [configuration(index, index % 5, f"host-{index}") for index in range(1, 3301)]
    async with unit_of_work(session_factory) as session:
        result = await upsert_records(session, RecordType.CONFIGURATIONS, rows, run_id=1)
        again = await upsert_records(session, RecordType.CONFIGURATIONS, rows[:10], run_id=1)
        ids = await existing_ids(session, RecordType.CONFIGURATIONS)
    assert result == UpsertResult(inserted=3300, updated=0)
    assert again == UpsertResult(inserted=0, updated=10)
    assert ids == set(range(1, 3301))


async def test_upsert_keeps_the_last_duplicate_and_mixed_row_shapes(
    session_factory: Sessions,
) -> None:
    async with unit_of_work(session_factory) as session:
        result = await upsert_records(
            session,
            RecordType.ORGANIZATIONS,
            [organization(1, "First"), {"id": 2, "name": "Beta"}, organization(1, "Second")],
            run_id=None,
        )
        rows = await _rows(session, RecordType.ORGANIZATIONS)
    assert result == UpsertResult(inserted=2, updated=0)
    assert [(row["id"], row["name"]) for row in rows] == [(1, "Second"), (2, "Beta")]
    assert [row["organization_id"] for row in rows] == [1, 2], "an organization scopes itself"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": 1, "colour": "red"}, "configurations: unknown column 'colour'"),
        ({"name": "no id"}, "configurations: row 0 has no 'id'"),
        ({"id": None, "name": "null id"}, "configurations: row 0 has no 'id'"),
        ({"id": "123", "name": "JSON:API id"}, "configurations: row 0 has a non-integer 'id'"),
        ({"id": 1, "deleted_at": None}, "column 'deleted_at' is set by the store"),
        ({"id": 1, "last_seen_run_id": 3}, "column 'last_seen_run_id' is set by the store"),
    ],
)
async def test_upsert_refuses_bad_rows(
    session_factory: Sessions, row: dict[str, Any], message: str
) -> None:
    async with unit_of_work(session_factory) as session:
        with pytest.raises(StoreError, match=message):
            await upsert_records(session, RecordType.CONFIGURATIONS, [row], run_id=None)


async def test_upsert_refuses_password_values(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        with pytest.raises(StoreError, match="passwords: unknown column 'password'") as caught:
            await upsert_records(
                session, RecordType.PASSWORDS, [{"id": 1, "password": "hunter2"}], run_id=None
            )
        assert "hunter2" not in str(caught.value)
        with pytest.raises(StoreError, match="secret attribute 'password'") as caught:
            await upsert_records(
                session,
                RecordType.PASSWORDS,
                [{"id": 1, "attributes": {"name": "vpn", "password": "hunter2"}}],
                run_id=None,
            )
        assert "hunter2" not in str(caught.value)
        # A list answer may carry the key with no value: that is not a secret.
        await upsert_records(
            session,
            RecordType.PASSWORDS,
            [{"id": 1, "username": "admin", "attributes": {"password": None}}],
            run_id=None,
        )


async def test_naive_timestamps_are_refused(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        with pytest.raises(StoreError, match="timezone-aware"):
            await upsert_records(
                session,
                RecordType.ORGANIZATIONS,
                [{"id": 1, "updated_at": datetime(2024, 1, 1)}],  # noqa: DTZ001 - on purpose
                run_id=None,
            )


async def test_timestamps_come_back_in_utc(session_factory: Sessions) -> None:
    plus_two = datetime(2024, 1, 1, 14, 30, tzinfo=UTC).astimezone(
        datetime.now(UTC).astimezone().tzinfo
    )
    async with unit_of_work(session_factory) as session:
        await upsert_records(
            session, RecordType.ORGANIZATIONS, [{"id": 1, "updated_at": plus_two}], run_id=None
        )
    async with unit_of_work(session_factory) as session:
        [row] = await _rows(session, RecordType.ORGANIZATIONS)
    assert row["updated_at"] == datetime(2024, 1, 1, 14, 30, tzinfo=UTC)
    assert row["updated_at"].utcoffset() == timedelta(0)


def _interface(id_: int, configuration_id: int, ip: str, **extra: Any) -> dict[str, Any]:
    return {"id": id_, "configuration_id": configuration_id, "ip_address": ip, **extra}


async def test_replace_children_replaces_only_the_given_parents(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [configuration(1, 7, "a"), configuration(2, 7, "b"), configuration(3, 7, "c")],
            run_id=None,
        )
        await replace_children(
            session,
            RecordType.CONFIGURATION_INTERFACES,
            "configuration_id",
            [1, 2, 3],
            [
                _interface(11, 1, "10.0.0.1"),
                _interface(12, 1, "10.0.0.2"),
                _interface(21, 2, "10.0.1.1"),
            ],
        )
    async with unit_of_work(session_factory) as session:
        await replace_children(
            session,
            RecordType.CONFIGURATION_INTERFACES,
            "configuration_id",
            [1, 3],
            [_interface(13, 1, "10.0.0.3", primary=True), _interface(21, 3, "10.0.3.1")],
        )
        rows = await _rows(session, RecordType.CONFIGURATION_INTERFACES)
    assert [(row["id"], row["configuration_id"], row["ip_address"]) for row in rows] == [
        (13, 1, "10.0.0.3"),
        (21, 3, "10.0.3.1"),  # moved from configuration 2 to 3: the row follows
    ]
    assert rows[0]["primary"] is True


async def test_replace_children_checks_parents(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        with pytest.raises(StoreError, match="outside the parents replaced"):
            await replace_children(
                session,
                RecordType.CONFIGURATION_INTERFACES,
                "configuration_id",
                [1],
                [_interface(11, 2, "10.0.0.1")],
            )
        with pytest.raises(StoreError, match="unknown column 'configuration'"):
            await replace_children(
                session, RecordType.CONFIGURATION_INTERFACES, "configuration", [1], []
            )
    with pytest.raises(StoreIntegrityError, match="configuration_interfaces"):
        async with unit_of_work(session_factory) as session:
            await replace_children(
                session,
                RecordType.CONFIGURATION_INTERFACES,
                "configuration_id",
                [404],
                [_interface(11, 404, "10.0.0.1")],
            )


async def test_replace_flexible_asset_fields(session_factory: Sessions) -> None:
    field = {"flexible_asset_type_id": 9, "kind": "Text", "required": False}
    async with unit_of_work(session_factory) as session:
        await upsert_records(
            session, RecordType.FLEXIBLE_ASSET_TYPES, [{"id": 9, "name": "Wi-Fi"}], run_id=None
        )
        await replace_children(
            session,
            RecordType.FLEXIBLE_ASSET_FIELDS,
            "flexible_asset_type_id",
            [9],
            [{**field, "id": 1, "name_key": "ssid", "order": 1}, {**field, "id": 2, "order": 2}],
        )
        await replace_children(
            session,
            RecordType.FLEXIBLE_ASSET_FIELDS,
            "flexible_asset_type_id",
            [9],
            [{**field, "id": 2, "name_key": "band", "order": 1}],
        )
        rows = await _rows(session, RecordType.FLEXIBLE_ASSET_FIELDS)
    assert [(row["id"], row["name_key"], row["order"]) for row in rows] == [(2, "band", 1)]


def _item(id_: int, source_id: int, resource_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "source_id": source_id,
        "asset_type": "password",
        "resource_id": resource_id,
        **extra,
    }


async def test_replace_related_items(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        await replace_related_items(
            session, "configurations", [1, 2], [_item(100, 1, 50), _item(101, 2, 51)]
        )
        # The same relation seen from the other end, under the same related-item id.
        await replace_related_items(
            session,
            "passwords",
            [50],
            [_item(100, 50, 1, asset_type="configuration", is_inverse=True)],
        )
        await replace_related_items(session, "configurations", [1], [_item(102, 1, 52)])
        rows = await _rows(session, RecordType.RELATED_ITEMS)
    assert sorted((row["source_type"], row["source_id"], row["id"]) for row in rows) == [
        ("configurations", 1, 102),
        ("configurations", 2, 101),
        ("passwords", 50, 100),
    ]


async def test_replace_related_items_checks_sources(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        with pytest.raises(StoreError, match="another source record"):
            await replace_related_items(session, "configurations", [1], [_item(1, 2, 3)])
        with pytest.raises(StoreError, match="another source record"):
            await replace_related_items(
                session, "configurations", [1], [_item(1, 1, 3, source_type="passwords")]
            )
        with pytest.raises(StoreError, match="unknown record type 'gadgets'"):
            await replace_related_items(session, "gadgets", [1], [])


async def _seed_for_deletion(session_factory: Sessions) -> int:
    """Configurations 1-2 of org 7 and 3-4 of org 8 seen by run A; returns run B's id."""
    async with unit_of_work(session_factory) as session:
        run_a = await start_run(session, "full", {})
        await upsert_records(
            session,
            RecordType.CONFIGURATIONS,
            [
                configuration(1, 7, "a", configuration_type_name="Server"),
                configuration(2, 7, "b", configuration_type_name="Workstation"),
                configuration(3, 8, "c"),
                configuration(4, 8, "d"),
            ],
            run_id=run_a,
        )
        await replace_search_entries(
            session,
            [
                SearchEntry("configurations", i, 7 if i < 3 else 8, f"host {i}", "")
                for i in range(1, 5)
            ],
        )
        return await start_run(session, "full", {})


async def test_mark_unseen_deleted_within_an_organization(session_factory: Sessions) -> None:
    run_b = await _seed_for_deletion(session_factory)
    async with unit_of_work(session_factory) as session:
        await upsert_records(session, RecordType.CONFIGURATIONS, [{"id": 1}], run_id=run_b)
        deleted = await mark_unseen_deleted(
            session, RecordType.CONFIGURATIONS, run_id=run_b, organization_id=7
        )
        assert (
            await mark_unseen_deleted(
                session, RecordType.CONFIGURATIONS, run_id=run_b, organization_id=7
            )
            == []
        ), "already deleted records are not marked again"
    assert deleted == [2]
    async with unit_of_work(session_factory) as session:
        assert await existing_ids(session, RecordType.CONFIGURATIONS) == {1, 3, 4}
        assert await existing_ids(session, RecordType.CONFIGURATIONS, organization_id=7) == {1}
        assert await existing_ids(session, RecordType.CONFIGURATIONS, include_deleted=True) == {
            1,
            2,
            3,
            4,
        }
        hits = await search(session, "host")
    assert sorted(hit.record_id for hit in hits) == [1, 3, 4], "search entry removed"


async def test_mark_unseen_deleted_by_column_and_undelete(session_factory: Sessions) -> None:
    run_b = await _seed_for_deletion(session_factory)
    async with unit_of_work(session_factory) as session:
        deleted = await mark_unseen_deleted(
            session,
            RecordType.CONFIGURATIONS,
            run_id=run_b,
            where={"configuration_type_name": "Workstation"},
        )
        everything = await mark_unseen_deleted(session, RecordType.CONFIGURATIONS, run_id=run_b)
    assert deleted == [2]
    assert everything == [1, 3, 4]
    async with unit_of_work(session_factory) as session:
        await upsert_records(session, RecordType.CONFIGURATIONS, [{"id": 2}], run_id=run_b)
        assert await existing_ids(session, RecordType.CONFIGURATIONS) == {2}
        [row] = [r for r in await _rows(session, RecordType.CONFIGURATIONS) if r["id"] == 2]
    assert row["deleted_at"] is None
    assert row["last_seen_run_id"] == run_b
    assert row["configuration_type_name"] == "Workstation"


async def test_mark_unseen_deleted_refuses_bad_scopes(session_factory: Sessions) -> None:
    async with unit_of_work(session_factory) as session:
        with pytest.raises(StoreError, match="not marked"):
            await mark_unseen_deleted(session, RecordType.CONFIGURATION_INTERFACES, run_id=1)
        with pytest.raises(StoreError, match="unknown column 'colour'"):
            await mark_unseen_deleted(
                session, RecordType.CONFIGURATIONS, run_id=1, where={"colour": "red"}
            )
        with pytest.raises(StoreError, match="no organization_id"):
            await mark_unseen_deleted(
                session, RecordType.FLEXIBLE_ASSET_TYPES, run_id=1, organization_id=7
            )
