"""The MCP server's authentication, chosen once from :class:`~itglue_mcp.config.AuthSettings`.

- ``none``: no provider; the server must listen on a loopback address.
- ``static``: FastMCP's :class:`StaticTokenVerifier` holding the one development token of
  ``auth.static_token`` (subject ``auth.static_subject``, scopes ``auth.static_scopes``):
  a request to ``/mcp`` without ``Authorization: Bearer <that token>`` gets 401. Also
  loopback only: a static token is a development convenience, not a credential to put on a
  network.
- ``oidc``: the resource server of :mod:`itglue_mcp.security.oidc` (JWTs of the tenant's
  identity provider). Any bind address, but ``public_url`` is required and must be https
  (http only for a loopback host, for tests and local trials).
- ``proxy``: fastmcp's OAuth proxy, :func:`itglue_mcp.security.proxy.build_proxy_provider`;
  the same ``public_url`` rule.

The token is compared by FastMCP and never logged here; only the fact that a mode is active is.
stdio needs none of this: the local client that starts the process is its only caller.

Example::

    provider = build_auth_provider(settings)   # raises ConfigurationError on a public bind
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import structlog
from fastmcp.server.auth import AuthProvider
from fastmcp.server.auth.providers.jwt import StaticTokenVerifier

from itglue_mcp.config import AuthMode, Settings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.oidc import build_oidc_provider

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
    """Refuse a bind address or public URL the authentication mode does not allow.

    Modes ``none`` and ``static`` serve this machine only. Modes ``oidc`` and ``proxy`` may
    bind anywhere but need ``public_url`` (the resource URL tokens are issued for), over https —
    plain http only when its host is loopback (MCP authorization spec: authorization endpoints
    over HTTPS; OAuth 2.1 §1.5).

    Raises:
        ConfigurationError: naming ``server.host`` for a non-loopback bind in modes none and
            static; naming ``public_url`` when it is unset or not https in modes oidc and proxy.
    """
    mode = settings.auth.mode
    if mode in (AuthMode.NONE, AuthMode.STATIC):
        require_loopback(settings.server.host, mode)
        return
    if not settings.public_url:
        raise ConfigurationError(
            f"public_url: required when auth.mode is {mode.value} (e.g. https://mcp.msp.example)"
        )
    parts = urlsplit(settings.public_url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return
    raise ConfigurationError(
        f"public_url: {settings.public_url!r} must be an https URL when auth.mode is "
        f"{mode.value} (http only on a loopback host)"
    )


def build_auth_provider(settings: Settings) -> AuthProvider | None:
    """The auth provider of the HTTP server, or ``None`` when requests are not authenticated.

    Args:
        settings: ``auth`` selects the mode; ``server.host`` is the bind address checked.

    Returns:
        ``None`` for mode ``none``; a :class:`StaticTokenVerifier` for mode ``static``; a
        :class:`~fastmcp.server.auth.RemoteAuthProvider` for mode ``oidc``; the OAuth proxy
        for mode ``proxy``.

    Raises:
        ConfigurationError: see :func:`check_bind`; for mode ``oidc`` also
            :func:`~itglue_mcp.security.oidc.build_oidc_provider`.
    """
    check_bind(settings)
    auth = settings.auth
    if auth.mode is AuthMode.NONE:
        return None
    if auth.mode is AuthMode.OIDC:
        return build_oidc_provider(settings)
    if auth.mode is AuthMode.PROXY:
        # Imported here: the proxy pulls in fastmcp's OAuth proxy and its storage backends.
        from itglue_mcp.security.proxy import build_proxy_provider

        return build_proxy_provider(settings)
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
