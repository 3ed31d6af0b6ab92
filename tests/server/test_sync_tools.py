"""``sync_data`` and ``sync_status`` over Streamable HTTP (SQLite and PostgreSQL), with the sync
worker running the queued requests against the simulator.

A token without the admin scope gets 403 ``insufficient_scope``; a role without the ``sync``
action is refused and audited; a second request while a sync runs (or is queued) is refused
with the run (or request) named; and a change made in IT Glue (the simulator) is served by the
tools once ``sync_data`` of its organization has run — the time that takes is printed.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from pydantic import SecretStr

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import AuthMode, AuthSettings, Settings, SyncSettings
from itglue_mcp.config.rbac import PolicySource, RbacSettings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.security.audit import AuditTrail
from itglue_mcp.security.rbac import build_authorizer
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.server.tools.sync import DENIED_SYNC
from itglue_mcp.store.audit import AuditDecision, list_audit_events
from itglue_mcp.store.database import create_engine, create_session_factory, unit_of_work
from itglue_mcp.store.sync_requests import latest_request
from itglue_mcp.sync.engine import SyncEngine, SyncReport
from itglue_mcp.sync.lock import sync_lock_held
from itglue_mcp.sync.worker import SyncWorker
from tests.tenant import Simulated, run_sync

TOKEN = secrets.token_urlsafe(32)
ALL_SCOPES = ["itglue.read", "itglue.secrets.reveal", "itglue.admin"]
MCP_ACCEPT = "application/json, text/event-stream"


@asynccontextmanager
async def serving(
    store_url: str,
    *,
    roles: list[str],
    scopes: list[str] = ALL_SCOPES,
    policy_file: Path | None = None,
) -> AsyncIterator[str]:
    """The MCP app in static-token mode with RBAC (the built-in roles, plus ``policy_file``)
    and an audit trail (in the same store); yields its base URL."""
    settings = Settings(
        auth=AuthSettings(
            mode=AuthMode.STATIC,
            static_token=SecretStr(TOKEN),
            static_subject="ada@msp.example",
            static_roles=roles,
            static_scopes=scopes,
        ),
        rbac=RbacSettings(
            policy_source=PolicySource.FILE if policy_file else PolicySource.BUILTIN,
            policy_file=policy_file,
        ),
    )
    engine = create_engine(store_url, null_pool=True)
    sessions = create_session_factory(engine)
    trail = AuditTrail(sessions)
    authorizer = await build_authorizer(settings, None)
    services = Services(
        sessions=sessions, graph=SqlGraphStore(sessions), authorizer=authorizer, audit=trail
    )
    app = build_http_app(build_server(services, settings.auth), settings, audit=trail)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        await authorizer.aclose()
        await engine.dispose()


@asynccontextmanager
async def worker_running(store_url: str, simulated: Simulated) -> AsyncIterator[None]:
    """The sync worker, polling every 0.1 s, syncing from the simulator into the store."""
    engine = create_engine(store_url)
    sessions = create_session_factory(engine)

    async def runner(
        *, full: bool, organization_id: int | None, on_start: Callable[[int], Awaitable[None]]
    ) -> SyncReport:
        async with ItglueClient(simulated.settings()) as client:
            sync = SyncEngine(client, engine, sessions, settings=SyncSettings())
            return await sync.run(full=full, organization_id=organization_id, on_start=on_start)

    worker = SyncWorker(sessions, runner, poll_s=0.1)
    task = asyncio.create_task(worker.serve())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await engine.dispose()


@pytest.fixture
async def store_url(database_url: str, simulator: Simulated) -> str:
    """A store holding a full sync of the simulator's tenant (changed by the tests)."""
    await run_sync(simulator, database_url, full=True)
    return database_url


async def _follow(client: Client, request_id: int, timeout_s: float = 60.0) -> dict[str, Any]:
    """Poll ``sync_status`` until the request is done; its structured content."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await client.call_tool("sync_status", {"request": request_id})
        status: dict[str, Any] = result.structured_content
        if status["state"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.1)


async def test_sync_data_needs_the_admin_scope(store_url: str) -> None:
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "sync_data", "arguments": {}},
    }
    async with (
        serving(store_url, roles=["msp-admin"], scopes=["itglue.read"]) as url,
        httpx.AsyncClient(base_url=url) as http,
    ):
        refused = await http.post(
            "/mcp", json=call, headers={"Authorization": f"Bearer {TOKEN}", "Accept": MCP_ACCEPT}
        )

    # Step-up (MCP authorization, RFC 6750 §3.1): 403 naming the scope to ask for.
    assert refused.status_code == 403
    challenge = refused.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and "itglue.admin" in challenge
    engine = create_engine(store_url, null_pool=True)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            assert await latest_request(session) is None
            events = await list_audit_events(session)
    finally:
        await engine.dispose()
    assert [(e.tool, e.reason) for e in events] == [("sync_data", "missing scope itglue.admin")]


async def test_sync_tools_are_msp_admins_alone_among_the_built_in_roles(
    store_url: str,
) -> None:
    async with (
        serving(store_url, roles=["technician"]) as url,
        Client(f"{url}/mcp", auth=TOKEN) as client,
    ):
        listed = {tool.name for tool in await client.list_tools()}
        with pytest.raises(ToolError, match="sync_data: not permitted"):
            await client.call_tool("sync_data", {})

    assert "get_password" in listed and not listed & {"sync_data", "sync_status"}


async def test_sync_data_needs_the_sync_permission_in_the_organization(
    store_url: str, simulator: Simulated, tmp_path: Path
) -> None:
    acme, other = (int(o["id"]) for o in simulator.dataset.ordered("organizations")[:2])
    policy = tmp_path / "policy.csv"
    policy.write_text(
        f"p, role:on-call, *, *, read\np, role:on-call, {acme}, sync_*, sync\n", encoding="utf-8"
    )
    async with (
        serving(store_url, roles=["on-call"], policy_file=policy) as url,
        Client(f"{url}/mcp", auth=TOKEN) as client,
    ):
        with pytest.raises(ToolError, match="sync_data: not permitted"):
            await client.call_tool("sync_data", {})
        with pytest.raises(ToolError, match="sync_data: not permitted"):
            await client.call_tool("sync_data", {"organization": str(other)})
        with pytest.raises(ToolError, match="sync_status: not permitted"):
            await client.call_tool("sync_status", {})
        queued = await client.call_tool("sync_data", {"organization": str(acme)})
        status = await client.call_tool("sync_status", {})

    engine = create_engine(store_url, null_pool=True)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            events = await list_audit_events(session)
    finally:
        await engine.dispose()
    assert status.structured_content["request_id"] == queued.structured_content["request_id"]
    assert status.structured_content["organization_id"] == acme
    assert [(e.tool, e.decision, e.reason, e.organization_id) for e in events] == [
        ("sync_data", AuditDecision.DENY, DENIED_SYNC, None),
        ("sync_data", AuditDecision.DENY, DENIED_SYNC, other),
        ("sync_status", AuditDecision.DENY, DENIED_SYNC, None),
    ]


async def test_a_second_request_is_refused_naming_the_sync_in_progress(
    store_url: str, simulator: Simulated
) -> None:
    async with (
        serving(store_url, roles=["msp-admin"]) as url,
        Client(f"{url}/mcp", auth=TOKEN) as client,
    ):
        first = await client.call_tool("sync_data", {})
        request_id = first.structured_content["request_id"]
        with pytest.raises(ToolError) as queued:
            await client.call_tool("sync_data", {"full": True})
        assert f"request {request_id}" in str(queued.value)

        # A scheduled sync (the CronJob) holds the lock: a worker's claim goes back to the
        # queue, and a new request names the run.
        simulator.app.delay_s = 0.1
        engine = create_engine(store_url)
        scheduled = asyncio.create_task(run_sync(simulator, store_url))
        try:
            while not await sync_lock_held(engine):
                await asyncio.sleep(0.02)
            status = await client.call_tool("sync_status", {})
            assert status.structured_content["state"] == "queued"
            async with worker_running(store_url, simulator):
                await asyncio.sleep(0.5)
                with pytest.raises(ToolError) as running:
                    await client.call_tool("sync_data", {})
                report = await scheduled
                assert f"sync run {report.run_id}" in str(running.value)
                simulator.app.delay_s = 0
                done = await _follow(client, request_id)
        finally:
            await engine.dispose()

    # The request waited for the scheduled run, then ran on its own.
    assert done["state"] == "succeeded" and done["run_id"] > report.run_id


async def test_a_change_in_it_glue_is_served_after_sync_data(
    store_url: str, simulator: Simulated, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = simulator.dataset
    configuration = dict(dataset.ordered("configurations")[0])
    organization_id = int(configuration["attributes"]["organization-id"])
    configuration["attributes"] = {**configuration["attributes"], "name": "SYNC-PROBE-01"}
    dataset.put("configurations", configuration)

    async with (
        serving(store_url, roles=["msp-admin"]) as url,
        Client(f"{url}/mcp", auth=TOKEN) as client,
        worker_running(store_url, simulator),
    ):
        with pytest.raises(ToolError, match="no configuration"):
            await client.call_tool("get_configuration", {"name": "SYNC-PROBE-01"})
        schemas = {tool.name: tool.output_schema for tool in await client.list_tools()}
        started = time.perf_counter()
        queued = await client.call_tool("sync_data", {"organization": str(organization_id)})
        status = await _follow(client, queued.structured_content["request_id"])
        elapsed = time.perf_counter() - started
        found = await client.call_tool("get_configuration", {"name": "SYNC-PROBE-01"})
        detail = await client.call_tool("get_organization", {"organization": str(organization_id)})
        health = await client.call_tool("health", {})

    with capsys.disabled():
        print(f"\nsync_data of one organization, queued to succeeded: {elapsed:.2f} s")
    assert queued.structured_content["source"]["record_id"] == organization_id
    assert f"sync_status(request={queued.structured_content['request_id']})" in (
        queued.content[0].text
    )
    assert status["state"] == "succeeded" and status["records"] >= 1
    assert status["organization_id"] == organization_id and "error" not in status
    assert found.structured_content["configurations"][0]["source"]["record_id"] == int(
        configuration["id"]
    )
    sync = detail.structured_content["sync"]
    assert sync["state"] == "succeeded" and sync["run_id"] == status["run_id"]
    assert sync["records"] == status["records"]
    assert "Sync: succeeded" in detail.content[0].text
    organizations = len(dataset.ordered("organizations"))
    assert health.structured_content["organization_sync"] == {"succeeded": organizations}
    for tool, result in (("sync_data", queued.structured_content), ("sync_status", status)):
        errors = list(jsonschema.Draft202012Validator(schemas[tool]).iter_errors(result))
        assert errors == [], f"{tool}: {json.dumps(result)}"
