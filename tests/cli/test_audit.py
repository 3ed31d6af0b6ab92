"""``itglue-mcp audit export`` and ``audit purge`` on a store of each dialect."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from itglue_mcp.cli.main import app
from itglue_mcp.store import unit_of_work
from itglue_mcp.store.audit import append_audit_event, list_audit_events

Sessions = async_sessionmaker[AsyncSession]

runner = CliRunner()
NOV_1 = datetime(2026, 11, 1, tzinfo=UTC)


def _env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"ITGLUE_MCP_DATA_DIR": str(tmp_path), "ITGLUE_MCP_DATABASE_URL": database_url, **extra}


async def _append(sessions: Sessions, *times: datetime) -> None:
    async with unit_of_work(sessions) as session:
        for index, when in enumerate(times):
            await append_audit_event(
                session,
                subject=f"user-{index}@msp.example",
                client_id="claude",
                decision="deny" if index % 2 else "allow",
                tool="get_password",
                organization_id=7,
                record_type="passwords",
                record_id=100 + index,
                reason="missing scope itglue.secrets.reveal" if index % 2 else "revealed password",
                request_id=f"req-{index}",
                trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
                source_ip="192.0.2.10",
                occurred_at=when,
            )


async def test_export_writes_json_lines_in_time_order_from_since(
    database_url: str, session_factory: Sessions, tmp_path: Path
) -> None:
    # Appended out of order: October, 1 Nov 00:00 exactly, 3 Nov, 2 Nov 10:30.
    await _append(
        session_factory,
        NOV_1 - timedelta(days=3),
        NOV_1,
        NOV_1 + timedelta(days=2),
        NOV_1 + timedelta(days=1, hours=10, minutes=30),
    )
    output = tmp_path / "november.jsonl"
    env = _env(database_url, tmp_path)

    result = await asyncio.to_thread(
        runner.invoke,
        app,
        ["audit", "export", "--since", "2026-11-01T00:00Z", "--output", str(output)],
        env=env,
    )

    assert result.exit_code == 0, result.output
    assert "3 audit events written to" in result.output
    lines = output.read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["occurred_at"] for e in events] == [
        "2026-11-01T00:00:00+00:00",
        "2026-11-02T10:30:00+00:00",
        "2026-11-03T00:00:00+00:00",
    ]
    assert events[0] == {
        "id": events[0]["id"],
        "occurred_at": "2026-11-01T00:00:00+00:00",
        "subject": "user-1@msp.example",
        "decision": "deny",
        "client_id": "claude",
        "tool": "get_password",
        "organization_id": 7,
        "record_type": "passwords",
        "record_id": 101,
        "reason": "missing scope itglue.secrets.reveal",
        "request_id": "req-1",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "source_ip": "192.0.2.10",
    }


async def test_export_until_an_offset_time_and_to_stdout(
    database_url: str, session_factory: Sessions, tmp_path: Path
) -> None:
    await _append(session_factory, NOV_1, NOV_1 + timedelta(hours=1), NOV_1 + timedelta(hours=2))
    env = _env(database_url, tmp_path)

    # 02:00+01:00 is 01:00Z: only the first event is before it.
    result = await asyncio.to_thread(
        runner.invoke,
        app,
        ["audit", "export", "--since", "2026-11-01", "--until", "2026-11-01T02:00+01:00"],
        env=env,
    )

    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert json.loads(line)["subject"] == "user-0@msp.example"


def test_a_bad_time_names_the_option(tmp_path: Path) -> None:
    env = {"ITGLUE_MCP_DATA_DIR": str(tmp_path)}

    bad = runner.invoke(app, ["audit", "export", "--since", "last tuesday"], env=env)
    backwards = runner.invoke(
        app, ["audit", "export", "--since", "2026-11-02", "--until", "2026-11-01"], env=env
    )
    missing = runner.invoke(app, ["audit", "export"], env=env)

    assert bad.exit_code == 2 and "--since" in bad.output and "ISO 8601" in bad.output
    assert backwards.exit_code == 2 and "--until" in backwards.output
    assert missing.exit_code == 2 and "--since" in missing.output


async def test_purge_applies_the_retention(
    database_url: str, session_factory: Sessions, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    await _append(
        session_factory, now - timedelta(days=400), now - timedelta(days=31), now - timedelta(1)
    )

    kept_forever = await asyncio.to_thread(
        runner.invoke,
        app,
        ["audit", "purge"],
        env=_env(database_url, tmp_path, ITGLUE_MCP_AUDIT__RETENTION_DAYS="forever"),
    )
    purged = await asyncio.to_thread(
        runner.invoke,
        app,
        ["audit", "purge"],
        env=_env(database_url, tmp_path, ITGLUE_MCP_AUDIT__RETENTION_DAYS="30"),
    )

    assert kept_forever.exit_code == 0, kept_forever.output
    assert "every audit event is kept" in kept_forever.output
    assert purged.exit_code == 0, purged.output
    assert "2 audit events older than 30 days" in purged.output
    async with session_factory() as session:
        remaining = await list_audit_events(session)
    assert [event.subject for event in remaining] == ["user-2@msp.example"]
