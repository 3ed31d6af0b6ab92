"""Generated tenants synced into data directories, for the serving and index benchmarks.

``synced_data_dir`` does what ``itglue-mcp demo`` does before it serves: generate the dataset,
serve it with the simulator on loopback and run a full sync into a data directory (SQLite
store and the local semantic index, as the CLI wiring configures them)::

    data_dir = synced_data_dir(tmp / "ds", tmp / "data", organizations=10)
    with serve_data_dir(Settings(data_dir=data_dir)) as url: ...

``LARGE_ENV`` opts in to the 150-organization tenant (~150k records): generating, syncing and
indexing it takes long, so it is measured on request and the figures are kept in README.md.
``KEEP_ENV`` names a directory where each size is kept once synced (``tenant-150/``, with a
``tenant.json`` summary written last), so later sessions reuse it instead of syncing again; the
server migrates a kept store when it opens it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from itglue_mcp.background import serve_in_thread
from itglue_mcp.cli.wiring import open_backends, run_sync
from itglue_mcp.config import Settings
from itglue_mcp.index import IndexReport
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.sync.engine import SyncReport
from itglue_mcp.sync.indexing import IndexingReport

__all__ = ["KEEP_ENV", "LARGE_ENV", "SIZES", "SyncedTenant", "kept_tenant_root", "synced_data_dir"]

LARGE_ENV = "ITGLUE_MCP_BENCH_LARGE"
"""Set to 1 to also benchmark the 150-organization tenant."""

KEEP_ENV = "ITGLUE_MCP_BENCH_TENANTS"
"""A directory to keep synced tenants in across sessions (unset: a fresh one per session)."""

_SUMMARY = "tenant.json"

SEED = 7
SIZES = [10, *([150] if os.environ.get(LARGE_ENV) == "1" else [])]
"""Tenant sizes (organizations) benchmarked in this run."""

_KEY = "ITG.benchmark"


@dataclass(frozen=True)
class SyncedTenant:
    """A data directory holding a full sync of a generated tenant.

    Attributes:
        organizations: organizations generated.
        dataset_dir: the generated dataset.
        data_dir: the data directory (store and index).
        records: records synced.
        sync_s: how long the sync (store and index) took, in seconds.
        indexing: what the sync's indexing phase did (records, chunks, seconds).
    """

    organizations: int
    dataset_dir: Path
    data_dir: Path
    records: int
    sync_s: float
    indexing: IndexingReport


def kept_tenant_root(organizations: int) -> Path | None:
    """Where the tenant of ``organizations`` is kept across sessions (``KEEP_ENV``), or None."""
    kept = os.environ.get(KEEP_ENV)
    return Path(kept) / f"tenant-{organizations}" if kept else None


def synced_data_dir(root: Path, organizations: int) -> SyncedTenant:
    """Generate ``organizations`` organizations under ``root`` and sync them fully; a tenant
    already synced there (its ``tenant.json`` summary present) is reused as it is."""
    dataset_dir, data_dir = root / "dataset", root / "data"
    summary = root / _SUMMARY
    if summary.is_file():
        kept = json.loads(summary.read_text())
        indexing = IndexingReport(**{**kept["indexing"], "chunks": IndexReport(**kept["chunks"])})
        return SyncedTenant(
            organizations, dataset_dir, data_dir, kept["records"], kept["sync_s"], indexing
        )
    root.mkdir(parents=True, exist_ok=True)
    generate_dataset(dataset_dir, organizations=organizations, seed=SEED)
    simulator = create_app(Dataset.load(dataset_dir), SimulatorConfig(api_keys={_KEY: True}))
    with serve_in_thread(simulator) as simulator_url:
        base = Settings(data_dir=data_dir)
        settings = base.model_copy(
            update={
                "itglue": base.itglue.model_copy(
                    update={"api_url": simulator_url, "api_key": SecretStr(_KEY)}
                )
            }
        )

        async def sync() -> SyncReport:
            async with open_backends(settings) as backends:
                return await run_sync(settings, backends, full=True)

        started = time.perf_counter()
        report = asyncio.run(sync())
        elapsed = time.perf_counter() - started
    assert report.indexing is not None
    indexing = dataclasses.asdict(report.indexing)
    summary.write_text(
        json.dumps(
            {
                "records": report.total_records,
                "sync_s": elapsed,
                "indexing": {key: value for key, value in indexing.items() if key != "chunks"},
                "chunks": indexing["chunks"],
            }
        )
    )
    return SyncedTenant(
        organizations, dataset_dir, data_dir, report.total_records, elapsed, report.indexing
    )
