"""Errors of the semantic index, below the package's one root.

Adapters catch :class:`~itglue_mcp.errors.ItglueMcpError`; these two say which half failed::

    ItglueMcpError
    ├── EmbedderError       the embedding model cannot be loaded or cannot encode
    └── VectorIndexError    Qdrant (local or server) refused or failed an operation

Example::

    try:
        hits = await index.search(vector, organization_ids={7})
    except VectorIndexError as exc:
        log.warning("semantic search unavailable", error=str(exc))
"""

from __future__ import annotations

from itglue_mcp.errors import ItglueMcpError

__all__ = ["EmbedderError", "VectorIndexError"]


class EmbedderError(ItglueMcpError):
    """The embedding model could not be loaded (wrong name or path, unreadable files)."""


class VectorIndexError(ItglueMcpError):
    """A vector-index operation failed; the Qdrant exception is chained as ``__cause__``."""
