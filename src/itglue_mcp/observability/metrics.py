"""Prometheus metrics of the server, served at ``/metrics`` on a port of their own.

Every metric is named ``itglue_mcp_…`` and defined here, except the IT Glue API counter,
which :mod:`itglue_mcp.itglue.client` defines where the requests are sent (the client may
import nothing of this package):

==============================================  =========  =============================
metric                                          type       labels
==============================================  =========  =============================
``itglue_mcp_tool_calls_total``                 counter    ``tool``, ``outcome``
``itglue_mcp_tool_call_duration_seconds``       histogram  ``tool``, ``outcome``
``itglue_mcp_auth_failures_total``              counter    ``reason``
``itglue_mcp_rbac_denials_total``               counter    ``tool``
``itglue_mcp_rate_limited_requests_total``      counter    ``role``
``itglue_mcp_itglue_requests_total``            counter    ``status`` (itglue.client)
``itglue_mcp_sync_last_success_timestamp_seconds``  gauge  —
``itglue_mcp_sync_last_duration_seconds``       gauge      —
``itglue_mcp_sync_last_records``                gauge      ``record_type``
``itglue_mcp_sync_last_api_requests``           gauge      —
``itglue_mcp_sync_last_rate_limited``           gauge      —
``itglue_mcp_index_chunks``                     gauge      —
==============================================  =========  =============================

``outcome`` is ``ok``, ``error`` or ``denied``; ``tool`` is a registered tool name (any
other name a caller sends is counted as ``unknown``, so a caller cannot grow the label set);
``reason`` is ``missing`` (no bearer token), ``invalid_token`` (401 with a token) or the
``error`` of a 403 challenge (``insufficient_scope``); ``role`` is the role whose
``rate_limit.role_requests_per_minute`` entry set the refused caller's limit, or ``default``
(a configured name, never a claim's free text). No label ever holds an argument, a
subject or a secret.

The sync runs as a CronJob nobody can scrape, so its figures come from the store: at each
scrape the server reads the newest successful sync run and the vector index size
(``refresh`` of :func:`metrics_app`). There is no cache yet, so there are no cache metrics.

The metrics are served by :func:`metrics_app` on ``server.metrics_port``, not on the MCP
port: fastmcp's Host-header guard answers 421 to a scrape addressed to the pod IP, and the
Ingress never routes there.

Example::

    observe_tool_call("search", "ok", 0.012)
    app = metrics_app(refresh=read_store_gauges)       # ASGI app answering GET /metrics
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

import structlog
import uvicorn
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "AUTH_FAILURES",
    "INDEX_CHUNKS",
    "RATE_LIMITED_REQUESTS",
    "RBAC_DENIALS",
    "SYNC_LAST_API_REQUESTS",
    "SYNC_LAST_DURATION",
    "SYNC_LAST_RATE_LIMITED",
    "SYNC_LAST_RECORDS",
    "SYNC_LAST_SUCCESS",
    "TOOL_CALLS",
    "TOOL_CALL_DURATION",
    "AuthFailureMiddleware",
    "LastSync",
    "auth_failure_reason",
    "metrics_app",
    "metrics_server",
    "observe_rate_limited",
    "observe_rbac_denial",
    "observe_store",
    "observe_tool_call",
    "tool_label",
]

_log = structlog.get_logger(__name__)

TOOL_CALLS = Counter(
    "itglue_mcp_tool_calls_total", "MCP tool calls by tool and outcome.", ["tool", "outcome"]
)
TOOL_CALL_DURATION = Histogram(
    "itglue_mcp_tool_call_duration_seconds",
    "Time to answer an MCP tool call (access check included), by tool and outcome.",
    ["tool", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
AUTH_FAILURES = Counter(
    "itglue_mcp_auth_failures_total",
    "MCP requests refused by authentication (401) or step-up authorization (403), by reason.",
    ["reason"],
)
RBAC_DENIALS = Counter(
    "itglue_mcp_rbac_denials_total", "Tool calls refused by the RBAC policy, by tool.", ["tool"]
)
RATE_LIMITED_REQUESTS = Counter(
    "itglue_mcp_rate_limited_requests_total",
    "MCP requests refused with HTTP 429 by the per-subject request limit, by the role whose "
    "limit applied (default: rate_limit.requests_per_minute).",
    ["role"],
)
SYNC_LAST_SUCCESS = Gauge(
    "itglue_mcp_sync_last_success_timestamp_seconds",
    "Unix time the newest successful sync run finished (from the store).",
)
SYNC_LAST_DURATION = Gauge(
    "itglue_mcp_sync_last_duration_seconds",
    "Wall-clock seconds of the newest successful sync run, resumptions included.",
)
SYNC_LAST_RECORDS = Gauge(
    "itglue_mcp_sync_last_records",
    "Records the newest successful sync run created or updated, by record type (a resumed "
    "run counts its earlier attempts too).",
    ["record_type"],
)
SYNC_LAST_API_REQUESTS = Gauge(
    "itglue_mcp_sync_last_api_requests",
    "IT Glue API requests sent by the newest successful sync run.",
)
SYNC_LAST_RATE_LIMITED = Gauge(
    "itglue_mcp_sync_last_rate_limited",
    "HTTP 429 answers the newest successful sync run received from IT Glue.",
)
INDEX_CHUNKS = Gauge("itglue_mcp_index_chunks", "Chunks in the semantic (vector) index.")

UNKNOWN_TOOL = "unknown"
DEFAULT_LIMIT = "default"
OUTCOMES = ("ok", "error", "denied")
# How long a scrape waits for the store before answering with what it has.
_REFRESH_TIMEOUT_S = 5.0


def tool_label(tool: str, known: Collection[str]) -> str:
    """``tool`` when it is a registered tool, else ``unknown`` (bounded label values)."""
    return tool if tool in known else UNKNOWN_TOOL


def observe_tool_call(tool: str, outcome: str, seconds: float) -> None:
    """Count one tool call and its duration.

    Args:
        tool: a label from :func:`tool_label`.
        outcome: ``ok``, ``error`` or ``denied``.
        seconds: wall-clock time from the access check to the result.

    Raises:
        ValueError: ``outcome`` is none of the three.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome: one of {', '.join(OUTCOMES)}, got {outcome!r}")
    TOOL_CALLS.labels(tool=tool, outcome=outcome).inc()
    TOOL_CALL_DURATION.labels(tool=tool, outcome=outcome).observe(seconds)


def observe_rbac_denial(tool: str) -> None:
    """Count one tool call the RBAC policy refused (``tool`` from :func:`tool_label`)."""
    RBAC_DENIALS.labels(tool=tool).inc()


def observe_rate_limited(role: str | None) -> None:
    """Count one MCP request refused by the request limit.

    Args:
        role: the configured role whose limit applied
            (:meth:`~itglue_mcp.config.rate_limit.RateLimitSettings.governing_role`), or
            ``None`` for the default limit (label ``default``).
    """
    RATE_LIMITED_REQUESTS.labels(role=role or DEFAULT_LIMIT).inc()


class LastSync(Protocol):
    """What :func:`observe_store` reads of a sync run (``itglue_mcp.store.sync_state.SyncRun``)."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def finished_at(self) -> datetime | None: ...
    @property
    def counts(self) -> Mapping[str, Mapping[str, int]]: ...
    @property
    def api_requests(self) -> int: ...
    @property
    def rate_limited(self) -> int: ...


def observe_store(last_sync: LastSync | None, index_chunks: int | None) -> None:
    """Set the store-derived gauges from the newest successful sync run and the index size.

    Args:
        last_sync: the run, or ``None`` when none succeeded (the sync gauges are left unset:
            an alert on ``absent()`` or staleness then fires).
        index_chunks: chunks in the vector index, or ``None`` without one.
    """
    if last_sync is not None and last_sync.finished_at is not None:
        SYNC_LAST_SUCCESS.set(last_sync.finished_at.timestamp())
        SYNC_LAST_DURATION.set((last_sync.finished_at - last_sync.started_at).total_seconds())
        SYNC_LAST_API_REQUESTS.set(last_sync.api_requests)
        SYNC_LAST_RATE_LIMITED.set(last_sync.rate_limited)
        SYNC_LAST_RECORDS.clear()
        for record_type, counters in last_sync.counts.items():
            written = counters.get("created", 0) + counters.get("updated", 0)
            SYNC_LAST_RECORDS.labels(record_type=record_type).set(written)
    if index_chunks is not None:
        INDEX_CHUNKS.set(index_chunks)


def auth_failure_reason(status: int, has_token: bool, challenge: str | None) -> str | None:
    """The ``reason`` label of an MCP response, or ``None`` when it is no auth failure.

    Args:
        status: the HTTP status.
        has_token: the request carried an ``Authorization`` header.
        challenge: the ``WWW-Authenticate`` header of the response, if any.

    Returns:
        ``missing`` / ``invalid_token`` for a 401 (RFC 6750 §3.1 answers both with
        ``invalid_token``; the header's presence tells them apart), the challenge's
        ``error`` for a 403 (``insufficient_scope``; ``forbidden`` without one).
    """
    if status == 401:
        return "invalid_token" if has_token else "missing"
    if status == 403:
        if challenge and 'error="' in challenge:
            error = challenge.split('error="', 1)[1].split('"', 1)[0]
            if error in ("insufficient_scope", "invalid_token", "invalid_request"):
                return error
        return "forbidden"
    return None


class AuthFailureMiddleware:
    """ASGI middleware counting the 401 and 403 answers of the MCP endpoint by reason.

    Placed inside fastmcp's authentication middleware and outside the step-up middleware, it
    sees fastmcp's 401s and the step-up 403s. The token is never read, only whether a
    ``Authorization`` header was sent.

    Args:
        app: the inner ASGI app.
        path: the MCP endpoint path.
    """

    def __init__(self, app: ASGIApp, *, path: str = "/mcp") -> None:
        self.app = app
        self.path = path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        has_token = any(name.lower() == b"authorization" for name, _ in scope.get("headers", []))

        async def observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                challenge = next(
                    (
                        value.decode("latin-1")
                        for name, value in message.get("headers", [])
                        if name.lower() == b"www-authenticate"
                    ),
                    None,
                )
                reason = auth_failure_reason(message["status"], has_token, challenge)
                if reason is not None:
                    AUTH_FAILURES.labels(reason=reason).inc()
            await send(message)

        await self.app(scope, receive, observed)


def metrics_app(
    refresh: Callable[[], Awaitable[None]] | None = None,
    *,
    registry: CollectorRegistry = REGISTRY,
) -> ASGIApp:
    """An ASGI app answering ``GET /metrics`` in the Prometheus text format (404 elsewhere).

    Args:
        refresh: awaited before each scrape to update store-derived gauges; a failure or a
            wait over 5 s is logged and the scrape answered with the values it has.
        registry: the registry served (default: the process-wide one).
    """

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        if scope.get("path") != "/metrics" or scope.get("method") not in ("GET", "HEAD"):
            await _respond(send, 404, b"not found\n", "text/plain; charset=utf-8")
            return
        if refresh is not None:
            try:
                await asyncio.wait_for(refresh(), _REFRESH_TIMEOUT_S)
            except Exception as exc:  # a scrape must answer even when the store does not
                _log.warning("metrics.refresh_failed", error_type=type(exc).__name__)
        body = generate_latest(registry)
        await _respond(send, 200, body, CONTENT_TYPE_LATEST, head=scope["method"] == "HEAD")

    return app


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves SIGINT/SIGTERM to the MCP server it runs beside."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def metrics_server(
    host: str, port: int, refresh: Callable[[], Awaitable[None]] | None = None
) -> uvicorn.Server:
    """A uvicorn server for :func:`metrics_app` on ``host``:``port`` (start with ``serve()``).

    It installs no signal handlers: the caller stops it (``should_exit = True``) when the
    MCP server it accompanies stops.
    """
    config = uvicorn.Config(
        metrics_app(refresh), host=host, port=port, log_level="warning", ws="none", log_config=None
    )
    return _QuietServer(config)


async def _respond(
    send: Send, status: int, body: bytes, content_type: str, *, head: bool = False
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})
