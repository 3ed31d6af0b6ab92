"""Benchmarks share the test suite's database fixtures (SQLite file and PostgreSQL)."""

from tests.conftest import (  # noqa: F401 - pytest discovers fixtures by name
    database_url,
    pg_base_url,
    pg_template_database,
    sqlite_template_file,
)
