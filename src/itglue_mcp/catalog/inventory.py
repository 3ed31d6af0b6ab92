"""One organization's inventory as the caller may see it: devices, flexible assets, password
entries and the records linked to them, each read once and bounded.

What an infrastructure document (:mod:`itglue_mcp.query.infrastructure`) is built from, and
the home of the one rule of which backup protects which server (:func:`protecting_backups`,
which ``compliance_check`` counts with too). Every
function takes the request's :class:`ReadScope`: an organization the caller may not read
yields nothing, and a record type hidden from the caller is not read at all (``None`` for
password entries, so the document can say they are withheld rather than absent).

Example::

    devices = await organization_configurations(session, scope, 7, limit=5_000)
    links = await linked_sources(session, scope, "configurations", [d.id for d in devices])
    links[devices[0].id][0].source.record_type     # 'documents'
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.flexible_assets import (
    AssetTypeSchema,
    AssetWithTraits,
    asset_type_schemas,
    assets_of_types,
)
from itglue_mcp.catalog.passwords import PasswordView, get_passwords
from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.store.backups import backup_protection
from itglue_mcp.store.citations import cite_records
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.inventory import organization_configurations as _configurations
from itglue_mcp.store.queries import (
    ConfigurationView,
    RelatedItemView,
    check_page,
    related_items,
)
from itglue_mcp.store.queries import scope as store_scope
from itglue_mcp.store.record_types import RecordType

__all__ = [
    "LinkedSource",
    "linked_sources",
    "organization_assets",
    "organization_configurations",
    "organization_passwords",
    "protecting_backups",
    "readable_sources",
]


@dataclass(frozen=True, slots=True)
class LinkedSource:
    """A related item and the citation of the record it links to.

    Attributes:
        link: the related item as IT Glue holds it on the source record.
        source: the linked record's citation, as the store holds the record.
    """

    link: RelatedItemView
    source: SourceRecord


def _readable(scope: ReadScope, organization_id: int, record_type: str) -> bool:
    return scope.may_read(organization_id) and scope.may_see(record_type)


async def organization_configurations(
    session: AsyncSession, scope: ReadScope, organization_id: int, *, limit: int
) -> list[ConfigurationView]:
    """The live configurations of a readable organization, by name (at most ``limit``).

    Raises:
        ValueError: ``limit`` below 1.
        StoreError: the store failed.
    """
    if not _readable(scope, organization_id, RecordType.CONFIGURATIONS):
        return []
    return await _configurations(session, organization_id, limit=limit)


async def organization_passwords(
    session: AsyncSession, scope: ReadScope, organization_id: int, *, limit: int
) -> list[PasswordView] | None:
    """The live password entries (metadata only) of a readable organization, by name (at most
    ``limit``); ``None`` when the caller may not see password entries at all.

    Raises:
        ValueError: ``limit`` below 1.
        StoreError: the store failed.
    """
    if not scope.may_see(RecordType.PASSWORDS):
        return None
    if not scope.may_read(organization_id):
        return []
    check_page(limit)
    table = RecordType.PASSWORDS.table
    statement = (
        select(table.c.id)
        .where(*store_scope(table, [organization_id]), table.c.archived.is_(False))
        .order_by(func.lower(table.c.name), table.c.id)
        .limit(limit)
    )
    with translate_errors("read passwords"):
        ids = list((await session.scalars(statement)).all())
    views = await get_passwords(session, ids, organization_ids=[organization_id])
    order = {password_id: position for position, password_id in enumerate(ids)}
    return sorted(views, key=lambda view: order[view.id])


async def organization_assets(
    session: AsyncSession, scope: ReadScope, organization_id: int, *, limit: int
) -> tuple[list[AssetTypeSchema], list[AssetWithTraits]]:
    """Every flexible asset type's fields, and the live flexible assets of a readable
    organization with their traits (Password-kind traits left out), by name (at most
    ``limit``).

    Raises:
        StoreError: the store failed.
    """
    if not _readable(scope, organization_id, RecordType.FLEXIBLE_ASSETS):
        return [], []
    schemas = await asset_type_schemas(session)
    assets = await assets_of_types(
        session, [schema.id for schema in schemas], organization_ids=[organization_id], limit=limit
    )
    return schemas, [asset for asset in assets if not asset.archived]


async def readable_sources(
    session: AsyncSession, scope: ReadScope, keys: Collection[tuple[str, int]]
) -> dict[tuple[str, int], SourceRecord]:
    """The citations of the live records among ``keys`` (``(JSON:API type, IT Glue id)``) that
    the caller may see: not of a hidden type, and of a readable organization (an account-wide
    record only for a caller who may read every organization).

    Raises:
        StoreError: the store failed.
    """
    cited = await cite_records(session, [key for key in keys if scope.may_see(key[0])])
    return {
        key: record
        for key, record in cited.items()
        if (record.organization_id is None and scope.readable is None)
        or (record.organization_id is not None and scope.may_read(record.organization_id))
    }


async def linked_sources(
    session: AsyncSession, scope: ReadScope, record_type: str, record_ids: Collection[int]
) -> Mapping[int, tuple[LinkedSource, ...]]:
    """The related items of these records that the caller may see, each with its linked
    record's citation.

    A link to a record of a hidden type, to a record of an organization the caller may not
    read, or to a record the store does not hold (marked deleted, not synced) is left out.

    Raises:
        StoreError: the store failed.
    """
    links = await related_items(session, RecordType.parse(record_type), record_ids)
    keys = [
        (item.record_type, item.resource_id)
        for items in links.values()
        for item in items
        if item.resource_id is not None
    ]
    sources = await readable_sources(session, scope, keys)
    found: dict[int, tuple[LinkedSource, ...]] = {}
    for record_id, items in links.items():
        kept = tuple(
            LinkedSource(item, sources[item.record_type, item.resource_id])
            for item in items
            if item.resource_id is not None and (item.record_type, item.resource_id) in sources
        )
        if kept:
            found[record_id] = kept
    return found


async def protecting_backups(
    session: AsyncSession, scope: ReadScope, organization_id: int
) -> dict[int, tuple[int, ...]]:
    """Configuration id → ids of the backup flexible assets of a readable organization that
    protect it, in id order. The one definition of "a server protected by a backup":

    - a *backup* is a live, unarchived flexible asset whose type's name contains "backup";
    - when its type has a Tag field named for what it protects ("Protected Devices"), it
      protects the configurations that field links and nothing else (its "Backup Server"
      Tag is the machine running the job, not one it protects);
    - otherwise it protects every configuration it links through a Configurations Tag or a
      related item (either direction).

    A server named only in a backup's free text is not protected: a name in text is no link
    to cite, and the same text names targets and backup servers. ``compliance_check``'s
    ``unprotected_servers`` counts with the same SQL (:mod:`itglue_mcp.store.backups`).
    Empty when the caller may not see configurations or flexible assets.

    Raises:
        StoreError: the store failed.
    """
    if not _readable(scope, organization_id, RecordType.FLEXIBLE_ASSETS) or not scope.may_see(
        RecordType.CONFIGURATIONS
    ):
        return {}
    pairs = backup_protection(organization_ids=[organization_id])
    statement = select(pairs.c.configuration_id, pairs.c.backup_id).order_by(
        pairs.c.configuration_id, pairs.c.backup_id
    )
    with translate_errors("read backup protection"):
        rows = (await session.execute(statement)).all()
    found: dict[int, tuple[int, ...]] = {}
    for configuration_id, backup_id in rows:
        found[int(configuration_id)] = (*found.get(int(configuration_id), ()), int(backup_id))
    return found
