"""Mode ``oidc``: this server as an OAuth 2.1 resource server (MCP authorization spec).

Access tokens from the tenant's identity provider are verified by fastmcp's
:class:`~fastmcp.server.auth.providers.jwt.JWTVerifier` (joserfc underneath) inside a
:class:`~fastmcp.server.auth.RemoteAuthProvider`, which also serves the RFC 9728 protected
resource metadata at ``/.well-known/oauth-protected-resource/mcp`` (resource, authorization
servers, scopes) and makes ``/mcp`` answer 401 with ``WWW-Authenticate: Bearer
resource_metadata="…", scope="<read scope>"`` to a request without a valid token. What this
module adds, and nothing else (no signature or claim check is written here):

- an algorithm allow-list (``auth.algorithms``): the token header's ``alg`` selects one
  fastmcp verifier pinned to that algorithm; ``none``, HS* and anything not listed are refused
  before a key is looked at (RFC 8725 §3.1, §3.2);
- ``iss`` and ``aud`` both mandatory (the audience is the canonical resource URL, RFC 8707);
- the header ``typ`` (RFC 9068 §4): ``at+jwt`` or ``application/at+jwt``, compared without
  regard to case; ``JWT``, ``application/jwt`` or no ``typ`` only when
  ``auth.plain_jwt_accepted`` (the claim preset's default, ``auth.accept_plain_jwt``): an ID
  token or any other JWT of the identity provider is not an access token;
- a lifetime (``exp - iat``, or ``exp - now`` without ``iat``) of at most
  ``auth.max_token_lifetime_s`` (default 24 h): a token minted to last for weeks is refused;
- ``sub`` required and not empty (RFC 9068 §2.2): a token naming no subject is refused, never
  attributed to its ``client_id``;
- ``exp`` required, ``nbf`` and ``iat`` checked by joserfc's claims registry with
  ``auth.clock_skew_s`` of tolerance; ``exp`` itself has none (fastmcp and the MCP SDK refuse a
  token the second it expires, which only errs on the safe side);
- the JWKS cache lifetime (``auth.jwks_cache_s``) and the least interval between two JWKS
  fetches (``auth.jwks_refresh_interval_s``, fastmcp's throttle): a token with an unknown
  ``kid`` causes one fetch of the JWKS (once the interval since the last fetch has passed), so
  a rotated key is picked up and a made-up ``kid`` is still refused, without letting a stream
  of made-up ``kid`` values hammer the identity provider;
- the JWKS URL from the issuer's discovery document when ``auth.jwks_uri`` is unset.

With ``auth.introspection_url`` opaque tokens are checked by fastmcp's RFC 7662
:class:`~fastmcp.server.auth.providers.introspection.IntrospectionTokenVerifier` instead; an
active token without a ``sub`` in the introspection response is refused there too.

Tokens are never logged, and never forwarded: the IT Glue client authenticates with the API key
of the settings only (no token passthrough, MCP security best practices).

Example::

    provider = build_oidc_provider(settings)   # RemoteAuthProvider; settings.public_url required
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

import httpx2
import structlog
from fastmcp.server.auth import AccessToken, RemoteAuthProvider, TokenVerifier
from fastmcp.server.auth.oidc_proxy import OIDCConfiguration
from fastmcp.server.auth.providers.introspection import IntrospectionTokenVerifier
from fastmcp.server.auth.providers.jwt import JWTVerifier
from fastmcp.utilities.auth import decode_jwt_header
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry
from mcp.server.auth.routes import build_resource_metadata_url, cors_middleware
from mcp.shared.auth import ProtectedResourceMetadata
from pydantic import AnyHttpUrl, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from itglue_mcp.config import AuthMode, Settings
from itglue_mcp.config.auth import DEFAULT_MAX_TOKEN_LIFETIME_S, AuthSettings
from itglue_mcp.errors import ConfigurationError

__all__ = [
    "ACCESS_TOKEN_TYPES",
    "MCP_PATH",
    "PLAIN_JWT_TYPES",
    "AccessTokenVerifier",
    "ResourceServerProvider",
    "build_oidc_provider",
    "discover_jwks_uri",
    "resource_url",
]

_log = structlog.get_logger(__name__)

MCP_PATH = "/mcp"
"""Where the MCP endpoint is mounted; the resource URL is ``public_url`` + this path."""

_DISCOVERY_TIMEOUT_S = 10

ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})
"""``typ`` header values of an RFC 9068 JWT access token (§4), lower case."""

PLAIN_JWT_TYPES: frozenset[str | None] = frozenset({"jwt", "application/jwt", None})
"""``typ`` values (lower case; ``None``: no ``typ``) also accepted with plain JWTs allowed."""


def resource_url(settings: Settings) -> str:
    """This server's canonical resource URL (RFC 8707 §2): ``public_url`` + ``/mcp``.

    Raises:
        ConfigurationError: naming ``public_url`` when it is unset.
    """
    if not settings.public_url:
        raise ConfigurationError(
            f"public_url: required when auth.mode is {settings.auth.mode.value} (the resource "
            "URL tokens are issued for is public_url + /mcp)"
        )
    return settings.public_url.rstrip("/") + MCP_PATH


class _PinnedJwtVerifier(JWTVerifier):
    """fastmcp's JWT verifier for one algorithm, with a configurable JWKS cache lifetime.

    fastmcp fixes the lifetime of its JWKS cache at one hour in ``__init__``; this sets it.
    """

    def __init__(self, *, cache_s: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cache_ttl = cache_s


class AccessTokenVerifier(TokenVerifier):
    """JWT access tokens of one issuer for one audience, over an algorithm allow-list.

    Args:
        jwks_uri: the issuer's JWKS URL.
        issuer: the exact ``iss`` required.
        audience: the ``aud`` value required (a string or one entry of a list).
        algorithms: accepted JWS algorithms (already validated by :class:`AuthSettings`).
        clock_skew_s: tolerance on ``nbf`` and ``iat``, seconds.
        jwks_cache_s: how long a fetched JWKS is used, seconds.
        jwks_refresh_interval_s: least time between two JWKS fetches, the last one included,
            seconds (0: every unknown ``kid`` causes one fetch).
        accept_plain_jwt: accept ``typ`` ``JWT`` / ``application/jwt`` / none besides
            ``at+jwt`` (RFC 9068 §4).
        max_lifetime_s: longest ``exp - iat`` accepted (``exp - now`` without ``iat``),
            seconds.

    The verifiers of algorithms of one key family (RS*/PS* use RSA keys) keep separate caches:
    one JWKS fetch per family at most per interval.
    """

    def __init__(
        self,
        *,
        jwks_uri: str,
        issuer: str,
        audience: str,
        algorithms: list[str],
        clock_skew_s: int,
        jwks_cache_s: int,
        jwks_refresh_interval_s: float,
        accept_plain_jwt: bool = False,
        max_lifetime_s: int = DEFAULT_MAX_TOKEN_LIFETIME_S,
    ) -> None:
        super().__init__()
        self.max_lifetime_s = max_lifetime_s
        self.token_types: frozenset[str | None] = (
            ACCESS_TOKEN_TYPES | PLAIN_JWT_TYPES if accept_plain_jwt else ACCESS_TOKEN_TYPES
        )
        self.issuer = issuer
        self.audience = audience
        self.jwks_uri = jwks_uri
        self.clock_skew_s = clock_skew_s
        self._verifiers = {
            algorithm: _PinnedJwtVerifier(
                jwks_uri=jwks_uri,
                issuer=issuer,
                audience=audience,
                algorithm=algorithm,
                jwks_refresh_interval=jwks_refresh_interval_s,
                cache_s=jwks_cache_s,
            )
            for algorithm in algorithms
        }

    async def verify_token(self, token: str) -> AccessToken | None:
        """The verified token, or ``None`` (fastmcp then answers 401 ``invalid_token``).

        ``None`` for: a malformed token; a ``typ`` not accepted; an ``alg`` not allowed; a
        bad signature or unknown key (after one JWKS refresh); a wrong ``iss`` or ``aud``; a
        missing or past ``exp``; an ``nbf`` or ``iat`` later than now + ``clock_skew_s``; a
        lifetime over ``max_lifetime_s``; a missing or empty ``sub`` (RFC 9068 §2.2).
        """
        try:
            header = decode_jwt_header(token)
        except (ValueError, TypeError):
            header = None
        if not isinstance(header, dict):
            _log.info("auth.token_refused", reason="malformed")
            return None
        typ = header.get("typ")
        if (typ.lower() if isinstance(typ, str) else typ) not in self.token_types:
            _log.info("auth.token_refused", reason="typ not accepted", typ=str(typ)[:32])
            return None
        algorithm = header.get("alg")
        verifier = self._verifiers.get(algorithm) if isinstance(algorithm, str) else None
        if verifier is None:
            _log.info("auth.token_refused", reason="algorithm not allowed", alg=str(algorithm)[:16])
            return None
        access = await verifier.verify_token(token)
        if access is None:
            return None
        registry = JWTClaimsRegistry(
            now=lambda: int(time.time()),
            leeway=self.clock_skew_s,
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(access.claims)
        except JoseError as error:
            _log.info("auth.token_refused", reason=error.error, client_id=access.client_id)
            return None
        issued = access.claims.get("iat")
        if not isinstance(issued, int | float):
            issued = time.time()
        if access.claims["exp"] - issued > self.max_lifetime_s:
            _log.info("auth.token_refused", reason="lifetime too long", client_id=access.client_id)
            return None
        return access


def discover_jwks_uri(issuer: str) -> str:
    """The ``jwks_uri`` of the issuer's discovery document (OIDC Discovery §4, RFC 8414 §3).

    Tries ``<issuer>/.well-known/openid-configuration``, then the RFC 8414 location
    ``/.well-known/oauth-authorization-server<issuer path>``; the document's ``issuer`` must be
    the configured one exactly (OIDC Discovery §4.3).

    Raises:
        ConfigurationError: naming ``auth.jwks_uri`` when neither document names a JWKS.
    """
    base = issuer.rstrip("/")
    origin, _, path = base.partition("://")[2].partition("/")
    scheme = base.partition("://")[0]
    locations = [
        f"{base}/.well-known/openid-configuration",
        f"{scheme}://{origin}/.well-known/oauth-authorization-server"
        + (f"/{path}" if path else ""),
    ]
    for location in locations:
        try:
            document = OIDCConfiguration.get_oidc_configuration(
                AnyHttpUrl(location), strict=False, timeout_seconds=_DISCOVERY_TIMEOUT_S
            )
        except (httpx2.HTTPError, ValidationError, ValueError):
            continue
        if document.issuer is not None and str(document.issuer).rstrip("/") != base:
            raise ConfigurationError(
                f"auth.issuer: the discovery document at {location} names issuer "
                f"{document.issuer!s}, not {issuer}"
            )
        if document.jwks_uri:
            return str(document.jwks_uri)
    raise ConfigurationError(
        f"auth.jwks_uri: unset, and no discovery document of {issuer} names one (set auth.jwks_uri)"
    )


class _SubjectIntrospectionVerifier(IntrospectionTokenVerifier):
    """fastmcp's RFC 7662 verifier refusing an active token whose response names no ``sub``."""

    async def verify_token(self, token: str) -> AccessToken | None:
        """The introspected token, or ``None`` when inactive or without a subject."""
        access = await super().verify_token(token)
        if access is not None and not (isinstance(access.subject, str) and access.subject):
            _log.info("auth.token_refused", reason="no subject", client_id=access.client_id)
            return None
        return access


def _token_verifier(auth: AuthSettings, audience: str) -> TokenVerifier:
    if auth.introspection_url:
        if auth.introspection_client_id is None or auth.introspection_client_secret is None:
            raise ConfigurationError(
                "auth.introspection_client_id: required with auth.introspection_url"
            )
        return _SubjectIntrospectionVerifier(
            introspection_url=auth.introspection_url,
            client_id=auth.introspection_client_id,
            client_secret=auth.introspection_client_secret,
            audience=audience,
        )
    issuer = auth.issuer or ""
    return AccessTokenVerifier(
        jwks_uri=auth.jwks_uri or discover_jwks_uri(issuer),
        issuer=issuer,
        audience=audience,
        algorithms=auth.algorithms,
        clock_skew_s=auth.clock_skew_s,
        jwks_cache_s=auth.jwks_cache_s,
        jwks_refresh_interval_s=auth.jwks_refresh_interval_s,
        accept_plain_jwt=auth.plain_jwt_accepted,
        max_lifetime_s=auth.max_token_lifetime_s,
    )


class ResourceServerProvider(RemoteAuthProvider):
    """fastmcp's :class:`RemoteAuthProvider` whose RFC 9728 metadata names the issuer verbatim.

    RFC 9728 §2 lists issuer identifiers in ``authorization_servers``, and clients compare
    them with the issuer of the authorization server's metadata as plain strings (RFC 8414
    §3.3). The MCP SDK's metadata model types them as URLs, which appends ``/`` to an issuer
    without a path (``https://accounts.google.com`` → ``https://accounts.google.com/``), so
    this provider serves the same document with ``auth.issuer`` exactly as configured.
    """

    def __init__(self, *, issuer: str, **kwargs: Any) -> None:
        super().__init__(authorization_servers=[AnyHttpUrl(issuer)], **kwargs)
        self._issuer = issuer

    def get_routes(self, mcp_path: str | None = None) -> list[Route]:
        """fastmcp's routes, the protected-resource metadata route answering with the issuer."""
        routes = super().get_routes(mcp_path)
        resource = self._get_resource_url(mcp_path)
        if resource is None:
            return routes
        metadata = ProtectedResourceMetadata(
            resource=resource,
            authorization_servers=self.authorization_servers,
            scopes_supported=self.scopes_supported,
            resource_name=self.resource_name,
            resource_documentation=self.resource_documentation,
        ).model_dump(mode="json", exclude_none=True)
        metadata["authorization_servers"] = [self._issuer]

        async def protected_resource_metadata(_request: Request) -> JSONResponse:
            return JSONResponse(metadata, headers={"Cache-Control": "public, max-age=3600"})

        well_known = urlparse(str(build_resource_metadata_url(resource))).path
        return [
            Route(
                well_known,
                endpoint=cors_middleware(protected_resource_metadata, ["GET", "OPTIONS"]),
                methods=["GET", "OPTIONS"],
            )
            if isinstance(route, Route) and route.path == well_known
            else route
            for route in routes
        ]


def build_oidc_provider(settings: Settings) -> RemoteAuthProvider:
    """The auth provider of mode ``oidc``.

    Args:
        settings: ``auth`` (issuer, audience, JWKS, algorithms, skew, introspection, scopes)
            and ``public_url`` (the resource URL is ``public_url`` + ``/mcp``; the audience
            defaults to it).

    Returns:
        A :class:`RemoteAuthProvider` whose metadata names ``auth.issuer`` as authorization
        server and the three scope names as ``scopes_supported``; every request to ``/mcp``
        needs the read scope (403 ``insufficient_scope`` without it).

    Raises:
        ConfigurationError: ``public_url`` or ``auth.issuer`` unset, or no JWKS URL found.
    """
    auth = settings.auth
    if auth.mode is not AuthMode.OIDC or not auth.issuer:
        raise ConfigurationError("auth.issuer: required when auth.mode is oidc")
    resource = resource_url(settings)
    audience = auth.audience or resource
    verifier = _token_verifier(auth, audience)
    provider = ResourceServerProvider(
        issuer=auth.issuer,
        token_verifier=verifier,
        base_url=resource.removesuffix(MCP_PATH),
        scopes_supported=auth.scopes.names(),
        resource_name="itglue-mcp",
        challenge_scopes=[auth.scopes.read],
    )
    # The read scope is checked by fastmcp's RequireAuthMiddleware (403 insufficient_scope),
    # not by the verifier (which would turn a missing scope into 401 invalid_token).
    provider.required_scopes = [auth.scopes.read]
    _log.info(
        "auth.mode",
        mode=auth.mode.value,
        issuer=auth.issuer,
        audience=audience,
        introspection=auth.introspection_url is not None,
    )
    return provider
