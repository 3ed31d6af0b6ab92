"""MCP resources: IT Glue documents a client can list and read by URI.

Each module registers its resources and resource templates on the server, like the tool
modules; :mod:`.access` keeps every read and listing within what the caller may read.
"""

__all__ = []
