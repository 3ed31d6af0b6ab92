"""Settings of role-based access control (Casbin): where policies come from, group bindings.

Nested into :class:`itglue_mcp.config.Settings` as ``rbac`` (``ITGLUE_MCP_RBAC__…``).
"""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["RbacSettings"]


class RbacSettings(BaseModel):
    """Role-based access control of MCP callers (filled in by the RBAC work)."""
