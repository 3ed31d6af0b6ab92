"""Benchmarks share the test suite's database fixtures (SQLite file and PostgreSQL)."""

import pytest
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
