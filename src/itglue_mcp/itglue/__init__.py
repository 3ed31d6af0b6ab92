"""The IT Glue API: an async client, typed resource models and their error family.

Importing this package stays light (httpx, tenacity, pydantic): the simulator and the dataset
generator live in the ``simulator`` and ``dataset`` subpackages and are imported explicitly.

Example::

    from itglue_mcp.itglue import Configuration, ItglueClient

    async with ItglueClient(settings.itglue) as client:
        config = await client.get("/configurations/123", Configuration)
"""

from __future__ import annotations

from itglue_mcp.itglue.breaker import BreakerState, CircuitBreaker
from itglue_mcp.itglue.client import MAX_PAGE_SIZE, ClientStats, ItglueClient
from itglue_mcp.itglue.errors import (
    AuthenticationFailed,
    CircuitOpen,
    ItglueError,
    MalformedResponse,
    RateLimited,
    ResourceNotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from itglue_mcp.itglue.jsonapi import Page, PageMeta, parse_error_detail, parse_list, parse_show
from itglue_mcp.itglue.models import (
    RESOURCE_MODELS,
    Configuration,
    ConfigurationInterface,
    ConfigurationStatus,
    ConfigurationType,
    Contact,
    ContactEmail,
    ContactPhone,
    Document,
    Domain,
    Expiration,
    FlexibleAsset,
    FlexibleAssetField,
    FlexibleAssetType,
    ItglueRecord,
    Location,
    Organization,
    Password,
    PasswordCategory,
    RelatedItem,
)
from itglue_mcp.itglue.ratelimit import RollingWindowLimiter

__all__ = [
    "MAX_PAGE_SIZE",
    "RESOURCE_MODELS",
    "AuthenticationFailed",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpen",
    "ClientStats",
    "Configuration",
    "ConfigurationInterface",
    "ConfigurationStatus",
    "ConfigurationType",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "Document",
    "Domain",
    "Expiration",
    "FlexibleAsset",
    "FlexibleAssetField",
    "FlexibleAssetType",
    "ItglueClient",
    "ItglueError",
    "ItglueRecord",
    "Location",
    "MalformedResponse",
    "Organization",
    "Page",
    "PageMeta",
    "Password",
    "PasswordCategory",
    "RateLimited",
    "RelatedItem",
    "ResourceNotFound",
    "RollingWindowLimiter",
    "ServiceUnavailable",
    "ValidationFailed",
    "parse_error_detail",
    "parse_list",
    "parse_show",
]
