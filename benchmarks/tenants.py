"""Generated tenants synced into data directories, for the serving and index benchmarks.

``synced_data_dir`` does what ``itglue-mcp demo`` does before it serves: generate the dataset,
serve it with the simulator on loopback and run a full sync into a data directory (SQLite
store and the local semantic index, as the CLI wiring configures them)::

    data_dir = synced_data_dir(tmp / "ds", tmp / "data", organizations=10)
    with serve_data_dir(Settings(data_dir=data_dir)) as url: ...

``LARGE_ENV`` opts in to the 150-organization tenant (~150k records): generating, syncing and
indexing it takes long, so it is measured on request and the figures are kept in README.md.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from itglue_mcp.background import serve_in_thread
from itglue_mcp.cli.wiring import open_backends, run_sync
from itglue_mcp.config import Settings
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.sync.engine import SyncReport
from itglue_mcp.sync.indexing import IndexingReport

__all__ = ["LARGE_ENV", "SIZES", "SyncedTenant", "synced_data_dir"]

LARGE_ENV = "ITGLUE_MCP_BENCH_LARGE"
"""Set to 1 to also benchmark the 150-organization tenant."""

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


def synced_data_dir(root: Path, organizations: int) -> SyncedTenant:
    """Generate ``organizations`` organizations under ``root`` and sync them fully."""
    dataset_dir, data_dir = root / "dataset", root / "data"
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
    return SyncedTenant(
        organizations, dataset_dir, data_dir, report.total_records, elapsed, report.indexing
    )
