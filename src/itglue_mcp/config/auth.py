"""Settings of the MCP server's authentication: who may call the tools over HTTP.

Nested into :class:`itglue_mcp.config.Settings` as ``auth`` (``ITGLUE_MCP_AUTH__MODE``…).
Four modes:

- ``none``: no authentication (the laptop default); loopback binds only.
- ``static``: one bearer token, compared as is, standing for one subject with fixed scopes and
  roles — a development token (the demo generates one), never a production credential;
  loopback binds only.
- ``oidc``: this server is an OAuth 2.1 resource server (MCP authorization spec). Access tokens
  are JWTs from the tenant's identity provider, verified against its JWKS: ``issuer`` and
  ``audience`` (the canonical resource URL, RFC 8707) are both checked, only the algorithms of
  ``algorithms`` are accepted, ``exp``/``nbf``/``iat`` are checked with ``clock_skew_s`` of
  tolerance, the header ``typ`` must be ``at+jwt`` (RFC 9068 §4; ``JWT`` too with
  ``accept_plain_jwt``) and the lifetime at most ``max_token_lifetime_s``. Opaque tokens can
  be checked by RFC 7662 introspection instead (``introspection_url``). Needs ``public_url``.
- ``proxy``: fastmcp's OAuth proxy in front of an identity provider without dynamic client
  registration (``auth.proxy``, :mod:`itglue_mcp.config.proxy`). Needs ``public_url``.

Scope names (``auth.scopes``) and the mapping from token claims to subject, groups, roles and
tenant (``auth.claims``, presets per identity provider, see :mod:`itglue_mcp.security.identity`)
are configurable.

Example::

    auth = AuthSettings(mode="oidc", issuer="https://login.example.com/tenant/v2.0")
    auth = AuthSettings(mode="static", static_token=SecretStr(secrets.token_urlsafe(32)))
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from itglue_mcp.config.proxy import ProxySettings

__all__ = [
    "ALLOWED_ALGORITHMS",
    "DEFAULT_MAX_TOKEN_LIFETIME_S",
    "MAX_CLOCK_SKEW_S",
    "MIN_STATIC_TOKEN_CHARS",
    "PLAIN_JWT_PRESETS",
    "AuthMode",
    "AuthSettings",
    "ClaimMapping",
    "ClaimsPreset",
    "ScopeNames",
]

# A token this long from `secrets.token_urlsafe` carries at least 190 bits; shorter ones are
# refused so that a placeholder ("changeme") never guards a server.
MIN_STATIC_TOKEN_CHARS = 32

ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)
"""Asymmetric JWS algorithms an access token may be signed with (RFC 7518 §3.3-3.5). ``none``
and the HMAC family (HS*) are never accepted: a resource server holds no shared secret with
the identity provider, and HS* "signed" with a public key is the classic confusion attack."""

MAX_CLOCK_SKEW_S = 300
"""Upper bound of ``auth.clock_skew_s``: five minutes, the customary Kerberos/OIDC tolerance."""

DEFAULT_MAX_TOKEN_LIFETIME_S = 24 * 3600
"""Default of ``auth.max_token_lifetime_s``: a day, far above any access token's usual hour."""


class AuthMode(StrEnum):
    """How HTTP callers are authenticated."""

    NONE = "none"
    """No authentication; loopback binds only."""
    STATIC = "static"
    """One static bearer token (development); loopback binds only."""
    OIDC = "oidc"
    """JWT (or introspected) access tokens from the tenant's identity provider."""
    PROXY = "proxy"
    """fastmcp's OAuth proxy in front of an identity provider (``auth.proxy``)."""


class ScopeNames(BaseModel):
    """The OAuth scope names this server asks for and checks (``auth.scopes``)."""

    read: Annotated[
        str, Field(min_length=1, description="Scope needed by every tool (reading the store).")
    ] = "itglue.read"
    reveal: Annotated[
        str,
        Field(min_length=1, description="Scope needed to reveal a secret value (get_password)."),
    ] = "itglue.secrets.reveal"
    admin: Annotated[
        str, Field(min_length=1, description="Scope needed by administrative tools.")
    ] = "itglue.admin"

    def names(self) -> list[str]:
        """The three scope names, read first."""
        return [self.read, self.reveal, self.admin]


class ClaimsPreset(StrEnum):
    """Where an identity provider puts subject, groups, roles and tenant in its access tokens.

    The claim names of each preset are documented in :mod:`itglue_mcp.security.identity`.
    """

    GENERIC = "generic"
    ENTRA = "entra"
    OKTA = "okta"
    AUTH0 = "auth0"
    KEYCLOAK = "keycloak"
    GOOGLE = "google"


PLAIN_JWT_PRESETS = frozenset(
    {
        ClaimsPreset.ENTRA,
        ClaimsPreset.OKTA,
        ClaimsPreset.AUTH0,
        ClaimsPreset.KEYCLOAK,
        ClaimsPreset.GOOGLE,
    }
)
"""Presets whose identity providers issue access tokens with ``typ: JWT`` or no ``typ``
(Entra ID, Keycloak and Auth0's default profile write ``JWT``; Okta writes none): with them
``auth.accept_plain_jwt`` defaults to true. ``generic`` expects RFC 9068 ``at+jwt``."""


class ClaimMapping(BaseModel):
    """Which token claims name the caller (``auth.claims``): a preset, with optional overrides.

    A claim name is looked up as a top-level key first (so namespaced claims such as
    ``https://itglue-mcp/roles`` work), then as a dotted path (``realm_access.roles``).
    """

    preset: Annotated[
        ClaimsPreset,
        Field(description="Claim layout of the identity provider: generic, entra, okta, …"),
    ] = ClaimsPreset.GENERIC
    subject: Annotated[
        str | None, Field(description="Claim holding the subject; unset = the preset's.")
    ] = None
    groups: Annotated[
        str | None, Field(description="Claim holding the group names; unset = the preset's.")
    ] = None
    roles: Annotated[
        str | None, Field(description="Claim holding the role names; unset = the preset's.")
    ] = None
    tenant: Annotated[
        str | None, Field(description="Claim naming the caller's tenant; unset = the preset's.")
    ] = None
    namespace: Annotated[
        str,
        Field(
            min_length=1,
            description=(
                "Prefix of custom claims (Auth0 requires namespaced custom claims): the "
                "auth0 preset reads <namespace>roles and <namespace>groups."
            ),
        ),
    ] = "https://itglue-mcp/"


class AuthSettings(BaseModel):
    """Authentication of MCP clients over Streamable HTTP (stdio needs none)."""

    mode: Annotated[
        AuthMode,
        Field(
            description=(
                "none: no authentication; static: the bearer token static_token (both on a "
                "loopback address only); oidc: access tokens of the identity provider at "
                "issuer; proxy: fastmcp's OAuth proxy (auth.proxy)."
            )
        ),
    ] = AuthMode.NONE
    scopes: Annotated[
        ScopeNames, Field(description="Names of the read, reveal and admin scopes.")
    ] = ScopeNames()
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
    static_scopes: Annotated[
        list[str],
        Field(
            description=("Scopes the static token carries; empty = all three names of auth.scopes.")
        ),
    ] = []
    static_roles: Annotated[
        list[str],
        Field(description="Roles of the caller in modes none and static (RBAC role names)."),
    ] = ["msp-admin"]
    issuer: Annotated[
        str | None,
        Field(
            description=(
                "Issuer (iss) of the access tokens, exactly as the identity provider writes "
                "it; its /.well-known/openid-configuration names the JWKS. Required in mode "
                "oidc."
            )
        ),
    ] = None
    audience: Annotated[
        str | None,
        Field(
            description=(
                "Audience (aud) the access tokens must carry: this server's canonical "
                "resource URL (RFC 8707); unset = public_url + /mcp."
            )
        ),
    ] = None
    jwks_uri: Annotated[
        str | None,
        Field(description="URL of the issuer's JWKS; unset = jwks_uri of its discovery document."),
    ] = None
    algorithms: Annotated[
        list[str],
        Field(
            min_length=1,
            description="JWS algorithms accepted (RS*, PS*, ES*); none and HS* are refused.",
        ),
    ] = ["RS256", "ES256", "PS256"]
    clock_skew_s: Annotated[
        int,
        Field(
            ge=0,
            le=MAX_CLOCK_SKEW_S,
            description="Seconds of clock difference tolerated on nbf and iat (at most 300).",
        ),
    ] = 60
    accept_plain_jwt: Annotated[
        bool | None,
        Field(
            description=(
                "Accept access tokens whose JWT header typ is JWT (or absent) besides at+jwt "
                "(RFC 9068 §4 wants at+jwt); unset = the claim preset's choice: true for "
                "entra, okta, auth0, keycloak and google, whose tokens say JWT or nothing; "
                "false for generic."
            )
        ),
    ] = None
    max_token_lifetime_s: Annotated[
        int,
        Field(
            ge=60,
            description=(
                "Longest lifetime an access token may claim, seconds: exp - iat (exp - now "
                "without iat); a longer-lived token is refused (401 invalid_token)."
            ),
        ),
    ] = DEFAULT_MAX_TOKEN_LIFETIME_S
    jwks_cache_s: Annotated[
        int,
        Field(ge=1, description="Seconds a fetched JWKS is trusted before it is fetched again."),
    ] = 3600
    jwks_refresh_interval_s: Annotated[
        float,
        Field(
            ge=0,
            le=3600,
            description=(
                "Least seconds between two JWKS fetches (the last one included): a token "
                "with an unknown kid causes one fetch once this long has passed, so a rotated "
                "key is picked up, and a stream of made-up kids cannot hammer the IdP."
            ),
        ),
    ] = 30.0
    introspection_url: Annotated[
        str | None,
        Field(
            description=(
                "RFC 7662 introspection endpoint: set it to accept opaque access tokens "
                "instead of JWTs (mode oidc)."
            )
        ),
    ] = None
    introspection_client_id: Annotated[
        str | None, Field(description="Client id this server authenticates to introspection with.")
    ] = None
    introspection_client_secret: Annotated[
        SecretStr | None, Field(description="Client secret for the introspection endpoint.")
    ] = None
    claims: Annotated[
        ClaimMapping, Field(description="Claims naming subject, groups, roles and tenant.")
    ] = ClaimMapping()
    proxy: Annotated[
        ProxySettings, Field(description="The OAuth proxy of mode proxy (issuer = auth.issuer).")
    ] = ProxySettings()

    @property
    def plain_jwt_accepted(self) -> bool:
        """Whether ``typ: JWT`` (or no ``typ``) is accepted: ``accept_plain_jwt``, else true
        for the presets of :data:`PLAIN_JWT_PRESETS`."""
        if self.accept_plain_jwt is not None:
            return self.accept_plain_jwt
        return self.claims.preset in PLAIN_JWT_PRESETS

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        """Refuse ``none``, HS* and unknown algorithm names (see :data:`ALLOWED_ALGORITHMS`)."""
        refused = [name for name in value if name not in ALLOWED_ALGORITHMS]
        if refused:
            raise ValueError(
                f"auth.algorithms: {', '.join(refused)} not accepted; use asymmetric "
                f"algorithms only ({', '.join(sorted(ALLOWED_ALGORITHMS))})"
            )
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _mode_requirements(self) -> AuthSettings:
        """Fill the static scopes; refuse a mode whose required settings are missing."""
        if not self.static_scopes:
            self.static_scopes = self.scopes.names()
        if self.mode is AuthMode.STATIC:
            if self.static_token is None:
                raise ValueError("auth.static_token: required when auth.mode is static")
            if len(self.static_token.get_secret_value()) < MIN_STATIC_TOKEN_CHARS:
                raise ValueError(
                    f"auth.static_token: must be at least {MIN_STATIC_TOKEN_CHARS} characters"
                )
        if self.mode is AuthMode.OIDC and not self.issuer:
            raise ValueError("auth.issuer: required when auth.mode is oidc")
        if self.introspection_url and not (
            self.introspection_client_id and self.introspection_client_secret
        ):
            raise ValueError(
                "auth.introspection_client_id: introspection_url needs the client id and "
                "introspection_client_secret this server authenticates with"
            )
        return self
