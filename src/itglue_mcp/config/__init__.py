"""Settings (pydantic-settings) shared by every part of itglue-mcp."""

from itglue_mcp.config.auth import AuthMode, AuthSettings
from itglue_mcp.config.index import IndexSettings, packaged_model_path
from itglue_mcp.config.settings import (
    ItglueRegion,
    ItglueSettings,
    ServerSettings,
    Settings,
    SyncSettings,
)
from itglue_mcp.config.vault import VaultAuthMethod, VaultSettings

__all__ = [
    "AuthMode",
    "AuthSettings",
    "IndexSettings",
    "ItglueRegion",
    "ItglueSettings",
    "ServerSettings",
    "Settings",
    "SyncSettings",
    "VaultAuthMethod",
    "VaultSettings",
    "packaged_model_path",
]
