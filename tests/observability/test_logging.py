"""structlog output: JSON lines correlated with the trace, the request and the caller; console
lines on a terminal; secrets and tokens redacted before anything is written."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from itglue_mcp.observability import configure_logging, redact_secrets
from tests.observability.conftest import (
    READ_ONLY_TOKEN,
    SUBJECT,
    Served,
    mcp_http,
    message,
    tool_call,
)

CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"


@pytest.fixture
def json_logs() -> Iterator[None]:
    """JSON lines on stderr for the test; structlog's defaults again afterwards."""
    configure_logging("INFO", json=True)
    yield
    structlog.reset_defaults()


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


async def test_log_lines_of_a_call_name_its_trace_request_and_subject(
    served: Served, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = {
        "traceparent": f"00-{CALLER_TRACE}-b7ad6b7169203331-01",
        "X-Request-ID": "req-42",
    }
    async with mcp_http(served.read_only_url, token=READ_ONLY_TOKEN) as http:
        refused = message(
            await http.post("/mcp", json=tool_call("get_password", {"name": "x"}), headers=headers)
        )
    assert refused["result"]["isError"] is True

    lines = _lines(capsys.readouterr().err)
    [denied] = [line for line in lines if line["event"] == "access.denied"]
    # Tracing is off here: the ids are the caller's, continued from the traceparent header.
    assert denied["trace_id"] == CALLER_TRACE
    assert denied["span_id"] == "b7ad6b7169203331"
    assert (denied["subject"], denied["request_id"], denied["level"]) == (SUBJECT, "req-42", "info")


async def test_log_lines_inside_a_span_carry_its_ids(
    served: Served,
    spans: InMemorySpanExporter,
    json_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with mcp_http(served.read_only_url, token=READ_ONLY_TOKEN) as http:
        message(await http.post("/mcp", json=tool_call("get_password", {"name": "x"})))

    lines = _lines(capsys.readouterr().err)
    [denied] = [line for line in lines if line["event"] == "access.denied"]
    [root] = [s for s in spans.get_finished_spans() if s.name == "tools/call"]
    assert denied["trace_id"] == trace.format_trace_id(root.context.trace_id)
    assert denied["span_id"] == trace.format_span_id(root.context.span_id)


def test_console_lines_on_a_terminal_are_not_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=False)
    try:
        structlog.get_logger("test").info("sync.page", stream="configurations", token="abc")
    finally:
        structlog.reset_defaults()

    written = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().err)  # colours off
    assert "sync.page" in written and "stream=configurations" in written
    assert not written.lstrip().startswith("{")
    assert "abc" not in written


def test_redaction_removes_secrets_by_name_and_by_shape() -> None:
    event = {
        "event": "oauth.exchange",
        "access_token": "opaque-1",
        "clientSecret": "opaque-2",
        "headers": {"Authorization": f"Bearer {JWT}", "accept": "application/json"},
        "fields": [{"otp_seed": "JBSWY3DPEHPK3PXP"}, {"api-key": "opaque-3"}],
        "detail": f"upstream said Bearer opaque.4 and {JWT} and ITG.0123456789abcdef",
        "passage": "the VPN passphrase rotates monthly",
        "tokenizer": "minilm",
        "records": 3,
    }

    redacted = dict(redact_secrets(None, "info", dict(event)))

    rendered = json.dumps(redacted)
    for secret in ("opaque-1", "opaque-2", "opaque-3", "opaque.4", JWT, "JBSWY3DP", "ITG.0123"):
        assert secret not in rendered, secret
    assert redacted["headers"] == {"Authorization": "[redacted]", "accept": "application/json"}
    assert redacted["detail"] == "upstream said Bearer [redacted] and [redacted] and [redacted]"
    # Names that merely contain a secret word's letters are kept.
    assert redacted["passage"] == event["passage"] and redacted["tokenizer"] == "minilm"
    assert (redacted["event"], redacted["records"]) == ("oauth.exchange", 3)


def test_standard_library_logs_follow_a_replaced_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    # Test runners and daemonisers swap sys.stderr: a handler bound to the old (closed) one
    # would fail with "I/O operation on closed file" from any library's log call.
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("INFO", json=True)
    first.close()
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    logging.getLogger("some.library").warning("disk almost full")
    assert "disk almost full" in second.getvalue()


def test_library_records_are_written_in_the_same_format(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """uvicorn's and fastmcp's records come out as the same JSON lines as the server's own
    (fastmcp draws boxed rich lines on a handler of its own unless told otherwise)."""
    import fastmcp  # noqa: F401  (importing it installs fastmcp's handler)

    logging.getLogger("fastmcp.server").warning("fastmcp says %s", "hello")
    logging.getLogger("uvicorn.error").warning("uvicorn says hello")
    structlog.get_logger("itglue_mcp.test").warning("own.event", token="abc")

    written = capsys.readouterr().err
    lines = _lines(written)
    assert len(lines) == len(written.strip().splitlines()) == 3, written
    fastmcp_line, uvicorn_line, own = lines
    assert (fastmcp_line["event"], fastmcp_line["level"]) == ("fastmcp says hello", "warning")
    assert fastmcp_line["logger"] == "fastmcp.server" and "timestamp" in fastmcp_line
    assert uvicorn_line["event"] == "uvicorn says hello"
    assert own["event"] == "own.event" and "abc" not in written
