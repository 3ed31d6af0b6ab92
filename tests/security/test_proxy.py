"""Auth mode ``proxy``: our server fronts a real identity provider, its state shared in Redis.

Two replicas (A and B) serve the same ``public_url`` (A's address, as a load balancer would)
over the same Redis (``ITGLUE_MCP_TEST_REDIS_URL``, a key prefix per test, removed after it),
each built by ``build_http_app`` in mode ``proxy``. The upstream is the npm ``oidc-provider``
of ``tests/security/conftest.py`` (JWT access tokens; or opaque ones, the proxy then checking
the ID token); the proxy's "pre-registered" client is registered there once per test. A
headless browser registers an MCP client at A, starts the login at A, passes the proxy's
consent page and the IdP's login and consent; B takes the IdP callback, hands out the token
and serves the tool call. What is in Redis is read back raw: nothing readable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
import pytest_asyncio
from cryptography.fernet import Fernet, InvalidToken
from fastmcp import Client, FastMCP
from fastmcp.server.dependencies import get_access_token
from pydantic import SecretStr, ValidationError
from redis.asyncio import Redis

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import AuthMode, AuthSettings, ServerSettings, Settings
from itglue_mcp.config.proxy import ProxySettings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.observability import configure_logging
from itglue_mcp.security.proxy import build_proxy_provider
from itglue_mcp.server.app import build_http_app
from tests.idp.oidc_provider import IdentityProvider
from tests.mcp_http import INITIALIZE, MCP_HEADERS, free_port

# py-key-value-aio's RedisStore writes with SETEX, which redis-py 8 marks deprecated (the
# command itself is fine); the warning is raised on the replicas' threads.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")

REDIS_URL = os.environ.get("ITGLUE_MCP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CLIENT_REDIRECT = "http://127.0.0.1:8977/callback"
"""The MCP client's loopback callback; nothing listens there, the browser reads the redirect."""
CLIENT_NAME = "proxy-test-client"
SCOPES = ["openid", "itglue.read", "itglue.secrets.reveal"]


@dataclass(frozen=True)
class Deployment:
    """What every replica of one deployment shares: URL, upstream client, keys, Redis prefix."""

    public_url: str
    issuer: str
    token_format: str
    client_id: str
    client_secret: str
    jwt_signing_key: str
    storage_encryption_key: str
    prefix: str

    def settings(self, port: int, **proxy: Any) -> Settings:
        """Settings of a replica listening on ``port``; ``proxy`` overrides auth.proxy fields."""
        fields: dict[str, Any] = {
            # Opaque upstream access tokens: the proxy checks the ID token (the Google case).
            "verify_id_token": self.token_format == "opaque",
            "client_id": self.client_id,
            "client_secret": SecretStr(self.client_secret),
            "jwt_signing_key": SecretStr(self.jwt_signing_key),
            "storage_encryption_key": SecretStr(self.storage_encryption_key),
            "redis_prefix": self.prefix,
            **proxy,
        }
        return Settings(
            public_url=self.public_url,
            redis_url=SecretStr(REDIS_URL),
            server=ServerSettings(host="127.0.0.1", port=port),
            auth=AuthSettings(
                mode=AuthMode.PROXY, issuer=self.issuer, proxy=ProxySettings(**fields)
            ),
        )

    @property
    def secrets(self) -> list[str]:
        return [self.client_secret, self.jwt_signing_key, self.storage_encryption_key]


def whoami_server() -> FastMCP:
    """A server with one tool showing the access token the tools see (never its value)."""
    mcp = FastMCP("proxy-replica")

    @mcp.tool
    def whoami() -> dict[str, Any]:
        token = get_access_token()
        assert token is not None
        return {
            "subject": token.claims.get("sub"),
            "client_id": token.client_id,
            "scopes": sorted(token.scopes),
            "token_sha256": hashlib.sha256(token.token.encode()).hexdigest(),
        }

    return mcp


@contextmanager
def replica(deployment: Deployment, port: int | None = None, **proxy: Any) -> Iterator[str]:
    """One replica (``build_http_app`` in mode proxy) on loopback; yields its base URL."""
    port = port or free_port()
    app = build_http_app(whoami_server(), deployment.settings(port, **proxy))
    with serve_in_thread(app, port=port) as url:
        yield url


async def register_upstream_client(issuer: str, public_url: str) -> tuple[str, str]:
    """The proxy's confidential client at the IdP (what an admin pre-registers by hand)."""
    async with httpx.AsyncClient(timeout=10.0) as http:
        response = await http.post(
            f"{issuer}/reg",
            json={
                "client_name": "itglue-mcp proxy",
                "redirect_uris": [f"{public_url}/auth/callback"],
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic",
            },
        )
    assert response.status_code == 201, response.status_code
    body = response.json()
    return body["client_id"], body["client_secret"]


@pytest_asyncio.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A Redis key prefix of this test alone; its keys are deleted afterwards."""
    prefix = f"itglue-mcp-test-proxy-{uuid.uuid4().hex[:12]}"
    yield prefix
    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


@pytest_asyncio.fixture
async def deployment(request: pytest.FixtureRequest, redis_prefix: str) -> Deployment:
    """A deployment whose public URL is a free loopback port (replica A binds it), in front of
    the IdP issuing JWT access tokens, or (indirect parameter ``"opaque"``) opaque ones.
    """
    token_format: str = getattr(request, "param", "jwt")
    fixture = "opaque_identity_provider" if token_format == "opaque" else "identity_provider"
    upstream: IdentityProvider = request.getfixturevalue(fixture)
    public_url = f"http://127.0.0.1:{free_port()}"
    client_id, client_secret = await register_upstream_client(upstream.issuer, public_url)
    return Deployment(
        public_url=public_url,
        issuer=upstream.issuer,
        token_format=token_format,
        client_id=client_id,
        client_secret=client_secret,
        jwt_signing_key=secrets.token_urlsafe(32),
        storage_encryption_key=Fernet.generate_key().decode(),
        prefix=redis_prefix,
    )


def port_of(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


def on(base: str, url: str) -> str:
    """``url`` sent to the replica at ``base`` instead (what a load balancer decides)."""
    parts = urlsplit(urljoin(base, url))
    return f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else "")


async def stored(prefix: str) -> dict[str, str]:
    """Every key of ``prefix`` in Redis with its raw value."""
    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        keys = sorted([key async for key in redis.scan_iter(match=f"{prefix}*")])
        values = await redis.mget(keys) if keys else []
    finally:
        await redis.aclose()
    return {key: value for key, value in zip(keys, values, strict=True) if value is not None}


def decrypted(raw: str, key: str) -> dict[str, Any]:
    """The record inside one stored document (raises InvalidToken for a wrong key)."""
    envelope = json.loads(raw)["value"]
    token = base64.b64decode(envelope["__encrypted_data__"])
    record: dict[str, Any] = json.loads(Fernet(key.encode()).decrypt(token))
    return record


def claims_of(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (the signature is the server's business)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def register_mcp_client(browser: httpx.AsyncClient, base: str) -> str:
    """Dynamic client registration (RFC 7591) of a public MCP client at the proxy."""
    response = await browser.post(
        f"{base}/register",
        json={
            "client_name": CLIENT_NAME,
            "redirect_uris": [CLIENT_REDIRECT],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        },
    )
    assert response.status_code == 201, response.text
    client_id = response.json()["client_id"]
    assert isinstance(client_id, str)
    return client_id


async def authorize(
    browser: httpx.AsyncClient, base: str, client_id: str, challenge: str, state: str, resource: str
) -> httpx.Response:
    return await browser.get(
        f"{base}/authorize",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": CLIENT_REDIRECT,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "scope": " ".join(SCOPES),
            "resource": resource,
        },
    )


async def approve_consent(browser: httpx.AsyncClient, base: str, consent_url: str) -> str:
    """The proxy's consent page, approved; returns the upstream authorization URL."""
    page = await browser.get(on(base, consent_url))
    assert page.status_code == 200
    fields = dict(re.findall(r'name="(txn_id|csrf_token)" value="([^"]+)"', page.text))
    approved = await browser.post(on(base, consent_url), data={**fields, "action": "approve"})
    assert approved.status_code == 302, approved.text
    return approved.headers["location"]


async def upstream_login(browser: httpx.AsyncClient, url: str, callback: str, user: str) -> str:
    """Log ``user`` in at the IdP and consent; returns the IdP's redirect to ``callback``."""
    response = await browser.get(url)
    for _ in range(10):
        assert response.status_code in (302, 303), response.text
        location = urljoin(str(response.url), response.headers["location"])
        if location.startswith(callback):
            return location
        if "/interaction/" not in location:
            response = await browser.get(location)
            continue
        prompt = (await browser.get(location)).json()["prompt"]
        form = {"login": user, "password": f"{user}-password"} if prompt == "login" else {}
        response = await browser.post(f"{location}/{prompt}", data=form)
    raise AssertionError("the IdP did not redirect back within 10 steps")


async def exchange_code(
    browser: httpx.AsyncClient, base: str, client_id: str, code: str, verifier: str
) -> dict[str, Any]:
    response = await browser.post(
        f"{base}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CLIENT_REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def whoami(base: str, token: str) -> dict[str, Any]:
    async with Client(f"{base}/mcp", auth=token) as client:
        result = await client.call_tool("whoami", {})
    assert result.structured_content is not None
    return dict(result.structured_content)


async def test_the_proxy_serves_its_metadata_and_challenges_without_token(
    deployment: Deployment,
) -> None:
    resource = f"{deployment.public_url}/mcp"
    with replica(deployment, port_of(deployment.public_url)) as base:
        async with httpx.AsyncClient(base_url=base, timeout=10.0) as http:
            server = (await http.get("/.well-known/oauth-authorization-server")).json()
            protected = (await http.get("/.well-known/oauth-protected-resource/mcp")).json()
            challenge = await http.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)

    assert server["issuer"].rstrip("/") == deployment.public_url
    assert server["registration_endpoint"] == f"{deployment.public_url}/register"
    assert server["authorization_endpoint"] == f"{deployment.public_url}/authorize"
    assert server["token_endpoint"] == f"{deployment.public_url}/token"
    assert server["code_challenge_methods_supported"] == ["S256"]
    assert {"itglue.read", "itglue.secrets.reveal", "itglue.admin"} <= set(
        server["scopes_supported"]
    )
    assert protected["resource"] == resource
    assert [url.rstrip("/") for url in protected["authorization_servers"]] == [
        deployment.public_url
    ]
    assert challenge.status_code == 401
    assert "resource_metadata=" in challenge.headers["www-authenticate"]


async def test_a_client_registered_on_one_replica_is_known_to_the_others_with_the_key(
    deployment: Deployment,
) -> None:
    resource = f"{deployment.public_url}/mcp"
    _, challenge = pkce_pair()
    wrong_key = Fernet.generate_key().decode()
    with (
        replica(deployment, port_of(deployment.public_url)) as a,
        replica(deployment) as b,
        replica(deployment, storage_encryption_key=SecretStr(wrong_key)) as c,
    ):
        async with httpx.AsyncClient(timeout=10.0) as browser:
            client_id = await register_mcp_client(browser, a)
            at_b = await authorize(browser, b, client_id, challenge, "s1", resource)
            at_c = await authorize(browser, c, client_id, challenge, "s2", resource)
            unknown = await authorize(browser, b, "never-registered", challenge, "s3", resource)
            foreign = await browser.post(
                f"{b}/register",
                json={"client_name": "elsewhere", "redirect_uris": ["https://evil.example/cb"]},
            )
            # An attacker with write access replaces the record by a plaintext one.
            (key, raw), *_ = [
                (key, raw)
                for key, raw in (await stored(deployment.prefix)).items()
                if "oauth-proxy-clients" in key
            ]
            document = json.loads(raw)
            document["value"] = decrypted(raw, deployment.storage_encryption_key)
            redis = Redis.from_url(REDIS_URL, decode_responses=True)
            try:
                await redis.set(key, json.dumps(document))
            finally:
                await redis.aclose()
            planted = await authorize(browser, b, client_id, challenge, "s4", resource)

    assert at_b.status_code == 302  # B knows the client A registered: on to the consent page
    assert urlsplit(at_b.headers["location"]).path == "/consent"
    assert at_c.status_code == 400  # C has another storage key: the record reads as absent
    assert unknown.status_code == 400
    assert foreign.status_code == 400  # a redirect URI off the allow-list is not registered
    assert foreign.json()["error"] == "invalid_redirect_uri"
    assert planted.status_code == 400  # plaintext in Redis is never trusted
    assert document["value"]["client_id"] == client_id  # (it was the real record)


@pytest.mark.parametrize("deployment", ["jwt", "opaque"], indirect=True)
async def test_a_login_started_on_one_replica_finishes_on_another(
    deployment: Deployment,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure_logging("DEBUG", json=True)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="fastmcp")  # fastmcp logs to stderr (capfd)
    resource = f"{deployment.public_url}/mcp"
    callback = f"{deployment.public_url}/auth/callback"
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    with (
        replica(deployment, port_of(deployment.public_url)) as a,
        replica(deployment) as b,
    ):
        async with httpx.AsyncClient(timeout=10.0) as browser:
            # Replica A: registration, authorization request, consent.
            client_id = await register_mcp_client(browser, a)
            started = await authorize(browser, a, client_id, challenge, state, resource)
            assert started.status_code == 302
            upstream = await approve_consent(browser, a, started.headers["location"])
            assert upstream.startswith(f"{deployment.issuer}/auth?")
            assert parse_qs(urlsplit(upstream).query)["resource"] == [resource]
            back = await upstream_login(browser, upstream, callback, "alice")
            # Replica B: the IdP's callback, the code exchange, the tool call.
            forwarded = await browser.get(on(b, back))
            assert forwarded.status_code == 302, forwarded.text
            answer = parse_qs(urlsplit(forwarded.headers["location"]).query)
            assert forwarded.headers["location"].startswith(CLIENT_REDIRECT)
            assert answer["state"] == [state]
            mid_flow = await stored(deployment.prefix)
            tokens = await exchange_code(browser, b, client_id, answer["code"][0], verifier)
            on_b = await whoami(b, tokens["access_token"])
            on_a = await whoami(a, tokens["access_token"])
            refused = await browser.post(f"{b}/mcp", json=INITIALIZE, headers=MCP_HEADERS)
        at_rest = await stored(deployment.prefix)

    access_token = tokens["access_token"]
    claims = claims_of(access_token)
    assert claims["aud"] == resource  # the proxy's token is bound to this MCP endpoint
    assert claims["client_id"] == client_id
    token_sha = hashlib.sha256(access_token.encode()).hexdigest()
    assert (
        on_b
        == on_a
        == {
            "subject": "alice",
            "client_id": client_id,
            "scopes": ["itglue.read", "itglue.secrets.reveal"],
            "token_sha256": token_sha,  # the tools see the caller's token, not the IdP's
        }
    )
    assert refused.status_code == 401

    # What Redis held: only encrypted records under digest names.
    records = [decrypted(raw, deployment.storage_encryption_key) for raw in at_rest.values()]
    upstream_tokens = [
        record for record in records if "upstream_token_id" in record and "access_token" in record
    ]
    assert len(upstream_tokens) == 1
    idp_token = upstream_tokens[0]["access_token"]
    assert idp_token != access_token
    if deployment.token_format == "jwt":
        assert claims_of(idp_token)["aud"] == resource  # the resource was forwarded upstream
    readable = [client_id, CLIENT_NAME, CLIENT_REDIRECT, "alice", idp_token, access_token]
    readable += [answer["code"][0], deployment.client_id, *deployment.secrets]
    assert mid_flow and at_rest
    for key, raw in {**mid_flow, **at_rest}.items():
        assert re.fullmatch(rf"{deployment.prefix}__mcp-[a-z-]+::[0-9a-f]{{64}}", key), key
        document = json.loads(raw)
        assert set(document["value"]) == {"__encrypted_data__", "__encryption_version__"}
        with pytest.raises(InvalidToken):
            decrypted(raw, Fernet.generate_key().decode())
        for value in readable:
            assert value not in key + raw

    captured = capfd.readouterr()
    logged = captured.out + captured.err + caplog.text
    assert "auth.mode" in logged and "Token swap successful" in logged  # logs captured…
    for value in [idp_token, access_token, *deployment.secrets]:
        assert value not in logged  # …and hold no token and no key


def test_missing_or_weak_proxy_settings_are_refused_by_name() -> None:
    base = Deployment(
        public_url="https://mcp.msp.example",
        issuer="https://login.example.test",
        token_format="jwt",
        client_id="itglue-mcp",
        client_secret=secrets.token_urlsafe(24),
        jwt_signing_key=secrets.token_urlsafe(32),
        storage_encryption_key=Fernet.generate_key().decode(),
        prefix="unused",
    )
    without_redis = base.settings(8765).model_copy(update={"redis_url": None})
    with pytest.raises(ConfigurationError, match=r"^redis_url: required in auth\.mode proxy"):
        build_proxy_provider(without_redis)
    with pytest.raises(ConfigurationError, match=r"^auth\.proxy\.client_id: required"):
        build_proxy_provider(base.settings(8765, client_id=None))
    http_public = base.settings(8765).model_copy(update={"public_url": "http://mcp.msp.example"})
    with pytest.raises(ConfigurationError, match=r"^public_url: .*https"):
        build_proxy_provider(http_public)

    refused = {
        "jwt_signing_key": ["too-short-key", "changeme-" + secrets.token_urlsafe(32), "a" * 40],
        "storage_encryption_key": [
            "not-a-fernet-key",
            base64.urlsafe_b64encode(bytes(32)).decode(),  # a Fernet key of zeros
        ],
        "client_secret": ["your-client-secret-here"],
    }
    for name, values in refused.items():
        for value in values:
            with pytest.raises(ValidationError, match=rf"auth\.proxy\.{name}: ") as raised:
                ProxySettings(**{name: SecretStr(value)})
            assert value not in str(raised.value)  # the message names the field, not the value
