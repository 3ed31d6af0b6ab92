"""The MCP server's authentication, chosen once from :class:`~itglue_mcp.config.AuthSettings`.

- ``none``: no provider; the server must listen on a loopback address.
- ``static``: FastMCP's :class:`StaticTokenVerifier` holding the one development token of
  ``auth.static_token`` (subject ``auth.static_subject``, scopes ``auth.static_scopes``):
  a request to ``/mcp`` without ``Authorization: Bearer <that token>`` gets 401. Also
  loopback only: a static token is a development convenience, not a credential to put on a
  network.

The token is compared by FastMCP and never logged here; only the fact that a mode is active is.
stdio needs none of this: the local client that starts the process is its only caller.

Example::

    provider = build_auth_provider(settings)   # raises ConfigurationError on a public bind
"""

from __future__ import annotations

import ipaddress

import structlog
from fastmcp.server.auth import AuthProvider
from fastmcp.server.auth.providers.jwt import StaticTokenVerifier

from itglue_mcp.config import AuthMode, Settings
from itglue_mcp.errors import ConfigurationError

__all__ = ["STATIC_CLIENT_ID", "build_auth_provider", "check_bind", "require_loopback"]

_log = structlog.get_logger(__name__)

STATIC_CLIENT_ID = "itglue-mcp-static-token"
"""The OAuth client id an access token from the static development token carries."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_loopback(host: str, mode: AuthMode) -> None:
    """Refuse to serve beyond this machine in an authentication mode meant for it.

    Args:
        host: the bind address (``server.host``).
        mode: the authentication mode in force.

    Raises:
        ConfigurationError: naming ``server.host``, when ``host`` is not 127.0.0.0/8, ::1 or
            ``localhost``.
    """
    if not _is_loopback(host):
        raise ConfigurationError(
            f"server.host: {host!r} is not a loopback address; with auth.mode {mode.value} the "
            "MCP server only binds to 127.0.0.1, ::1 or localhost"
        )


def check_bind(settings: Settings) -> None:
    """Refuse a bind address the authentication mode does not allow (before opening anything).

    Both modes of today (``none``, ``static``) serve this machine only.

    Raises:
        ConfigurationError: naming ``server.host``, for a non-loopback bind.
    """
    require_loopback(settings.server.host, settings.auth.mode)


def build_auth_provider(settings: Settings) -> AuthProvider | None:
    """The auth provider of the HTTP server, or ``None`` when requests are not authenticated.

    Args:
        settings: ``auth`` selects the mode; ``server.host`` is the bind address checked.

    Returns:
        ``None`` for mode ``none``; a :class:`StaticTokenVerifier` for mode ``static``.

    Raises:
        ConfigurationError: the bind address is not loopback in mode ``none`` or ``static``.
    """
    check_bind(settings)
    auth = settings.auth
    if auth.mode is AuthMode.NONE:
        return None
    # AuthSettings refuses mode static without a token; kept explicit for the type checker.
    if auth.static_token is None:
        raise ConfigurationError("auth.static_token: required when auth.mode is static")
    _log.info("auth.mode", mode=auth.mode.value, subject=auth.static_subject)
    return StaticTokenVerifier(
        tokens={
            auth.static_token.get_secret_value(): {
                "client_id": STATIC_CLIENT_ID,
                "sub": auth.static_subject,
                "scopes": list(auth.static_scopes),
            }
        }
    )
