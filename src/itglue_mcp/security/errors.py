"""Errors of access control: a caller refused by policy, or revealing too fast.

Both derive from :class:`~itglue_mcp.errors.ItglueMcpError`, so the tool boundary
(:func:`itglue_mcp.server.errors.tool_errors`) turns them into MCP tool errors with the same text.
Messages name the tool, the action and, when the caller may know it exists, the organization —
never a record or organization the caller may not see, and never a secret.
"""

from __future__ import annotations

from itglue_mcp.errors import ItglueMcpError

__all__ = ["AccessDenied", "RevealRateLimited"]


class AccessDenied(ItglueMcpError):
    """The caller's roles do not permit the action (Casbin policy), or the scope is missing."""


class RevealRateLimited(ItglueMcpError):
    """The caller revealed more secrets than ``audit.reveal_rate_limit`` allows; retry later.

    Attributes:
        retry_after_s: seconds until the next reveal is allowed.
    """

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
