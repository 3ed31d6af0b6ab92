"""Static checks of the schema and the public surface (no database needed)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import itglue_mcp.store
from itglue_mcp.store import RecordType
from itglue_mcp.store.models import metadata

# Columns whose names mention a secret but hold metadata about one.
_SECRET_METADATA_COLUMNS = {"password_category_name", "password_updated_at"}
_SECRET_WORDS = re.compile(r"(^|_)(password|passwd|secret|otp|totp|token|api_key|value)(_|$)")


def test_no_column_can_hold_a_password_value() -> None:
    suspicious = [
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        for column in table.columns
        if _SECRET_WORDS.search(column.name) and column.name not in _SECRET_METADATA_COLUMNS
    ]
    assert suspicious == []
    password_columns = set(RecordType.PASSWORDS.table.c.keys())
    assert {"password", "value", "otp_secret"}.isdisjoint(password_columns)
    # Free-form columns exist (attributes, notes), but no typed one is meant for the value.
    assert password_columns == {
        "id",
        "organization_id",
        "name",
        "archived",
        "resource_url",
        "username",
        "url",
        "password_category_name",
        "resource_type",
        "resource_id",
        "password_updated_at",
        "notes",
        "created_at",
        "updated_at",
        "attributes",
        "synced_at",
        "last_seen_run_id",
        "deleted_at",
    }


def test_constraint_and_index_names_follow_the_convention() -> None:
    prefixes = {"PrimaryKeyConstraint": "pk_", "UniqueConstraint": "uq_"}
    prefixes |= {"CheckConstraint": "ck_", "ForeignKeyConstraint": "fk_"}
    for table in metadata.tables.values():
        for constraint in table.constraints:
            name = str(constraint.name)
            assert name.startswith(prefixes[type(constraint).__name__]), name
            assert len(name) <= 63, name  # PostgreSQL's identifier limit
        for index in table.indexes:
            assert str(index.name).startswith(f"ix_{table.name}_"), index.name
            assert len(str(index.name)) <= 63, index.name


def test_every_record_type_has_a_table() -> None:
    assert {record_type.table.name for record_type in RecordType} <= set(metadata.tables)
    assert RecordType("flexible-assets") is RecordType.FLEXIBLE_ASSETS
    assert RecordType.FLEXIBLE_ASSETS.table.name == "flexible_assets"
    deletion_tracked = {t for t in RecordType if t.tracks_deletion}
    assert RecordType.CONFIGURATION_INTERFACES not in deletion_tracked
    assert RecordType.RELATED_ITEMS not in deletion_tracked
    assert RecordType.PASSWORD_CATEGORIES in deletion_tracked


@pytest.mark.parametrize(
    "module",
    [
        "itglue_mcp.store",
        "itglue_mcp.store.audit",
        "itglue_mcp.store.database",
        "itglue_mcp.store.errors",
        "itglue_mcp.store.migrate",
        "itglue_mcp.store.models",
        "itglue_mcp.store.queries",
        "itglue_mcp.store.record_types",
        "itglue_mcp.store.records",
        "itglue_mcp.store.search",
        "itglue_mcp.store.sync_state",
    ],
)
def test_all_lists_exactly_what_exists(module: str) -> None:
    loaded = importlib.import_module(module)
    exported = loaded.__all__
    assert sorted(exported) == sorted(set(exported)), "no duplicates"
    assert [name for name in exported if not hasattr(loaded, name)] == []


def _project_imports(paths: list[Path]) -> list[tuple[str, str]]:
    """(file name, imported itglue_mcp module) for every absolute project import in ``paths``."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [(path.name, name) for name in names if name.startswith("itglue_mcp")]
    return found


def test_store_imports_only_config_and_dependency_free_modules() -> None:
    # richtext (IT Glue HTML → text) is a leaf module: it imports nothing of the project.
    allowed = ("itglue_mcp.store", "itglue_mcp.config", "itglue_mcp.errors", "itglue_mcp.richtext")
    package = Path(itglue_mcp.store.__file__).parent
    offending = [
        f"{file}: {name}"
        for file, name in _project_imports(list(package.rglob("*.py")))
        if not name.startswith(allowed)
    ]
    richtext = Path(itglue_mcp.store.__file__).parent.parent / "richtext.py"
    assert offending == []
    assert _project_imports([richtext]) == []
