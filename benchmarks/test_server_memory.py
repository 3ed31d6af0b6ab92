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
import sys
from collections.abc import Callable
from typing import Any

import pytest
from benchmarks.processes import BARE_SERVER, rss_mib, serve_command, server_process
from benchmarks.tenants import SIZES, SyncedTenant
from benchmarks.test_tool_latency import CALLS
from fastmcp import Client
from tests.mcp_http import free_port

# Syncing and indexing a tenant takes minutes (hours for 150 organizations on 2 cores).
pytestmark = pytest.mark.timeout(6 * 3600)


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
    bare = [sys.executable, "-c", BARE_SERVER, str(port)]
    with server_process(bare, port, "/healthz", {}) as pid:
        baseline_start = rss_mib(pid)
        asyncio.run(_call_each(f"http://127.0.0.1:{port}/mcp", {"echo": CALLS["echo"]}))
        baseline_used = rss_mib(pid)
    port = free_port()
    env = {"ITGLUE_MCP_DATA_DIR": str(tenant.data_dir), "ITGLUE_MCP_LOG_LEVEL": "WARNING"}
    with server_process(serve_command(port), port, "/readyz", env) as pid:
        started = rss_mib(pid)
        tools = {name: calls for name, calls in CALLS.items() if name != "echo"}
        benchmark.pedantic(
            lambda: asyncio.run(_call_each(f"http://127.0.0.1:{port}/mcp", tools)),
            rounds=1,
            iterations=1,
        )
        used = rss_mib(pid)
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
