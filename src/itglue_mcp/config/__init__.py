"""Settings (pydantic-settings) shared by every part of itglue-mcp."""

from itglue_mcp.config.settings import (
    ItglueRegion,
    ItglueSettings,
    ServerSettings,
    Settings,
    SyncSettings,
)

__all__ = ["ItglueRegion", "ItglueSettings", "ServerSettings", "Settings", "SyncSettings"]
