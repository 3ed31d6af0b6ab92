"""``itglue-mcp sync``: pull IT Glue into the store and the vector index (incremental unless
``--full``)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from itglue_mcp import __version__
from itglue_mcp.cli.wiring import fail_cleanly, load_settings, open_backends, run_sync
from itglue_mcp.observability import configure_logging, configure_tracing, quiet_model_libraries

if TYPE_CHECKING:
    from itglue_mcp.sync.engine import SyncReport
    from itglue_mcp.sync.indexing import IndexingReport

__all__ = ["describe_indexing", "print_report", "sync"]


def sync(
    full: Annotated[
        bool, typer.Option("--full", help="List everything and detect deletions.")
    ] = False,
    org: Annotated[
        int | None, typer.Option("--org", help="Only this organization (IT Glue id).")
    ] = None,
    types: Annotated[
        str | None,
        typer.Option(help="Comma-separated record types, e.g. configurations,passwords."),
    ] = None,
) -> None:
    """Sync IT Glue into the store and the vector index; a run that stopped part-way is
    resumed."""
    settings = load_settings()
    configure_logging(settings.log_level)
    # One trace per run (exported before exit: the provider flushes at shutdown).
    configure_tracing("itglue-mcp-sync", __version__)
    quiet_model_libraries()

    async def main() -> SyncReport:
        async with open_backends(settings) as backends:
            return await run_sync(
                settings,
                backends,
                full=full,
                organization_id=org,
                types=types.split(",") if types else None,
            )

    with fail_cleanly():
        report = asyncio.run(main())
    print_report(report)


def describe_indexing(report: IndexingReport) -> str:
    """One line on what an indexing phase did, e.g. for a report's caption."""
    chunks = report.chunks
    return (
        f"semantic index: {report.records} records updated, {report.removed} removed, "
        f"{report.keyword_only} keyword-only · {chunks.embedded} chunks embedded "
        f"({report.embedded_per_s:.0f}/s), {chunks.skipped_unchanged} unchanged · "
        f"{report.duration_s:.1f} s"
    )


def print_report(report: SyncReport) -> None:
    """Print a sync report as a table on stderr."""
    table = Table("record type", "written", "deleted", title=f"sync run {report.run_id}")
    for record_type in sorted(set(report.records) | set(report.deleted)):
        table.add_row(
            record_type,
            str(report.records.get(record_type, 0)),
            str(report.deleted.get(record_type, 0)),
        )
    caption = (
        f"{report.mode}{' (resumed)' if report.resumed else ''} · {report.total_records} records"
        f" · {report.api_requests} API requests · {report.rate_limited} rate-limited"
        f" · {report.duration_s:.1f} s"
    )
    if report.indexing is not None:
        caption += "\n" + describe_indexing(report.indexing)
    table.caption = caption
    Console(stderr=True).print(table)
