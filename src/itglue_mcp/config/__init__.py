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

__all__ = [
    "AuthMode",
    "AuthSettings",
    "IndexSettings",
    "ItglueRegion",
    "ItglueSettings",
    "ServerSettings",
    "Settings",
    "SyncSettings",
    "packaged_model_path",
]
