"""Who may call the MCP server: the auth provider built from settings, loopback rules, and the
caller a verified token stands for.

Example::

    mcp.auth = build_auth_provider(settings)   # None in mode none
    caller = caller_from_token(get_access_token(), settings.auth)
"""

from itglue_mcp.security.auth import (
    STATIC_CLIENT_ID,
    build_auth_provider,
    check_bind,
    require_loopback,
)
from itglue_mcp.security.identity import Caller, caller_from_token, local_caller

__all__ = [
    "STATIC_CLIENT_ID",
    "Caller",
    "build_auth_provider",
    "caller_from_token",
    "check_bind",
    "local_caller",
    "require_loopback",
]
