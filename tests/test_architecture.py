"""The package layout of the architecture, as a test: who may import whom.

``architecture.md`` orders the packages from the foundation up; a package may import the
packages before it in :data:`LAYERS` and never one after it, ``server`` never imports
``store`` (it reads through ``catalog`` and ``query``) and ``query`` never imports ``store``
(it composes ``catalog`` services). Shared leaf modules (the exception root,
the rich-text and close-names helpers, the background runner) sit below every layer. Every
import statement counts, including those only made for type checking.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import itglue_mcp

ROOT = Path(itglue_mcp.__file__).parent

LAYERS = (
    "config",
    "itglue",
    "store",
    "index",
    "graph",
    "sync",
    "catalog",
    "query",
    "security",
    "observability",
    "server",
    "evaluation",
    "docs",
    "cli",
)
"""Packages in architecture order: each may import only those before it."""

LEAVES = frozenset({"errors", "richtext", "suggest", "background", "__main__"})
"""Top-level modules every package may import (they import no package but ``errors``)."""

FORBIDDEN = {("server", "store"), ("query", "store")}
"""Pairs the order alone would allow but the architecture forbids."""


def _imports(path: Path) -> set[str]:
    """The ``itglue_mcp`` packages or leaf modules ``path`` imports (first name after it)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name.split(".")[1] for name in names if name.startswith("itglue_mcp."))
    return found


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_every_package_has_a_layer() -> None:
    packages = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()}
    assert packages == set(LAYERS)
    modules = {path.stem for path in ROOT.glob("*.py")} - {"__init__"}
    assert modules <= LEAVES


@pytest.mark.parametrize("package", LAYERS)
def test_a_package_imports_only_those_below_it(package: str) -> None:
    allowed = set(LAYERS[: LAYERS.index(package)]) | LEAVES | {package}
    allowed -= {target for source, target in FORBIDDEN if source == package}
    wrong = [
        f"{path.relative_to(ROOT)} imports itglue_mcp.{target}"
        for path in _sources(package)
        for target in sorted(_imports(path) - allowed)
    ]
    assert wrong == []


@pytest.mark.parametrize("leaf", sorted(LEAVES - {"__main__"}))
def test_leaf_modules_import_no_package(leaf: str) -> None:
    assert _imports(ROOT / f"{leaf}.py") <= {"errors"}


def test_the_contract_can_fail(tmp_path: Path) -> None:
    """The scanner sees a forbidden import when there is one (guards a vacuous pass)."""
    module = tmp_path / "tool.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from itglue_mcp.store.queries import OrganizationView\n"
        "import itglue_mcp.catalog.scope\n"
    )
    assert _imports(module) == {"store", "catalog"}
