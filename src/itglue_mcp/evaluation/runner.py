"""Ask every question of a set over MCP Streamable HTTP, as a client would, and grade it.

The runner is an ordinary MCP client (the fastmcp ``Client``, a bearer token when the server
wants one): it calls each question's tool on a running server, reduces the result to an
:class:`~itglue_mcp.evaluation.observation.Observation` and grades it against the reference
dataset (:mod:`~itglue_mcp.evaluation.metrics`)::

    summary = await evaluate(
        "http://127.0.0.1:8765/mcp", question_set, ReferenceDataset.load(dataset_dir)
    )
    summary.overall.top1_accuracy
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from fastmcp import Client
from mcp.types import TextContent

from itglue_mcp.evaluation.dataset import ReferenceDataset, ReferenceDatasetError
from itglue_mcp.evaluation.metrics import (
    UNKNOWN_ORGANIZATION,
    QuestionResult,
    Summary,
    grade,
    resolve_expectation,
)
from itglue_mcp.evaluation.metrics import summarise as summarise_results
from itglue_mcp.evaluation.observation import observe
from itglue_mcp.evaluation.questions import Question, QuestionSet
from itglue_mcp.query.scope import parse_scope

__all__ = ["DEFAULT_CALL_TIMEOUT_S", "UNKNOWN_ORGANIZATION", "evaluate", "question_scope"]

DEFAULT_CALL_TIMEOUT_S = 60.0
"""Longest a single tool call may take before the evaluation fails, in seconds."""


def question_scope(question: Question, dataset: ReferenceDataset) -> int | None:
    """The organization ``question`` is about: its ``organization``, else the one it names in
    words (``about``), else its ``@`` scope.

    Returns:
        The organization's id; ``None`` for an account-wide question;
        :data:`UNKNOWN_ORGANIZATION` for a no-data question naming an organization that
        does not exist.

    Raises:
        ReferenceDatasetError: the organization is ambiguous, or does not exist and the
            question expects an answer.
        ValueError: the question's ``@`` scope is malformed.
    """
    reference = (
        question.organization or question.about or parse_scope(question.question).organization_ref
    )
    if reference is None:
        return None
    try:
        return dataset.organization_id(reference)
    except ReferenceDatasetError:
        if question.expect_no_data and not dataset.organization_candidates(reference):
            return UNKNOWN_ORGANIZATION
        raise


async def evaluate(
    url: str,
    question_set: QuestionSet,
    dataset: ReferenceDataset,
    *,
    token: str | None = None,
    today: date | None = None,
    timeout_s: float = DEFAULT_CALL_TIMEOUT_S,
    on_result: Callable[[QuestionResult], None] | None = None,
) -> Summary:
    """Ask every question on the MCP server at ``url`` and grade the answers.

    Args:
        url: the Streamable HTTP endpoint, e.g. ``http://127.0.0.1:8765/mcp``.
        question_set: the questions.
        dataset: the dataset the server's store was synced from.
        token: bearer token sent with every request, if the server requires one.
        today: the day relative expiration windows start (default: today in UTC).
        timeout_s: per-call timeout, in seconds.
        on_result: called with each graded question as it completes (progress display).

    Returns:
        The run's metrics and every question's result, in question order.

    Raises:
        ReferenceDatasetError: a question's organization does not resolve in the dataset.
        Exception: whatever the MCP client raises when the server cannot be reached.
    """
    day = today or datetime.now(UTC).date()
    results: list[QuestionResult] = []
    async with Client(url, auth=token, timeout=timeout_s) as client:
        for question in question_set.questions:
            scope = question_scope(question, dataset)
            expected = resolve_expectation(question, dataset, scope=scope, today=day)
            started = time.perf_counter()
            result = await client.call_tool(
                question.tool, question.call_arguments, raise_on_error=False
            )
            latency_ms = (time.perf_counter() - started) * 1000
            text = "\n".join(b.text for b in result.content if isinstance(b, TextContent))
            observation = observe(result.structured_content, text=text, is_error=result.is_error)
            graded = grade(
                question,
                observation,
                dataset,
                expected=expected,
                scope=scope,
                latency_ms=latency_ms,
            )
            results.append(graded)
            if on_result is not None:
                on_result(graded)
    return summarise_results(results)
