"""Who may call the MCP server: the auth provider built from settings, loopback rules.

Example::

    mcp.auth = build_auth_provider(settings)   # None in mode none
"""

from itglue_mcp.security.auth import (
    STATIC_CLIENT_ID,
    build_auth_provider,
    check_bind,
    require_loopback,
)

__all__ = ["STATIC_CLIENT_ID", "build_auth_provider", "check_bind", "require_loopback"]
