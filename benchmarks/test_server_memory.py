"""Resident memory of ``itglue-mcp serve``, as a ratio to a bare FastMCP server.

Run with ``uv run pytest benchmarks/test_server_memory.py -s`` (``ITGLUE_MCP_BENCH_LARGE=1``
adds the 150-organization tenant); nothing here is a pass/fail threshold. Each server runs
as its own process (``python -m itglue_mcp serve`` over a synced data directory, and the
baseline: a FastMCP server with one echo tool under uvicorn, nothing else imported); its RSS
is read from ``/proc/<pid>/status`` once it answers (``/readyz``, ``/healthz``), and again
after one call of each tool (the first semantic query loads the embedding model).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from benchmarks.tenants import SIZES, SyncedTenant
from benchmarks.test_tool_latency import CALLS
from fastmcp import Client
from tests.mcp_http import free_port

# Syncing and indexing a tenant takes minutes (hours for 150 organizations on 2 cores).
pytestmark = pytest.mark.timeout(6 * 3600)

_BASELINE = """
import sys, uvicorn
from fastmcp import FastMCP
from starlette.responses import PlainTextResponse
mcp = FastMCP("baseline")
@mcp.tool(name="echo")
def echo(text: str) -> str:
    return text
@mcp.custom_route("/healthz", methods=["GET"])
async def healthz(request):
    return PlainTextResponse("ok")
uvicorn.run(mcp.http_app(path="/mcp", stateless_http=True), host="127.0.0.1",
            port=int(sys.argv[1]), log_level="warning")
"""


def _rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def _wait_ready(process: subprocess.Popen[bytes], errors: IO[bytes], url: str) -> None:
    """Return once ``url`` answers 200; fail with the process's stderr if it exits first."""
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            errors.seek(0)
            raise AssertionError(errors.read().decode(errors="replace"))
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        assert time.monotonic() < deadline, f"{url} did not answer 200 in time"
        time.sleep(0.2)


@contextmanager
def _process(command: list[str], port: int, ready_path: str, env: dict[str, str]) -> Iterator[int]:
    """Start a server process; yield its pid once ``ready_path`` answers 200."""
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(
            command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=errors
        ) as process,
    ):
        try:
            _wait_ready(process, errors, f"http://127.0.0.1:{port}{ready_path}")
            yield process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


async def _call_each(url: str, calls: dict[str, list[dict[str, Any]]]) -> None:
    async with Client(url, timeout=180) as client:
        for name, arguments in calls.items():
            result = await client.call_tool(name, arguments[0], raise_on_error=False)
            assert not result.is_error, f"{name}: {result.content}"


@pytest.mark.parametrize("organizations", SIZES)
def test_server_memory(  # type: ignore[no-untyped-def]
    benchmark, synced_tenant: Callable[[int], SyncedTenant], organizations: int
) -> None:
    tenant = synced_tenant(organizations)
    port = free_port()
    with _process([sys.executable, "-c", _BASELINE, str(port)], port, "/healthz", {}) as pid:
        baseline_start = _rss_mb(pid)
        asyncio.run(_call_each(f"http://127.0.0.1:{port}/mcp", {"echo": CALLS["echo"]}))
        baseline_used = _rss_mb(pid)
    port = free_port()
    serve = [sys.executable, "-m", "itglue_mcp", "serve", "--host", "127.0.0.1"]
    env = {"ITGLUE_MCP_DATA_DIR": str(tenant.data_dir), "ITGLUE_MCP_LOG_LEVEL": "WARNING"}
    with _process([*serve, "--port", str(port)], port, "/readyz", env) as pid:
        started = _rss_mb(pid)
        tools = {name: calls for name, calls in CALLS.items() if name != "echo"}
        benchmark.pedantic(
            lambda: asyncio.run(_call_each(f"http://127.0.0.1:{port}/mcp", tools)),
            rounds=1,
            iterations=1,
        )
        used = _rss_mb(pid)
    benchmark.extra_info.update(
        organizations=organizations,
        records=tenant.records,
        rss_mb={
            "baseline_started": round(baseline_start),
            "baseline_after_echo": round(baseline_used),
            "server_started": round(started),
            "server_after_each_tool": round(used),
        },
        ratio_started=round(started / baseline_start, 1),
        ratio_after_each_tool=round(used / baseline_used, 1),
    )
    print(
        f"\n{organizations} organizations: RSS after start {started:.0f} MiB "
        f"(x{started / baseline_start:.1f} a bare FastMCP server's {baseline_start:.0f} MiB); "
        f"after one call of each tool {used:.0f} MiB (x{used / baseline_used:.1f})"
    )
