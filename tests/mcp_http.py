"""Raw Streamable HTTP pieces for tests that speak to the MCP endpoint without a client
library: to read status codes and ``WWW-Authenticate`` challenges a client would hide.

Example::

    response = await http.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
    assert response.status_code == 401
"""

from __future__ import annotations

import socket

__all__ = ["INITIALIZE", "MCP_HEADERS", "free_port"]

MCP_HEADERS = {"Accept": "application/json, text/event-stream"}
"""The Accept header Streamable HTTP requires on a POST (JSON or an event stream)."""

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
"""An MCP ``initialize`` request, the first message a client sends."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (to know a server's URL before it starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
