"""No token passthrough: revealing a secret over mode oidc, IT Glue never sees the caller's
token — the server calls it with its own API key (MCP security best practices, "Token
Passthrough")."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastmcp import Client

from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.security.audit import AuditTrail
from itglue_mcp.security.rate_limit import RevealRateLimiter
from itglue_mcp.security.reveal import SecretRevealer
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.conftest import _blocking
from tests.mcp_http import free_port
from tests.security.jwks import LocalIssuer, oidc_settings, serve_mcp
from tests.tenant import API_KEY, Simulated


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer.serve() as running:
        yield running


async def test_it_glue_is_called_with_the_api_key_never_with_the_callers_token(
    issuer: LocalIssuer,
    synced_url: str,
    simulator: Simulated,
    sqlite_template_file: Path,
    tmp_path: Path,
) -> None:
    seen: list[dict[str, str]] = []

    def record(scope: Mapping[str, Any]) -> None:
        seen.append({name.decode().lower(): value.decode() for name, value in scope["headers"]})

    simulator.app.before_request = record
    password = next(
        p for p in simulator.dataset.ordered("passwords") if p["attributes"].get("password")
    )
    port = free_port()
    settings = oidc_settings(issuer, public_url=f"http://127.0.0.1:{port}")
    audit_store = tmp_path / "audit.db"
    shutil.copyfile(sqlite_template_file, audit_store)
    audit_engine = create_engine(f"sqlite+aiosqlite:///{audit_store}", null_pool=True)
    # No kept-alive connections: they would belong to the server thread's loop.
    itglue = ItglueClient(
        simulator.settings(),
        transport=httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
    )
    limiter = RevealRateLimiter.from_settings(settings)
    revealer = SecretRevealer(
        itglue,
        AuditTrail(create_session_factory(audit_engine)),
        limiter,
        reveal_scope=settings.auth.scopes.reveal,
    )
    token = issuer.mint(
        aud=f"http://127.0.0.1:{port}/mcp", scope="itglue.read itglue.secrets.reveal"
    )
    try:
        with serve_mcp(settings, synced_url, port=port, revealer=revealer) as url:
            async with Client(f"{url}/mcp", auth=token) as client:
                result = await client.call_tool(
                    "get_password", {"name": str(password["id"]), "reveal": True}
                )
    finally:
        _blocking(itglue.aclose())
        _blocking(limiter.aclose())
        _blocking(audit_engine.dispose())

    assert result.structured_content is not None
    assert result.structured_content["revealed"]["password"] == password["attributes"]["password"]
    assert seen  # the value was fetched live from IT Glue…
    for headers in seen:  # …with the server's API key, and nothing of the caller's token
        assert headers.get("x-api-key") == API_KEY
        assert "authorization" not in headers
        assert not any(token in value or token.split(".")[2] in value for value in headers.values())
