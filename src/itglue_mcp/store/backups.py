"""Which configurations a backup flexible asset protects, in SQL (SQLite and PostgreSQL).

The rule is defined, for every reader, at
:func:`itglue_mcp.catalog.inventory.protecting_backups`: a live, unarchived flexible asset
whose type's name contains :data:`BACKUP_TYPE_WORD` protects what its type's Tag field named
for :data:`PROTECTS_FIELD_WORD` links; a backup type without such a field protects every
configuration its Configurations Tags or related items (either direction) link.
:func:`backup_protection` is its one implementation: ``compliance_check`` counts with it
(:mod:`itglue_mcp.store.compliance`) and the infrastructure document reads its pairs.

Example::

    pairs = backup_protection(organization_ids=[7])
    select(pairs.c.configuration_id).where(pairs.c.backup_id == 301)
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, Subquery, and_, func, or_, select, union

from itglue_mcp.store.queries import scope
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.store.tag_links import tag_links

__all__ = ["BACKUP_TYPE_WORD", "PROTECTS_FIELD_WORD", "backup_protection"]

BACKUP_TYPE_WORD = "backup"
"""A flexible asset type whose name contains this (any case) is a backup type."""
PROTECTS_FIELD_WORD = "protect"
"""A backup type's Tag field whose name contains this (any case) says what it protects."""

# Tag trait type (IT Glue API) of a Tag linking configurations.
_CONFIGURATIONS_TAG = "Configurations"


def _protects_fields() -> Select[tuple[int, str | None]]:
    """``(flexible_asset_type_id, name_key)`` of every Tag field named for what it protects."""
    fields = RecordType.FLEXIBLE_ASSET_FIELDS.table
    return select(fields.c.flexible_asset_type_id, fields.c.name_key).where(
        func.lower(fields.c.kind) == "tag",
        func.lower(fields.c.name).like(f"%{PROTECTS_FIELD_WORD}%"),
    )


def backup_protection(*, organization_ids: Collection[int] | None) -> Subquery:
    """One row per (backup, configuration it protects), by the module's rule.

    Columns: ``backup_id`` (the flexible asset) and ``configuration_id`` (IT Glue ids; the
    configuration may be archived or deleted: callers join the configurations they examine).
    Each pair once.

    Args:
        organization_ids: only backups of these organizations (``None``: every organization).
    """
    assets = RecordType.FLEXIBLE_ASSETS.table
    related = RecordType.RELATED_ITEMS.table
    explicit = _protects_fields().subquery("protects_fields")
    backups = (
        select(assets.c.id, assets.c.flexible_asset_type_id)
        .where(
            *scope(assets, organization_ids),
            assets.c.archived.is_(False),
            func.lower(assets.c.flexible_asset_type_name).like(f"%{BACKUP_TYPE_WORD}%"),
        )
        .subquery("backups")
    )
    # Backups whose type names what it protects: rule 2; the others: rule 3.
    said = backups.c.flexible_asset_type_id.in_(select(explicit.c.flexible_asset_type_id))
    linking = select(backups.c.id).where(~said)
    links = tag_links(organization_ids=organization_ids)
    tagged = (
        select(
            links.c.flexible_asset_id.label("backup_id"),
            links.c.target_id.label("configuration_id"),
        )
        .join(backups, backups.c.id == links.c.flexible_asset_id)
        .outerjoin(
            explicit,
            and_(
                explicit.c.flexible_asset_type_id == links.c.flexible_asset_type_id,
                explicit.c.name_key == links.c.trait_key,
            ),
        )
        .where(
            links.c.tag_type == _CONFIGURATIONS_TAG,
            links.c.target_id.is_not(None),
            or_(~said, explicit.c.name_key.is_not(None)),
        )
    )
    carried = select(
        related.c.source_id.label("backup_id"), related.c.resource_id.label("configuration_id")
    ).where(
        related.c.source_type == RecordType.FLEXIBLE_ASSETS.value,
        related.c.source_id.in_(linking),
        related.c.asset_type == "configuration",
        related.c.resource_id.is_not(None),
    )
    carrying = select(
        related.c.resource_id.label("backup_id"), related.c.source_id.label("configuration_id")
    ).where(
        related.c.source_type == RecordType.CONFIGURATIONS.value,
        related.c.asset_type == "flexible_asset",
        related.c.resource_id.in_(linking),
    )
    return union(tagged, carried, carrying).subquery("backup_protection")
