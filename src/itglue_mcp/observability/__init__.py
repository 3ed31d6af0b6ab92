"""Logging (structlog) now; OpenTelemetry tracing and Prometheus metrics grow here."""

from itglue_mcp.observability.logging import (
    configure_logging,
    quiet_model_libraries,
    redact_secrets,
)

__all__ = ["configure_logging", "quiet_model_libraries", "redact_secrets"]
