"""Sync throughput on a 200-organization tenant (~200k records), reported as ratios.

Run with ``uv run pytest benchmarks -s``; nothing here is a pass/fail threshold. Each case
measures, in the same run:

- ``fetch_only``: paging every stream through the client without writing (the baseline: how
  fast records can arrive from the simulator at all);
- ``sync``: a full sync into the store (SQLite file / PostgreSQL), excluding embeddings;
  its ``ratio_to_fetch_only`` says how much the store costs on top of fetching;
- ``rate_limited``: a full sync of a smaller tenant with the simulator enforcing IT Glue's
  rate (10 requests/s; the 3000/300 s window scaled to 50/5 s so the burst is short) and the
  client configured with the same limit; ``ratio_to_limit`` is the measured time over the
  time the limit alone imposes (requests / rate) — close to 1 means limit-bound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import ItglueSettings, SyncSettings
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.sync.engine import SyncEngine
from itglue_mcp.sync.plan import normalise_types, phase_one_streams, phase_two_streams

KEY = "ITG.benchmark"


@pytest.fixture(scope="module")
def large_tenant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tenant-200")
    summary = generate_dataset(directory, organizations=200, seed=7)
    assert summary.total_records >= 150_000
    return directory


def _serve(directory: Path, **config: object) -> Iterator[str]:
    app = create_app(Dataset.load(directory), SimulatorConfig(api_keys={KEY: True}, **config))  # type: ignore[arg-type]
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def simulator_url(large_tenant: Path) -> Iterator[str]:
    yield from _serve(large_tenant)


def _client_settings(url: str, **overrides: object) -> ItglueSettings:
    return ItglueSettings.model_validate({"api_url": url, "api_key": SecretStr(KEY), **overrides})


async def _fetch_only(url: str) -> tuple[int, float]:
    """Page every stream a full sync lists, without writing; returns (records, seconds)."""
    types = normalise_types(None)
    started = time.perf_counter()
    records = 0
    async with ItglueClient(_client_settings(url)) as client:
        org_ids: list[int] = []
        type_ids: list[int] = []
        for stream in phase_one_streams(types, None):
            async for page in client.iter_pages(stream.path, stream.model, params=stream.params):
                records += len(page.records)
                ids = [int(r.id) for r in page.records]
                (org_ids if stream.record_type == "organizations" else type_ids).extend(ids)
        streams = phase_two_streams(
            types, organization_id=None, organization_ids=org_ids, flexible_asset_type_ids=type_ids
        )
        for stream in streams:
            async for page in client.iter_pages(stream.path, stream.model, params=stream.params):
                records += len(page.records)
    return records, time.perf_counter() - started


async def _sync(url: str, database_url: str, **client: object) -> tuple[int, int, float]:
    """A full sync; returns (records, API requests, seconds)."""
    engine = create_engine(database_url)
    try:
        async with ItglueClient(_client_settings(url, **client)) as itglue:
            sync = SyncEngine(
                itglue, engine, create_session_factory(engine), settings=SyncSettings()
            )
            report = await sync.run(full=True)
    finally:
        await engine.dispose()
    return report.total_records, report.api_requests, report.duration_s


def test_sync_throughput(benchmark, simulator_url: str, database_url: str) -> None:  # type: ignore[no-untyped-def]
    fetched, fetch_s = asyncio.run(_fetch_only(simulator_url))
    result: dict[str, float] = {}

    def run() -> None:
        records, requests, seconds = asyncio.run(_sync(simulator_url, database_url))
        result.update(records=records, requests=requests, seconds=seconds)

    benchmark.pedantic(run, rounds=1, iterations=1)
    sync_rate = result["records"] / result["seconds"]
    fetch_rate = fetched / fetch_s
    benchmark.extra_info.update(
        records=result["records"],
        api_requests=result["requests"],
        sync_records_per_s=round(sync_rate),
        fetch_only_records_per_s=round(fetch_rate),
        ratio_to_fetch_only=round(result["seconds"] / fetch_s, 2),
    )
    print(
        f"\n[{database_url.split(':')[0]}] sync {result['records']} records in "
        f"{result['seconds']:.1f} s = {sync_rate:.0f} records/s; fetch-only baseline "
        f"{fetch_rate:.0f} records/s; sync/fetch time ratio {result['seconds'] / fetch_s:.2f}"
    )
    assert result["records"] == fetched


def test_sync_is_rate_limit_bound(benchmark, tmp_path: Path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "tenant-20"
    generate_dataset(directory, organizations=20, seed=7)
    limit, window = 50, 5.0  # IT Glue's 3000 / 300 s, scaled: the same 10 requests/s
    result: dict[str, float] = {}
    for url in _serve(directory, rate_limit=limit, rate_window_s=window):

        def run(url: str = url) -> None:
            records, requests, seconds = asyncio.run(
                _sync(
                    url,
                    database_url,
                    page_size=100,
                    rate_limit_requests=limit,
                    rate_limit_window_s=window,
                )
            )
            result.update(records=records, requests=requests, seconds=seconds)

        benchmark.pedantic(run, rounds=1, iterations=1)
    # The first window's burst is free; every further request waits for the window to roll.
    limit_bound_s = max(result["requests"] - limit, 0) / (limit / window)
    ratio = result["seconds"] / limit_bound_s
    benchmark.extra_info.update(
        records=result["records"],
        api_requests=result["requests"],
        seconds=round(result["seconds"], 1),
        limit_bound_seconds=round(limit_bound_s, 1),
        ratio_to_limit=round(ratio, 2),
    )
    print(
        f"\n[{database_url.split(':')[0]}] rate-limited sync: {result['requests']} requests in "
        f"{result['seconds']:.1f} s; the limit alone needs {limit_bound_s:.1f} s "
        f"(ratio {ratio:.2f})"
    )
