"""Observability: structlog logs, OpenTelemetry traces and Prometheus metrics.

:mod:`~itglue_mcp.observability.logging` configures the logs,
:mod:`~itglue_mcp.observability.tracing` the tracer provider (off unless ``OTEL_*`` says where
to export) and :mod:`~itglue_mcp.observability.metrics` defines the metrics and their
``/metrics`` app. The package imports nothing else of itglue-mcp.

Example::

    configure_logging("INFO")
    configure_tracing("itglue-mcp", __version__)
"""

from itglue_mcp.observability.logging import (
    add_trace_context,
    configure_logging,
    quiet_model_libraries,
    redact_secrets,
)
from itglue_mcp.observability.tracing import (
    TraceContextMiddleware,
    configure_tracing,
    current_trace_ids,
    instrument_engine,
    tracing_requested,
)

__all__ = [
    "TraceContextMiddleware",
    "add_trace_context",
    "configure_logging",
    "configure_tracing",
    "current_trace_ids",
    "instrument_engine",
    "quiet_model_libraries",
    "redact_secrets",
    "tracing_requested",
]
