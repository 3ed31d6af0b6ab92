"""The public question set against the demo-size tenant, synced, indexed and served over HTTP.

The path is the one a user takes: the dataset the set names is generated, served by the
simulator and synced (store and semantic index) into a data directory, as ``itglue-mcp demo``
does; then ``itglue-mcp eval --data DIR --dataset DIR --json OUT`` serves that directory on
127.0.0.1 and asks every question through the fastmcp client over Streamable HTTP. The run
must meet the targets: top-1 >= 95 %, no hallucination, no-data precision 100 %, no-data
recall >= 95 %, no leak. Its plain-language variants (small-plain.yaml) run on the same store.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import SecretStr
from typer.testing import CliRunner

from itglue_mcp.background import serve_in_thread
from itglue_mcp.cli.eval import TARGETS_MISSED_EXIT_CODE, eval_answers, serve_data_dir
from itglue_mcp.cli.wiring import open_backends, run_sync
from itglue_mcp.config import AuthMode, AuthSettings, Settings
from itglue_mcp.evaluation import packaged_question_set
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from tests.conftest import DIALECTS, PostgresDatabases, _blocking

# Embedding the tenant's ~10k records takes minutes on a 2-core CPU (the sync's indexing
# phase); the PostgreSQL run reuses the index, its chunks unchanged.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]

API_KEY = "ITG.evaluation"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for both dialects: the second sync finds the index up to date."""
    return tmp_path_factory.mktemp("evaluation-data")


@pytest.fixture(scope="module", params=DIALECTS)
def synced_store(
    request: pytest.FixtureRequest, data_dir: Path, small_dataset_dir: Path
) -> Iterator[str]:
    """The URL of a store (SQLite, then PostgreSQL) holding a full sync of the public set's
    dataset, its semantic index in ``data_dir``, as ``itglue-mcp demo`` leaves them."""
    databases: PostgresDatabases | None = None
    if request.param == "sqlite":
        url = Settings(data_dir=data_dir).effective_database_url
    else:
        databases = request.getfixturevalue("pg_databases")
        name = _blocking(databases.acquire())
        url = databases.url(name)
    simulator = create_app(
        Dataset.load(small_dataset_dir), SimulatorConfig(api_keys={API_KEY: True})
    )
    with serve_in_thread(simulator) as simulator_url:
        base = Settings(data_dir=data_dir, database_url=url)
        settings = base.model_copy(
            update={
                "itglue": base.itglue.model_copy(
                    update={"api_url": simulator_url, "api_key": SecretStr(API_KEY)}
                )
            }
        )

        async def sync() -> None:
            async with open_backends(settings) as backends:
                await run_sync(settings, backends, full=True)

        asyncio.run(sync())
    yield url
    if databases is not None:
        _blocking(databases.release(name))


def _evaluate(
    data_dir: Path, database_url: str, dataset_dir: Path, report: Path, *questions: str
) -> tuple[int, dict[str, Any]]:
    """``itglue-mcp eval --data DIR --dataset DIR --json OUT [--questions FILE]``, as a user
    runs it."""
    app = typer.Typer()
    app.command()(eval_answers)
    command = ["--data", str(data_dir), "--dataset", str(dataset_dir), "--json", str(report)]
    command += [argument for path in questions for argument in ("--questions", path)]
    environment = {"ITGLUE_MCP_DATABASE_URL": database_url}
    result = CliRunner().invoke(app, command, env=environment)
    assert result.exit_code in (0, TARGETS_MISSED_EXIT_CODE), result.output
    return result.exit_code, json.loads(report.read_text("utf-8"))


def test_the_public_set_meets_the_targets(
    synced_store: str, data_dir: Path, small_dataset_dir: Path, tmp_path: Path
) -> None:
    exit_code, report = _evaluate(data_dir, synced_store, small_dataset_dir, tmp_path / "eval.json")

    overall = report["overall"]
    failing = [
        {key: r[key] for key in ("id", "status", "sources", "facts", "message", "hallucinations")}
        for r in report["results"]
        if r["hallucinations"]
        or r["secret_leaks"]
        or not (r["status"] == "no_data" if r["expected_no_data"] else r["top1"])
    ]
    print(json.dumps({"overall": overall, "failing": failing}, indent=1))
    assert overall["secret_leaks"] == 0
    assert overall["hallucinations"] == 0
    assert overall["no_data_precision"] == 1.0
    assert overall["top1_accuracy"] >= 0.95
    assert report["targets"]["missed"] == []
    assert exit_code == 0


def test_the_plain_language_variants_meet_the_targets(
    synced_store: str, data_dir: Path, small_dataset_dir: Path, tmp_path: Path
) -> None:
    """small-plain.yaml names each organization in words only: no leak, no invented record
    or value, no answer from another organization, and issue #11's targets (top-1 >= 95 %,
    no hallucination, no-data precision 100 %, recall >= 95 %) overall and per subset."""
    plain = str(packaged_question_set("small-plain"))
    _, report = _evaluate(data_dir, synced_store, small_dataset_dir, tmp_path / "plain.json", plain)

    keys = ("top1_accuracy", "no_data_precision", "no_data_recall", "hallucinations",
            "answers_with_hallucinations", "organization_mismatches")  # fmt: skip
    print(json.dumps({n: {k: g[k] for k in keys} for n, g in report["by_subset"].items()}))
    assert report["overall"]["secret_leaks"] == 0
    invented = [
        (r["id"], h["kind"])
        for r in report["results"]
        for h in r["hallucinations"]
        if h["kind"] != "other_organization"
    ]
    assert invented == []
    assert {"plain_language", "attribute"} <= report["by_subset"].keys()
    assert report["targets"]["missed"] == []
    assert report["overall"]["organization_mismatches"] == 0


def test_a_running_server_is_evaluated_with_its_bearer_token(
    synced_store: str, data_dir: Path, small_dataset_dir: Path, tmp_path: Path
) -> None:
    token = secrets.token_urlsafe(32)
    auth = AuthSettings(mode=AuthMode.STATIC, static_token=SecretStr(token))
    settings = Settings(data_dir=data_dir, database_url=synced_store, auth=auth)
    questions = tmp_path / "two.yaml"
    questions.write_text(
        "dataset: {organizations: 10, seed: 7}\nquestions:\n"
        "  - {id: fw, question: ACME-FW01 at @ACME, intent: hostname_lookup,"
        " tool: get_configuration, arguments: {organization: ACME, name: ACME-FW01},"
        " expect: {values: [10.10.10.1]}}\n"
        "  - {id: none, question: x, intent: hostname_lookup, tool: get_configuration,"
        " arguments: {organization: NW, name: ACME-FW01}, expect_no_data: true,"
        " absent: [ACME-FW01]}\n",
        encoding="utf-8",
    )
    app = typer.Typer()
    app.command()(eval_answers)
    with serve_data_dir(settings) as url:
        common = ["--url", url, "--dataset", str(small_dataset_dir), "--questions", str(questions)]
        refused = CliRunner().invoke(app, common)
        report = tmp_path / "two.json"
        accepted = CliRunner().invoke(app, [*common, "--token", token, "--json", str(report)])

    assert refused.exit_code == 1
    assert token not in refused.output
    assert accepted.exit_code == 0, accepted.output
    overall = json.loads(report.read_text("utf-8"))["overall"]
    assert (overall["top1_accuracy"], overall["no_data_precision"]) == (1.0, 1.0)
