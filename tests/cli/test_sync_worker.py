"""``itglue-mcp sync-worker`` as a real process (SQLite and PostgreSQL): it runs a queued
request against the simulator, logs no API key, and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from itglue_mcp.store import unit_of_work
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.sync_requests import SyncRequest, enqueue_request, get_request
from tests.tenant import API_KEY, Simulated, run_sync


async def _request(database_url: str, request_id: int | None = None) -> SyncRequest | None:
    """Queue a request of one organization (``request_id`` None), or read one back."""
    engine = create_engine(database_url, null_pool=True)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            if request_id is not None:
                return await get_request(session, request_id)
            return await enqueue_request(
                session, organization_id=None, full=False, requested_by="ada"
            )
    finally:
        await engine.dispose()


async def test_the_worker_runs_a_queued_request_and_stops_on_sigterm(
    simulator: Simulated, database_url: str, tmp_path: Path, tiny_model_dir: Path
) -> None:
    await run_sync(simulator, database_url, full=True)
    env = {
        **os.environ,
        "ITGLUE_MCP_DATA_DIR": str(tmp_path / "data"),
        "ITGLUE_MCP_DATABASE_URL": database_url,
        "ITGLUE_MCP_ITGLUE__API_URL": simulator.url,
        "ITGLUE_MCP_ITGLUE__API_KEY": API_KEY,
        "ITGLUE_MCP_INDEX__MODEL": str(tiny_model_dir),
    }
    queued = await _request(database_url)
    assert queued is not None
    process = subprocess.Popen(
        [sys.executable, "-m", "itglue_mcp", "sync-worker", "--poll-interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while (done := await _request(database_url, queued.id)) is not None and (
            done.status in ("queued", "running")
        ):
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the request was not run"
            await asyncio.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)

    assert done is not None and done.status == "succeeded" and done.run_id is not None
    assert process.returncode == 0, stderr
    assert "sync worker stopped" in stderr
    assert "sync_worker.finished" in stdout + stderr
    assert API_KEY not in stdout + stderr
