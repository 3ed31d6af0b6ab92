"""Migrations: up, down, up again, idempotence, and agreement with the models."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from itglue_mcp.store import RecordType, create_engine, current, downgrade, head_revision, upgrade
from itglue_mcp.store.models import FlexibleAssetTag, metadata, utcnow
from itglue_mcp.store.tag_links import parse_tag_links

# The newest revision; a new migration moves it (and this test notices a broken chain).
HEAD = "0010"


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _tables(url: str) -> set[str]:
    engine = create_engine(url, null_pool=True)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_table_names)
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    assert await current(empty_database_url) is None
    await upgrade(empty_database_url)
    assert await current(empty_database_url) == head_revision() == HEAD
    tables = await _tables(empty_database_url)
    assert set(metadata.tables) <= tables

    await upgrade(empty_database_url)  # up to date: nothing happens
    assert await current(empty_database_url) == HEAD
    assert await _tables(empty_database_url) == tables

    await downgrade(empty_database_url, "base")
    assert await current(empty_database_url) is None
    assert await _tables(empty_database_url) == {"alembic_version"}

    await upgrade(empty_database_url)
    assert await current(empty_database_url) == HEAD
    assert await _tables(empty_database_url) == tables


def _schema_differences(connection: Connection) -> list[Any]:
    def include_name(name: str | None, type_: str, _parent: Any) -> bool:
        if type_ == "table":
            return name in metadata.tables  # not alembic_version, not the FTS5 tables
        # Declared only in the migration: the dialect-specific full-text structures.
        return name not in ("search_vector", "ix_search_entries_search_vector")

    context = MigrationContext.configure(
        connection,
        opts={"include_name": include_name, "compare_type": True, "compare_server_default": True},
    )
    with warnings.catch_warnings():
        # SQLite cannot reflect expression indexes, so Alembic says it skips them.
        warnings.filterwarnings("ignore", message=".*expression-based index")
        return list(compare_metadata(context, metadata))


async def test_models_match_the_migrations(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_schema_differences)
    assert differences == []


async def test_full_text_structures_exist(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = await connection.execute(
                text("SELECT type, name FROM sqlite_master WHERE name LIKE 'search_entries_fts%'")
            )
            names = {(row.type, row.name) for row in rows}
            assert ("table", "search_entries_fts") in names
            assert {name for kind, name in names if kind == "trigger"} == {
                "search_entries_fts_insert",
                "search_entries_fts_delete",
                "search_entries_fts_update",
            }
        else:
            generated = await connection.scalar(
                text(
                    "SELECT is_generated FROM information_schema.columns "
                    "WHERE table_name = 'search_entries' AND column_name = 'search_vector'"
                )
            )
            assert generated == "ALWAYS"
            index = await connection.scalar(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                {"name": "ix_search_entries_search_vector"},
            )
            assert "USING gin" in index


@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
async def test_concurrent_upgrades_on_postgresql(empty_database_url: str) -> None:
    # Pods starting together all run the migration; the advisory lock serialises them.
    await asyncio.gather(*(upgrade(empty_database_url) for _ in range(3)))
    assert await current(empty_database_url) == HEAD


async def test_every_declared_index_exists(engine: AsyncEngine) -> None:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    )
    async with engine.connect() as connection:
        existing = set(await connection.scalars(text(query)))
    declared = {index.name for table in metadata.tables.values() for index in table.indexes}
    assert declared - existing == set()


async def test_upgrading_to_the_outbox_enqueues_every_searchable_record(
    empty_database_url: str,
) -> None:
    # Records synced before revision 0002 were never embedded: the upgrade queues them.
    await upgrade(empty_database_url, "0001")
    engine = create_engine(empty_database_url, null_pool=True)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO search_entries (record_type, record_id, organization_id, name, "
                    "body) VALUES ('documents', 30, 7, 'Sophos VPN', 'reset'), "
                    "('configurations', 11, 7, 'ACME-FW01', '')"
                )
            )
        await upgrade(empty_database_url)
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT record_type, record_id, enqueued_at FROM index_outbox ORDER BY id")
            )
            queued = [(row.record_type, row.record_id, row.enqueued_at is not None) for row in rows]
    finally:
        await engine.dispose()
    assert queued == [("documents", 30, True), ("configurations", 11, True)]


async def test_a_name_looked_up_in_every_organization_reads_an_index(engine: AsyncEngine) -> None:
    # Without an organization the (organization_id, lower(name)) indexes cannot serve the
    # lookup: it would read every row of every record table.
    statement = (
        "SELECT id FROM configurations WHERE lower(name) = 'dc01' OR lower(hostname) = 'dc01'"
    )
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            plan = " ".join(
                str(row[-1])
                for row in await connection.execute(text(f"EXPLAIN QUERY PLAN {statement}"))
            )
        else:
            await connection.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(
                str(row[0]) for row in await connection.execute(text(f"EXPLAIN {statement}"))
            )
    assert "ix_configurations_lower_name" in plan
    assert "ix_configurations_lower_hostname" in plan
    assert "SCAN configurations" not in plan


@pytest.mark.parametrize(
    ("statement", "index"),
    [
        (
            "SELECT id FROM passwords WHERE resource_type IN ('Configuration') "
            "AND resource_id IN (1, 2)",
            "ix_passwords_resource",
        ),
        (
            "SELECT id FROM expirations WHERE resource_type_name IN ('Configuration') "
            "AND resource_id IN (1, 2)",
            "ix_expirations_resource",
        ),
        (
            "SELECT id FROM configurations WHERE location_id IN (1, 2)",
            "ix_configurations_location_id",
        ),
        (
            "SELECT id FROM configurations WHERE contact_id IN (1, 2)",
            "ix_configurations_contact_id",
        ),
        ("SELECT id FROM contacts WHERE location_id IN (1, 2)", "ix_contacts_location_id"),
        (
            "SELECT flexible_asset_id FROM flexible_asset_tags "
            "WHERE tag_type = 'Configurations' AND target_id IN (1, 2)",
            "ix_flexible_asset_tags_tag_type_target_id",
        ),
    ],
)
async def test_what_points_at_a_record_is_read_through_an_index(
    engine: AsyncEngine, statement: str, index: str
) -> None:
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            plan = " ".join(
                str(row[-1])
                for row in await connection.execute(text(f"EXPLAIN QUERY PLAN {statement}"))
            )
        else:
            await connection.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(
                str(row[0]) for row in await connection.execute(text(f"EXPLAIN {statement}"))
            )
    assert index in plan


def _tag(tag_type: Any, *ids: Any) -> dict[str, Any]:
    return {"type": tag_type, "values": [{"id": record_id, "name": "x"} for record_id in ids]}


# Traits stored before revision 0010, Tag-shaped or not, and the odd shapes a store may hold.
_STORED_TRAITS: dict[int, Any] = {
    900: {
        "protected-devices": _tag("Configurations", 4215003, "4215004", 4215003, "007"),
        "global-admin": _tag("Passwords", 402),
        "organization": _tag("Organizations", 7),
        "backup-name": "Nightly",
        "looks-like-a-tag": '{"type": "Configurations", "values": [{"id": 5}]}',
        "retention-days": 30,
    },
    901: {
        "odd-ids": _tag("Configurations", "ACME-FW01", -4, 4.5, True, 10**18, "1" * 19, "١٢", ""),
        "longest": _tag("Configurations", 10**18 - 1, "9" * 18),
        "odd-values": {"type": "Configurations", "values": ["ACME-SQL01", [1], None, {"n": 1}]},
        "values-text": {"type": "Configurations", "values": "ACME-FW01"},
        "values-object": {"type": "Configurations", "values": {"a": {"id": 5}}},
        "type-number": _tag(5, 6),
        "no-type": {"values": [{"id": 8}]},
        "nested": [_tag("Configurations", 9)],
    },
    902: None,
    903: [_tag("Configurations", 10)],
    904: 11,
}


async def test_upgrading_to_tag_links_fills_them_from_stored_traits(
    empty_database_url: str,
) -> None:
    # Assets synced before revision 0010 have Tag traits but no rows: the upgrade expands
    # them in SQL, by the rule the store applies to traits it writes afterwards.
    await upgrade(empty_database_url, "0009")
    engine = create_engine(empty_database_url, null_pool=True)
    assets = RecordType.FLEXIBLE_ASSETS.table
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(assets),
                [
                    {"id": id_, "organization_id": 7, "traits": traits, "synced_at": utcnow()}
                    for id_, traits in _STORED_TRAITS.items()
                ],
            )
        await upgrade(empty_database_url)
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(
                    FlexibleAssetTag.flexible_asset_id,
                    FlexibleAssetTag.trait_key,
                    FlexibleAssetTag.tag_type,
                    FlexibleAssetTag.target_id,
                )
            )
            backfilled = {tuple(row) for row in rows}
    finally:
        await engine.dispose()

    expected = {
        (id_, link.trait_key, link.tag_type, link.target_id)
        for id_, traits in _STORED_TRAITS.items()
        for link in parse_tag_links(traits)
    }
    assert backfilled == expected
    assert {row[1:] for row in backfilled if row[0] == 900} == {
        ("protected-devices", "Configurations", 4215003),
        ("protected-devices", "Configurations", 4215004),
        ("protected-devices", "Configurations", 7),
        ("global-admin", "Passwords", 402),
        ("organization", "Organizations", 7),
    }
    assert {row[1:] for row in backfilled if row[0] != 900} == {
        ("longest", "Configurations", 10**18 - 1),
    }
