"""Public surfaces: in every module of the package, ``__all__`` names what it defines.

A module's ``__all__`` must exist, name only importable attributes, and list every public
class and function the module itself defines (a package's ``__init__`` only re-exports).
Alembic's revision scripts and its ``env`` (which runs only inside Alembic) are not modules
of the package's API and are left out.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import itglue_mcp

# Run by Alembic, not imported: its environment script and the frozen revision scripts.
_NOT_MODULES = ("itglue_mcp.store.migrations.env", "itglue_mcp.store.migrations.versions.")


def _modules() -> list[str]:
    found = pkgutil.walk_packages(itglue_mcp.__path__, "itglue_mcp.")
    names = ["itglue_mcp", *sorted(info.name for info in found)]
    return [
        name
        for name in names
        if not name.startswith(_NOT_MODULES) and not name.endswith(".__main__")
    ]


def test_every_package_is_covered() -> None:
    modules = _modules()
    for package in ("catalog", "cli", "config", "itglue", "server", "store", "sync"):
        assert f"itglue_mcp.{package}" in modules


@pytest.mark.parametrize("name", _modules())
def test_all_lists_the_public_names_defined_here(name: str) -> None:
    module = importlib.import_module(name)
    exported = set(module.__all__)
    assert [item for item in sorted(exported) if not hasattr(module, item)] == []
    defined = {
        item
        for item, value in vars(module).items()
        if not item.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == name
    }
    assert sorted(defined - exported) == []
