"""itglue-mcp: an IT Glue account as a grounded knowledge base for MCP clients."""

__all__ = []

__version__ = "0.1.0"
