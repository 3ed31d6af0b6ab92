"""``itglue-mcp audit export`` and ``itglue-mcp audit purge``: read out and age the audit log.

``export`` writes audit events as JSON lines (one event per line, oldest first, times in ISO
8601 UTC) to a file or standard output, for a SIEM or an access review. ``purge`` deletes the
events older than ``audit.retention_days`` — the only way events leave the log.

Example::

    itglue-mcp audit export --since 2026-11-01T00:00Z --output november.jsonl
    itglue-mcp audit export --since 2026-11-01 --until 2026-12-01 | jq .decision
    itglue-mcp audit purge
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.console import Console

from itglue_mcp.cli.wiring import fail_cleanly, load_settings, open_store
from itglue_mcp.config import Settings

if TYPE_CHECKING:
    from itglue_mcp.store.audit import AuditEvent

__all__ = ["app", "event_line", "export", "parse_time", "purge"]

app = typer.Typer(help="Export and age the audit log.", no_args_is_help=True)


def parse_time(text: str, option: str) -> datetime:
    """An ISO 8601 time or date from the command line, as an aware UTC datetime.

    ``2026-11-01T00:00Z``, ``2026-11-01T01:00+01:00`` and ``2026-11-01`` (midnight) are
    accepted; a time without an offset is taken as UTC.

    Args:
        text: what the user typed.
        option: the option's name, for the error message.

    Raises:
        typer.BadParameter: naming ``option``, when ``text`` is not an ISO 8601 time.
    """
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO 8601 time such as 2026-11-01T00:00Z", param_hint=option
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def event_line(event: AuditEvent) -> str:
    """One audit event as a JSON line (no newline): every field, times in ISO 8601 UTC."""
    fields: dict[str, Any] = asdict(event)
    fields["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat()
    fields["decision"] = event.decision.value
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


async def _export(settings: Settings, since: datetime, until: datetime | None, out: TextIO) -> int:
    from itglue_mcp.store.audit import iter_audit_events

    written = 0
    async with open_store(settings) as store:
        async for event in iter_audit_events(store.sessions, since=since, until=until):
            out.write(event_line(event) + "\n")
            written += 1
    return written


@app.command("export")
def export(
    since: Annotated[
        str,
        typer.Option(
            "--since", help="Events at or after this time (ISO 8601, e.g. 2026-11-01T00:00Z)."
        ),
    ],
    until: Annotated[
        str | None,
        typer.Option("--until", help="Events before this time (ISO 8601); default: now."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (replaced); default: stdout."),
    ] = None,
) -> None:
    """Write audit events as JSON lines, oldest first (one event per line)."""
    start = parse_time(since, "--since")
    end = parse_time(until, "--until") if until is not None else None
    if end is not None and end <= start:
        raise typer.BadParameter("must be later than --since", param_hint="--until")
    settings = load_settings()
    with fail_cleanly():
        if output is None:
            written = asyncio.run(_export(settings, start, end, sys.stdout))
            sys.stdout.flush()
        else:
            try:
                with output.open("w", encoding="utf-8") as out:
                    written = asyncio.run(_export(settings, start, end, out))
            except OSError as exc:
                raise typer.BadParameter(
                    f"cannot write {output}: {exc.strerror}", param_hint="--output"
                ) from None
    where = str(output) if output is not None else "standard output"
    Console(stderr=True).print(f"{written} audit events written to {where}", highlight=False)


async def _purge(settings: Settings, before: datetime) -> int:
    from itglue_mcp.store.audit import purge_audit_events
    from itglue_mcp.store.database import unit_of_work

    async with open_store(settings) as store, unit_of_work(store.sessions) as session:
        return await purge_audit_events(session, before=before)


@app.command("purge")
def purge() -> None:
    """Delete audit events older than audit.retention_days (nothing when it is unset)."""
    settings = load_settings()
    console = Console(stderr=True)
    days = settings.audit.retention_days
    if days is None:
        console.print("audit.retention_days is unset: every audit event is kept")
        return
    before = datetime.now(UTC) - timedelta(days=days)
    with fail_cleanly():
        removed = asyncio.run(_purge(settings, before))
    console.print(
        f"{removed} audit events older than {days} days (before {before.isoformat()}) deleted",
        highlight=False,
    )
