"""The SQL backend over a store that changes: deleted records and links across organizations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, update
from sqlalchemy.ext.asyncio import AsyncEngine

from itglue_mcp.graph import Relation, SqlGraphStore
from itglue_mcp.store import RecordType, unit_of_work, upsert_records
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.models.base import utcnow
from tests.graph.dataset_links import load_graph
from tests.tenant import Simulated, run_sync


async def test_deleted_records_are_never_reached_and_scope_filters_far_ends(
    simulator: Simulated, database_url: str, dataset_dir: Path
) -> None:
    await run_sync(simulator, database_url, full=True)
    dataset = load_graph(dataset_dir)
    [firewall] = dataset.by_name("configurations", "NW-FW01")
    [foreign] = dataset.by_name("configurations", "ACME-FW01")
    document = next(
        target
        for target, relation in sorted(dataset.links[firewall])
        if relation == Relation.RELATED_ITEM and target.record_type == "documents"
    )
    password = next(
        target for target, relation in sorted(dataset.links[firewall]) if relation == "has_password"
    )
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        async with unit_of_work(sessions) as session:
            for ref in (document, password):
                table = RecordType(ref.record_type).table
                await session.execute(
                    update(table).where(table.c.id == ref.record_id).values(deleted_at=utcnow())
                )
            await session.execute(
                insert(RecordType.RELATED_ITEMS.table).values(
                    source_type="configurations",
                    source_id=firewall.record_id,
                    id=1,
                    asset_type="configuration",
                    resource_id=foreign.record_id,
                    notes="Site-to-site VPN peer",
                    synced_at=utcnow(),
                )
            )
        graph = SqlGraphStore(sessions)

        walked = await graph.expand(firewall, depth=3, limit=1000)
        own = dataset.organization(firewall)
        scoped = await graph.expand(firewall, depth=3, limit=1000, organization_ids=[own])
        from_deleted = await graph.expand(document, depth=1, limit=10)
        deleted_links = await graph.neighbours([document, password])
        from_foreign = await graph.neighbours([foreign])
    finally:
        await engine.dispose()

    for subgraph in (walked, scoped):
        assert document not in subgraph.depths and password not in subgraph.depths
        assert all(document not in (e.source, e.target) for e in subgraph.edges)
    assert walked.depths[foreign] == 1
    assert foreign not in scoped.depths
    assert all(node.organization_id == own for node in scoped.nodes.values())
    assert from_deleted.depths == {} and deleted_links == []
    # The link is found from the far end too, and it was carried by the firewall only.
    back = [edge for edge in from_foreign if edge.target == firewall]
    assert [(edge.relation, edge.notes) for edge in back] == [
        ("related_item", "Site-to-site VPN peer")
    ]


async def _plans(engine: AsyncEngine, statements: list[tuple[str, Any]]) -> list[str]:
    """The query plan of each ``(statement, parameters)`` the driver ran, as one string."""
    plans = []
    async with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if not sqlite:
            # The test's tables are tiny: without this PostgreSQL reads them whole anyway.
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in statements:
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = await connection.exec_driver_sql(explain + statement, parameters)
            plans.append(" ".join(str(row[-1] if sqlite else row[0]) for row in rows))
    return plans


async def test_tagging_assets_are_found_through_an_index_in_scope_and_out(
    simulator: Simulated, database_url: str, dataset_dir: Path
) -> None:
    # Tag traits are JSON that no index serves: finding the flexible assets that tag a record
    # reads the Tag-link rows the sync wrote with the assets, by the record, never the traits
    # of every asset of the account (or of the organizations in scope).
    await run_sync(simulator, database_url, full=True)
    dataset = load_graph(dataset_dir)
    [firewall] = dataset.by_name("configurations", "NW-FW01")
    [foreign] = dataset.by_name("configurations", "ACME-FW01")
    own, other = dataset.organization(firewall), dataset.organization(foreign)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    statements: list[tuple[str, Any]] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if "flexible_asset" in statement:
            statements.append((statement, parameters))

    try:
        async with unit_of_work(sessions) as session:
            # An asset of another organization tagging NW-FW01 (as a cross-organization link).
            await upsert_records(
                session,
                RecordType.FLEXIBLE_ASSETS,
                [
                    {
                        "id": 999_999_001,
                        "organization_id": other,
                        "name": "Foreign backup job",
                        "traits": {
                            "protected-servers": {
                                "type": "Configurations",
                                "values": [{"id": firewall.record_id, "name": "NW-FW01"}],
                            }
                        },
                    }
                ],
                run_id=None,
            )
        graph = SqlGraphStore(sessions)
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        everywhere = await graph.neighbours([firewall])
        scoped = await graph.neighbours([firewall], organization_ids=[own])
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        plans = await _plans(engine, statements)
        async with unit_of_work(sessions) as session:
            table = RecordType.FLEXIBLE_ASSETS.table
            await session.execute(
                update(table).where(table.c.id == 999_999_001).values(deleted_at=utcnow())
            )
        once_deleted = await graph.neighbours([firewall])
    finally:
        await engine.dispose()

    tagging = {
        edge.target.record_id: edge.label for edge in everywhere if edge.relation == "tagged_by"
    }
    assert tagging[999_999_001] == "protected-servers", "unscoped, the foreign asset tags it"
    assert all(edge.target.record_id != 999_999_001 for edge in scoped)
    assert all(edge.target.record_id != 999_999_001 for edge in once_deleted)
    assert set(once_deleted) == {e for e in everywhere if e.target.record_id != 999_999_001}
    lookups = [
        plan
        for (statement, _), plan in zip(statements, plans, strict=True)
        if "flexible_asset_tags" in statement
    ]
    assert len(lookups) == 2, "one Tag-link read per walk level"
    assert all("ix_flexible_asset_tags_tag_type_target_id" in plan for plan in lookups)
    assert all("LIKE" not in statement for statement, _ in statements)
