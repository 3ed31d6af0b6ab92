"""``itglue-mcp eval``: ask a question set over MCP and grade the answers against the dataset.

Either against a running server (``--url``, with ``--token`` when it wants one; a running
demo's token is read from its data directory), or — the default — against the store and
index a ``itglue-mcp demo`` (or ``sync``) left in the data directory, served in this process
on 127.0.0.1 for the run. Answers are checked against the
dataset directory the store was synced from (``--dataset``; by default the demo's,
``<data dir>/datasets/demo-<organizations>-<seed>`` for the set's dataset).

A question set written for a dataset directory of its own (a hand-written fixture) is run
with ``--sync``: the directory is served by the IT Glue simulator and fully synced (store and
index) into ``--data`` — by default a temporary directory removed afterwards — before the
questions are asked.

Exit status: 0 when every target is met over all questions and over the plain-language and
attribute subsets (top-1 >= 95 %, no hallucination, no-data precision 100 %, no-data recall
>= 95 %, no secret leaked), 3 when one is missed (``--report-only`` exits 0 anyway), 1 on an
error (server unreachable, store never synced, bad question file), 2 on a usage error::

    itglue-mcp demo --orgs 10 --seed 7     # once: the dataset the packaged set was made for
    itglue-mcp eval --json eval.json
    itglue-mcp eval --questions src/itglue_mcp/evaluation/questions/small-plain.yaml
    itglue-mcp eval --sync --dataset tests/fixtures/handwritten \
        --questions tests/evaluation/handwritten.yaml
    itglue-mcp eval --url https://mcp.example.com/mcp --token "$TOKEN" --dataset ./data
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from itglue_mcp.cli.wiring import fail_cleanly, load_settings
from itglue_mcp.config import Settings
from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.observability import configure_logging, quiet_model_libraries

if TYPE_CHECKING:
    from fastmcp import FastMCP

    from itglue_mcp.evaluation import QuestionSet, Summary

__all__ = [
    "TARGETS_MISSED_EXIT_CODE",
    "EvaluationError",
    "demo_dataset_dir",
    "eval_answers",
    "serve_data_dir",
    "sync_dataset_dir",
]

TARGETS_MISSED_EXIT_CODE = 3
"""Exit status when the run completes but misses a quality target."""

_console = Console()
_errors = Console(stderr=True)


class EvaluationError(ItglueMcpError):
    """The evaluation cannot run: no synced store, no dataset, or the server cannot be reached."""


def demo_dataset_dir(settings: Settings, question_set: QuestionSet) -> Path:
    """Where ``itglue-mcp demo`` generates the dataset the question set was derived from.

    Raises:
        EvaluationError: the set was written for a hand-written dataset (``fixture``), which
            no demo generates.
    """
    spec = question_set.dataset
    if spec.fixture is not None:
        raise EvaluationError(
            f"dataset: the question set was written for the hand-written dataset "
            f"{spec.fixture!r}; pass --dataset with its directory (and --sync to sync it first)"
        )
    return settings.data_dir / "datasets" / f"demo-{spec.organizations}-{spec.seed}"


def sync_dataset_dir(settings: Settings, dataset_dir: Path) -> None:
    """Serve ``dataset_dir`` with the IT Glue simulator and run a full sync of it (store and
    semantic index) into ``settings``' data directory, as ``itglue-mcp demo`` does.

    Args:
        settings: names the data directory (and the store, when not the default).
        dataset_dir: a dataset directory (the simulator's format).

    Raises:
        EvaluationError: ``dataset_dir`` is not a dataset the simulator can load.
        ItglueMcpError: the sync failed.
    """
    from pydantic import SecretStr

    from itglue_mcp.background import serve_in_thread
    from itglue_mcp.cli.simulate import DEFAULT_SIMULATOR_KEY
    from itglue_mcp.cli.wiring import open_backends, run_sync
    from itglue_mcp.itglue.simulator import Dataset, DatasetError, SimulatorConfig, create_app

    try:
        dataset = Dataset.load(dataset_dir)
    except DatasetError as exc:
        raise EvaluationError(f"dataset: {exc}") from None
    key = DEFAULT_SIMULATOR_KEY  # the simulator lives for this sync only, on loopback
    simulator = create_app(dataset, SimulatorConfig(api_keys={key: True}))
    with serve_in_thread(simulator) as simulator_url:
        itglue = settings.itglue.model_copy(
            update={"api_url": simulator_url, "api_key": SecretStr(key)}
        )
        synced = settings.model_copy(update={"itglue": itglue})

        async def sync() -> None:
            async with open_backends(synced) as backends:
                await run_sync(synced, backends, full=True)

        asyncio.run(sync())


def _require_store(settings: Settings) -> None:
    """Refuse an SQLite store that does not exist: opening it would create an empty one in
    the user's data directory.

    Raises:
        EvaluationError: naming the data directory and the command that fills it.
    """
    from sqlalchemy.engine import make_url

    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        raise EvaluationError(
            f"data: {settings.data_dir} holds no store; run `itglue-mcp demo` or "
            "`itglue-mcp sync` first, or pass --url"
        )


@contextmanager
def serve_data_dir(
    settings: Settings, *, customise: Callable[[FastMCP], None] | None = None
) -> Iterator[str]:
    """Serve the data directory's synced store and index on 127.0.0.1; yield the /mcp URL.

    The backends open as ``itglue-mcp serve`` opens them (:func:`open_backends`: store
    migrated, model loaded, index opened), in this thread; the server runs in another with
    its own event loop, so it reads the store through an engine without a connection pool
    (pooled connections would belong to that loop). The index's local mode keeps no
    event-loop state and is shared as it is.

    Args:
        settings: settings naming the data directory (and the store, when not the default)
            and the authentication the server applies.
        customise: called with the FastMCP server before it starts (benchmarks add a
            baseline tool this way).

    Raises:
        EvaluationError: the data directory holds no store or no successful sync, or its
            index is held by another process (a running demo: evaluate it with --url).
    """
    import httpx

    from itglue_mcp.background import serve_in_thread
    from itglue_mcp.cli.serve import bind_settings
    from itglue_mcp.cli.wiring import Backends, Store, open_backends
    from itglue_mcp.index import VectorIndexError
    from itglue_mcp.server.app import build_http_app, build_server
    from itglue_mcp.store.database import create_engine, create_session_factory

    _require_store(settings)
    runner = asyncio.Runner()
    stack = AsyncExitStack()
    engine = create_engine(settings.effective_database_url, null_pool=True)
    try:
        try:
            opened = runner.run(stack.enter_async_context(open_backends(settings)))
        except VectorIndexError as exc:
            raise EvaluationError(
                f"data: {exc}; if a demo or server is using this data directory, evaluate it "
                "with --url instead"
            ) from None
        served = Backends(
            Store(engine, create_session_factory(engine)),
            opened.embedder,
            opened.index,
            opened.index_settings,
        )
        mcp = build_server(served.services(), settings.auth)
        if customise is not None:
            customise(mcp)
        app = build_http_app(mcp, bind_settings(settings, host="127.0.0.1", port=0))
        with serve_in_thread(app) as base_url:
            ready = httpx.get(f"{base_url}/readyz", timeout=30)
            if ready.status_code != 200:
                reason = ready.json().get("reason", ready.text)
                raise EvaluationError(
                    f"data: the store in {settings.data_dir} is not ready ({reason}); "
                    "run `itglue-mcp demo` or `itglue-mcp sync` first, or pass --url"
                )
            yield f"{base_url}/mcp"
    finally:
        runner.run(engine.dispose())
        runner.run(stack.aclose())
        runner.close()


def _default_dataset(settings: Settings, question_set: QuestionSet) -> Path:
    """The demo's dataset for ``question_set``.

    Raises:
        EvaluationError: the demo generated another dataset (other organizations or seed),
            so its store cannot answer this question set.
    """
    directory = demo_dataset_dir(settings, question_set)
    if (directory / "organizations.json").is_file():
        return directory
    spec = question_set.dataset
    others = sorted(p.name for p in (settings.data_dir / "datasets").glob("demo-*"))
    found = f" (found {', '.join(others)})" if others else ""
    raise EvaluationError(
        f"dataset: the question set needs the demo dataset of {spec.organizations} "
        f"organizations, seed {spec.seed}, in {directory}{found}; run `itglue-mcp demo "
        f"--orgs {spec.organizations} --seed {spec.seed}` or pass --dataset"
    )


def _token(settings: Settings, url: str | None, token: str | None) -> str | None:
    """The bearer token to send: given, else the served settings' static token (local), else
    the demo's token file in the data directory (``--url`` of a running demo)."""
    from itglue_mcp.cli.demo import DEMO_TOKEN_FILE
    from itglue_mcp.config import AuthMode

    if token is not None:
        return token
    if url is None:
        static = settings.auth.static_token
        return (
            static.get_secret_value() if settings.auth.mode is AuthMode.STATIC and static else None
        )
    demo_file = settings.data_dir / DEMO_TOKEN_FILE
    return demo_file.read_text("utf-8").strip() if demo_file.is_file() else None


def _run(
    url: str,
    question_set: QuestionSet,
    dataset_dir: Path,
    token: str | None,
) -> Summary:
    import httpx

    from itglue_mcp.evaluation import ReferenceDataset, evaluate

    if not (dataset_dir / "organizations.json").is_file():
        raise EvaluationError(
            f"dataset: {dataset_dir} holds no generated dataset; pass --dataset with the "
            "directory the store was synced from"
        )
    reference = ReferenceDataset.load(dataset_dir)
    with Progress(console=_errors, transient=True) as progress:
        task = progress.add_task("asking", total=len(question_set.questions))
        try:
            return asyncio.run(
                evaluate(
                    url,
                    question_set,
                    reference,
                    token=token,
                    on_result=lambda _: progress.advance(task),
                )
            )
        except (OSError, RuntimeError, httpx.HTTPError) as exc:
            raise EvaluationError(f"url: cannot evaluate {url}: {exc}") from None


def eval_answers(
    questions: Annotated[
        Path | None,
        typer.Option(
            "--questions",
            help="Question-set YAML (default: the packaged small set).",
            dir_okay=False,
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Data directory of the synced store (default: settings)."),
    ] = None,
    dataset: Annotated[
        Path | None,
        typer.Option(
            "--dataset",
            help="Dataset directory the store was synced from (default: the demo's).",
            file_okay=False,
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="Evaluate a running server at this /mcp URL instead."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="ITGLUE_MCP_EVAL_TOKEN",
            help="Bearer token for --url (default: the demo's token file in the data dir).",
            show_default=False,
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the full report as JSON here.")
    ] = None,
    report_only: Annotated[
        bool, typer.Option("--report-only", help="Exit 0 even when a target is missed.")
    ] = False,
    sync: Annotated[
        bool,
        typer.Option(
            "--sync",
            help="First sync --dataset (through the simulator) into --data and its store; "
            "without --data, into a temporary directory (embedded store, local index).",
        ),
    ] = False,
) -> None:
    """Grade the server's answers to a question set (top-1, recall@5, hallucinations, no-data)."""
    from itglue_mcp.evaluation import (
        Targets,
        load_questions,
        packaged_question_set,
        render,
        write_json,
    )

    if sync and (dataset is None or url is not None):
        raise typer.BadParameter("--sync needs --dataset and no --url", param_hint="--sync")
    settings = load_settings()
    if data is not None:
        settings = settings.model_copy(update={"data_dir": data})
    configure_logging("WARNING")
    quiet_model_libraries()
    # FastMCP logs every tool error (a record not found is an expected answer here); the
    # report shows each answer's message, a masked crash included.
    logging.getLogger("fastmcp.server.server").setLevel(logging.CRITICAL)
    if not _console.is_terminal:
        _console.width = 120  # a file or a pipe: room for every column of the report
    targets = Targets()
    with fail_cleanly(), tempfile.TemporaryDirectory(prefix="itglue-mcp-eval-") as scratch:
        question_set = load_questions(questions or packaged_question_set("small"))
        if sync and dataset is not None:
            if data is None:
                # Everything in the scratch directory: the embedded store and a local index,
                # never a configured database or Qdrant server.
                index = settings.index.model_copy(update={"qdrant_url": None})
                settings = settings.model_copy(
                    update={"data_dir": Path(scratch), "database_url": None, "index": index}
                )
            sync_dataset_dir(settings, dataset)
        if url is None:
            _require_store(settings)
        dataset_dir = dataset or _default_dataset(settings, question_set)
        bearer = _token(settings, url, token)
        if url is not None:
            summary = _run(url, question_set, dataset_dir, bearer)
        else:
            with serve_data_dir(settings) as local_url:
                summary = _run(local_url, question_set, dataset_dir, bearer)
    _console.print(*render(summary, targets=targets))
    if json_out is not None:
        write_json(summary, json_out, targets=targets)
        _errors.print(f"report written to {json_out}")
    if targets.missed(summary) and not report_only:
        raise typer.Exit(TARGETS_MISSED_EXIT_CODE)
