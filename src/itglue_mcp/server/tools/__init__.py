"""MCP tools, one module per domain, each registering its tools on a FastMCP server."""

__all__ = []
