"""Tests of itglue_mcp.store, on SQLite and PostgreSQL."""
