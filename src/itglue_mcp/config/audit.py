"""Settings of the audit log and of secret reveal.

Nested into :class:`itglue_mcp.config.Settings` as ``audit`` (``ITGLUE_MCP_AUDIT__…``).
"""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["AuditSettings"]


class AuditSettings(BaseModel):
    """Audit-log retention and secret-reveal limits (filled in by the reveal work)."""
