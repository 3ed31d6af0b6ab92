"""``compliance_check`` over every organization, as a ratio to ``list_expirations`` over every
organization on the same server in the same run.

Run with ``uv run pytest benchmarks/test_compliance_check.py -s`` (add
``ITGLUE_MCP_BENCH_LARGE=1`` for the 150-organization tenant, and ``ITGLUE_MCP_BENCH_TENANTS``
to reuse kept tenants); nothing here is a pass/fail threshold. The tenant's data directory is
copied first (serving migrates a store, and a kept tenant is shared read-only), then served on
127.0.0.1 as ``itglue-mcp eval`` serves it. One fastmcp client calls the three calls below
round-robin after a warm-up; each one's p50 and p95 are reported with their ratio to the
baseline's.

- ``list_expirations`` (baseline): every organization, a year either side, 200 expirations —
  one counted, paged read over the account.
- ``compliance_check``: every check over every organization, default findings (2 per check
  for the 3 lowest scores).
- ``compliance_check`` scores only (``limit=0``, every organization listed): the counting
  alone, and the largest table of scores.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from benchmarks.tenants import SIZES, SyncedTenant
from fastmcp import Client

from itglue_mcp.cli.eval import serve_data_dir
from itglue_mcp.config import Settings

pytestmark = pytest.mark.timeout(6 * 3600)

ROUNDS = 12
WARM_UP_ROUNDS = 1
BASELINE = "list_expirations"


def _calls(organizations: int) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        BASELINE: (
            "list_expirations",
            {"within_days": 365, "include_expired": True, "limit": 200},
        ),
        "compliance_check": ("compliance_check", {}),
        "compliance_check scores only": (
            "compliance_check",
            {"limit": 0, "organization_limit": organizations},
        ),
    }


async def _measure(url: str, organizations: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Seconds per call and bytes of the last answer, per call, over ``ROUNDS`` rounds."""
    calls = _calls(organizations)
    timings: dict[str, list[float]] = {label: [] for label in calls}
    sizes: dict[str, int] = {}
    async with Client(url, timeout=600) as client:
        for round_number in range(WARM_UP_ROUNDS + ROUNDS):
            for label, (tool, arguments) in calls.items():
                started = time.perf_counter()
                result = await client.call_tool(tool, arguments, raise_on_error=False)
                elapsed = time.perf_counter() - started
                assert not result.is_error, f"{label}: {result.content}"
                if round_number >= WARM_UP_ROUNDS:
                    timings[label].append(elapsed)
                structured = json.dumps(result.structured_content, separators=(",", ":"))
                sizes[label] = len(structured.encode()) + len(result.content[0].text.encode())
    return timings, sizes


def _percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), cuts[18]


@pytest.mark.parametrize("organizations", SIZES)
def test_compliance_check_over_every_organization(  # type: ignore[no-untyped-def]
    benchmark,
    synced_tenant: Callable[[int], SyncedTenant],
    tmp_path: Path,
    organizations: int,
) -> None:
    tenant = synced_tenant(organizations)
    data_dir = tmp_path / "data"
    shutil.copytree(tenant.data_dir, data_dir, ignore=shutil.ignore_patterns("*.lock"))
    with serve_data_dir(Settings(data_dir=data_dir)) as url:
        timings, sizes = asyncio.run(_measure(url, organizations))

        async def compliance_once() -> None:
            async with Client(url, timeout=600) as client:
                await client.call_tool("compliance_check", {})

        benchmark.pedantic(lambda: asyncio.run(compliance_once()), rounds=3, iterations=1)
    base_p50, base_p95 = _percentiles(timings[BASELINE])
    table = {}
    for label, values in timings.items():
        p50, p95 = _percentiles(values)
        table[label] = {
            "p50_ms": round(p50 * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "p50_ratio": round(p50 / base_p50, 2),
            "p95_ratio": round(p95 / base_p95, 2),
            "answer_bytes": sizes[label],
        }
    benchmark.extra_info.update(
        organizations=organizations, records=tenant.records, calls=ROUNDS, tools=table
    )
    print(f"\n{organizations} organizations, {tenant.records:,} records; {ROUNDS} calls each:")
    for label, row in table.items():
        print(
            f"  {label:<28} p50 {row['p50_ms']:8.1f} ms (x{row['p50_ratio']:5.2f})"
            f"   p95 {row['p95_ms']:8.1f} ms (x{row['p95_ratio']:5.2f})"
            f"   {row['answer_bytes']:,} bytes"
        )
