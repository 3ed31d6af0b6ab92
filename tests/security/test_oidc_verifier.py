"""Mode oidc settings and the pieces of the verifier: algorithm allow-list in settings, JWKS
refresh throttling, discovery of the JWKS, RFC 7662 introspection, public URL rules."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastmcp.server.auth import RemoteAuthProvider
from pydantic import SecretStr, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import AuthMode, AuthSettings, ServerSettings, Settings
from itglue_mcp.config.auth import ClaimMapping, ClaimsPreset
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security import build_auth_provider, check_bind
from itglue_mcp.security.oidc import AccessTokenVerifier, discover_jwks_uri
from tests.security.jwks import LocalIssuer, oidc_settings

PUBLIC = "https://mcp.msp.example"
AUDIENCE = f"{PUBLIC}/mcp"


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer.serve() as running:
        yield running


@pytest.mark.parametrize("algorithm", ["none", "HS256", "HS512", "EdDSA", "rs256"])
def test_settings_refuse_algorithms_outside_the_allow_list(algorithm: str) -> None:
    with pytest.raises(ValidationError, match=r"auth\.algorithms: .*not accepted") as refused:
        AuthSettings(algorithms=["RS256", algorithm])
    assert algorithm in str(refused.value)


def test_settings_bound_the_clock_skew_and_need_an_issuer_in_mode_oidc() -> None:
    with pytest.raises(ValidationError, match="clock_skew_s"):
        AuthSettings(clock_skew_s=301)
    with pytest.raises(ValidationError, match=r"auth\.issuer: required"):
        AuthSettings(mode=AuthMode.OIDC)
    with pytest.raises(ValidationError, match=r"auth\.introspection_client_id"):
        AuthSettings(mode=AuthMode.OIDC, issuer=PUBLIC, introspection_url=f"{PUBLIC}/i")


@pytest.mark.parametrize(
    ("preset", "accepted"),
    [
        (ClaimsPreset.GENERIC, False),
        (ClaimsPreset.ENTRA, True),
        (ClaimsPreset.OKTA, True),
        (ClaimsPreset.AUTH0, True),
        (ClaimsPreset.KEYCLOAK, True),
        (ClaimsPreset.GOOGLE, True),
    ],
)
async def test_plain_jwt_typ_is_accepted_as_the_preset_chooses_unless_set(
    issuer: LocalIssuer, preset: ClaimsPreset, accepted: bool
) -> None:
    plain = issuer.mint(aud=AUDIENCE, typ="JWT")
    untyped = issuer.mint(aud=AUDIENCE, typ=None)
    for setting, expected in ((None, accepted), (True, True), (False, False)):
        settings = oidc_settings(
            issuer,
            public_url=PUBLIC,
            claims=ClaimMapping(preset=preset),
            accept_plain_jwt=setting,
        )
        assert settings.auth.plain_jwt_accepted is expected
        provider = build_auth_provider(settings)
        assert provider is not None
        assert (await provider.verify_token(plain) is not None) is expected
        assert (await provider.verify_token(untyped) is not None) is expected
        assert await provider.verify_token(issuer.mint(aud=AUDIENCE)) is not None  # at+jwt


async def test_the_maximum_token_lifetime_is_a_setting(issuer: LocalIssuer) -> None:
    now = int(time.time())
    hour = issuer.mint(aud=AUDIENCE, iat=now, exp=now + 3600)
    two_hours = issuer.mint(aud=AUDIENCE, iat=now, exp=now + 7200)
    settings = oidc_settings(issuer, public_url=PUBLIC, max_token_lifetime_s=3600)
    provider = build_auth_provider(settings)
    assert provider is not None
    assert await provider.verify_token(hour) is not None
    assert await provider.verify_token(two_hours) is None
    with pytest.raises(ValidationError, match="max_token_lifetime_s"):
        AuthSettings(max_token_lifetime_s=59)


def test_scope_names_are_configurable_and_the_static_scopes_follow_them() -> None:
    auth = AuthSettings.model_validate(
        {"scopes": {"read": "kb:read", "reveal": "kb:reveal", "admin": "kb:admin"}}
    )
    assert auth.static_scopes == ["kb:read", "kb:reveal", "kb:admin"]
    assert AuthSettings(static_scopes=["kb:read"]).static_scopes == ["kb:read"]


@pytest.mark.parametrize(
    ("public_url", "allowed"),
    [
        (None, False),
        ("http://mcp.msp.example", False),
        ("ftp://mcp.msp.example", False),
        ("https://mcp.msp.example", True),
        ("http://127.0.0.1:8765", True),
        ("http://localhost:8765", True),
    ],
)
@pytest.mark.parametrize("mode", [AuthMode.OIDC, AuthMode.PROXY])
def test_modes_oidc_and_proxy_bind_anywhere_but_need_an_https_public_url(
    mode: AuthMode, public_url: str | None, allowed: bool
) -> None:
    settings = Settings(
        public_url=public_url,
        server=ServerSettings(host="0.0.0.0"),
        auth=AuthSettings(mode=mode, issuer="https://idp.example"),
    )
    if allowed:
        check_bind(settings)
        return
    with pytest.raises(ConfigurationError, match="public_url"):
        check_bind(settings)


def test_the_provider_advertises_issuer_scopes_and_the_resource(issuer: LocalIssuer) -> None:
    provider = build_auth_provider(oidc_settings(issuer, public_url=PUBLIC))
    assert isinstance(provider, RemoteAuthProvider)
    assert [str(server).rstrip("/") for server in provider.authorization_servers] == [issuer.url]
    assert provider.scopes_supported == ["itglue.read", "itglue.secrets.reveal", "itglue.admin"]
    assert provider.required_scopes == ["itglue.read"]
    verifier = provider.token_verifier
    assert isinstance(verifier, AccessTokenVerifier)
    assert (verifier.issuer, verifier.audience) == (issuer.url, AUDIENCE)


def test_an_explicit_audience_replaces_the_resource_url(issuer: LocalIssuer) -> None:
    settings = oidc_settings(issuer, public_url=PUBLIC, audience="api://itglue-mcp")
    provider = build_auth_provider(settings)
    assert isinstance(provider, RemoteAuthProvider)
    assert isinstance(provider.token_verifier, AccessTokenVerifier)
    assert provider.token_verifier.audience == "api://itglue-mcp"


def _verifier(issuer: LocalIssuer, **options: Any) -> AccessTokenVerifier:
    settings: dict[str, Any] = {
        "jwks_uri": issuer.jwks_uri,
        "issuer": issuer.url,
        "audience": AUDIENCE,
        "algorithms": ["RS256"],
        "clock_skew_s": 60,
        "jwks_cache_s": 3600,
        "jwks_refresh_interval_s": 30.0,
    }
    settings.update(options)
    return AccessTokenVerifier(**settings)


async def test_made_up_kids_cannot_make_the_server_hammer_the_jwks(issuer: LocalIssuer) -> None:
    verifier = _verifier(issuer, jwks_refresh_interval_s=1.0)
    assert await verifier.verify_token(issuer.mint(aud=AUDIENCE)) is not None
    fetched = issuer.jwks_fetches
    assert await verifier.verify_token(issuer.mint(aud=AUDIENCE, kid="too-soon")) is None
    assert issuer.jwks_fetches == fetched  # within the interval of the last fetch: none
    await asyncio.sleep(1.1)
    for number in range(5):
        token = issuer.mint(aud=AUDIENCE, kid=f"made-up-{number}")
        assert await verifier.verify_token(token) is None
    assert issuer.jwks_fetches == fetched + 1  # the first refreshed once, the rest throttled
    assert await verifier.verify_token(issuer.mint(aud=AUDIENCE)) is not None  # cache kept


async def test_an_expired_jwks_cache_is_fetched_again(issuer: LocalIssuer) -> None:
    verifier = _verifier(issuer, jwks_cache_s=1, jwks_refresh_interval_s=0)
    assert await verifier.verify_token(issuer.mint(aud=AUDIENCE)) is not None
    fetched = issuer.jwks_fetches
    verifier._verifiers["RS256"]._jwks_cache_time -= 2  # the cache is now 2 s old
    assert await verifier.verify_token(issuer.mint(aud=AUDIENCE)) is not None
    assert issuer.jwks_fetches == fetched + 1


async def test_the_verified_token_carries_claims_and_scopes(issuer: LocalIssuer) -> None:
    token = issuer.mint(aud=AUDIENCE, scope="itglue.read itglue.admin", groups=["ops"])
    access = await _verifier(issuer).verify_token(token)
    assert access is not None
    assert access.scopes == ["itglue.read", "itglue.admin"]
    assert access.claims["groups"] == ["ops"]
    assert access.subject == "user-1"


def test_the_jwks_uri_comes_from_the_discovery_document(issuer: LocalIssuer) -> None:
    assert discover_jwks_uri(issuer.url) == issuer.jwks_uri
    provider = build_auth_provider(oidc_settings(issuer, public_url=PUBLIC, discover=True))
    assert isinstance(provider, RemoteAuthProvider)
    assert isinstance(provider.token_verifier, AccessTokenVerifier)
    assert provider.token_verifier.jwks_uri == issuer.jwks_uri


def test_a_discovery_document_of_another_issuer_is_refused(issuer: LocalIssuer) -> None:
    async def discovery(_request: Request) -> JSONResponse:
        return JSONResponse({"issuer": issuer.url, "jwks_uri": issuer.jwks_uri})

    app = Starlette(routes=[Route("/.well-known/openid-configuration", discovery)])
    with serve_in_thread(app) as impostor, pytest.raises(ConfigurationError, match=r"auth\.issuer"):
        discover_jwks_uri(impostor)


def test_without_a_discovery_document_the_jwks_uri_must_be_set() -> None:
    with (
        serve_in_thread(Starlette()) as empty,
        pytest.raises(ConfigurationError, match=r"auth\.jwks_uri"),
    ):
        discover_jwks_uri(empty)


async def test_opaque_tokens_are_checked_by_introspection() -> None:
    client_secret = "introspection-secret-4f1c9a"
    active = {
        "good-opaque-token": {
            "active": True,
            "scope": "itglue.read",
            "client_id": "svc",
            "sub": "user-9",
            "aud": AUDIENCE,
        },
        "other-audience": {"active": True, "scope": "itglue.read", "aud": "https://x/mcp"},
        # No subject: the client is no user (RFC 9068 §2.2 by analogy), refused.
        "no-subject": {
            "active": True,
            "scope": "itglue.read",
            "client_id": "alice",
            "aud": AUDIENCE,
        },
    }
    authorizations: list[str] = []

    async def introspect(request: Request) -> JSONResponse:
        authorizations.append(request.headers.get("authorization", ""))
        token = (await request.form()).get("token")
        return JSONResponse(active.get(str(token), {"active": False}))

    app = Starlette(routes=[Route("/introspect", introspect, methods=["POST"])])
    with serve_in_thread(app) as idp:
        settings = Settings(
            public_url=PUBLIC,
            auth=AuthSettings(
                mode=AuthMode.OIDC,
                issuer=idp,
                introspection_url=f"{idp}/introspect",
                introspection_client_id="itglue-mcp",
                introspection_client_secret=SecretStr(client_secret),
            ),
        )
        provider = build_auth_provider(settings)
        assert provider is not None
        good = await provider.verify_token("good-opaque-token")
        assert await provider.verify_token("other-audience") is None
        assert await provider.verify_token("revoked") is None
        assert await provider.verify_token("no-subject") is None
    assert good is not None
    assert (good.subject, good.scopes) == ("user-9", ["itglue.read"])
    expected = base64.b64encode(f"itglue-mcp:{client_secret}".encode()).decode()
    assert authorizations[0] == f"Basic {expected}"
