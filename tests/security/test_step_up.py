"""Step-up: the scopes a JSON-RPC body needs, and HTTP 403 for a static token lacking them."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from itglue_mcp.config import AuthMode, AuthSettings, Settings
from itglue_mcp.config.auth import ScopeNames
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.server.app import build_server
from itglue_mcp.server.services import Services
from itglue_mcp.server.step_up import REVEAL_TOOL, SECRET_TOOLS, needed_scopes, reveals_secret
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.security.jwks import serve_mcp

FLEXIBLE_SECRET = "reveal_flexible_asset_password"
READ_AND_REVEAL = ["itglue.read", "itglue.secrets.reveal"]

SCOPES = ScopeNames()
HEADERS = {"Accept": "application/json, text/event-stream"}


def _call(
    name: object, arguments: dict[str, object] | None = None, id_: int = 1
) -> dict[str, object]:
    params: dict[str, object] = {"name": name}
    if arguments is not None:
        params["arguments"] = arguments
    return {"jsonrpc": "2.0", "id": id_, "method": "tools/call", "params": params}


@pytest.mark.parametrize(
    ("body", "needed"),
    [
        (_call("search", {"query": "firewall"}), ["itglue.read"]),
        (_call("get_password", {"name": "x"}), ["itglue.read"]),
        (_call("get_password", {"name": "x", "reveal": False}), ["itglue.read"]),
        (_call("get_password", {"name": "x", "reveal": "true"}), ["itglue.read"]),  # not true
        (_call("get_password", {"reveal": True}), READ_AND_REVEAL),
        (_call("get_document", {"reveal": True}), ["itglue.read"]),  # only get_password reveals
        (
            [_call("search", {"query": "x"}), _call("get_password", {"reveal": True}, 2)],
            READ_AND_REVEAL,
        ),
        # A Password field of a flexible asset: every call reveals, whatever its arguments.
        (
            _call(FLEXIBLE_SECRET, {"flexible_asset": "dc", "trait": "DSRM Password"}),
            READ_AND_REVEAL,
        ),
        (_call(FLEXIBLE_SECRET), READ_AND_REVEAL),
        (_call(FLEXIBLE_SECRET, {"reveal": False}), READ_AND_REVEAL),
        (
            [_call("search", {"query": "x"}), _call(FLEXIBLE_SECRET, {"flexible_asset": "x"}, 2)],
            READ_AND_REVEAL,
        ),
        # The caller's JSON: a tool name that is not a string names no tool (and no crash).
        (_call(["get_password"], {"reveal": True}), ["itglue.read"]),
        ({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, []),
        ({"jsonrpc": "2.0", "method": "notifications/initialized"}, []),
    ],
    ids=[
        "search",
        "metadata",
        "reveal-false",
        "reveal-string",
        "reveal",
        "other-tool",
        "batch",
        "flexible-asset-secret",
        "flexible-asset-secret-no-arguments",
        "flexible-asset-secret-reveal-false",
        "flexible-asset-secret-batch",
        "name-not-a-string",
        "list",
        "notification",
    ],
)
def test_the_needed_scopes_follow_tool_and_arguments(body: object, needed: list[str]) -> None:
    assert needed_scopes(json.dumps(body).encode(), SCOPES) == needed


async def test_the_revealing_tools_are_tools_of_the_server() -> None:
    # A renamed tool would otherwise lose its step-up silently.
    engine = create_engine("sqlite+aiosqlite://", null_pool=True)
    sessions = create_session_factory(engine)
    server = build_server(Services(sessions=sessions, graph=SqlGraphStore(sessions)))
    names = {tool.name for tool in await server.list_tools(run_middleware=False)}
    await engine.dispose()
    assert {REVEAL_TOOL, *SECRET_TOOLS} <= names
    assert {FLEXIBLE_SECRET} == SECRET_TOOLS
    assert reveals_secret(FLEXIBLE_SECRET, None)
    assert not reveals_secret(REVEAL_TOOL, None)
    assert not reveals_secret(REVEAL_TOOL, {"reveal": 1})


def test_admin_tools_need_the_admin_scope_and_names_are_configurable() -> None:
    scopes = ScopeNames(read="kb:read", reveal="kb:reveal", admin="kb:admin")
    body = json.dumps(_call("reload_policies", {})).encode()
    assert needed_scopes(body, scopes, frozenset({"reload_policies"})) == ["kb:read", "kb:admin"]


def test_a_body_that_is_not_json_needs_nothing_here() -> None:
    assert needed_scopes(b"\xff{not json", SCOPES) == []


def _challenge(response: httpx.Response) -> str:
    return response.headers.get("www-authenticate", "")


@pytest.mark.parametrize(
    ("static_scopes", "status"),
    [(["itglue.read"], 403), (["itglue.read", "itglue.secrets.reveal"], 200)],
    ids=["read-only", "reveal"],
)
def test_a_static_token_is_held_to_its_scopes(
    sqlite_template_file: Path, tmp_path: Path, static_scopes: list[str], status: int
) -> None:
    store = tmp_path / "itglue.db"
    shutil.copyfile(sqlite_template_file, store)
    token = secrets.token_urlsafe(32)
    settings = Settings(
        auth=AuthSettings(
            mode=AuthMode.STATIC, static_token=SecretStr(token), static_scopes=static_scopes
        )
    )
    reveal = _call("get_password", {"name": "Domain Admin", "reveal": True})
    with serve_mcp(settings, store) as url:
        headers = {**HEADERS, "Authorization": f"Bearer {token}"}
        response = httpx.post(f"{url}/mcp", json=reveal, headers=headers, timeout=30)
        search = httpx.post(
            f"{url}/mcp", json=_call("search", {"query": "x"}), headers=headers, timeout=30
        )
        flexible = httpx.post(
            f"{url}/mcp",
            json=_call(FLEXIBLE_SECRET, {"flexible_asset": "corp.acmecorp.com"}),
            headers=headers,
            timeout=30,
        )
    assert response.status_code == status
    assert flexible.status_code == status
    assert search.status_code == 200
    if status == 403:
        challenge = _challenge(response)
        assert challenge.startswith("Bearer ")
        assert 'error="insufficient_scope"' in challenge
        assert 'scope="itglue.read itglue.secrets.reveal"' in challenge
        assert "resource_metadata" not in challenge  # mode static serves no metadata
        assert token not in response.text + challenge


def test_without_authentication_nothing_is_stepped_up(
    sqlite_template_file: Path, tmp_path: Path
) -> None:
    store = tmp_path / "itglue.db"
    shutil.copyfile(sqlite_template_file, store)
    reveal = _call("get_password", {"name": "Domain Admin", "reveal": True})
    with serve_mcp(Settings(), store) as url:
        response = httpx.post(f"{url}/mcp", json=reveal, headers=HEADERS, timeout=30)
    assert response.status_code == 200  # mode none: the local caller holds every scope
