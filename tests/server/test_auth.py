"""Static development bearer token over real HTTP, and the loopback-only rule."""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path

import httpx
import pytest
from fastmcp import Client
from mcp.shared.exceptions import MCPError
from pydantic import SecretStr

from itglue_mcp.config import AuthMode, AuthSettings, ServerSettings, Settings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.observability import configure_logging
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.mcp_http import INITIALIZE, MCP_HEADERS
from tests.sync.indexed import serving

TOKEN = secrets.token_urlsafe(32)
STATIC = Settings(
    auth=AuthSettings(mode=AuthMode.STATIC, static_token=SecretStr(TOKEN), static_subject="dev")
)


async def test_the_static_token_is_required_and_never_logged(
    database_url: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging("DEBUG", json=True)
    caplog.set_level(logging.DEBUG)
    wrong = secrets.token_urlsafe(32)

    async with serving(database_url, settings=STATIC) as url:
        async with httpx.AsyncClient(base_url=url, headers=MCP_HEADERS) as http:
            missing = await http.post("/mcp", json=INITIALIZE)
            refused = await http.post(
                "/mcp", json=INITIALIZE, headers={"Authorization": f"Bearer {wrong}"}
            )
            probes = [(await http.get(path)).status_code for path in ("/healthz", "/readyz")]
        async with Client(f"{url}/mcp", auth=TOKEN) as client:
            result = await client.call_tool("health", {})
        with pytest.raises(MCPError):
            async with Client(f"{url}/mcp", auth=wrong) as client:
                await client.call_tool("health", {})

    assert missing.status_code == 401 and refused.status_code == 401
    assert "bearer" in missing.headers["www-authenticate"].lower()
    assert probes == [200, 503]  # probes answer without a token
    assert result.structured_content is not None
    assert result.structured_content["reason"] == "no sync has succeeded"
    captured = capfd.readouterr()
    logged = captured.out + captured.err + caplog.text
    assert "auth.mode" in logged  # the logs were captured…
    for token in (TOKEN, wrong):  # …and hold neither token
        assert token not in logged
        assert token not in missing.text + refused.text


def _challenge(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The scheme and the auth-params of a ``WWW-Authenticate`` header (RFC 7235 §4.1)."""
    header = response.headers["www-authenticate"]
    scheme, _, params = header.partition(" ")
    return scheme, dict(re.findall(r'(\w+)="([^"]*)"', params))


async def test_static_mode_challenges_with_a_plain_bearer_realm_and_no_oauth_login(
    database_url: str,
) -> None:
    wrong = secrets.token_urlsafe(32)

    async with (
        serving(database_url, settings=STATIC) as url,
        httpx.AsyncClient(base_url=url, headers=MCP_HEADERS) as http,
    ):
        missing = await http.post("/mcp", json=INITIALIZE)
        basic = await http.post("/mcp", json=INITIALIZE, headers={"Authorization": "Basic eA=="})
        refused = await http.post(
            "/mcp", json=INITIALIZE, headers={"Authorization": f"Bearer {wrong}"}
        )
        accepted = await http.post(
            "/mcp", json=INITIALIZE, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        discovery = [
            (await http.get(path)).status_code
            for path in (
                "/.well-known/oauth-protected-resource/mcp",
                "/.well-known/oauth-authorization-server",
            )
        ]

    assert [missing.status_code, basic.status_code, refused.status_code] == [401, 401, 401]
    assert accepted.status_code == 200
    # RFC 6750 §3.1: no credentials, no error code; nothing points at a login.
    assert _challenge(missing) == _challenge(basic) == ("Bearer", {"realm": "itglue-mcp"})
    assert "auth.static_token" in missing.json()["error_description"]
    scheme, params = _challenge(refused)
    assert scheme == "Bearer"
    assert set(params) == {"realm", "error", "error_description"}  # no resource_metadata, scope
    assert params["error"] == "invalid_token"
    description = params["error_description"]
    assert re.fullmatch(r"[\x20\x21\x23-\x5B\x5D-\x7E]+", description)  # RFC 6750 §3 charset
    assert "auth.static_token" in description and "demo-token" in description
    assert "register" not in description and "register" not in refused.text
    assert refused.json() == {"error": "invalid_token", "error_description": description}
    assert discovery == [404, 404]  # no OAuth metadata for a client to follow


async def test_without_auth_the_tools_answer_anybody_on_loopback(database_url: str) -> None:
    async with serving(database_url) as url, Client(f"{url}/mcp") as client:
        result = await client.call_tool("health", {})
    assert result.structured_content is not None
    assert result.structured_content["ready"] is False


@pytest.mark.parametrize("auth", [AuthSettings(), STATIC.auth], ids=["none", "static"])
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "mcp.example.com"])
async def test_a_public_bind_is_refused_without_real_authentication(
    tmp_path: Path, auth: AuthSettings, host: str
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'never-opened.db'}")
    sessions = create_session_factory(engine)
    settings = Settings(auth=auth, server=ServerSettings(host=host))
    try:
        mcp = build_server(Services(sessions=sessions, graph=SqlGraphStore(sessions)))
        with pytest.raises(ConfigurationError, match=r"server\.host") as refused:
            build_http_app(mcp, settings)
    finally:
        await engine.dispose()
    assert "loopback" in str(refused.value) and auth.mode.value in str(refused.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "::1", "localhost"])
def test_loopback_binds_are_allowed(host: str) -> None:
    from fastmcp.server.auth.providers.jwt import StaticTokenVerifier

    from itglue_mcp.security import build_auth_provider

    provider = build_auth_provider(Settings(auth=STATIC.auth, server=ServerSettings(host=host)))
    assert isinstance(provider, StaticTokenVerifier)
