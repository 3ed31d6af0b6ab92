"""The one exception root of itglue-mcp.

Every error the package raises on purpose derives from :class:`ItglueMcpError`, so adapters
(MCP tools, CLI commands, HTTP routes) translate one family of exceptions at their boundary::

    ItglueMcpError
    ├── ConfigurationError          settings that cannot work (config)
    ├── ItglueError                 the IT Glue API or its answers (itglue.errors)
    ├── StoreError                  the SQL store (store.errors)
    ├── SyncError                   a sync run that cannot go on (sync.errors)
    ├── EmbedderError               loading or running the embedding model (index.errors)
    ├── VectorIndexError            the vector index, Qdrant (index.errors)
    └── OrganizationResolutionError an organization reference (catalog.errors)

Messages are written for the person who must act on them: they name the field or the input that
was wrong and never carry a secret or a response body verbatim.
"""

from __future__ import annotations

__all__ = ["ConfigurationError", "ItglueMcpError"]


class ItglueMcpError(Exception):
    """Root of every error raised on purpose by itglue-mcp."""


class ConfigurationError(ItglueMcpError):
    """Settings are missing, malformed or unsafe for the selected mode."""
