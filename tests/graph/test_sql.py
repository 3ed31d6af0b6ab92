"""The SQL backend over a store that changes: deleted records and links across organizations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, insert, update

from itglue_mcp.graph import Relation, SqlGraphStore
from itglue_mcp.store import RecordType, unit_of_work
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


async def test_a_scoped_walk_reads_only_the_scopes_flexible_assets_for_tag_links(
    simulator: Simulated, database_url: str, dataset_dir: Path
) -> None:
    # Tag traits are JSON that no index serves: a walk scoped to one organization must not
    # read every flexible asset of the account to find the ones tagging its records.
    await run_sync(simulator, database_url, full=True)
    dataset = load_graph(dataset_dir)
    [firewall] = dataset.by_name("configurations", "NW-FW01")
    [foreign] = dataset.by_name("configurations", "ACME-FW01")
    own, other = dataset.organization(firewall), dataset.organization(foreign)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    tag_scans: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "flexible_assets.traits" in statement and "LIKE" in statement:
            tag_scans.append(statement)

    try:
        async with unit_of_work(sessions) as session:
            # An asset of another organization tagging NW-FW01 (as a cross-organization link).
            await session.execute(
                insert(RecordType.FLEXIBLE_ASSETS.table).values(
                    id=999_999_001,
                    organization_id=other,
                    name="Foreign backup job",
                    traits={
                        "protected-servers": {
                            "type": "Configurations",
                            "values": [{"id": firewall.record_id, "name": "NW-FW01"}],
                        }
                    },
                    synced_at=utcnow(),
                )
            )
        graph = SqlGraphStore(sessions)
        everywhere = await graph.neighbours([firewall])
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        scoped = await graph.neighbours([firewall], organization_ids=[own])
    finally:
        await engine.dispose()

    tagging = {edge.target.record_id for edge in everywhere if edge.relation == "tagged_by"}
    assert 999_999_001 in tagging, "unscoped, the foreign asset's Tag link is found"
    assert all(edge.target.record_id != 999_999_001 for edge in scoped)
    assert tag_scans and all("organization_id IN" in scan for scan in tag_scans)
