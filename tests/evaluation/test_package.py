"""The evaluation's errors hang off the project's one exception root."""

from __future__ import annotations


def test_errors_share_the_project_root() -> None:
    from itglue_mcp.cli.eval import EvaluationError
    from itglue_mcp.errors import ItglueMcpError
    from itglue_mcp.evaluation import QuestionSetError, ReferenceDatasetError

    for error in (QuestionSetError, ReferenceDatasetError, EvaluationError):
        assert issubclass(error, ItglueMcpError)
