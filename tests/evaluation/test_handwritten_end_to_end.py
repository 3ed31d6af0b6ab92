"""The hand-written question set through the MCP tools, on a store synced from the fixture.

The path a user takes: ``itglue-mcp eval --sync --data DIR --dataset tests/fixtures/handwritten
--questions tests/evaluation/handwritten.yaml --json OUT`` serves the fixture with the
simulator, syncs it (store and semantic index, a few hundred records) into DIR, serves DIR
on 127.0.0.1 and asks every question over Streamable HTTP.

What must hold today is asserted: no secret value reaches an answer, the engine invents no
record and no value (the only hallucinations are records of another organization than the one
a plain-language question names), questions scoped with ``@`` or the ``organization`` argument
or about the whole account cite nothing out of scope. The quality targets of issue #11 (top-1
>= 95 %, no hallucination, no-data precision 100 % and recall >= 95 %, overall and in the
plain-language and attribute subsets) are the lead's to assert once the engine work lands;
the figures are printed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from itglue_mcp.cli.eval import TARGETS_MISSED_EXIT_CODE, eval_answers
from itglue_mcp.config import Settings
from itglue_mcp.evaluation import load_questions
from tests.conftest import DIALECTS, PostgresDatabases, _blocking
from tests.evaluation.conftest import HANDWRITTEN_DIR, HANDWRITTEN_QUESTIONS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

SUBSET_FIGURES = ("top1_accuracy", "recall_at_5", "no_data_precision", "no_data_recall",
                  "hallucinations", "answers_with_hallucinations", "naming_no_organization",
                  "organization_false_positives", "organization_mismatches",
                  "organization_unresolved")  # fmt: skip


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for both dialects: the second sync finds the index up to date."""
    return tmp_path_factory.mktemp("handwritten-data")


@pytest.fixture(scope="module", params=DIALECTS)
def database_url(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[str]:
    """An empty store (SQLite in the data directory, then a PostgreSQL database)."""
    if request.param == "sqlite":
        yield Settings(data_dir=data_dir).effective_database_url
        return
    databases: PostgresDatabases = request.getfixturevalue("pg_databases")
    name = _blocking(databases.acquire())
    yield databases.url(name)
    _blocking(databases.release(name))


@pytest.fixture(scope="module")
def report(database_url: str, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The JSON report of ``itglue-mcp eval --sync`` over the fixture, as a user runs it."""
    out = tmp_path_factory.mktemp("handwritten-report") / "eval.json"
    app = typer.Typer()
    app.command()(eval_answers)
    command = ["--sync", "--data", str(data_dir), "--dataset", str(HANDWRITTEN_DIR),
               "--questions", str(HANDWRITTEN_QUESTIONS), "--json", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, command, env={"ITGLUE_MCP_DATABASE_URL": database_url})
    assert result.exit_code in (0, TARGETS_MISSED_EXIT_CODE), result.output
    return json.loads(out.read_text("utf-8"))


def test_every_question_is_answered_without_a_leak_or_an_invented_record(report: Any) -> None:
    figures = {
        "overall": {key: report["overall"][key] for key in SUBSET_FIGURES},
        **{
            name: {key: group[key] for key in SUBSET_FIGURES}
            for name, group in report["by_subset"].items()
        },
    }
    print(json.dumps(figures, indent=1))
    results = report["results"]

    assert len(results) == len(load_questions(HANDWRITTEN_QUESTIONS).questions)
    assert list(report["by_subset"])[:2] == ["plain_language", "attribute"]
    assert report["overall"]["secret_leaks"] == 0
    # An organization named in words that does not exist is refused with close names (a tool
    # error), which answers a near miss correctly; an answerable question never errs.
    assert [r["id"] for r in results if r["error"] and not r["expected_no_data"]] == []
    invented = [
        (r["id"], h)
        for r in results
        for h in r["hallucinations"]
        if h["kind"] != "other_organization"
    ]
    assert invented == []


def test_questions_scoped_explicitly_or_account_wide_stay_in_scope(report: Any) -> None:
    out_of_scope = [
        (r["id"], r["hallucinations"])
        for r in report["results"]
        if "plain_language" not in r["subsets"] and r["hallucinations"]
    ]

    assert out_of_scope == []


def test_the_handwritten_set_meets_the_targets(report: Any) -> None:
    """Issue #11's targets, overall and for the plain-language and attribute subsets: top-1
    >= 95 %, no hallucination (another organization's record included), no-data precision
    100 %, no-data recall >= 95 %, and no question naming no organization scoped to one."""
    assert report["targets"]["missed"] == []
    assert report["overall"]["hallucinations"] == 0
    assert report["overall"]["organization_false_positives"] == 0
    assert report["overall"]["organization_mismatches"] == 0
