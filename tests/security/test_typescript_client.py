"""The official TypeScript MCP client logs in through OAuth and calls a tool, end to end.

``tests/idp/mcp_client.mjs`` runs ``@modelcontextprotocol/sdk``'s ``Client`` with its
``StreamableHTTPClientTransport`` and an ``OAuthClientProvider``. Nothing is handed to it but our
``/mcp`` URL and a user: from the 401 it discovers our protected-resource metadata (RFC 9728),
from that the real OIDC provider, registers there dynamically (RFC 7591), runs the
authorization-code flow with PKCE S256 and the resource indicator (RFC 8707) — the login and
consent done by the script where a browser would be — and then lists the tools and calls one.
These tests assert on the JSON the script prints: the flow it saw and the tool's answer. A
second one needs more than the first token's scopes (a reveal): our 403 ``insufficient_scope``
sends the SDK back for them (step-up) before the call succeeds.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.idp import oidc_provider
from tests.idp.oidc_provider import REPO_ROOT, IdentityProvider, node_command
from tests.security.conftest import ServedOidc, organization_names

# One dialect is enough here: what is tested is the client, not the store.
SQLITE_ONLY = pytest.mark.parametrize("synced_url", ["sqlite"], indirect=True)

CLIENT_SCRIPT = REPO_ROOT / "tests" / "idp" / "mcp_client.mjs"
CLIENT_TIMEOUT_S = 60.0


async def run_typescript_client(
    mcp_url: str, user: str, tool: str, arguments: dict[str, Any]
) -> Any:
    """Run the TypeScript client against ``mcp_url`` as ``user``; returns its JSON output."""
    process = await asyncio.create_subprocess_exec(
        *node_command(),
        str(CLIENT_SCRIPT),
        "--url",
        mcp_url,
        "--user",
        user,
        "--tool",
        tool,
        "--arguments",
        json.dumps(arguments),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), CLIENT_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    sys.stderr.write(stderr.decode(errors="replace"))
    lines = stdout.decode().strip().splitlines()
    assert lines, f"the TypeScript client printed nothing (exit {process.returncode})"
    output = json.loads(lines[-1])
    assert "error" not in output, output["error"]
    assert process.returncode == 0
    return output


@SQLITE_ONLY
async def test_the_typescript_sdk_logs_in_and_calls_a_tool(
    identity_provider: IdentityProvider, oidc_server: str, dataset_dir: Path
) -> None:
    resource = f"{oidc_server}/mcp"

    output = await run_typescript_client(resource, "alice", "list_organizations", {})

    seen = output["authorization"]
    assert seen["firstConnect"] == "unauthorized"  # it started without a token: our 401
    assert seen["resource"] == resource  # from our protected-resource metadata
    assert seen["authorizationServer"].rstrip("/") == identity_provider.issuer
    assert seen["registeredClient"] is True  # dynamic registration at the provider
    [request] = seen["authorizationRequests"]
    assert request["endpoint"] == f"{identity_provider.issuer}/auth"
    assert request["resource"] == resource
    assert request["code_challenge_method"] == "S256"
    assert "itglue.read" in request["scope"].split()
    assert seen["prompts"] == ["login", "consent"]
    assert seen["issuerInRedirect"] == identity_provider.issuer
    assert seen["tokenScopes"] == ["itglue.read"]  # what our 401 challenge asked for
    assert seen["stepUp"] is False

    assert "list_organizations" in output["tools"]
    result = output["result"]
    assert result["isError"] is False
    names = sorted(org["source"]["name"] for org in result["structuredContent"]["organizations"])
    assert names == organization_names(dataset_dir)


@SQLITE_ONLY
async def test_the_typescript_sdk_steps_up_to_reveal_a_password(
    oidc_served: ServedOidc, dataset_dir: Path
) -> None:
    records = json.loads((dataset_dir / "passwords.json").read_text())["data"]
    record = next(record for record in records if record["attributes"].get("password"))
    before = len(await oidc_served.audit_events())

    output = await run_typescript_client(
        oidc_served.resource, "alice", "get_password", {"name": str(record["id"]), "reveal": True}
    )

    seen = output["authorization"]
    first, second = seen["authorizationRequests"]
    assert first["scope"].split() == ["itglue.read"]  # our 401 asks for the read scope only
    assert "itglue.secrets.reveal" in second["scope"].split()  # our 403 asked for more
    assert seen["stepUp"] is True
    assert seen["prompts"] == ["login", "consent", "login", "consent"]
    assert "itglue.secrets.reveal" in seen["tokenScopes"][1].split()
    result = output["result"]
    assert result["isError"] is False
    assert result["structuredContent"]["revealed"]["password"] == record["attributes"]["password"]
    events = (await oidc_served.audit_events())[before:]
    assert [(e.subject, e.decision.value, e.record_id) for e in events] == [
        ("alice", "allow", int(record["id"]))
    ]


def test_missing_node_modules_fail_with_the_command_that_installs_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(oidc_provider, "NODE_MODULES", tmp_path / "node_modules")

    with pytest.raises(pytest.fail.Exception, match=r"run `npm ci` at the repository root"):
        node_command()
