"""The records flexible assets' Tag traits point at: one rule, one table, one reader.

A Tag trait is JSON inside ``flexible_assets.traits`` (IT Glue API:
``{"type": "Configurations", "values": [{"id": 4215003, "name": "ACME-FW01"}, …]}``). Finding
the assets that tag a record would mean reading every asset's traits, so the store keeps their
expansion in table ``flexible_asset_tags`` (migration 0010), one row per (asset, trait key,
tagged record), indexed by ``(tag_type, target_id)``:

- :func:`parse_tag_links` is the one rule saying which parts of a traits map are Tag links.
- :func:`~itglue_mcp.store.records.upsert_records` rewrites a flexible asset's rows with its
  traits, in the same transaction, so the table is always the expansion of the stored traits.
- :func:`tag_links` reads the rows of live assets, for reports that count across an account
  ("which servers does a backup asset protect?") and for the graph's Tag links.

Example::

    [link] = parse_tag_links({"fw": {"type": "Configurations", "values": [{"id": "42"}]}})
    links = tag_links(organization_ids=[7])
    select(links.c.target_id).where(links.c.tag_type == "Configurations")
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Subquery, select

from itglue_mcp.store.models import FlexibleAssetTag
from itglue_mcp.store.queries import scope
from itglue_mcp.store.record_types import RecordType

__all__ = ["TagLink", "parse_tag_links", "tag_links"]

# Most digits of a tagged record's id: any such number fits a BIGINT column.
_MAX_DIGITS = 18


@dataclass(frozen=True, slots=True)
class TagLink:
    """One record a Tag trait points at.

    Attributes:
        trait_key: the trait's key (its field's ``name_key``, e.g. ``"protected-devices"``).
        tag_type: the trait's ``type`` as IT Glue sends it (``"Configurations"``,
            ``"Passwords"`` …); which types name which records is the reader's business.
        target_id: the tagged record's IT Glue id.
    """

    trait_key: str
    tag_type: str
    target_id: int


def _target_id(tagged: Any) -> int | None:
    """The id of one element of a Tag trait's ``values``, if it is a record id.

    IT Glue sends integers; an id sent as a string of digits is read too. Anything else (a
    bare name, a negative or fractional number, ``true``, an id too long for BIGINT) is not.
    """
    raw = tagged.get("id") if isinstance(tagged, Mapping) else None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw < 10**_MAX_DIGITS else None
    # str.isdigit would accept other scripts' digits, which no SQL reader could match.
    if isinstance(raw, str) and 0 < len(raw) <= _MAX_DIGITS and raw.isascii():
        return int(raw) if raw.isdigit() else None
    return None


def parse_tag_links(traits: object) -> list[TagLink]:
    """Every record the Tag traits of one flexible asset point at, in trait order.

    A Tag trait is a mapping with a string ``type`` and a list ``values`` whose elements are
    mappings with an ``id``; other traits (text, numbers, dates, a malformed Tag) yield
    nothing, and so do elements without a record id (see :func:`_target_id`). A record
    listed twice in one trait is one link.

    Args:
        traits: a flexible asset's ``traits`` (``None`` or not a mapping: no links).
    """
    if not isinstance(traits, Mapping):
        return []
    links: dict[tuple[str, int], TagLink] = {}
    for key, value in traits.items():
        if not isinstance(value, Mapping):
            continue
        tag_type, values = value.get("type"), value.get("values")
        if not isinstance(tag_type, str) or not isinstance(values, list):
            continue
        for tagged in values:
            target = _target_id(tagged)
            if target is not None:
                links.setdefault((str(key), target), TagLink(str(key), tag_type, target))
    return list(links.values())


def tag_links(*, organization_ids: Collection[int] | None) -> Subquery:
    """One row per record a live flexible asset's Tag trait points at.

    Columns: ``flexible_asset_id``, ``organization_id``, ``flexible_asset_type_id``,
    ``flexible_asset_type_name``, ``trait_key``, ``tag_type`` (the trait's ``type``, e.g.
    ``"Configurations"``) and ``target_id`` (the tagged record's IT Glue id, never NULL).
    Read from ``flexible_asset_tags`` joined to the assets that are not marked deleted:
    filtered on ``(tag_type, target_id)`` it is an index lookup, not a read of every trait.

    Args:
        organization_ids: only assets of these organizations (``None``: every organization).
    """
    assets = RecordType.FLEXIBLE_ASSETS.table
    return (
        select(
            FlexibleAssetTag.flexible_asset_id,
            assets.c.organization_id,
            assets.c.flexible_asset_type_id,
            assets.c.flexible_asset_type_name,
            FlexibleAssetTag.trait_key,
            FlexibleAssetTag.tag_type,
            FlexibleAssetTag.target_id,
        )
        .join_from(FlexibleAssetTag, assets, assets.c.id == FlexibleAssetTag.flexible_asset_id)
        .where(*scope(assets, organization_ids))
        .subquery("tag_links")
    )
