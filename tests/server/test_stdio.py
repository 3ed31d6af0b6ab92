"""``itglue-mcp stdio``: a local MCP client starts the process and calls a tool over stdio."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from fastmcp import Client
from fastmcp.client.transports import StdioTransport


async def test_stdio_serves_the_same_tools(synced_store_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ITGLUE_MCP_DATA_DIR": str(tmp_path),
        "ITGLUE_MCP_DATABASE_URL": synced_store_url,
        "ITGLUE_MCP_LOG_LEVEL": "WARNING",
    }
    transport = StdioTransport(sys.executable, ["-m", "itglue_mcp", "stdio"], env=env)

    async with Client(transport) as client:
        result = await client.call_tool("list_organizations", {"name_contains": "acme"})

    names = [org["name"] for org in result.structured_content["organizations"]]
    assert "Acme Corporation" in names
