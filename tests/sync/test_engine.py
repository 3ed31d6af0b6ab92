"""Sync engine against the simulator over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import pytest
from sqlalchemy import text

from itglue_mcp.itglue.errors import MalformedResponse, ServiceUnavailable
from itglue_mcp.store.database import create_engine
from itglue_mcp.sync.errors import SyncAlreadyRunning, SyncError, UnknownRecordType
from tests.tenant import Simulated, expected_counts, run_sync, store_counts, stored_run


async def _rows(database_url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text(sql), params)).all())
    finally:
        await engine.dispose()


def _first(dataset: Any, resource_type: str, **attributes: Any) -> dict[str, Any]:
    for record in dataset.ordered(resource_type):
        if all(record["attributes"].get(k) == v for k, v in attributes.items()):
            return copy.deepcopy(dict(record))
    raise AssertionError(f"no {resource_type} with {attributes}")


async def test_full_sync_holds_exactly_the_account(simulator: Simulated, database_url: str) -> None:
    report = await run_sync(simulator, database_url, full=True)

    counts = await store_counts(database_url)
    expected = expected_counts(simulator.dataset)
    assert {name: counts[name] for name in expected} == expected
    assert report.mode == "full"
    assert report.total_records == sum(expected.values())
    interfaces = await _rows(database_url, "SELECT count(*) FROM configuration_interfaces")
    assert interfaces[0][0] == simulator.dataset.count("configuration-interfaces")
    related = await _rows(database_url, "SELECT count(*) FROM related_items")
    assert related[0][0] > 0
    run = await stored_run(database_url, report.run_id)
    assert run is not None and run.status == "succeeded"
    assert run.api_requests >= report.api_requests > 0


async def test_no_secret_value_reaches_the_store(simulator: Simulated, database_url: str) -> None:
    await run_sync(simulator, database_url, full=True)

    secrets = [
        record["attributes"]["password"]
        for record in simulator.dataset.ordered("passwords")
        if record["attributes"].get("password")
    ]
    password_keys = {
        field["attributes"]["name-key"]
        for field in simulator.dataset.ordered("flexible-asset-fields")
        if field["attributes"]["kind"] == "Password"
    }
    secrets += [
        value
        for asset in simulator.dataset.ordered("flexible-assets")
        for key, value in asset["attributes"]["traits"].items()
        if key in password_keys and isinstance(value, str) and value
    ]
    assert len(secrets) > 10
    dump_parts = []
    for table in ("passwords", "flexible_assets", "search_entries", "related_items"):
        rows = await _rows(database_url, f"SELECT * FROM {table}")
        dump_parts.extend(" ".join(str(value) for value in row) for row in rows)
    dump = "\n".join(dump_parts)
    leaked = [secret for secret in secrets if secret in dump]
    assert leaked == []
    stored_keys = set()
    for (traits,) in await _rows(database_url, "SELECT traits FROM flexible_assets"):
        stored_keys |= set(traits if isinstance(traits, dict) else json.loads(traits))
    assert stored_keys and not stored_keys & password_keys


async def test_incremental_sync_picks_up_changes(simulator: Simulated, database_url: str) -> None:
    await run_sync(simulator, database_url, full=True)
    dataset = simulator.dataset

    changed = _first(dataset, "configurations", archived=False)
    changed["attributes"]["name"] = "RENAMED-CONFIG-01"
    dataset.put("configurations", changed)
    created = copy.deepcopy(changed)
    created["id"] = "9999999001"
    created["attributes"]["name"] = "BRAND-NEW-CONFIG"
    created["relationships"] = {}
    dataset.put("configurations", created)
    archived = _first(dataset, "passwords", archived=False)
    archived["attributes"]["archived"] = True
    dataset.put("passwords", archived)
    gone = _first(dataset, "contacts")
    dataset.delete("contacts", gone["id"])
    changed_org = _first(dataset, "organizations")
    changed_org["attributes"]["quick-notes"] = "After-hours line moved"
    dataset.put("organizations", changed_org)

    incremental = await run_sync(simulator, database_url)

    assert incremental.mode == "incremental"
    assert incremental.records["configurations"] == 2
    assert incremental.records["passwords"] == 1
    assert incremental.records["organizations"] == 1
    assert incremental.total_records == 4  # only what changed was fetched and written
    names = {
        row[0]
        for row in await _rows(
            database_url,
            "SELECT name FROM configurations WHERE id IN (:a, :b)",
            a=int(changed["id"]),
            b=int(created["id"]),
        )
    }
    assert names == {"RENAMED-CONFIG-01", "BRAND-NEW-CONFIG"}
    flag = await _rows(
        database_url, "SELECT archived FROM passwords WHERE id = :i", i=int(archived["id"])
    )
    assert bool(flag[0][0]) is True
    # Deletions have no feed: only a full listing finds them.
    still = await _rows(
        database_url, "SELECT deleted_at FROM contacts WHERE id = :i", i=int(gone["id"])
    )
    assert still[0][0] is None

    second_full = await run_sync(simulator, database_url, full=True)

    assert second_full.deleted == {"contacts": 1}
    marked = await _rows(
        database_url, "SELECT deleted_at FROM contacts WHERE id = :i", i=int(gone["id"])
    )
    assert marked[0][0] is not None
    counts = await store_counts(database_url)
    assert counts["contacts"] == dataset.count("contacts")
    assert counts["configurations"] == dataset.count("configurations")


async def test_a_failed_run_resumes_where_it_stopped(
    simulator: Simulated, database_url: str
) -> None:
    simulator.app.fail_after = 12
    with pytest.raises(ServiceUnavailable):
        await run_sync(simulator, database_url, full=True)
    partial = await store_counts(database_url)
    assert sum(partial[name] for name in expected_counts(simulator.dataset)) > 0

    simulator.app.fail_after = None
    simulator.app.down = False
    before = simulator.app.requests
    report = await run_sync(simulator, database_url)

    assert report.resumed and report.mode == "full"
    counts = await store_counts(database_url)
    expected = expected_counts(simulator.dataset)
    assert {name: counts[name] for name in expected} == expected
    fresh_requests = simulator.app.requests - before
    uninterrupted = await run_sync(simulator, database_url, full=True)
    assert fresh_requests < uninterrupted.api_requests
    runs = [await stored_run(database_url, run_id) for run_id in (1, 2)]
    assert [run.status for run in runs if run] == ["succeeded", "succeeded"]


async def test_a_malformed_page_writes_nothing_of_itself(
    simulator: Simulated, database_url: str
) -> None:
    broken = _first(simulator.dataset, "configurations")
    attributes = {k: v for k, v in broken["attributes"].items() if k != "name"}
    simulator.dataset.put("configurations", {**broken, "attributes": attributes}, touch=False)

    with pytest.raises(MalformedResponse) as caught:
        await run_sync(simulator, database_url, full=True, client={"page_size": 1000})

    assert "configurations" in str(caught.value) and "name" in str(caught.value)
    assert (await store_counts(database_url))["configurations"] == 0
    simulator.dataset.put("configurations", broken, touch=False)
    report = await run_sync(simulator, database_url)
    assert report.resumed
    counts = await store_counts(database_url)
    expected = expected_counts(simulator.dataset)
    assert {name: counts[name] for name in expected} == expected


async def test_one_organization_only(simulator: Simulated, database_url: str) -> None:
    org = _first(simulator.dataset, "organizations")
    org_id = int(org["id"])

    await run_sync(simulator, database_url, full=True, organization_id=org_id)

    for table in ("configurations", "passwords", "documents", "contacts", "flexible_assets"):
        owners = {
            row[0]
            for row in await _rows(database_url, f"SELECT DISTINCT organization_id FROM {table}")
        }
        assert owners == {org_id}, table
    expected = sum(
        1
        for record in simulator.dataset.ordered("configurations")
        if record["attributes"]["organization-id"] == org_id
    )
    assert (await store_counts(database_url))["configurations"] == expected


async def test_unknown_organization_is_a_clear_error(
    simulator: Simulated, database_url: str
) -> None:
    with pytest.raises(SyncError, match="organization_id: 424242"):
        await run_sync(simulator, database_url, full=True, organization_id=424242)


async def test_types_restrict_what_is_synced(simulator: Simulated, database_url: str) -> None:
    report = await run_sync(simulator, database_url, full=True, types=["configurations"])

    counts = await store_counts(database_url)
    assert counts["configurations"] == simulator.dataset.count("configurations")
    assert counts["passwords"] == 0 and counts["documents"] == 0
    assert set(report.records) == {"configurations"}
    with pytest.raises(UnknownRecordType, match="types: unknown record type"):
        await run_sync(simulator, database_url, types=["configurationz"])


async def test_two_syncs_cannot_write_at_once(simulator: Simulated, database_url: str) -> None:
    simulator.app.delay_s = 0.05
    first = asyncio.create_task(run_sync(simulator, database_url, full=True))
    while simulator.app.requests == 0:
        await asyncio.sleep(0.01)
    with pytest.raises(SyncAlreadyRunning):
        await run_sync(simulator, database_url, full=True)
    report = await first
    assert report.total_records > 0


async def test_a_record_shifted_by_a_deletion_mid_listing_is_not_marked_deleted(
    simulator: Simulated, database_url: str
) -> None:
    await run_sync(simulator, database_url, full=True)
    configurations = list(simulator.dataset.ordered("configurations"))
    gone, shifted = configurations[0]["id"], configurations[50]["id"]

    def delete_before_page_two(scope: Any) -> None:
        # Page 1 (records 1-50) has been served; deleting its first record moves record 51
        # (the first of page 2) onto page 1, which the listing has already read.
        query = scope["query_string"].decode()
        second_page = scope["path"] == "/configurations" and "page%5Bnumber%5D=2" in query
        if second_page and simulator.dataset.get("configurations", gone) is not None:
            simulator.dataset.delete("configurations", gone)

    simulator.app.before_request = delete_before_page_two
    report = await run_sync(
        simulator, database_url, full=True, types=["configurations"], client={"page_size": 50}
    )

    # The shifted record was never listed, but it exists: confirmed by its show route.
    # The deleted one had been listed (page 1) before it went, so only the next run sees it.
    assert report.deleted == {}
    assert await _deleted_flags(database_url, gone, shifted) == {
        int(gone): False,
        int(shifted): False,
    }

    second = await run_sync(simulator, database_url, full=True, types=["configurations"])

    assert second.deleted == {"configurations": 1}
    assert await _deleted_flags(database_url, gone, shifted) == {
        int(gone): True,
        int(shifted): False,
    }
    assert (await store_counts(database_url))["configurations"] == simulator.dataset.count(
        "configurations"
    )


async def _deleted_flags(database_url: str, *ids: str) -> dict[int, bool]:
    rows = await _rows(
        database_url,
        "SELECT id, deleted_at FROM configurations WHERE id IN (:a, :b)",
        a=int(ids[0]),
        b=int(ids[1]),
    )
    return {row[0]: row[1] is not None for row in rows}


async def test_an_incremental_sync_with_nothing_changed_writes_nothing(
    simulator: Simulated, database_url: str
) -> None:
    """A warm start (the demo's second run, a CronJob between edits) writes no record and
    leaves the data generation, which serving replicas key their caches on, where it was."""
    await run_sync(simulator, database_url, full=True)
    [before] = await _rows(database_url, "SELECT generation FROM data_generation")

    again = await run_sync(simulator, database_url)

    assert again.mode == "incremental"
    assert again.total_records == 0, again.records
    assert await _rows(database_url, "SELECT generation FROM data_generation") == [before]
    assert before[0] > 0
