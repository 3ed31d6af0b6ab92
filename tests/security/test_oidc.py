"""Mode oidc over real HTTP: our server on loopback verifying JWTs against a local JWKS.

Every refused token is asserted by HTTP status and by the ``WWW-Authenticate`` challenge a
client acts on (RFC 6750 §3, RFC 9728 §5.1): ``resource_metadata`` pointing at our
protected-resource metadata and ``scope`` naming the read scope.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastmcp import Client

from itglue_mcp.observability import configure_logging
from tests.mcp_http import INITIALIZE, MCP_HEADERS, free_port
from tests.security.jwks import LocalIssuer, oidc_settings, serve_mcp


@dataclass(frozen=True)
class Served:
    """Our server in mode oidc: where it listens and what it calls itself."""

    url: str
    resource: str  # the audience, public_url + /mcp
    metadata_url: str


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer.serve("RS256", "ES256", "PS256") as running:
        yield running


@pytest.fixture(scope="module")
def served(
    issuer: LocalIssuer, sqlite_template_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    store = tmp_path_factory.mktemp("oidc-store") / "itglue.db"
    shutil.copyfile(sqlite_template_file, store)
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    # Refresh interval 0: every unknown kid costs exactly one JWKS fetch, countable here.
    settings = oidc_settings(issuer, public_url=public_url, jwks_refresh_interval_s=0)
    with serve_mcp(settings, store, port=port) as url:
        yield Served(
            url=url,
            resource=f"{public_url}/mcp",
            metadata_url=f"{public_url}/.well-known/oauth-protected-resource/mcp",
        )


def _post(served: Served, token: str | None, body: object = INITIALIZE) -> httpx.Response:
    headers = dict(MCP_HEADERS)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{served.url}/mcp", json=body, headers=headers, timeout=30)


def _challenge(response: httpx.Response) -> dict[str, str]:
    """The parameters of a ``Bearer`` challenge (values without quotes)."""
    header = response.headers["www-authenticate"]
    scheme, _, rest = header.partition(" ")
    assert scheme == "Bearer"
    parameters: dict[str, str] = {}
    for part in rest.split('", '):
        name, _, value = part.partition("=")
        parameters[name.strip()] = value.strip().strip('"')
    return parameters


def _assert_refused(response: httpx.Response, served: Served) -> None:
    assert response.status_code == 401, response.text
    challenge = _challenge(response)
    assert challenge["error"] == "invalid_token"
    assert challenge["resource_metadata"] == served.metadata_url
    assert challenge["scope"] == "itglue.read"


def test_a_request_without_a_token_is_told_where_to_authenticate(served: Served) -> None:
    response = _post(served, None)
    assert response.status_code == 401
    challenge = _challenge(response)
    assert "error" not in challenge  # RFC 6750 §3.1: no error without credentials
    assert challenge["resource_metadata"] == served.metadata_url
    assert challenge["scope"] == "itglue.read"


def test_the_protected_resource_metadata_names_issuer_scopes_and_resource(
    served: Served, issuer: LocalIssuer
) -> None:
    metadata = httpx.get(served.metadata_url).json()
    assert metadata["resource"] == served.resource
    assert [server.rstrip("/") for server in metadata["authorization_servers"]] == [issuer.url]
    assert metadata["scopes_supported"] == ["itglue.read", "itglue.secrets.reveal", "itglue.admin"]
    assert metadata["bearer_methods_supported"] == ["header"]


@pytest.mark.parametrize(
    "case",
    [
        "expired",
        "not yet valid",
        "issued in the future",
        "no expiry",
        "wrong audience",
        "wrong issuer",
        "alg none",
        "hs256 with the public key",
        "tampered signature",
        "another resource",
        "audience list of others",
        "malformed",
        "header not an object",
        "no subject",
        "empty subject",
        "no subject, a user's name as client_id",
        "typ JWT",
        "no typ",
        "typ of an ID token",
        "lifetime over 24 h",
        "no iat, expiring in over 24 h",
    ],
)
def test_bad_tokens_are_refused_with_a_challenge(
    served: Served, issuer: LocalIssuer, case: str
) -> None:
    now = int(time.time())
    aud = served.resource
    tokens = {
        # Beyond the 60 s skew in each direction.
        "expired": lambda: issuer.mint(aud=aud, iat=now - 7200, nbf=now - 7200, exp=now - 61),
        "not yet valid": lambda: issuer.mint(aud=aud, nbf=now + 600, exp=now + 3600),
        "issued in the future": lambda: issuer.mint(aud=aud, iat=now + 600, nbf=None),
        "no expiry": lambda: issuer.mint(aud=aud, exp=None),
        "wrong audience": lambda: issuer.mint(aud="api://some-other-api"),
        "wrong issuer": lambda: issuer.mint(aud=aud, iss="https://evil.example"),
        "alg none": lambda: issuer.mint_unsigned(aud=aud),
        "hs256 with the public key": lambda: issuer.mint_hs256_with_public_key(aud=aud),
        "tampered signature": lambda: LocalIssuer.tamper(
            issuer.mint(aud=aud, scope="itglue.read"), scope="itglue.read itglue.admin"
        ),
        # A token the same IdP issued for another MCP server (RFC 8707 audience restriction).
        "another resource": lambda: issuer.mint(aud=served.resource.replace("/mcp", "/other/mcp")),
        "audience list of others": lambda: issuer.mint(
            aud=["https://other-mcp.example/mcp", "account"]
        ),
        "malformed": lambda: "not-a-jwt",
        "header not an object": lambda: "W10.e30.c2ln",  # [] . {} . "sig"
        # RFC 9068 §2.2: sub is required; a caller is never named after its client.
        "no subject": lambda: issuer.mint(aud=aud, sub=None),
        "empty subject": lambda: issuer.mint(aud=aud, sub=""),
        "no subject, a user's name as client_id": lambda: issuer.mint(
            aud=aud, sub=None, client_id="alice", azp="alice"
        ),
        # RFC 9068 §4: typ at+jwt (the generic preset accepts nothing else).
        "typ JWT": lambda: issuer.mint(aud=aud, typ="JWT"),
        "no typ": lambda: issuer.mint(aud=aud, typ=None),
        "typ of an ID token": lambda: issuer.mint(aud=aud, typ="id_token+jwt"),
        # auth.max_token_lifetime_s, default 24 h: exp - iat, else exp - now.
        "lifetime over 24 h": lambda: issuer.mint(aud=aud, iat=now - 60, exp=now + 86400),
        "no iat, expiring in over 24 h": lambda: issuer.mint(aud=aud, iat=None, exp=now + 86460),
    }
    _assert_refused(_post(served, tokens[case]()), served)


@pytest.mark.parametrize("typ", ["at+jwt", "AT+JWT", "application/at+jwt"])
def test_the_access_token_types_of_rfc_9068_are_accepted(
    served: Served, issuer: LocalIssuer, typ: str
) -> None:
    now = int(time.time())
    token = issuer.mint(aud=served.resource, typ=typ, iat=now - 60, exp=now + 86400 - 61)
    assert _post(served, token).status_code == 200  # a lifetime of just under 24 h too


def test_a_slightly_skewed_clock_is_tolerated(served: Served, issuer: LocalIssuer) -> None:
    now = int(time.time())
    token = issuer.mint(aud=served.resource, iat=now + 30, nbf=now + 30)
    assert _post(served, token).status_code == 200


@pytest.mark.parametrize("index", [0, 1, 2], ids=["RS256", "ES256", "PS256"])
def test_each_allowed_algorithm_is_accepted(
    served: Served, issuer: LocalIssuer, index: int
) -> None:
    token = issuer.mint(issuer.keys[index], aud=served.resource)
    assert _post(served, token).status_code == 200


def test_an_unknown_kid_costs_one_jwks_refresh_and_a_rotated_key_is_picked_up(
    served: Served, issuer: LocalIssuer
) -> None:
    assert _post(served, issuer.mint(aud=served.resource)).status_code == 200  # JWKS cached
    before = issuer.jwks_fetches
    assert _post(served, issuer.mint(aud=served.resource)).status_code == 200
    assert issuer.jwks_fetches == before  # a known kid is served from the cache

    unknown = issuer.mint(aud=served.resource, kid="never-published")
    _assert_refused(_post(served, unknown), served)
    assert issuer.jwks_fetches == before + 1  # exactly one refresh, still unknown: 401

    rotated = issuer.rotate("RS256")
    response = _post(served, issuer.mint(rotated, aud=served.resource))
    assert response.status_code == 200  # the refresh published the new key
    assert issuer.jwks_fetches == before + 2


def test_a_token_without_the_read_scope_is_asked_to_step_up(
    served: Served, issuer: LocalIssuer
) -> None:
    response = _post(served, issuer.mint(aud=served.resource, scope="openid profile"))
    assert response.status_code == 403
    challenge = _challenge(response)
    assert challenge["error"] == "insufficient_scope"
    assert challenge["scope"] == "itglue.read"
    assert challenge["resource_metadata"] == served.metadata_url


def test_revealing_without_the_reveal_scope_is_403_with_the_needed_scopes(
    served: Served, issuer: LocalIssuer
) -> None:
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "get_password", "arguments": {"name": "Domain Admin", "reveal": True}},
    }
    read_only = issuer.mint(aud=served.resource, scope="itglue.read")
    response = _post(served, read_only, call)
    assert response.status_code == 403
    challenge = _challenge(response)
    assert challenge["error"] == "insufficient_scope"
    assert challenge["scope"] == "itglue.read itglue.secrets.reveal"
    assert challenge["resource_metadata"] == served.metadata_url
    assert response.json()["error"] == "insufficient_scope"

    # The same call with the scope, or without reveal, passes the step-up check.
    revealer = issuer.mint(aud=served.resource, scope="itglue.read itglue.secrets.reveal")
    assert _post(served, revealer, call).status_code == 200
    metadata_only = {**call, "params": {"name": "get_password", "arguments": {"name": "x"}}}
    assert _post(served, read_only, metadata_only).status_code == 200


async def test_a_valid_token_lists_and_calls_tools_and_is_never_logged(
    served: Served,
    issuer: LocalIssuer,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure_logging("DEBUG", json=True)
    caplog.set_level(logging.DEBUG)
    token = issuer.mint(aud=served.resource, scope="itglue.read")
    refused = issuer.mint(aud="api://elsewhere")
    unscoped = issuer.mint(aud=served.resource, scope="openid")

    async with Client(f"{served.url}/mcp", auth=token) as client:
        tools = {tool.name for tool in await client.list_tools()}
        result = await client.call_tool("health", {})
    assert _post(served, refused).status_code == 401
    assert _post(served, unscoped, {**INITIALIZE, "method": "tools/call"}).status_code == 403

    assert {"health", "search", "get_password"} <= tools
    assert result.structured_content is not None
    assert result.structured_content["ready"] is False  # the store was never synced
    captured = capfd.readouterr()
    logged = captured.out + captured.err + caplog.text
    assert "auth.step_up" in logged  # the logs were captured…
    for secret in (token, refused, unscoped):  # …and hold none of the tokens
        assert secret not in logged
        assert secret.split(".")[2] not in logged  # not even the signature


def _rpc_result(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC message of a 200 answer, sent as JSON or as one server-sent event."""
    if response.headers["content-type"].startswith("text/event-stream"):
        data = [line[5:] for line in response.text.splitlines() if line.startswith("data:")]
        message: dict[str, Any] = json.loads(data[-1])
        return message
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize("reveal", ["true", 1, "yes", "True", 1.0])
def test_reveal_is_a_json_boolean_or_the_call_is_refused_before_any_reveal(
    served: Served, issuer: LocalIssuer, reveal: object
) -> None:
    """Step-up and the tool decide from the same argument: only JSON ``true`` reveals, so a
    coerced ``"true"`` can neither slip past the 403 challenge nor reach the revealer."""
    call = {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "tools/call",
        "params": {"name": "get_password", "arguments": {"name": "Domain Admin", "reveal": reveal}},
    }
    read_only = issuer.mint(aud=served.resource, scope="itglue.read")
    response = _post(served, read_only, call)
    assert response.status_code == 200, response.text
    result = _rpc_result(response)["result"]
    assert result["isError"] is True
    text = result["content"][0]["text"]
    assert "reveal" in text
    assert "not available" not in text  # the reveal path was never entered
