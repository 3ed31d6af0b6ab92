"""The ``itglue-mcp`` command line: one sub-command per process of the architecture.

Each command lives in its own module and is registered here; heavy imports (the simulator,
the sync engine, FastMCP) happen inside the commands so ``itglue-mcp --help`` stays fast.

Example::

    itglue-mcp dataset generate --out ./data --orgs 10 --seed 7
    itglue-mcp simulate --data ./data --port 8899
    itglue-mcp index rebuild
    itglue-mcp audit export --since 2026-11-01T00:00Z --output audit.jsonl
    itglue-mcp eval --questions src/itglue_mcp/evaluation/questions/small.yaml
"""

from __future__ import annotations

import typer

from itglue_mcp.cli import (
    audit,
    dataset,
    demo,
    index,
    migrate,
    rbac,
    serve,
    simulate,
    sync,
    sync_worker,
)
from itglue_mcp.cli.eval import eval_answers

__all__ = ["app"]

app = typer.Typer(
    name="itglue-mcp",
    help="IT Glue as a grounded knowledge base for MCP clients.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(dataset.app, name="dataset")
app.add_typer(index.app, name="index")
app.add_typer(audit.app, name="audit")
app.add_typer(rbac.app, name="rbac")
app.command("simulate")(simulate.simulate)
app.command("migrate")(migrate.migrate)
app.command("sync")(sync.sync)
app.command("sync-worker")(sync_worker.sync_worker)
app.command("serve")(serve.serve)
app.command("stdio")(serve.stdio)
app.command("demo")(demo.demo)
app.command("eval")(eval_answers)
