"""Auth mode ``proxy``: this server is the OAuth authorization server MCP clients see, in front
of an identity provider that does not let them register (no RFC 7591 dynamic registration).

fastmcp's :class:`~fastmcp.server.auth.oidc_proxy.OIDCProxy` does the protocol work: it answers
dynamic registration itself, sends the person (after a consent page of its own) to the upstream
IdP with the one pre-registered client, exchanges the upstream code on its callback, and gives
the MCP client a token it signs itself (HS256 with ``auth.proxy.jwt_signing_key``, audience =
the MCP endpoint URL, RFC 8707). That token is a reference: on every request the upstream
access token behind it is looked up and verified against the IdP's JWKS, so revoking at the IdP
still works. Consent-page cookies are signed with the upstream client secret (or the signing
key), the same on every replica.

What this module adds is the state: client registrations, transactions, codes, consent tokens
and upstream tokens live in Redis (``redis_url``) so that a flow started on one replica can
finish on any other, and what is in Redis is unreadable without the keys:

- every value is encrypted with Fernet (``auth.proxy.storage_encryption_key``); a value that is
  not (planted by someone with write access to Redis) reads as absent, and so does one
  encrypted with another key;
- key names are HMAC-SHA256 digests (key derived from ``jwt_signing_key`` by HKDF), because the
  proxy keys its records by authorization code, transaction id and client id, and the store
  also writes the key into the stored document.

There is no single-replica fallback: mode ``proxy`` without ``redis_url`` is refused. The
provider never passes the caller's token on: the access token it hands to the tools is the one
the caller presented (the proxy's own), never the upstream one, and IT Glue is called with the
API key only.

Example::

    provider = build_proxy_provider(settings)   # ConfigurationError names what is missing
    mcp.auth = provider
    app = mcp.http_app(path="/mcp")              # Redis is closed when the app shuts down
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any, SupportsFloat

import structlog
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastmcp.server.auth import TokenVerifier
from fastmcp.server.auth.oidc_proxy import DEFAULT_OIDC_DISCOVERY_TIMEOUT_SECONDS, OIDCProxy
from fastmcp.server.auth.oidc_proxy import OIDCConfiguration as _Discovery
from joserfc.errors import JoseError
from key_value.aio.protocols import AsyncKeyValue
from key_value.aio.stores.redis import RedisStore
from key_value.aio.wrappers.base import BaseWrapper
from key_value.aio.wrappers.encryption import FernetEncryptionWrapper
from key_value.aio.wrappers.prefix_collections import PrefixCollectionsWrapper
from mcp.server.auth.provider import AccessToken, AuthorizationParams
from mcp.shared.auth import OAuthClientInformationFull
from pydantic import AnyHttpUrl
from redis.asyncio import Redis
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from itglue_mcp.config import Settings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.auth import check_bind
from itglue_mcp.security.oidc import MCP_PATH, AccessTokenVerifier, resource_url

__all__ = ["ProxyProvider", "build_proxy_provider", "build_proxy_storage"]

_log = structlog.get_logger(__name__)

# The envelope FernetEncryptionWrapper stores (py-key-value-aio encryption format, version 1).
_ENCRYPTED_FIELD = "__encrypted_data__"
_NAME_KEY_INFO = b"itglue-mcp oauth-proxy state key names v1"


class _HashedKeys(BaseWrapper):
    """Stores each record under HMAC-SHA256(collection, key) instead of the key itself.

    The proxy keys records by secrets (authorization codes, transaction ids); Redis then holds
    only digests. Enumerating keys is not supported (the proxy never enumerates).
    """

    def __init__(self, key_value: AsyncKeyValue, secret: bytes) -> None:
        self.key_value = key_value
        self._secret = secret
        super().__init__()

    def _name(self, key: str, collection: str | None) -> str:
        message = f"{collection or ''}\x00{key}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _names(self, keys: Sequence[str], collection: str | None) -> list[str]:
        return [self._name(key, collection) for key in keys]

    async def get(self, key: str, *, collection: str | None = None) -> dict[str, Any] | None:
        return await self.key_value.get(self._name(key, collection), collection=collection)

    async def get_many(
        self, keys: Sequence[str], *, collection: str | None = None
    ) -> list[dict[str, Any] | None]:
        return await self.key_value.get_many(self._names(keys, collection), collection=collection)

    async def ttl(
        self, key: str, *, collection: str | None = None
    ) -> tuple[dict[str, Any] | None, float | None]:
        return await self.key_value.ttl(self._name(key, collection), collection=collection)

    async def ttl_many(
        self, keys: Sequence[str], *, collection: str | None = None
    ) -> list[tuple[dict[str, Any] | None, float | None]]:
        return await self.key_value.ttl_many(self._names(keys, collection), collection=collection)

    async def put(
        self,
        key: str,
        value: Mapping[str, Any],
        *,
        collection: str | None = None,
        ttl: SupportsFloat | None = None,
    ) -> None:
        await self.key_value.put(self._name(key, collection), value, collection=collection, ttl=ttl)

    async def put_many(
        self,
        keys: Sequence[str],
        values: Sequence[Mapping[str, Any]],
        *,
        collection: str | None = None,
        ttl: SupportsFloat | None = None,
    ) -> None:
        await self.key_value.put_many(
            self._names(keys, collection), values, collection=collection, ttl=ttl
        )

    async def delete(self, key: str, *, collection: str | None = None) -> bool:
        return await self.key_value.delete(self._name(key, collection), collection=collection)

    async def delete_many(self, keys: Sequence[str], *, collection: str | None = None) -> int:
        return await self.key_value.delete_many(
            self._names(keys, collection), collection=collection
        )


def _sealed(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """``value`` if it is an encrypted envelope, else None (plaintext is never trusted)."""
    if value is None or not isinstance(value.get(_ENCRYPTED_FIELD), str):
        return None
    return value


class _EncryptedOnly(BaseWrapper):
    """Reads only encrypted envelopes: a plaintext record planted in Redis reads as absent.

    The encryption wrapper above it would hand a plaintext value through as it is (it cannot
    tell "never encrypted" from "encrypted"); below it, this wrapper makes that impossible.
    """

    def __init__(self, key_value: AsyncKeyValue) -> None:
        self.key_value = key_value
        super().__init__()

    async def get(self, key: str, *, collection: str | None = None) -> dict[str, Any] | None:
        return _sealed(await self.key_value.get(key, collection=collection))

    async def get_many(
        self, keys: Sequence[str], *, collection: str | None = None
    ) -> list[dict[str, Any] | None]:
        values = await self.key_value.get_many(keys, collection=collection)
        return [_sealed(value) for value in values]

    async def ttl(
        self, key: str, *, collection: str | None = None
    ) -> tuple[dict[str, Any] | None, float | None]:
        value, ttl = await self.key_value.ttl(key, collection=collection)
        sealed = _sealed(value)
        return (sealed, ttl if sealed is not None else None)

    async def ttl_many(
        self, keys: Sequence[str], *, collection: str | None = None
    ) -> list[tuple[dict[str, Any] | None, float | None]]:
        results = await self.key_value.ttl_many(keys, collection=collection)
        return [
            (_sealed(value), ttl if _sealed(value) is not None else None) for value, ttl in results
        ]


def _derived_key(material: str, info: bytes) -> bytes:
    """32 bytes derived from a configured secret (HKDF-SHA256, RFC 5869)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        material.encode()
    )


def build_proxy_storage(settings: Settings) -> tuple[AsyncKeyValue, Redis]:
    """The proxy's key-value store: Redis, encrypted values, hashed key names.

    Layers, outside in: HMAC key names → Fernet encryption (``storage_encryption_key``; a value
    that does not decrypt reads as absent) → plaintext refused → collections prefixed with
    ``auth.proxy.redis_prefix`` → :class:`RedisStore` on ``redis_url``.

    Args:
        settings: ``redis_url``, ``auth.proxy.storage_encryption_key``,
            ``auth.proxy.jwt_signing_key`` and ``auth.proxy.redis_prefix`` are read.

    Returns:
        The store, and the Redis client it uses (the caller closes it: ``await redis.aclose()``).
        No connection is opened until the first request.

    Raises:
        ConfigurationError: naming ``redis_url``, ``auth.proxy.storage_encryption_key`` or
            ``auth.proxy.jwt_signing_key`` when unset.
    """
    proxy = settings.auth.proxy
    if settings.redis_url is None:
        raise ConfigurationError(
            "redis_url: required in auth.mode proxy; the OAuth proxy keeps its flow state in "
            "Redis so that any replica can finish a login another one started"
        )
    if proxy.storage_encryption_key is None:
        raise ConfigurationError("auth.proxy.storage_encryption_key: required in auth.mode proxy")
    if proxy.jwt_signing_key is None:
        raise ConfigurationError("auth.proxy.jwt_signing_key: required in auth.mode proxy")
    redis = Redis.from_url(settings.redis_url.get_secret_value(), decode_responses=True)
    store: AsyncKeyValue = RedisStore(client=redis)
    store = PrefixCollectionsWrapper(store, prefix=proxy.redis_prefix)
    store = _EncryptedOnly(store)
    fernet = Fernet(proxy.storage_encryption_key.get_secret_value().encode())
    store = FernetEncryptionWrapper(store, fernet=fernet, raise_on_decryption_error=False)
    names = _derived_key(proxy.jwt_signing_key.get_secret_value(), _NAME_KEY_INFO)
    return _HashedKeys(store, names), redis


class ProxyProvider(OIDCProxy):
    """fastmcp's OIDC proxy with shared Redis state, closable, and without token passthrough.

    Differences from :class:`OIDCProxy`:

    - an authorization request without ``scope`` gets the scopes the client registered (RFC 6749
      §3.3 default scope) rather than only the required ones;
    - the :class:`AccessToken` handed to the tools carries the token the caller presented and
      the client id the caller registered here, not the upstream token and upstream client id
      (claims, subject and scopes stay the upstream ones);
    - its Redis connections are closed when the app shuts down (:meth:`aclose`).
    """

    def __init__(self, *, redis: Redis, **kwargs: Any) -> None:
        self._redis = redis
        super().__init__(**kwargs)

    async def authorize(
        self, client: OAuthClientInformationFull, params: AuthorizationParams
    ) -> str:
        """Start a login; a request naming no scope asks for the client's registered scopes."""
        if not params.scopes and client.scope:
            params = params.model_copy(update={"scopes": client.scope.split()})
        return await super().authorize(client, params)

    async def load_access_token(self, token: str) -> AccessToken | None:  # type: ignore[override]
        """Verify a token this proxy issued (and the upstream token behind it).

        Returns:
            The upstream identity (claims, subject, scopes, expiry) with ``token`` = the token
            presented and ``client_id`` = the MCP client's id here; None when either token is
            invalid, expired or unknown.
        """
        validated = await super().load_access_token(token)
        if validated is None:
            return None
        try:
            issued = self.jwt_issuer.verify_token(token)
        except (JoseError, ValueError, KeyError):  # the parent accepted it; refuse, never guess
            return None
        client_id = issued.get("client_id")
        update: dict[str, Any] = {"token": token}
        if isinstance(client_id, str) and client_id:
            update["client_id"] = client_id
        return validated.model_copy(update=update)

    def get_middleware(self) -> list[Any]:
        """fastmcp's authentication middleware, and one closing Redis when the app stops."""
        return [*super().get_middleware(), Middleware(_CloseOnShutdown, provider=self)]

    async def aclose(self) -> None:
        """Close the Redis connections (done at app shutdown; idempotent)."""
        await self._redis.aclose()


class _CloseOnShutdown:
    """ASGI middleware: when the app's lifespan ends, close the proxy's Redis connections.

    They are opened on the serving event loop, so they are closed there, at shutdown, rather
    than left for the garbage collector after the loop is gone.
    """

    def __init__(self, app: ASGIApp, provider: ProxyProvider) -> None:
        self._app = app
        self._provider = provider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self._app(scope, receive, send)
            return

        async def closing_send(message: Message) -> None:
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                await self._provider.aclose()
            await send(message)

        await self._app(scope, receive, closing_send)


def _discovery_url(settings: Settings) -> str:
    proxy = settings.auth.proxy
    if proxy.config_url:
        return str(proxy.config_url)
    if not settings.auth.issuer:
        raise ConfigurationError(
            "auth.issuer: required in auth.mode proxy (the upstream identity provider), "
            "unless auth.proxy.config_url names its discovery document"
        )
    return settings.auth.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _upstream_verifier(settings: Settings, discovery_url: str, resource: str) -> TokenVerifier:
    """The check of the upstream tokens, as in mode ``oidc``: JWKS signature over
    ``auth.algorithms``, issuer, audience, ``exp``/``nbf``/``iat`` with ``auth.clock_skew_s``,
    ``typ`` (RFC 9068 §4; ``JWT`` too for ID tokens), the lifetime and ``sub``.
    """
    auth = settings.auth
    proxy = auth.proxy
    try:
        discovery = _Discovery.get_oidc_configuration(
            AnyHttpUrl(discovery_url),
            strict=None,
            timeout_seconds=DEFAULT_OIDC_DISCOVERY_TIMEOUT_SECONDS,
        )
    except Exception as error:
        setting = "auth.proxy.config_url" if proxy.config_url else "auth.issuer"
        raise ConfigurationError(
            f"{setting}: the discovery document {discovery_url} could not be read "
            f"({type(error).__name__})"
        ) from None
    if proxy.verify_id_token:
        audience = proxy.client_id or ""  # an ID token is for the client (OIDC Core §2)
    else:
        audience = proxy.upstream_audience or auth.audience or resource
    return AccessTokenVerifier(
        jwks_uri=auth.jwks_uri or str(discovery.jwks_uri),
        issuer=auth.issuer or str(discovery.issuer),
        audience=audience,
        algorithms=list(auth.algorithms),
        clock_skew_s=auth.clock_skew_s,
        jwks_cache_s=auth.jwks_cache_s,
        jwks_refresh_interval_s=auth.jwks_refresh_interval_s,
        # An ID token is typed JWT (or not at all), never at+jwt.
        accept_plain_jwt=proxy.verify_id_token or auth.plain_jwt_accepted,
        max_lifetime_s=auth.max_token_lifetime_s,
    )


def build_proxy_provider(
    settings: Settings, *, token_verifier: TokenVerifier | None = None
) -> ProxyProvider:
    """The auth provider of mode ``proxy``.

    Reads the upstream discovery document (a blocking HTTP GET of at most 10 s, at start-up).

    Args:
        settings: ``public_url`` (the proxy's base URL; MCP endpoint ``public_url`` + ``/mcp``),
            ``redis_url``, ``auth.issuer`` (upstream IdP), ``auth.scopes``, the token checks of
            ``auth`` (``algorithms``, ``clock_skew_s``, JWKS cache) and ``auth.proxy``.
        token_verifier: how upstream tokens are checked; default the
            :class:`~itglue_mcp.security.oidc.AccessTokenVerifier` of mode ``oidc`` for the
            upstream issuer and ``auth.proxy.upstream_audience`` (else ``auth.audience``, else
            the MCP endpoint URL), or the client id with ``verify_id_token``.

    Returns:
        The provider; its routes (``/register``, ``/authorize``, ``/token``, ``/consent``,
        the callback, the RFC 8414/9728 metadata) are mounted by fastmcp's ``http_app``.

    Raises:
        ConfigurationError: naming the setting that is missing or unusable: ``public_url``
            (unset, or http on a non-loopback host), ``redis_url``, ``auth.issuer`` (unset
            without ``config_url``, or discovery unreadable), ``auth.proxy.client_id``,
            ``auth.proxy.jwt_signing_key``, ``auth.proxy.storage_encryption_key``.
    """
    check_bind(settings)  # public_url set, https unless on a loopback host
    auth = settings.auth
    proxy = auth.proxy
    resource = resource_url(settings)
    missing = proxy.missing()
    if missing:
        others = f" (also unset: {', '.join(missing[1:])})" if len(missing) > 1 else ""
        raise ConfigurationError(f"{missing[0]}: required in auth.mode proxy{others}")
    discovery_url = _discovery_url(settings)
    storage, redis = build_proxy_storage(settings)
    assert proxy.client_id is not None and proxy.jwt_signing_key is not None  # missing() == []
    verifier = token_verifier or _upstream_verifier(settings, discovery_url, resource)
    scopes = list(dict.fromkeys([*proxy.upstream_scopes, *auth.scopes.names()]))
    try:
        provider = ProxyProvider(
            redis=redis,
            config_url=discovery_url,
            client_id=proxy.client_id,
            client_secret=(proxy.client_secret.get_secret_value() if proxy.client_secret else None),
            token_verifier=verifier,
            verify_id_token=proxy.verify_id_token,
            base_url=resource.removesuffix(MCP_PATH),  # public_url, no trailing slash
            redirect_path=proxy.callback_path,
            allowed_client_redirect_uris=list(proxy.allowed_client_redirect_uris),
            valid_scopes=scopes,
            client_storage=storage,
            jwt_signing_key=proxy.jwt_signing_key.get_secret_value(),
            require_authorization_consent=True if proxy.consent == "always" else "remember",
            # Name this server to the IdP (RFC 8707) on every login, also when the client
            # did not; or never, for IdPs that refuse the parameter.
            extra_authorize_params={"resource": resource} if proxy.forward_resource else None,
            forward_resource=proxy.forward_resource,
        )
    except ValueError as error:
        raise ConfigurationError(
            f"auth.proxy: the OAuth proxy refused the settings ({error})"
        ) from error
    # Every tool reads; a token without the read scope is answered 403 insufficient_scope.
    provider.required_scopes = [auth.scopes.read]
    _log.info(
        "auth.mode",
        mode="proxy",
        upstream=discovery_url,
        client_id=proxy.client_id,
        resource=resource,
    )
    return provider
