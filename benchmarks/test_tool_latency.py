"""Tool-call latency over Streamable HTTP, as ratios to a trivial tool on the same server.

Run with ``uv run pytest benchmarks/test_tool_latency.py -s`` (add ``ITGLUE_MCP_BENCH_LARGE=1``
for the 150-organization tenant); nothing here is a pass/fail threshold. A synced tenant
(store and semantic index in a data directory, as ``itglue-mcp demo`` leaves it) is served on
127.0.0.1 the way ``itglue-mcp eval`` serves it, with one extra tool registered only here:
``echo``, which returns its argument — the baseline, costing everything a call costs (HTTP,
MCP framing, FastMCP dispatch, JSON) except the tool's own work.

One fastmcp client calls the tools round-robin (so load drift hits them all alike), each with
a few realistic arguments in turn, after a warm-up that also loads the embedding model. Each
tool's p50 and p95 are reported, and their ratios to echo's.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Callable
from typing import Any

import pytest
from benchmarks.tenants import SIZES, SyncedTenant
from fastmcp import Client, FastMCP

from itglue_mcp.cli.eval import serve_data_dir
from itglue_mcp.config import Settings

# Syncing and indexing a tenant takes minutes (hours for 150 organizations on 2 cores).
pytestmark = pytest.mark.timeout(6 * 3600)

ROUNDS = 40
WARM_UP_ROUNDS = 2

# Organizations 0-9 are the same in every generated tenant, so these hit on either size.
CALLS: dict[str, list[dict[str, Any]]] = {
    "echo": [{"text": "ping"}],
    "find_ip_address": [
        {"query": "10.10.10.1", "organization": "ACME"},
        {"query": "192.168.20.17", "organization": "NW"},
        {"query": "70:4C:A5:5A:17:C3"},
    ],
    "get_configuration": [
        {"organization": "ACME", "name": "ACME-FW01"},
        {"organization": "NW", "name": "NW-SQL01"},
        {"organization": "HP", "name": "DC01"},
    ],
    "query_documentation": [
        {"question": "what's the firewall IP at @ACME"},
        {"question": "how do we reset the Sophos VPN", "organization": "Northwind Traders"},
        {"question": "domain admin password at @NW"},
    ],
    "search": [
        {"query": "reset a user's VPN access", "organization": "NW"},
        {"query": "backup repository NAS", "organization": "ACME"},
        {"query": "printer scan to folder"},
    ],
}


def _register_echo(mcp: FastMCP) -> None:
    @mcp.tool(name="echo")
    def echo(text: str) -> str:
        """Return ``text``: the baseline call."""
        return text


async def _measure(url: str) -> dict[str, list[float]]:
    """Seconds per call, per tool, over ``ROUNDS`` round-robin rounds."""
    timings: dict[str, list[float]] = {name: [] for name in CALLS}
    arguments = {name: itertools.cycle(calls) for name, calls in CALLS.items()}
    async with Client(url, timeout=120) as client:
        for round_number in range(WARM_UP_ROUNDS + ROUNDS):
            for name in CALLS:
                started = time.perf_counter()
                result = await client.call_tool(name, next(arguments[name]), raise_on_error=False)
                elapsed = time.perf_counter() - started
                assert not result.is_error, f"{name}: {result.content}"
                if round_number >= WARM_UP_ROUNDS:
                    timings[name].append(elapsed)
    return timings


def _percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), cuts[18]


@pytest.mark.parametrize("organizations", SIZES)
def test_tool_latency(  # type: ignore[no-untyped-def]
    benchmark, synced_tenant: Callable[[int], SyncedTenant], organizations: int
) -> None:
    tenant = synced_tenant(organizations)
    with serve_data_dir(Settings(data_dir=tenant.data_dir), customise=_register_echo) as url:
        timings = asyncio.run(_measure(url))

        async def echo_once() -> None:
            async with Client(url) as client:
                await client.call_tool("echo", {"text": "ping"})

        benchmark.pedantic(lambda: asyncio.run(echo_once()), rounds=5, iterations=1)
    echo_p50, echo_p95 = _percentiles(timings["echo"])
    table = {}
    for name, values in timings.items():
        p50, p95 = _percentiles(values)
        table[name] = {
            "p50_ms": round(p50 * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "p50_ratio": round(p50 / echo_p50, 1),
            "p95_ratio": round(p95 / echo_p95, 1),
        }
    benchmark.extra_info.update(
        organizations=organizations, records=tenant.records, calls_per_tool=ROUNDS, tools=table
    )
    print(f"\n{organizations} organizations, {tenant.records:,} records; {ROUNDS} calls each:")
    for name, row in table.items():
        print(
            f"  {name:<20} p50 {row['p50_ms']:8.1f} ms (x{row['p50_ratio']:6.1f})"
            f"   p95 {row['p95_ms']:8.1f} ms (x{row['p95_ratio']:6.1f})"
        )
