"""Clients of three MCP protocol revisions reach the same stateless server and tools.

2025-06-18 and 2025-11-25 clients open with the ``initialize`` handshake and then send each
request with an ``MCP-Protocol-Version`` header (no session: the server is stateless, so any
replica answers); a 2026-07-28 client speaks the handshake-free revision.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastmcp import Client, FastMCP

from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.server.app import build_server
from itglue_mcp.server.capabilities import CapabilitiesMiddleware
from itglue_mcp.server.services import Services
from itglue_mcp.store.database import create_engine, create_session_factory

HANDSHAKE_VERSIONS = ["2025-06-18", "2025-11-25"]
ACCEPT = {"Accept": "application/json, text/event-stream"}


def _message(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC message of a Streamable HTTP answer (plain JSON or one SSE event)."""
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("text/event-stream"):
        data = [line[5:] for line in response.text.splitlines() if line.startswith("data:")]
        return dict(json.loads(data[-1]))
    return dict(response.json())


@pytest.mark.parametrize("version", HANDSHAKE_VERSIONS)
async def test_handshake_clients_negotiate_their_version_and_call_tools(
    mcp_url: str, version: str
) -> None:
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": version,
            "capabilities": {},
            "clientInfo": {"name": "protocol-test", "version": "1"},
        },
    }
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "list_organizations", "arguments": {"name_contains": "acme"}},
    }
    async with httpx.AsyncClient(base_url=mcp_url, headers=ACCEPT, timeout=60) as http:
        opened = _message(await http.post("/mcp", json=initialize))
        # A stateless server keeps nothing between requests: the call goes out on its own.
        called = _message(
            await http.post("/mcp", json=call, headers={"MCP-Protocol-Version": version})
        )

    assert opened["result"]["protocolVersion"] == version
    # What the server has: tools, resources (the infrastructure documents) and prompts.
    assert {"tools", "resources", "prompts"} <= set(opened["result"]["capabilities"])
    # The tools and prompts never change while the server runs, and it never says they did.
    assert "listChanged" not in opened["result"]["capabilities"]["tools"]
    assert "listChanged" not in opened["result"]["capabilities"]["prompts"]
    organizations = called["result"]["structuredContent"]["organizations"]
    assert "Acme Corporation" in [organization["source"]["name"] for organization in organizations]


async def test_a_2026_07_28_client_calls_tools_without_a_handshake(mcp_url: str) -> None:
    async with Client(f"{mcp_url}/mcp", mode="2026-07-28") as client:
        version = client.protocol_version
        tools = {tool.name for tool in await client.list_tools()}
        result = await client.call_tool("list_organizations", {"name_contains": "acme"})

    assert version == "2026-07-28"
    async with Client(f"{mcp_url}/mcp", mode="auto") as probing:  # asks server/discover
        assert probing.protocol_version == "2026-07-28"
        discovered = probing.server_capabilities
    assert discovered is not None
    assert discovered.tools is not None
    assert discovered.prompts is not None and discovered.resources is not None
    assert {"query_documentation", "search", "get_configuration"} <= tools
    assert result.structured_content is not None
    names = [
        organization["source"]["name"]
        for organization in result.structured_content["organizations"]
    ]
    assert "Acme Corporation" in names


def _server() -> FastMCP:
    """Our server over a store it never opens (initialize reads none)."""
    sessions = create_session_factory(create_engine("sqlite+aiosqlite:///:memory:"))
    return build_server(Services(sessions=sessions, graph=SqlGraphStore(sessions)))


@pytest.mark.parametrize("mode", ["legacy", "auto"])  # initialize, server/discover
async def test_prompts_and_resources_are_advertised_once_the_server_has_some(mode: str) -> None:
    bare = FastMCP("bare")
    bare.add_middleware(CapabilitiesMiddleware(bare))
    async with Client(bare, mode=mode) as client:
        nothing = client.server_capabilities
    assert nothing is not None
    assert (nothing.prompts, nothing.resources) == (None, None)

    mcp = _server()  # its resource templates (infrastructure documents) and its prompts
    async with Client(mcp, mode=mode) as client:
        full = client.server_capabilities
    assert full is not None
    assert (full.prompts is not None, full.resources is not None) == (True, True)
    # Registered once, never changed: no list is announced as one that changes.
    assert full.prompts is not None and full.resources is not None and full.tools is not None
    assert (full.tools.list_changed, full.prompts.list_changed) == (None, None)
    assert full.resources.list_changed is None
