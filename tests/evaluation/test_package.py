"""The ``evaluation`` package's public surface: every ``__all__`` is exact and importable."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "itglue_mcp.evaluation",
    "itglue_mcp.evaluation.dataset",
    "itglue_mcp.evaluation.metrics",
    "itglue_mcp.evaluation.observation",
    "itglue_mcp.evaluation.questions",
    "itglue_mcp.evaluation.report",
    "itglue_mcp.evaluation.runner",
    "itglue_mcp.cli.eval",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_the_public_names_defined_here(name: str) -> None:
    module = importlib.import_module(name)
    exported = set(module.__all__)
    assert all(hasattr(module, item) for item in exported)
    if name == "itglue_mcp.evaluation":
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
    from itglue_mcp.cli.eval import EvaluationError
    from itglue_mcp.errors import ItglueMcpError
    from itglue_mcp.evaluation import QuestionSetError, ReferenceDatasetError

    for error in (QuestionSetError, ReferenceDatasetError, EvaluationError):
        assert issubclass(error, ItglueMcpError)
