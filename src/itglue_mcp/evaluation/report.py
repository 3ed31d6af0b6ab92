"""The evaluation's report: Rich tables for a terminal, JSON for a file or CI.

Example::

    console.print(*render(summary, targets=Targets()))
    write_json(summary, Path("eval.json"), targets=Targets())
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from itglue_mcp.evaluation.metrics import IntentSummary, QuestionResult, Summary, Targets
from itglue_mcp.evaluation.questions import SUBSET_ATTRIBUTE

__all__ = ["render", "to_json", "write_json"]


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _metrics_table(
    title: str, heading: str, groups: dict[str, IntentSummary], overall: IntentSummary
) -> Table:
    table = Table(title=title, show_lines=False)
    for column in (heading, "questions", "top-1", "recall@5", "no-data P", "no-data R",
                   "halluc.", "leaks", "intent ok", "p50 ms", "p95 ms"):  # fmt: skip
        table.add_column(column, justify="left" if column == heading else "right")

    def row(name: str, group: IntentSummary, style: str | None = None) -> None:
        table.add_row(
            name,
            str(group.questions),
            _percent(group.top1_accuracy),
            _percent(group.recall_at_5),
            _percent(group.no_data_precision),
            _percent(group.no_data_recall),
            str(group.hallucinations),
            str(group.secret_leaks),
            _percent(group.intent_accuracy),
            _ms(group.latency_p50_ms),
            _ms(group.latency_p95_ms),
            style=style,
        )

    for name, group in groups.items():
        row(name, group)
    table.add_section()
    row("all", overall, style="bold")
    return table


def _failure(result: QuestionResult) -> str:
    if result.expected_no_data:
        return "answered, but no data was expected"
    if result.status == "no_data":
        return "error" if result.error else "said no data"
    if SUBSET_ATTRIBUTE in result.subsets:
        return "the first fact is not the asked attribute's value"
    return "wrong first source"


def _question_label(result: QuestionResult) -> str:
    return f"{result.id}\n({', '.join([result.intent, *result.subsets])})"


def _failures_table(results: list[QuestionResult]) -> Table:
    table = Table(title="Questions missed", show_lines=True)
    table.add_column("question")
    table.add_column("what went wrong")
    table.add_column("answer (first sources, facts, message)")
    for result in results:
        problems = [_failure(result)] if not result.correct else []
        problems += [f"{h.kind}: {h.record} {h.detail}" for h in result.hallucinations]
        if result.secret_leaks:
            problems.append(f"{result.secret_leaks} secret value(s) leaked")
        if not problems:
            continue
        answer = "\n".join([*result.sources[:3], *result.facts[:3], result.message[:200]])
        table.add_row(_question_label(result), "\n".join(problems), Text(answer))
    return table


def render(summary: Summary, *, targets: Targets) -> list[RenderableType]:
    """The metrics tables (by intent; by subset when the set has subsets), the missed
    questions and a verdict line, ready to print."""
    parts: list[RenderableType] = [
        _metrics_table("Answer quality by intent", "intent", summary.by_intent, summary.overall)
    ]
    if summary.by_subset:
        parts.append(
            _metrics_table(
                "Answer quality by subset (plain_language: organization named in words only; "
                "attribute: one attribute asked)",
                "subset",
                summary.by_subset,
                summary.overall,
            )
        )
    failures = _failures_table(summary.results)
    if failures.row_count:
        parts.append(failures)
    overall = summary.overall
    parts.append(
        Text(
            f"organization mentions: {overall.organization_false_positives} of "
            f"{overall.naming_no_organization} questions naming no organization answered as "
            f"scoped to one; of the questions naming one, {overall.organization_mismatches} "
            f"answered for another organization, {overall.organization_unresolved} for none"
        )
    )
    missed = targets.missed(summary)
    if missed:
        parts.append(Text("targets missed: " + "; ".join(missed), style="bold red"))
    else:
        parts.append(Text("all targets met", style="bold green"))
    return parts


def to_json(summary: Summary, *, targets: Targets) -> dict[str, Any]:
    """The summary as JSON-ready data, with the targets and which were missed."""
    return {
        **summary.model_dump(mode="json"),
        "targets": {
            "min_top1": targets.min_top1,
            "max_hallucinations": targets.max_hallucinations,
            "min_no_data_precision": targets.min_no_data_precision,
            "min_no_data_recall": targets.min_no_data_recall,
            "max_secret_leaks": targets.max_secret_leaks,
            "missed": targets.missed(summary),
        },
    }


def write_json(summary: Summary, path: Path, *, targets: Targets) -> None:
    """Write :func:`to_json` to ``path`` (UTF-8, indented).

    Raises:
        OSError: the file cannot be written.
    """
    path.write_text(json.dumps(to_json(summary, targets=targets), indent=2) + "\n", "utf-8")
