"""Flexible assets by type: which types there are and where their assets are, the assets of one
type with their traits, and one asset — all within the request's :class:`ReadScope`.

Traits are shown by their field's kind: a Textbox's HTML as text, a Checkbox as a boolean,
a Tag as the cited records it links that the caller may read (:func:`readable_sources`; the
names IT Glue copied into the trait are not repeated, so a link to a record hidden from the
caller names nothing), a Password-kind trait as ``withheld`` (the store never holds one:
``reveal_flexible_asset_password`` fetches it live), a Header (a form heading) not at all.
Empty traits are left out.

Example::

    catalog = await discover_asset_types(session, scope)
    listing = await list_flexible_assets(session, scope, "wireless", {"security": "wpa2"}, 10)
    detail = await get_flexible_asset(session, scope, "corp.acmecorp.com")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.flexible_assets import (
    AssetTypeSchema,
    AssetWithTraits,
    asset_counts,
    asset_titles,
    asset_type_schemas,
    find_flexible_assets,
    flexible_asset_source,
    flexible_asset_traits,
    one_asset_type,
    one_flexible_asset,
)
from itglue_mcp.catalog.inventory import readable_sources
from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.query.infrastructure.roles import tag_targets
from itglue_mcp.richtext import html_to_text

__all__ = [
    "COUNTED_ORGANIZATIONS",
    "DEFAULT_LIMIT",
    "EXAMPLES",
    "MAX_FILTERS",
    "MAX_LIMIT",
    "REVEAL_TOOL",
    "AssetTypeCatalog",
    "AssetTypeSummary",
    "FlexibleAssetDetail",
    "FlexibleAssetItem",
    "FlexibleAssetList",
    "OrganizationCount",
    "discover_asset_types",
    "get_flexible_asset",
    "list_flexible_assets",
]

DEFAULT_LIMIT = 10
"""Assets ``list_flexible_assets`` returns unless asked for more."""
MAX_LIMIT = 100
"""Most assets one ``list_flexible_assets`` call returns."""
MAX_FILTERS = 5
"""Most trait filters one call may give."""
COUNTED_ORGANIZATIONS = 5
"""Organizations listed per type by ``discover_asset_types`` (most assets first)."""
EXAMPLES = 3
"""Asset titles shown per type by ``discover_asset_types`` (first by name)."""
REVEAL_TOOL = "reveal_flexible_asset_password"
"""The one tool that returns a Password-kind trait's value."""

_PASSWORD, _TAG, _HEADER, _TEXTBOX = "password", "tag", "header", "textbox"
_CHECKBOX = "checkbox"
_CHECKED = {"true": True, "yes": True, "false": False, "no": False}


class OrganizationCount(BaseModel):
    """How many assets of the type one organization holds."""

    organization: SourceRecord
    assets: int


class AssetTypeSummary(BaseModel):
    """A flexible asset type: its fields in form order (name → kind, ``", required"`` added
    when IT Glue requires the field), its unarchived assets in scope, the
    :data:`COUNTED_ORGANIZATIONS` organizations holding most, and :data:`EXAMPLES` of them
    (first by name)."""

    name: str | None
    fields: dict[str, str]
    assets: int
    organizations: list[OrganizationCount]
    organizations_total: int
    examples: list[SourceRecord]


class AssetTypeCatalog(BaseModel):
    """Every enabled flexible asset type, most assets first (names only: no free text)."""

    asset_types: list[AssetTypeSummary]


class FlexibleAssetItem(BaseModel):
    """A flexible asset and its filled traits, by field name in form order: ``traits`` the
    plain values as text (a number, ``true``/``false``, a date), ``tags`` the linked records
    the caller may read, ``withheld`` the Password fields."""

    source: SourceRecord
    traits: dict[str, str]
    tags: dict[str, list[SourceRecord]] | None = None
    withheld: list[str] | None = None


class FlexibleAssetList(BaseModel):
    """Unarchived assets of one type, by name; ``next_step`` says how to see the rest."""

    asset_type: str
    assets: list[FlexibleAssetItem]
    total: int
    next_step: str | None = None
    untrusted: Literal[True] = True


class FlexibleAssetDetail(FlexibleAssetItem):
    """One flexible asset (archived ones too), its type and its filled traits."""

    asset_type: str | None
    archived: Literal[True] | None = None
    untrusted: Literal[True] = True


def _value(kind: str, value: Any) -> str | None:
    """A trait's value as text: a Textbox's HTML as its words, a boolean as ``true`` or
    ``false``; ``None`` when empty or not a plain value (a Tag, an upload)."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = html_to_text(value) if kind == _TEXTBOX and isinstance(value, str) else str(value)
    return text.strip() or None


def _item(
    asset: AssetWithTraits,
    schema: AssetTypeSchema | None,
    linked: Mapping[tuple[str, int], SourceRecord],
) -> FlexibleAssetItem:
    """The asset and its filled traits in its type's order (a type the store lacks: as
    stored, plain values only)."""
    source = flexible_asset_source(asset)
    if schema is None:
        plain = {key: _value("", value) for key, value in asset.traits.items()}
        return FlexibleAssetItem(
            source=source, traits={key: text for key, text in plain.items() if text}
        )
    tags: dict[str, list[SourceRecord]] = {}
    for field, key in tag_targets(asset, schema):
        if key in linked:
            tags.setdefault(field.name, []).append(linked[key])
    traits, withheld = {}, []
    for field in schema.fields:
        kind = (field.kind or "").lower()
        if kind == _PASSWORD:
            withheld.append(field.name)
        elif kind not in (_TAG, _HEADER):
            text = _value(kind, asset.traits.get(field.name_key))
            if text is not None:
                traits[field.name] = text
    return FlexibleAssetItem(
        source=source, traits=traits, tags=tags or None, withheld=withheld or None
    )


async def _items(
    session: AsyncSession,
    scope: ReadScope,
    assets: list[AssetWithTraits],
    schemas: Mapping[int, AssetTypeSchema],
) -> list[FlexibleAssetItem]:
    """Each asset with its traits, its Tags' readable records cited (one lookup for all)."""
    keys = {
        key
        for asset in assets
        for _, key in tag_targets(asset, schemas.get(asset.flexible_asset_type_id or 0))
    }
    linked = await readable_sources(session, scope, keys)
    return [
        _item(asset, schemas.get(asset.flexible_asset_type_id or 0), linked) for asset in assets
    ]


async def discover_asset_types(session: AsyncSession, scope: ReadScope) -> AssetTypeCatalog:
    """Every enabled type with its fields, its unarchived assets' count in scope, the
    :data:`COUNTED_ORGANIZATIONS` organizations holding most, and :data:`EXAMPLES` titles.

    Raises:
        StoreError: the store failed.
    """
    ids = scope.organization_ids
    schemas = await asset_type_schemas(session)
    counts = await asset_counts(session, organization_ids=ids, per_type=COUNTED_ORGANIZATIONS)
    titles = await asset_titles(session, organization_ids=ids, per_type=EXAMPLES)
    by_type: dict[int, list[OrganizationCount]] = {}
    totals: dict[int, tuple[int, int]] = {}
    for count in counts:
        source = scope.directory.source(count.organization_id)
        if source is not None:
            by_type.setdefault(count.flexible_asset_type_id, []).append(
                OrganizationCount(organization=source, assets=count.assets)
            )
        totals[count.flexible_asset_type_id] = (count.total, count.organizations)
    summaries = [
        AssetTypeSummary(
            name=schema.name,
            fields={
                f.name: (f.kind or "unknown") + (", required" if f.required else "")
                for f in schema.fields
            },
            assets=totals.get(schema.id, (0, 0))[0],
            organizations=by_type.get(schema.id, []),
            organizations_total=totals.get(schema.id, (0, 0))[1],
            examples=[flexible_asset_source(asset) for asset in titles.get(schema.id, [])],
        )
        for schema in schemas
    ]
    summaries.sort(key=lambda summary: (-summary.assets, (summary.name or "").casefold()))
    return AssetTypeCatalog(asset_types=summaries)


def _trait_keys(schema: AssetTypeSchema, filters: Mapping[str, str]) -> dict[str, str | bool]:
    """``filters`` (a field's name or name-key → text) as trait key → text (case folded), or
    → a boolean for a Checkbox field (``true``/``yes`` or ``false``/``no``).

    Raises:
        ValueError: a field the type lacks, a Password, Tag or Header field (their values
            are not stored as text), an empty text, or a Checkbox given another word.
    """
    fields = {name.casefold(): f for f in schema.fields for name in (f.name, f.name_key)}
    searchable = [
        f.name for f in schema.fields if (f.kind or "").lower() not in (_PASSWORD, _TAG, _HEADER)
    ]
    keys: dict[str, str | bool] = {}
    for name, text in filters.items():
        field = fields.get(name.strip().casefold())
        if field is None or (field.kind or "").lower() in (_PASSWORD, _TAG, _HEADER):
            what = "is not a field" if field is None else f"is a {field.kind} field"
            raise ValueError(
                f"filter: {name!r} {what} of {schema.name}; filter on: {', '.join(searchable)}"
            )
        wanted = text.strip().casefold()
        if not wanted:
            raise ValueError(f"filter: the text for {name!r} is blank")
        if (field.kind or "").lower() == _CHECKBOX:
            if wanted not in _CHECKED:
                raise ValueError(f"filter: {name!r} is a Checkbox; give true or false")
            keys[field.name_key] = _CHECKED[wanted]
        else:
            keys[field.name_key] = wanted
    return keys


async def list_flexible_assets(
    session: AsyncSession,
    scope: ReadScope,
    asset_type: str,
    filters: Mapping[str, str],
    limit: int,
) -> FlexibleAssetList:
    """The unarchived assets in scope of the type ``asset_type`` names (fuzzily:
    :func:`one_asset_type`) whose traits contain each filter's text, by name, at most
    ``limit``, with the total and how to see more.

    Raises:
        RecordNotFound, AmbiguousRecord: the type reference (close names listed).
        ValueError: a bad filter (see :func:`_trait_keys`).
        StoreError: the store failed.
    """
    schemas = await asset_type_schemas(session)
    schema = one_asset_type(schemas, asset_type)
    contains = _trait_keys(schema, filters)
    assets, total = await find_flexible_assets(
        session,
        schema.id,
        organization_ids=scope.organization_ids,
        contains=contains,
        limit=limit,
    )
    items = await _items(session, scope, assets, {schema.id: schema})
    more = total - len(items)
    return FlexibleAssetList(
        asset_type=schema.name or str(schema.id),
        assets=items,
        total=total,
        next_step=(
            f"{more} more: raise limit (up to {MAX_LIMIT}), name an organization or add a filter"
            if more > 0
            else None
        ),
    )


async def get_flexible_asset(
    session: AsyncSession, scope: ReadScope, reference: str
) -> FlexibleAssetDetail:
    """The one readable flexible asset ``reference`` names (IT Glue id or name), with its
    filled traits.

    Raises:
        RecordNotFound, AmbiguousRecord: as :func:`one_flexible_asset`.
        StoreError: the store failed.
    """
    asset = await one_flexible_asset(
        session, reference, scope.organization_ids, "in any organization"
    )
    schemas = {schema.id: schema for schema in await asset_type_schemas(session)}
    [item] = await _items(session, scope, [await flexible_asset_traits(session, asset)], schemas)
    return FlexibleAssetDetail(
        **dict(item), asset_type=asset.flexible_asset_type_name, archived=asset.archived or None
    )
