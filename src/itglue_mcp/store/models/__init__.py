"""SQLAlchemy models of the store: IT Glue record tables and the store's own tables.

Example::

    from itglue_mcp.store.models import Configuration, metadata
"""

from itglue_mcp.store.models.base import (
    JSON_TYPE,
    NAMING_CONVENTION,
    Base,
    ChildMixin,
    RecordMixin,
    TrackedMixin,
    UtcDateTime,
    metadata,
    utcnow,
)
from itglue_mcp.store.models.operational import (
    AuditEventRow,
    DataGenerationRow,
    IndexOutboxRow,
    SearchEntryRow,
    SyncCheckpointRow,
    SyncRequestRow,
    SyncRunRow,
)
from itglue_mcp.store.models.records import (
    RECORD_MODELS,
    Configuration,
    ConfigurationInterface,
    ConfigurationStatus,
    ConfigurationType,
    Contact,
    Document,
    Domain,
    Expiration,
    FlexibleAsset,
    FlexibleAssetField,
    FlexibleAssetTag,
    FlexibleAssetType,
    Location,
    Organization,
    Password,
    PasswordCategory,
    RelatedItem,
)

__all__ = [
    "JSON_TYPE",
    "NAMING_CONVENTION",
    "RECORD_MODELS",
    "AuditEventRow",
    "Base",
    "ChildMixin",
    "Configuration",
    "ConfigurationInterface",
    "ConfigurationStatus",
    "ConfigurationType",
    "Contact",
    "DataGenerationRow",
    "Document",
    "Domain",
    "Expiration",
    "FlexibleAsset",
    "FlexibleAssetField",
    "FlexibleAssetTag",
    "FlexibleAssetType",
    "IndexOutboxRow",
    "Location",
    "Organization",
    "Password",
    "PasswordCategory",
    "RecordMixin",
    "RelatedItem",
    "SearchEntryRow",
    "SyncCheckpointRow",
    "SyncRequestRow",
    "SyncRunRow",
    "TrackedMixin",
    "UtcDateTime",
    "metadata",
    "utcnow",
]
