"""Benchmarks share the test suite's database fixtures (SQLite file and PostgreSQL), and the
synced tenants the serving benchmarks measure (each size synced once per session)."""

from collections.abc import Callable

import pytest
from benchmarks.tenants import SyncedTenant, kept_tenant_root, synced_data_dir
from tests.conftest import (  # noqa: F401 - pytest discovers fixtures by name
    database_url,
    pg_base_url,
    pg_databases,
    sqlite_template_file,
)

from itglue_mcp.observability import configure_logging


@pytest.fixture(scope="session", autouse=True)
def quiet_logging() -> None:
    """Per-request debug lines would dominate the timings and the output."""
    configure_logging("WARNING", json=True)


@pytest.fixture(scope="session")
def synced_tenant(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], SyncedTenant]:
    """``synced_tenant(organizations)``: a data directory with that tenant fully synced (kept
    and reused across sessions under ``ITGLUE_MCP_BENCH_TENANTS`` when that is set)."""
    synced: dict[int, SyncedTenant] = {}

    def get(organizations: int) -> SyncedTenant:
        if organizations not in synced:
            root = kept_tenant_root(organizations) or tmp_path_factory.mktemp(
                f"tenant-{organizations}"
            )
            synced[organizations] = synced_data_dir(root, organizations)
        return synced[organizations]

    return get
