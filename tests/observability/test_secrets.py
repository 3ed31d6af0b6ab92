"""A password revealed over HTTP reaches the caller and nothing else: not a span, not a log
line, not a metric label — while the call is traced, logged and counted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY, generate_latest

from itglue_mcp.observability import configure_logging
from tests.observability.conftest import TOKEN, Served


def _a_secret(served: Served) -> dict[str, Any]:
    """A password entry of a configuration that holds a value."""
    passwords = json.loads((served.dataset / "passwords.json").read_text())["data"]
    return next(
        p
        for p in passwords
        if p["attributes"].get("password") and p["attributes"]["resource-type"] == "Configuration"
    )


@pytest.fixture
def debug_json_logs() -> Iterator[None]:
    """Every level, as JSON lines on stderr; structlog's defaults again afterwards."""
    configure_logging("DEBUG", json=True)
    yield
    structlog.reset_defaults()


async def test_a_revealed_password_is_in_no_span_log_or_metric(
    served: Served,
    spans: InMemorySpanExporter,
    debug_json_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = _a_secret(served)
    value = entry["attributes"]["password"]
    requests_ok = REGISTRY.get_sample_value("itglue_mcp_itglue_requests_total", {"status": "200"})

    transport = StreamableHttpTransport(f"{served.url}/mcp", auth=TOKEN)
    async with Client(transport) as client:
        revealed = await client.call_tool("get_password", {"name": entry["id"], "reveal": True})

    assert revealed.structured_content is not None
    assert revealed.structured_content["revealed"]["password"] == value
    finished = spans.get_finished_spans()
    recorded = "\n".join(span.to_json() for span in finished)
    logged = capsys.readouterr().err
    exposed = generate_latest(REGISTRY).decode()
    # The call was observed: traced, logged at debug level, counted (IT Glue asked live).
    assert any(span.name == "tools/call get_password" for span in finished)
    assert "itglue.request" in logged and "audit.event" in logged
    assert 'itglue_mcp_tool_calls_total{outcome="ok",tool="get_password"}' in exposed
    after = REGISTRY.get_sample_value("itglue_mcp_itglue_requests_total", {"status": "200"})
    assert (after or 0) > (requests_ok or 0)
    # ... and the value is nowhere in what was observed.
    assert value not in recorded
    assert value not in logged
    assert value not in exposed
    assert TOKEN not in recorded + logged + exposed
