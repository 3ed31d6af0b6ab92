"""The audit trail: one committed event per decision, correlated with the request served."""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client, FastMCP
from fastmcp.client.transports import StreamableHttpTransport
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.background import serve_in_thread
from itglue_mcp.security.audit import AuditTrail, RequestInfo, current_request_info
from itglue_mcp.security.identity import Caller
from itglue_mcp.store import StoreError
from itglue_mcp.store.audit import AuditDecision, list_audit_events

Sessions = async_sessionmaker[AsyncSession]

CALLER = Caller(
    subject="bob@msp.example",
    client_id="cursor",
    groups=frozenset({"msp-helpdesk"}),
    roles=frozenset({"helpdesk"}),
    tenant="contoso",
    scopes=frozenset({"itglue.read"}),
)
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def test_a_recorded_event_is_committed_at_once(session_factory: Sessions) -> None:
    trail = AuditTrail(session_factory)
    request = RequestInfo(request_id="req-7", trace_id=TRACE_ID, source_ip="192.0.2.10")

    event = await trail.record(
        CALLER,
        tool="get_password",
        decision=AuditDecision.DENY,
        organization_id=7,
        record_type="passwords",
        record_id=42,
        reason="missing scope itglue.secrets.reveal",
        request=request,
    )
    outside = await trail.record(CALLER, tool="search", decision="allow")

    # Read back in a session of its own: the events were committed by record().
    async with session_factory() as session:
        stored = await list_audit_events(session)
    assert stored == [event, outside]
    assert (event.subject, event.client_id, event.tool, event.decision) == (
        "bob@msp.example",
        "cursor",
        "get_password",
        AuditDecision.DENY,
    )
    assert (event.request_id, event.trace_id, event.source_ip) == (
        "req-7",
        TRACE_ID,
        "192.0.2.10",
    )
    assert (outside.request_id, outside.trace_id, outside.source_ip) == (None, None, None)
    with pytest.raises(StoreError, match="allow or deny"):
        await trail.record(CALLER, tool="search", decision="perhaps")


def test_outside_a_request_nothing_is_known_but_an_active_span() -> None:
    assert current_request_info() == RequestInfo(None, None, None)
    tracer = TracerProvider().get_tracer("itglue-mcp-tests")
    with tracer.start_as_current_span("reveal") as span:
        info = current_request_info()
    assert info.trace_id == format(span.get_span_context().trace_id, "032x")
    assert (info.request_id, info.source_ip) == (None, None)


def _echo_server() -> FastMCP:
    """A server whose one tool answers what :func:`current_request_info` sees."""
    mcp = FastMCP("request-info")

    @mcp.tool
    def request_info() -> dict[str, Any]:
        info = current_request_info()
        return {"request_id": info.request_id, "trace_id": info.trace_id, "ip": info.source_ip}

    return mcp


async def _served_info(headers: dict[str, str]) -> dict[str, Any]:
    app = _echo_server().http_app(path="/mcp", stateless_http=True)
    with serve_in_thread(app) as url:
        transport = StreamableHttpTransport(f"{url}/mcp", headers=headers)
        async with Client(transport) as client:
            result = await client.call_tool("request_info", {})
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def test_inside_a_request_the_headers_and_client_address_are_read() -> None:
    given = await _served_info({"X-Request-ID": "abc-123", "traceparent": TRACEPARENT})
    bare = await _served_info({"traceparent": "00-" + "0" * 32 + "-00f067aa0ba902b7-01"})

    assert given == {"request_id": "abc-123", "trace_id": TRACE_ID, "ip": "127.0.0.1"}
    # No request id header: the MCP request id; an all-zero trace id is invalid (W3C).
    assert bare["request_id"] is not None and bare["request_id"] != "abc-123"
    assert bare["trace_id"] is None and bare["ip"] == "127.0.0.1"
