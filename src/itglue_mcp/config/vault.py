"""Settings of the Vault/OpenBao secret source.

Nested into :class:`itglue_mcp.config.Settings` as ``vault`` (``ITGLUE_MCP_VAULT__…``).
"""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["VaultSettings"]


class VaultSettings(BaseModel):
    """Where settings secrets are read from in Vault (filled in by the secrets work)."""
