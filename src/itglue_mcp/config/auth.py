"""Settings of the MCP server's authentication: who may call the tools over HTTP.

Nested into :class:`itglue_mcp.config.Settings` as ``auth`` (``ITGLUE_MCP_AUTH__MODE``…).
Two modes exist today, both for a server bound to a loopback address only (the server refuses
any other bind in these modes):

- ``none``: no authentication (the laptop default).
- ``static``: one bearer token, compared as is, standing for one subject with fixed scopes —
  a development token (the demo generates one), never a production credential.

Production authentication by the tenant's identity provider (mode ``oidc``, with ``issuer``,
``audience`` and ``jwks_uri``) is the next mode; it extends :class:`AuthMode` and this model
rather than replacing them.

Example::

    auth = AuthSettings(mode="static", static_token=SecretStr(secrets.token_urlsafe(32)))
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, model_validator

__all__ = ["MIN_STATIC_TOKEN_CHARS", "AuthMode", "AuthSettings"]

# A token this long from `secrets.token_urlsafe` carries at least 190 bits; shorter ones are
# refused so that a placeholder ("changeme") never guards a server.
MIN_STATIC_TOKEN_CHARS = 32


class AuthMode(StrEnum):
    """How HTTP callers are authenticated."""

    NONE = "none"
    """No authentication; loopback binds only."""
    STATIC = "static"
    """One static bearer token (development); loopback binds only."""


class AuthSettings(BaseModel):
    """Authentication of MCP clients over Streamable HTTP (stdio needs none)."""

    mode: Annotated[
        AuthMode,
        Field(
            description=(
                "none: no authentication; static: the bearer token static_token. Both serve "
                "on a loopback address only."
            )
        ),
    ] = AuthMode.NONE
    static_token: Annotated[
        SecretStr | None,
        Field(
            description=(
                f"The bearer token of mode static (at least {MIN_STATIC_TOKEN_CHARS} "
                "characters, e.g. from `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`)."
            )
        ),
    ] = None
    static_subject: Annotated[
        str,
        Field(min_length=1, description="Subject (user) the static token stands for."),
    ] = "developer"
    static_scopes: Annotated[list[str], Field(description="Scopes the static token carries.")] = [
        "itglue:read"
    ]

    @model_validator(mode="after")
    def _static_token_present(self) -> AuthSettings:
        """Mode static without a (long enough) token cannot authenticate anybody."""
        if self.mode is not AuthMode.STATIC:
            return self
        if self.static_token is None:
            raise ValueError("auth.static_token: required when auth.mode is static")
        if len(self.static_token.get_secret_value()) < MIN_STATIC_TOKEN_CHARS:
            raise ValueError(
                f"auth.static_token: must be at least {MIN_STATIC_TOKEN_CHARS} characters"
            )
        return self
