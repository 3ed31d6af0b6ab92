"""The command line, run as a user would: typer's runner in-process, or a real subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastmcp import Client
from typer.testing import CliRunner

from itglue_mcp.cli.main import app
from itglue_mcp.cli.simulate import parse_rate_limit
from tests.tenant import API_KEY, Simulated, expected_counts, run_sync, store_counts, stored_run

runner = CliRunner()


def _env(simulated: Simulated, database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "ITGLUE_MCP_DATA_DIR": str(tmp_path / "data"),
        "ITGLUE_MCP_DATABASE_URL": database_url,
        "ITGLUE_MCP_ITGLUE__API_URL": simulated.url,
        "ITGLUE_MCP_ITGLUE__API_KEY": API_KEY,
        "ITGLUE_MCP_ITGLUE__PAGE_SIZE": "100",
        **extra,
    }


def test_dataset_generate_writes_the_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dataset", "generate", "--out", str(tmp_path), "--orgs", "2"])

    assert result.exit_code == 0, result.output
    organizations = json.loads((tmp_path / "organizations.json").read_text())["data"]
    assert [o["attributes"]["name"] for o in organizations] == [
        "Acme Corporation",
        "Northwind Traders",
    ]
    assert "configurations" in result.output


def test_rate_limit_option_is_parsed_or_named_in_the_error() -> None:
    assert parse_rate_limit("3000/300s") == (3000, 300.0)
    result = runner.invoke(app, ["simulate", "--data", ".", "--rate-limit", "fast"])
    assert result.exit_code == 2
    assert "--rate-limit" in result.output


async def test_sync_command_fills_the_store(
    simulator: Simulated, database_url: str, tmp_path: Path
) -> None:
    env = _env(simulator, database_url, tmp_path)
    result = await asyncio.to_thread(runner.invoke, app, ["sync", "--full"], env=env)

    assert result.exit_code == 0, result.output
    counts = await store_counts(database_url)
    expected = expected_counts(simulator.dataset)
    assert {name: counts[name] for name in expected} == expected


async def test_a_bad_api_key_is_one_clear_line(
    simulator: Simulated, database_url: str, tmp_path: Path
) -> None:
    env = _env(simulator, database_url, tmp_path, ITGLUE_MCP_ITGLUE__API_KEY="ITG.wrong-key-123")
    result = await asyncio.to_thread(runner.invoke, app, ["sync"], env=env)

    assert result.exit_code == 1
    assert "error:" in result.output and "401" in result.output
    assert "wrong-key-123" not in result.output


def test_serve_refuses_a_public_bind_without_auth(tmp_path: Path) -> None:
    env = {"ITGLUE_MCP_DATA_DIR": str(tmp_path)}
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"], env=env)

    assert result.exit_code == 1
    assert "server.host" in result.output and "loopback" in result.output


async def test_a_killed_sync_resumes_with_exact_counts(
    simulator: Simulated, database_url: str, tmp_path: Path
) -> None:
    simulator.app.delay_s = 0.1  # slow enough to kill the process mid-run
    env = {**os.environ, **_env(simulator, database_url, tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "itglue_mcp", "sync", "--full"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            counts = await store_counts(database_url)
            if counts["configurations"] + counts["passwords"] >= 150:
                break
            assert process.poll() is None, "the sync ended before it could be killed"
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    simulator.app.delay_s = 0.0
    expected = expected_counts(simulator.dataset)
    partial = await store_counts(database_url)
    assert sum(partial[name] for name in expected) < sum(expected.values()), "killed too late"

    report = await run_sync(simulator, database_url)

    assert report.resumed and report.mode == "full"
    counts = await store_counts(database_url)
    assert {name: counts[name] for name in expected} == expected
    run = await stored_run(database_url, report.run_id)
    assert run is not None and run.status == "succeeded"


@pytest.mark.slow
def test_demo_serves_the_synced_tenant(tmp_path: Path) -> None:
    env = {**os.environ, "ITGLUE_MCP_DATA_DIR": str(tmp_path), "ITGLUE_MCP_LOG_LEVEL": "WARNING"}
    port = 18765 + os.getpid() % 1000
    process = subprocess.Popen(
        [sys.executable, "-m", "itglue_mcp", "demo", "--orgs", "3", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the demo did not become ready in 3 minutes"
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)

        async def ask() -> dict[str, object]:
            async with Client(f"{base}/mcp") as client:
                result = await client.call_tool(
                    "get_configuration", {"organization": "Acme", "name": "ACME-FW01"}
                )
                return result.structured_content  # type: ignore[no-any-return]

        answer = asyncio.run(ask())
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)

    firewall = answer["configurations"][0]  # type: ignore[index]
    assert firewall["primary_ip"] == "10.10.10.1"
    assert firewall["source"]["resource_url"].startswith("https://")
    assert "itglue-mcp demo is ready" in stderr
    assert process.returncode == 0
    assert (tmp_path / "itglue.db").exists()


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    env = {"ITGLUE_MCP_DATA_DIR": str(tmp_path)}

    first = runner.invoke(app, ["migrate"], env=env)
    second = runner.invoke(app, ["migrate"], env=env)

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "up to date" in second.output
    counts = asyncio.run(store_counts(f"sqlite+aiosqlite:///{tmp_path / 'itglue.db'}"))
    assert counts["organizations"] == 0 and "configurations" in counts
