"""Public surfaces: in every module of the packages below, ``__all__`` names what it defines.

A module's ``__all__`` must exist, name only importable attributes, and list every public
class and function the module itself defines (a package's ``__init__`` only re-exports).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

PACKAGES = [
    "itglue_mcp.evaluation",
    "itglue_mcp.graph",
    "itglue_mcp.index",
    "itglue_mcp.query",
    "itglue_mcp.security",
]


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package)
        path = importlib.import_module(package).__path__
        names += sorted(info.name for info in pkgutil.walk_packages(path, f"{package}."))
    return [*names, "itglue_mcp.cli.eval"]


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
