"""``itglue-mcp sync``: pull IT Glue into the store (incremental unless ``--full``)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from itglue_mcp.cli.wiring import fail_cleanly, open_store, run_sync
from itglue_mcp.config import Settings
from itglue_mcp.observability import configure_logging

if TYPE_CHECKING:
    from itglue_mcp.sync.engine import SyncReport

__all__ = ["sync"]


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
    """Sync IT Glue into the store; a run that stopped part-way is resumed."""
    settings = Settings()
    configure_logging(settings.log_level)

    async def main() -> SyncReport:
        async with open_store(settings) as store:
            return await run_sync(
                settings,
                store,
                full=full,
                organization_id=org,
                types=types.split(",") if types else None,
            )

    with fail_cleanly():
        report = asyncio.run(main())
    print_report(report)


def print_report(report: SyncReport) -> None:
    """Print a sync report as a table on stderr."""
    table = Table("record type", "written", "deleted", title=f"sync run {report.run_id}")
    for record_type in sorted(set(report.records) | set(report.deleted)):
        table.add_row(
            record_type,
            str(report.records.get(record_type, 0)),
            str(report.deleted.get(record_type, 0)),
        )
    table.caption = (
        f"{report.mode}{' (resumed)' if report.resumed else ''} · {report.total_records} records"
        f" · {report.api_requests} API requests · {report.rate_limited} rate-limited"
        f" · {report.duration_s:.1f} s"
    )
    Console(stderr=True).print(table)
