"""``document_infrastructure`` for the largest organization of a tenant, as a ratio to
``get_organization`` of the same organization, over Streamable HTTP.

Run with ``uv run pytest benchmarks/test_infrastructure_document.py -s`` (add
``ITGLUE_MCP_BENCH_LARGE=1`` for the 150-organization tenant, and ``ITGLUE_MCP_BENCH_TENANTS``
to reuse kept tenants); nothing here is a pass/fail threshold. The tenant's store is copied
first (a kept tenant is never written), and the copy is served on 127.0.0.1 with the store
alone (the document reads no vector index). One client calls both tools in turn, so load
drift hits them alike; ``get_organization`` (the organization, its locations, important
contacts and record counts) is the baseline: the smallest read of the same organization. The
issue's target is under 30 s for the largest organization of the 150-organization tenant.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from benchmarks.tenants import SIZES, SyncedTenant
from fastmcp import Client

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import Settings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.database import create_engine, create_session_factory

pytestmark = pytest.mark.timeout(6 * 3600)

ROUNDS = 7
WARM_UP_ROUNDS = 1
_STORE = "itglue.db"


def _copied_store(tenant: SyncedTenant, into: Path) -> Path:
    """The tenant's SQLite store (with its write-ahead log) copied into ``into``."""
    into.mkdir()
    for source in tenant.data_dir.glob(f"{_STORE}*"):
        shutil.copyfile(source, into / source.name)
    return into / _STORE


def _largest_organization(store: Path) -> int:
    """The id of the organization with the most configurations."""
    with sqlite3.connect(store) as connection:
        [(organization_id,)] = connection.execute(
            "SELECT organization_id FROM configurations WHERE deleted_at IS NULL "
            "GROUP BY organization_id ORDER BY count(*) DESC, organization_id LIMIT 1"
        ).fetchall()
    return int(organization_id)


async def _measure(url: str, organization: str) -> dict[str, list[tuple[float, int, int]]]:
    """Per tool: (seconds, text bytes, structured content bytes) of each measured call."""
    calls = {
        "get_organization": {"organization": organization},
        "document_infrastructure": {"organization": organization},
    }
    measured: dict[str, list[tuple[float, int, int]]] = {name: [] for name in calls}
    async with Client(url, timeout=600) as client:
        for round_number in range(WARM_UP_ROUNDS + ROUNDS):
            for name, arguments in calls.items():
                started = time.perf_counter()
                result = await client.call_tool(name, arguments)
                elapsed = time.perf_counter() - started
                text = sum(len(getattr(b, "text", "").encode()) for b in result.content)
                structured = len(json.dumps(result.structured_content).encode())
                if round_number >= WARM_UP_ROUNDS:
                    measured[name].append((elapsed, text, structured))
    return measured


@pytest.mark.parametrize("organizations", SIZES)
def test_infrastructure_document(  # type: ignore[no-untyped-def]
    benchmark,
    synced_tenant: Callable[[int], SyncedTenant],
    organizations: int,
    tmp_path: Path,
) -> None:
    tenant = synced_tenant(organizations)
    store = _copied_store(tenant, tmp_path / "store")
    organization = str(_largest_organization(store))
    engine = create_engine(f"sqlite+aiosqlite:///{store}", null_pool=True)
    sessions = create_session_factory(engine)
    mcp = build_server(Services(sessions=sessions, graph=SqlGraphStore(sessions)))
    settings = Settings(data_dir=tmp_path / "data")
    try:
        with serve_in_thread(build_http_app(mcp, settings)) as base:
            url = f"{base}/mcp"
            measured = asyncio.run(_measure(url, organization))

            async def document_once() -> None:
                async with Client(url, timeout=600) as client:
                    arguments = {"organization": organization}
                    await client.call_tool("document_infrastructure", arguments)

            benchmark.pedantic(lambda: asyncio.run(document_once()), rounds=3, iterations=1)
    finally:
        asyncio.run(engine.dispose())

    baseline = statistics.median(seconds for seconds, _, _ in measured["get_organization"])
    table = {}
    for name, calls in measured.items():
        median = statistics.median(seconds for seconds, _, _ in calls)
        _, text, structured = calls[-1]
        table[name] = {
            "median_ms": round(median * 1000, 1),
            "ratio": round(median / baseline, 1),
            "text_bytes": text,
            "structured_bytes": structured,
        }
    benchmark.extra_info.update(
        organizations=organizations,
        records=tenant.records,
        organization_id=int(organization),
        calls_per_tool=ROUNDS,
        tools=table,
    )
    print(
        f"\n{organizations} organizations, {tenant.records:,} records; organization "
        f"{organization} (most configurations); {ROUNDS} calls each:"
    )
    for name, row in table.items():
        print(
            f"  {name:<24} median {row['median_ms']:8.1f} ms (x{row['ratio']:5.1f})   "
            f"text {row['text_bytes']:,} B   structured {row['structured_bytes']:,} B"
        )
