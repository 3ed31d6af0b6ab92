"""Settings of auth mode ``proxy``: this server fronts an identity provider without dynamic
client registration.

MCP clients (Claude, ChatGPT, Cursor, the MCP Inspector) register themselves dynamically
(RFC 7591) with the authorization server their MCP server names. Entra ID, Google Workspace
and many Okta or Keycloak set-ups do not allow that; they know one pre-registered client. In
mode ``proxy`` this server is the authorization server the MCP clients see: it registers them
itself, sends the person to the upstream identity provider with the one pre-registered client
(``client_id``/``client_secret``), and hands the MCP client its own short token bound to this
server (audience = the MCP endpoint URL). Its flow state lives in Redis (``redis_url``),
encrypted with ``storage_encryption_key``, so any replica can finish a flow another started.

Nested into :class:`itglue_mcp.config.AuthSettings` as ``proxy``
(``ITGLUE_MCP_AUTH__PROXY__CLIENT_ID``…). The upstream identity provider is ``auth.issuer``;
its discovery document is ``<auth.issuer>/.well-known/openid-configuration`` unless
``config_url`` names another. Register ``<public_url><callback_path>`` as the redirect URI of
the upstream client.

Example::

    proxy = ProxySettings(
        client_id="itglue-mcp",
        client_secret=SecretStr(upstream_secret),
        jwt_signing_key=SecretStr(secrets.token_urlsafe(32)),
        storage_encryption_key=SecretStr(Fernet.generate_key().decode()),
    )
"""

from __future__ import annotations

import binascii
from typing import Annotated, Literal

from cryptography.fernet import Fernet
from pydantic import BaseModel, Field, SecretStr, field_validator

__all__ = [
    "DEFAULT_CLIENT_REDIRECT_URIS",
    "MIN_SIGNING_KEY_CHARS",
    "ProxySettings",
    "looks_like_placeholder",
]

MIN_SIGNING_KEY_CHARS = 32
"""Shortest ``jwt_signing_key`` accepted: ``secrets.token_urlsafe(32)`` gives 43 characters."""

# Fewer distinct characters than this in a key means it was typed, not generated
# ("aaaa…", "0000…", "abcabc…"); a random 32-character key has ~25. The words are long enough
# (5+ characters) that a generated key holds one by chance less than once in 10^6.
_MIN_DISTINCT_CHARS = 10
_PLACEHOLDER_WORDS = (
    "changeme",
    "change-me",
    "change_me",
    "placeholder",
    "example",
    "replace",
    "your-",
    "your_",
    "secret-key",
    "password",
)

DEFAULT_CLIENT_REDIRECT_URIS: list[str] = [
    # Native clients on this machine (RFC 8252 §7.3: any port): Claude Code, the MCP Inspector,
    # VS Code, mcp-remote, Gemini CLI.
    "http://localhost",
    "http://127.0.0.1",
    "http://[::1]",
    # Hosted clients with a fixed callback.
    "https://claude.ai/api/mcp/auth_callback",
    "https://claude.com/api/mcp/auth_callback",
    "https://chatgpt.com/connector_platform_oauth_redirect",
    "https://chatgpt.com/connector/oauth/*",
    "https://vscode.dev/redirect",
    "https://insiders.vscode.dev/redirect",
    "cursor://anysphere.cursor-mcp/oauth/callback",
]
"""Redirect URIs an MCP client may register by default (patterns: ``*`` in a path, any port
on a loopback host without one)."""


def looks_like_placeholder(value: str) -> bool:
    """Whether a secret reads like a value copied from documentation rather than generated.

    Args:
        value: the secret, in clear.

    Returns:
        True when it contains a placeholder word ("changeme", "example", "your-"…) or has fewer
        than 10 distinct characters.
    """
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    return len(set(value)) < _MIN_DISTINCT_CHARS


class ProxySettings(BaseModel):
    """The OAuth proxy in front of the upstream identity provider (auth mode ``proxy``).

    Every field may be unset while another mode is in force; in mode ``proxy``
    :meth:`missing` names the ones that must be set.
    """

    client_id: Annotated[
        str | None,
        Field(description="Client id of the client pre-registered at the upstream IdP."),
    ] = None
    client_secret: Annotated[
        SecretStr | None,
        Field(
            description=(
                "Client secret of that client; unset for a public upstream client (PKCE only)."
            )
        ),
    ] = None
    config_url: Annotated[
        str | None,
        Field(
            description=(
                "URL of the upstream OpenID Connect discovery document; unset = "
                "auth.issuer + /.well-known/openid-configuration."
            )
        ),
    ] = None
    upstream_audience: Annotated[
        str | None,
        Field(
            description=(
                "aud the upstream IdP puts in its access tokens, checked when the proxy "
                "verifies them; unset = auth.audience, else the MCP endpoint URL (public_url + "
                "/mcp), which an IdP with resource indicators (RFC 8707) takes from the "
                "forwarded resource."
            )
        ),
    ] = None
    forward_resource: Annotated[
        bool,
        Field(
            description=(
                "Send the resource indicator (RFC 8707: the MCP endpoint URL) to the upstream "
                "IdP on every login. Turn off for IdPs that refuse it (Entra ID v2) and set "
                "upstream_audience to the audience they issue instead."
            )
        ),
    ] = True
    verify_id_token: Annotated[
        bool,
        Field(
            description=(
                "Verify the upstream ID token (aud = client_id) instead of its access token: "
                "for IdPs whose access tokens are opaque (Google)."
            )
        ),
    ] = False
    upstream_scopes: Annotated[
        list[str],
        Field(
            description=(
                "Scopes requested from the upstream IdP besides the itglue scopes "
                "(auth.scopes); together they are the scopes an MCP client may register for."
            )
        ),
    ] = ["openid", "profile", "email", "offline_access"]
    jwt_signing_key: Annotated[
        SecretStr | None,
        Field(
            description=(
                f"Key (at least {MIN_SIGNING_KEY_CHARS} random characters, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) signing the "
                "tokens the proxy issues to MCP clients (and naming its Redis keys); the same "
                "on every replica. Changing it signs everybody out and forgets registrations."
            )
        ),
    ] = None
    storage_encryption_key: Annotated[
        SecretStr | None,
        Field(
            description=(
                "Fernet key (`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`) encrypting the proxy's state in "
                "Redis; the same on every replica. Changing it forgets registrations and "
                "logins: clients register and people sign in again."
            )
        ),
    ] = None
    allowed_client_redirect_uris: Annotated[
        list[str],
        Field(
            description=(
                "Redirect URIs (patterns) MCP clients may register: loopback, Claude, ChatGPT, "
                "VS Code and Cursor by default. Empty = no client can log in."
            )
        ),
    ] = DEFAULT_CLIENT_REDIRECT_URIS
    callback_path: Annotated[
        str,
        Field(
            pattern=r"^/[A-Za-z0-9/_.-]*$",
            description=(
                "Path of the proxy's callback; register public_url + this path as the redirect "
                "URI of the upstream client."
            ),
        ),
    ] = "/auth/callback"
    consent: Annotated[
        Literal["always", "remember"],
        Field(
            description=(
                "always: the person confirms every MCP client on a consent page before the IdP "
                "login; remember: a browser that approved a client is not asked again."
            )
        ),
    ] = "always"
    redis_prefix: Annotated[
        str,
        Field(
            min_length=1,
            pattern=r"^[A-Za-z0-9:_.-]+$",
            description="Prefix of the proxy's Redis keys (several deployments on one Redis).",
        ),
    ] = "itglue-mcp-oauth-proxy"

    @field_validator("client_secret")
    @classmethod
    def _client_secret_real(cls, value: SecretStr | None) -> SecretStr | None:
        """A documentation placeholder is no client secret."""
        if value is not None and any(
            word in value.get_secret_value().lower() for word in _PLACEHOLDER_WORDS
        ):
            raise ValueError("auth.proxy.client_secret: looks like a placeholder, not a secret")
        return value

    @field_validator("jwt_signing_key")
    @classmethod
    def _signing_key_strong(cls, value: SecretStr | None) -> SecretStr | None:
        """Refuse short or typed signing keys: they would let anybody mint tokens."""
        if value is None:
            return None
        clear = value.get_secret_value()
        if len(clear) < MIN_SIGNING_KEY_CHARS:
            raise ValueError(
                f"auth.proxy.jwt_signing_key: must be at least {MIN_SIGNING_KEY_CHARS} characters"
            )
        if looks_like_placeholder(clear):
            raise ValueError(
                "auth.proxy.jwt_signing_key: looks like a placeholder; generate a random key"
            )
        return value

    @field_validator("storage_encryption_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        """Only a real Fernet key (32 random bytes, URL-safe base64) encrypts the state."""
        if value is None:
            return None
        clear = value.get_secret_value()
        try:
            Fernet(clear.encode())
        except (ValueError, binascii.Error):
            raise ValueError(
                "auth.proxy.storage_encryption_key: not a Fernet key (32 bytes, URL-safe "
                "base64, 44 characters)"
            ) from None
        if looks_like_placeholder(clear):
            raise ValueError(
                "auth.proxy.storage_encryption_key: looks like a placeholder; generate a key"
            )
        return value

    def missing(self) -> list[str]:
        """The settings mode ``proxy`` needs and this model lacks, as dotted names.

        Returns:
            e.g. ``["auth.proxy.client_id", "auth.proxy.storage_encryption_key"]``; empty when
            complete (``auth.issuer`` and ``redis_url`` are checked where they live).
        """
        needed = {
            "client_id": self.client_id,
            "jwt_signing_key": self.jwt_signing_key,
            "storage_encryption_key": self.storage_encryption_key,
        }
        return [f"auth.proxy.{name}" for name, value in needed.items() if not value]
