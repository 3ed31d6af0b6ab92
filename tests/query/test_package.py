"""The ``query`` package's public surface: every ``__all__`` is exact and importable."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import itglue_mcp.query

MODULES = [
    "itglue_mcp.query",
    *sorted(
        info.name for info in pkgutil.walk_packages(itglue_mcp.query.__path__, "itglue_mcp.query.")
    ),
]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_the_public_names_defined_here(name: str) -> None:
    module = importlib.import_module(name)
    exported = set(module.__all__)
    assert all(hasattr(module, item) for item in exported)
    if name == "itglue_mcp.query":
        return
    defined = {
        item
        for item, value in vars(module).items()
        if not item.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == name
    }
    assert defined <= exported


def test_errors_share_the_project_root() -> None:
    from itglue_mcp.errors import ItglueMcpError
    from itglue_mcp.query import AmbiguousOrganization, OrganizationNotFound

    assert issubclass(OrganizationNotFound, ItglueMcpError)
    assert issubclass(AmbiguousOrganization, ItglueMcpError)
