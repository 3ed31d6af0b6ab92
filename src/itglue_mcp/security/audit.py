"""The audit trail: who did what, decided how, recorded as one committed event per decision.

:class:`AuditTrail` writes to the append-only ``audit_events`` table through
:func:`itglue_mcp.store.audit.append_audit_event`, each event in its own unit of work so that a
denial is recorded even when the tool call that caused it fails. :func:`current_request_info`
collects the correlation data of the request being served (request id, W3C trace id, client
address). An event never holds tool arguments or secret values: only who, when, which tool,
which organization and record, the decision and the reason.

Example::

    trail = AuditTrail(sessions)
    await trail.record(
        caller, tool="get_password", decision=AuditDecision.DENY, organization_id=7,
        record_type="passwords", record_id=42, reason="missing scope itglue.secrets.reveal",
        request=current_request_info(),
    )
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog
from fastmcp.server.dependencies import get_context, get_http_request
from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store.audit import AuditDecision, AuditEvent, append_audit_event
from itglue_mcp.store.database import unit_of_work

if TYPE_CHECKING:
    from starlette.requests import Request

    from itglue_mcp.security.identity import Caller

__all__ = ["AuditDecision", "AuditTrail", "RequestInfo", "current_request_info", "request_info"]

_log = structlog.get_logger(__name__)

# W3C Trace Context §3.2: version "-" trace-id (32 hex) "-" parent-id (16 hex) "-" flags.
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
_NULL_TRACE_ID = "0" * 32
# Longest request id kept from a client-supplied header (the column is free text; bound it).
_MAX_REQUEST_ID = 128
_REQUEST_ID_HEADERS = ("x-request-id", "x-correlation-id")


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """Correlation data of one request, for the audit event it leads to.

    Attributes:
        request_id: the ``X-Request-ID`` header when the client or a proxy sent one, otherwise
            the MCP JSON-RPC request id; ``None`` outside a request.
        trace_id: the W3C trace id (32 lowercase hex digits) of the current OpenTelemetry span,
            or of the request's ``traceparent`` header; ``None`` when neither exists.
        source_ip: the client address as the HTTP server saw it (the proxy's address behind
            a proxy unless the ASGI server is told to trust forwarded headers).
    """

    request_id: str | None = None
    trace_id: str | None = None
    source_ip: str | None = None


def _http_request() -> Request | None:
    try:
        return get_http_request()
    except RuntimeError:
        return None


def _request_id(request: Request | None) -> str | None:
    if request is not None:
        for header in _REQUEST_ID_HEADERS:
            value = request.headers.get(header)
            if value and value.isprintable():
                return value[:_MAX_REQUEST_ID]
    try:
        return get_context().request_id
    except RuntimeError:
        # No FastMCP context, or one whose MCP session is not established yet.
        return None


def _trace_id(request: Request | None) -> str | None:
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        return trace.format_trace_id(span_context.trace_id)
    if request is None:
        return None
    match = _TRACEPARENT.match(request.headers.get("traceparent", "").strip().lower())
    if match is None or match.group(1) == _NULL_TRACE_ID:
        return None
    return match.group(1)


def current_request_info() -> RequestInfo:
    """Correlation data of the request being served.

    Reads FastMCP's current HTTP request and context and the current OpenTelemetry span.
    Never raises: outside a request (stdio, a CLI command, a test calling directly) every
    field is ``None`` except a trace id from an active span.

    Returns:
        The request id, trace id and source IP, each ``None`` when unknown.
    """
    return request_info(_http_request())


def request_info(request: Request | None) -> RequestInfo:
    """Correlation data of ``request`` (an HTTP request seen before or outside FastMCP).

    Args:
        request: the HTTP request, or ``None`` outside one.

    Returns:
        As :func:`current_request_info`, read from ``request``'s headers and client address.
    """
    client = request.client if request is not None else None
    return RequestInfo(
        request_id=_request_id(request),
        trace_id=_trace_id(request),
        source_ip=client.host if client is not None else None,
    )


class AuditTrail:
    """Records access decisions (allow and deny) as audit events.

    Args:
        sessions: sessions on the store holding ``audit_events``.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def record(
        self,
        caller: Caller,
        *,
        tool: str,
        decision: AuditDecision | str,
        organization_id: int | None = None,
        record_type: str | None = None,
        record_id: int | None = None,
        reason: str | None = None,
        request: RequestInfo | None = None,
    ) -> AuditEvent:
        """Append one event in its own unit of work, committed when this returns.

        Args:
            caller: who acted (its subject and client id are recorded, nothing else).
            tool: the MCP tool invoked.
            decision: ``allow`` or ``deny``.
            organization_id: the IT Glue organization concerned, when known.
            record_type: JSON:API type of the record concerned (``passwords``…).
            record_id: IT Glue id of the record concerned.
            reason: why — a rule or a missing scope; never an argument or a secret.
            request: correlation data; default :func:`current_request_info`.

        Returns:
            The event as stored.

        Raises:
            StoreError: ``decision`` is not allow/deny, or the database failed.
        """
        info = request if request is not None else current_request_info()
        async with unit_of_work(self._sessions) as session:
            event = await append_audit_event(
                session,
                subject=caller.subject,
                client_id=caller.client_id,
                decision=decision,
                tool=tool,
                organization_id=organization_id,
                record_type=record_type,
                record_id=record_id,
                reason=reason,
                request_id=info.request_id,
                trace_id=info.trace_id,
                source_ip=info.source_ip,
            )
        _log.info(
            "audit.event",
            audit_id=event.id,
            subject=event.subject,
            tool=event.tool,
            decision=event.decision.value,
            organization_id=event.organization_id,
        )
        return event
