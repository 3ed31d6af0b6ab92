"""A local token issuer for tests: signing keys, a JWKS and discovery document over loopback
HTTP, and access tokens minted for our resource server — good ones and every kind of bad one.

:class:`LocalIssuer` holds signing keys (joserfc), serves ``/jwks`` and
``/.well-known/openid-configuration`` from a Starlette app on uvicorn in a thread
(:func:`itglue_mcp.background.serve_in_thread`), counts JWKS fetches, and mints tokens whose
issuer is its base URL. Keys can be published, withdrawn or rotated while it runs.

Example::

    with LocalIssuer.serve() as issuer:
        settings = oidc_settings(issuer, public_url="http://127.0.0.1:8765")
        token = issuer.mint(aud="http://127.0.0.1:8765/mcp", scope="itglue.read")
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import AuthMode, AuthSettings, Settings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.conftest import _blocking
from tests.mcp_http import free_port

__all__ = [
    "LocalIssuer",
    "SigningKey",
    "b64url",
    "free_port",
    "oidc_settings",
    "serve_mcp",
]


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    """A private signing key with its key id and JWS algorithm."""

    kid: str
    alg: str
    key: RSAKey | ECKey

    @classmethod
    def generate(cls, kid: str, alg: str = "RS256") -> SigningKey:
        """A fresh key: RSA 2048 for RS*/PS*, P-256 for ES256."""
        parameters: dict[str, Any] = {"kid": kid, "alg": alg, "use": "sig"}
        if alg.startswith("ES"):
            return cls(kid, alg, ECKey.generate_key("P-256", parameters=parameters, private=True))
        return cls(kid, alg, RSAKey.generate_key(2048, parameters=parameters, private=True))

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK (what a JWKS publishes)."""
        return dict(self.key.as_dict(private=False))

    def public_pem(self) -> bytes:
        """The public half as PEM (what an HS256 confusion attack uses as the HMAC secret)."""
        return bytes(self.key.as_pem(private=False))


@dataclass
class LocalIssuer:
    """An identity provider's token side, in-process. ``url`` is set once it serves."""

    keys: list[SigningKey]
    url: str = ""
    published: list[SigningKey] = field(default_factory=list)
    jwks_fetches: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    @contextmanager
    def serve(cls, *algorithms: str) -> Iterator[LocalIssuer]:
        """Serve a new issuer (one key per algorithm given, default one RS256 key)."""
        keys = [
            SigningKey.generate(f"key-{index}-{alg.lower()}", alg)
            for index, alg in enumerate(algorithms or ("RS256",), start=1)
        ]
        issuer = cls(keys=keys, published=list(keys))
        with serve_in_thread(issuer.app()) as url:
            issuer.url = url
            yield issuer

    @property
    def key(self) -> SigningKey:
        """The first (default) signing key."""
        return self.keys[0]

    @property
    def jwks_uri(self) -> str:
        return f"{self.url}/jwks"

    def app(self) -> Starlette:
        """The Starlette app serving the JWKS and the discovery document."""

        async def jwks(_request: Request) -> JSONResponse:
            with self._lock:
                self.jwks_fetches += 1
                keys = [key.public_jwk() for key in self.published]
            return JSONResponse({"keys": keys})

        async def discovery(_request: Request) -> JSONResponse:
            return JSONResponse(
                {
                    "issuer": self.url,
                    "authorization_endpoint": f"{self.url}/authorize",
                    "token_endpoint": f"{self.url}/token",
                    "jwks_uri": self.jwks_uri,
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256", "ES256", "PS256"],
                }
            )

        return Starlette(
            routes=[
                Route("/jwks", jwks),
                Route("/.well-known/openid-configuration", discovery),
            ]
        )

    def rotate(self, alg: str = "RS256") -> SigningKey:
        """Generate a key and publish it beside the others (the IdP's key rotation)."""
        key = SigningKey.generate(f"rotated-{len(self.keys) + 1}-{alg.lower()}", alg)
        with self._lock:
            self.keys.append(key)
            self.published.append(key)
        return key

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """RFC 9068-shaped claims from this issuer, valid for an hour; ``None`` drops one."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": "user-1",
            "client_id": "test-client",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "jti": f"jti-{time.monotonic_ns()}",
            "scope": "itglue.read",
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def mint(
        self,
        key: SigningKey | None = None,
        *,
        alg: str | None = None,
        kid: str | None = None,
        typ: str | None = "at+jwt",
        **claims: Any,
    ) -> str:
        """A JWT signed with ``key`` (default: the first); ``kid``/``alg``/``typ`` override the
        header (``typ=None`` leaves it out)."""
        key = key or self.key
        algorithm = alg or key.alg
        header = {"alg": algorithm, "kid": kid or key.kid}
        if typ is not None:
            header["typ"] = typ
        return str(jwt.encode(header, self.claims(**claims), key.key, algorithms=[algorithm]))

    def mint_unsigned(self, **claims: Any) -> str:
        """An ``alg: none`` token (RFC 7519 §6: an unsecured JWT, empty signature)."""
        header = {"alg": "none", "typ": "JWT", "kid": self.key.kid}
        return ".".join(
            [
                b64url(json.dumps(header).encode()),
                b64url(json.dumps(self.claims(**claims)).encode()),
                "",
            ]
        )

    def mint_hs256_with_public_key(self, **claims: Any) -> str:
        """The key-confusion attack: HS256 with the issuer's public key (PEM) as the secret.

        Built by hand: joserfc rightly refuses to import a public key as an HMAC secret.
        """
        header = {"alg": "HS256", "typ": "JWT", "kid": self.key.kid}
        signing_input = ".".join(
            [
                b64url(json.dumps(header).encode()),
                b64url(json.dumps(self.claims(**claims)).encode()),
            ]
        )
        mac = hmac.new(self.key.public_pem(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(mac)}"

    @staticmethod
    def tamper(token: str, **claims: Any) -> str:
        """``token`` with its payload changed (``claims`` merged in), the signature kept."""
        header, payload, signature = token.split(".")
        decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        decoded.update(claims)
        return ".".join([header, b64url(json.dumps(decoded).encode()), signature])


def oidc_settings(
    issuer: LocalIssuer, *, public_url: str, discover: bool = False, **auth: Any
) -> Settings:
    """Settings of mode oidc for tokens of ``issuer`` at ``public_url`` (audience =
    ``public_url`` + ``/mcp``); ``discover`` leaves ``jwks_uri`` to the discovery document."""
    fields: dict[str, Any] = {"mode": AuthMode.OIDC, "issuer": issuer.url}
    if not discover:
        fields["jwks_uri"] = issuer.jwks_uri
    fields.update(auth)
    return Settings(public_url=public_url, auth=AuthSettings(**fields))


@contextmanager
def serve_mcp(
    settings: Settings, store: Path | str, *, port: int | None = None, **services: Any
) -> Iterator[str]:
    """Our MCP app for ``settings`` over a migrated store, on loopback.

    Args:
        settings: the settings (``public_url`` should be ``http://127.0.0.1:<port>``).
        store: a migrated SQLite file (copy ``sqlite_template_file``) or a database URL.
        port: the port to bind (the one ``public_url`` names); any free one when ``None``.
        services: extra :class:`Services` fields (``authorizer``, ``audit``, ``revealer`` …).

    Yields:
        The base URL.
    """
    url = store if isinstance(store, str) else f"sqlite+aiosqlite:///{store}"
    engine = create_engine(url, null_pool=True)
    sessions = create_session_factory(engine)
    wired = Services(sessions=sessions, graph=SqlGraphStore(sessions), **services)
    app = build_http_app(build_server(wired, settings.auth), settings)
    try:
        with serve_in_thread(app, port=port or 0) as base_url:
            yield base_url
    finally:
        _blocking(engine.dispose())
