"""OpenTelemetry tracing: one provider per process, configured by the standard ``OTEL_*`` variables.

:func:`configure_tracing` installs a :class:`~opentelemetry.sdk.trace.TracerProvider` exporting
over OTLP when the environment asks for it (``OTEL_EXPORTER_OTLP_ENDPOINT``,
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` or ``OTEL_TRACES_EXPORTER=otlp``) and does nothing
otherwise: no provider, no exporter, every span a no-op. The exporter, sampler, batch
processor and resource read their own variables (``OTEL_EXPORTER_OTLP_PROTOCOL``,
``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_TRACES_SAMPLER``, ``OTEL_BSP_*``,
``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_SERVICE_NAME``), as the OpenTelemetry SDK configuration
specification defines them.

With a provider, httpx clients (IT Glue, Qdrant's REST API, the IdP's JWKS) and Redis
clients are instrumented, and each store engine passed to :func:`instrument_engine`. fastmcp
opens the MCP request span itself (``mcp.method.name``, ``gen_ai.tool.name``,
``error.type``; it continues a ``traceparent`` found in ``params._meta``);
:class:`TraceContextMiddleware` continues a ``traceparent`` HTTP header, so that span and
everything below it joins the caller's trace; the access middleware adds
``gen_ai.operation.name``.
The project's own modules open child spans with the OpenTelemetry API only
(``trace.get_tracer(__name__)``): they import nothing of this package.

Span attributes carry names, counts, ids and outcomes — never a secret, a token, a question's
text or a tool's argument values; the Redis instrumentation replaces command arguments by
``?`` and the httpx one records no headers.

Example::

    configure_tracing("itglue-mcp", __version__)          # off unless OTEL_* says where to
    app = TraceContextMiddleware(app)                      # continue callers' traces
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "TraceContextMiddleware",
    "configure_tracing",
    "current_trace_ids",
    "instrument_engine",
    "tracing_requested",
]

_PROTOCOL_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")

_configured: TracerProvider | None = None


def tracing_requested(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment asks for traces to be exported over OTLP.

    Args:
        environ: the variables to read (default ``os.environ``).

    Returns:
        False when ``OTEL_SDK_DISABLED`` is true or ``OTEL_TRACES_EXPORTER`` is ``none`` (or
        names only other exporters); True when it names ``otlp`` or an OTLP endpoint is set.
    """
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = [
        name.strip().lower() for name in env.get("OTEL_TRACES_EXPORTER", "").split(",") if name
    ]
    if exporters:
        return "otlp" in exporters
    return any(env.get(name, "").strip() for name in _ENDPOINT_VARIABLES)


def _otlp_exporter(environ: Mapping[str, str]) -> SpanExporter:
    """The OTLP span exporter of the protocol the environment names (http/protobuf default)."""
    protocol = next(
        (environ[name].strip().lower() for name in _PROTOCOL_VARIABLES if environ.get(name)),
        "http/protobuf",
    )
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
            OTLPSpanExporter as GrpcExporter,
        )

        return GrpcExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter as HttpExporter,
    )

    return HttpExporter()


def _instrument_libraries(provider: TracerProvider) -> None:
    """Trace every httpx and Redis client (their classes are patched, old instances too)."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    for instrumentor in (HTTPXClientInstrumentor(), RedisInstrumentor()):
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=provider)


def instrument_engine(
    engine: AsyncEngine | Engine, *, tracer_provider: trace.TracerProvider | None = None
) -> bool:
    """Trace the statements of ``engine`` (one span per statement, parameters left out).

    The store creates its engines through a function bound at import, which the
    instrumentor's patching of ``create_async_engine`` cannot reach, so each engine is
    instrumented where it is opened.

    Args:
        engine: a SQLAlchemy engine (async or not).
        tracer_provider: the provider to record with; default the one
            :func:`configure_tracing` installed.

    Returns:
        Whether the engine is now traced (False when tracing is off).
    """
    provider = tracer_provider or _configured
    if provider is None:
        return False
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeter

    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    connections = NoOpMeter(__name__).create_up_down_counter("db.client.connections.usage")
    tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    EngineTracer(tracer, sync_engine, connections)  # type: ignore[no-untyped-call]
    return True


def configure_tracing(
    service_name: str,
    version: str,
    *,
    exporter: SpanExporter | None = None,
    environ: Mapping[str, str] | None = None,
) -> TracerProvider | None:
    """Install the process's tracer provider, or nothing when tracing is not asked for.

    Idempotent: the first provider installed stays (OpenTelemetry allows one per process).

    Args:
        service_name: ``service.name`` unless ``OTEL_SERVICE_NAME`` sets it.
        version: ``service.version``.
        exporter: export to this exporter synchronously instead of OTLP (tests; an
            in-memory exporter); tracing is then on whatever the environment says.
        environ: the variables to read (default ``os.environ``).

    Returns:
        The provider now in use, or ``None`` when tracing is off.
    """
    global _configured
    env = os.environ if environ is None else environ
    if _configured is not None:
        return _configured
    if exporter is None and not tracing_requested(env):
        return None
    attributes: dict[str, str] = {SERVICE_VERSION: version}
    if not env.get("OTEL_SERVICE_NAME"):
        attributes[SERVICE_NAME] = service_name
    provider = TracerProvider(resource=Resource.create(attributes))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        provider.add_span_processor(BatchSpanProcessor(_otlp_exporter(env)))
    trace.set_tracer_provider(provider)
    _instrument_libraries(provider)
    _configured = provider
    return provider


def current_trace_ids() -> tuple[str, str] | None:
    """The current span's (trace id, span id) as W3C lowercase hex, or ``None`` outside one.

    A remote parent continued without a provider (tracing off) still counts: its ids are
    the caller's, which is what a log line should be correlated with.
    """
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


class TraceContextMiddleware:
    """ASGI middleware continuing the W3C ``traceparent``/``tracestate`` of HTTP requests.

    The extracted context is made current for the request, so fastmcp's MCP span and
    every span below it belong to the caller's trace (W3C Trace Context §3.2); with tracing
    off, the caller's trace id still reaches the audit trail and the logs. A request
    without the header is left as it is (fastmcp then looks in ``params._meta``).

    Args:
        app: the inner ASGI app.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope.get("headers", [])
            if name.lower() in (b"traceparent", b"tracestate")
        }
        extracted = propagate.extract(carrier) if "traceparent" in carrier else None
        if extracted is None or not trace.get_current_span(extracted).get_span_context().is_valid:
            await self.app(scope, receive, send)
            return
        token = otel_context.attach(extracted)
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)
