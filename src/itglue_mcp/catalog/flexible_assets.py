"""Flexible assets: the one resolver of a flexible asset reference and of a flexible asset
type reference, their types' fields, and the assets of given types with their traits.

A flexible asset is named by its IT Glue id or its name (exact names first, then names holding
the reference); a type by its id, its name (any case), the one name holding the reference, else
the one close name (:func:`one_asset_type`). Password-kind traits are secrets the store never
holds: :func:`password_fields` only says which traits are, and every function returning traits
leaves them out. :func:`asset_type_schemas` reads every type's field schema (the vocabulary of
attributes a question may ask of a flexible asset: "Issuer", "Seats", "Circuit ID"…);
:func:`asset_counts` counts a type's assets per organization in one grouped query, and
:func:`find_flexible_assets` filters one type's assets by trait text in SQL.

Example::

    asset = await one_flexible_asset(session, "corp.acmecorp.com", [7], "of Acme")
    fields = await password_fields(session, asset.flexible_asset_type_id)
    schemas = await asset_type_schemas(session)
    wireless = one_asset_type(schemas, "wirless")
    assets, total = await find_flexible_assets(
        session, wireless.id, organization_ids=[7], contains={"security": "wpa2"}, limit=10
    )
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord, StoredRecord, source_of
from itglue_mcp.catalog.errors import AmbiguousRecord, RecordNotFound
from itglue_mcp.catalog.ids import parse_id
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.queries import (
    ESCAPE,
    like_pattern,
    name_match,
    record_names,
    scope,
    select_view,
    to_view,
)
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.suggest import closest, closest_keys, suggestion_hint

__all__ = [
    "AssetField",
    "AssetTypeSchema",
    "AssetWithTraits",
    "PasswordField",
    "StoredAsset",
    "TypeCount",
    "asset_counts",
    "asset_titles",
    "asset_type_schemas",
    "assets_of_types",
    "describe_asset",
    "find_flexible_assets",
    "flexible_asset_names",
    "flexible_asset_source",
    "flexible_asset_traits",
    "one_asset_type",
    "one_flexible_asset",
    "password_fields",
]

# Candidates listed when a name matches several flexible assets.
_MAX_CANDIDATES = 10
# IT Glue's kind of a secret field (flexible asset fields, ``kind``).
_PASSWORD_KIND = "password"


@dataclass(frozen=True, slots=True)
class StoredAsset:
    """A flexible asset as the store holds it (no trait values: only what names and cites it)."""

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    flexible_asset_type_id: int | None
    flexible_asset_type_name: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class PasswordField:
    """A Password-kind field of a flexible asset type: its label and its trait key."""

    name: str | None
    name_key: str


@dataclass(frozen=True, slots=True)
class AssetField:
    """One field of a flexible asset type: its label, trait key, kind, for a Tag field the
    kind of record it links ("Configurations", "Passwords"), and whether IT Glue requires it."""

    name: str
    name_key: str
    kind: str | None
    tag_type: str | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class AssetTypeSchema:
    """A flexible asset type and its fields (Password-kind ones included: callers decide)."""

    id: int
    name: str | None
    fields: tuple[AssetField, ...]


@dataclass(frozen=True, slots=True)
class AssetWithTraits(StoredAsset):
    """A flexible asset (every :class:`StoredAsset` field) with its trait values, Password-kind
    traits left out.

    Attributes:
        traits: trait key → value as IT Glue sent it (text, number, boolean, date text, or a
            Tag's ``{"type", "values": [{"id", "name"}…]}``).
    """

    traits: dict[str, Any]


async def asset_type_schemas(session: AsyncSession) -> list[AssetTypeSchema]:
    """Every flexible asset type that is not disabled, with its named fields in form order.

    Raises:
        StoreError: the database failed.
    """
    types = RecordType.FLEXIBLE_ASSET_TYPES.table
    fields = RecordType.FLEXIBLE_ASSET_FIELDS.table
    with translate_errors("read flexible asset types"):
        type_rows = (
            await session.execute(
                select(types.c.id, types.c.name)
                .where(types.c.enabled.is_not(False))
                .order_by(types.c.id)
            )
        ).all()
        field_rows = (
            await session.execute(
                select(
                    fields.c.flexible_asset_type_id,
                    fields.c.name,
                    fields.c.name_key,
                    fields.c.kind,
                    fields.c.tag_type,
                    fields.c.required,
                ).order_by(fields.c.flexible_asset_type_id, fields.c.order, fields.c.id)
            )
        ).all()
    by_type: dict[int, list[AssetField]] = {}
    for row in field_rows:
        if row.name and row.name_key:
            field = AssetField(
                row.name, row.name_key, row.kind, row.tag_type, required=bool(row.required)
            )
            by_type.setdefault(row.flexible_asset_type_id, []).append(field)
    return [AssetTypeSchema(row.id, row.name, tuple(by_type.get(row.id, ()))) for row in type_rows]


async def assets_of_types(
    session: AsyncSession,
    type_ids: Collection[int],
    *,
    organization_ids: Collection[int] | None,
    limit: int = 200,
) -> list[AssetWithTraits]:
    """The live flexible assets of ``type_ids`` in ``organization_ids``, by name.

    Password-kind traits are dropped (the sync never stores them; refusing one here too costs
    nothing).

    Raises:
        StoreError: the database failed.
    """
    if not type_ids or (organization_ids is not None and not organization_ids):
        return []
    table = RecordType.FLEXIBLE_ASSETS.table
    return await _with_traits(
        session,
        select_view(StoredAsset, table)
        .where(*scope(table, organization_ids))
        .where(table.c.flexible_asset_type_id.in_(sorted(set(type_ids))))
        .order_by(func.lower(table.c.name), table.c.id)
        .limit(limit),
    )


async def find_flexible_assets(
    session: AsyncSession,
    type_id: int,
    *,
    organization_ids: Collection[int] | None,
    contains: Mapping[str, str | bool],
    limit: int,
) -> tuple[list[AssetWithTraits], int]:
    """The live, unarchived flexible assets of type ``type_id`` in ``organization_ids`` whose
    trait ``key`` contains ``text`` (case ignored, as stored: a number's digits, an HTML note's
    markup) — or, for a boolean, equals it (a Checkbox) — for every ``key: text`` of
    ``contains``, by name — at most ``limit`` — and how many match in all. Password-kind traits
    are left out, as in :func:`assets_of_types`.

    Raises:
        StoreError: the database failed.
    """
    if organization_ids is not None and not organization_ids:
        return [], 0
    table = RecordType.FLEXIBLE_ASSETS.table
    conditions = [
        *scope(table, organization_ids),
        table.c.flexible_asset_type_id == type_id,
        table.c.archived.is_not(True),
    ]
    conditions += [
        # A boolean compared as one: SQLite's JSON_EXTRACT gives 1 where PostgreSQL's ->> gives
        # 'true', so a text match would differ between the dialects.
        table.c.traits[key].as_boolean() == text
        if isinstance(text, bool)
        else func.lower(table.c.traits[key].as_string()).like(
            like_pattern(text, prefix=False), escape=ESCAPE
        )
        for key, text in contains.items()
    ]
    with translate_errors("count flexible assets"):
        total = (
            await session.execute(select(func.count()).select_from(table).where(*conditions))
        ).scalar_one()
    if not total:
        return [], 0
    statement = (
        select_view(StoredAsset, table)
        .where(*conditions)
        .order_by(func.lower(table.c.name), table.c.id)
        .limit(limit)
    )
    return await _with_traits(session, statement), total


async def flexible_asset_traits(session: AsyncSession, asset: StoredAsset) -> AssetWithTraits:
    """``asset`` with its trait values (Password-kind ones left out); no traits when the
    store no longer holds it.

    Raises:
        StoreError: the database failed.
    """
    table = RecordType.FLEXIBLE_ASSETS.table
    found = await _with_traits(
        session, select_view(StoredAsset, table).where(table.c.id == asset.id)
    )
    return found[0] if found else AssetWithTraits(**_asset_fields(asset), traits={})


async def _with_traits(session: AsyncSession, statement: Select[Any]) -> list[AssetWithTraits]:
    """The assets ``statement`` (a :func:`select_view` of :class:`StoredAsset`) selects, with
    their traits, Password-kind ones dropped.

    Raises:
        StoreError: the database failed.
    """
    fields = RecordType.FLEXIBLE_ASSET_FIELDS.table
    statement = statement.add_columns(RecordType.FLEXIBLE_ASSETS.table.c.traits)
    with translate_errors("read flexible assets"):
        rows = (await session.execute(statement)).all()
        type_ids = sorted({row.flexible_asset_type_id for row in rows} - {None})
        secret = (
            {
                (row.flexible_asset_type_id, row.name_key)
                for row in await session.execute(
                    select(fields.c.flexible_asset_type_id, fields.c.name_key).where(
                        fields.c.flexible_asset_type_id.in_(type_ids),
                        func.lower(fields.c.kind) == _PASSWORD_KIND,
                    )
                )
            }
            if type_ids
            else set()
        )
    assets = []
    for row in rows:
        stored = to_view(StoredAsset, row)
        traits = {
            key: value
            for key, value in (row.traits or {}).items()
            if (stored.flexible_asset_type_id, key) not in secret
        }
        assets.append(AssetWithTraits(**_asset_fields(stored), traits=traits))
    return assets


@dataclass(frozen=True, slots=True)
class TypeCount:
    """How many live, unarchived flexible assets of one type one organization holds.

    Attributes:
        flexible_asset_type_id: the type.
        organization_id: the organization.
        assets: its assets of the type.
        organizations: organizations in scope holding any asset of the type.
        total: assets of the type in scope.
    """

    flexible_asset_type_id: int
    organization_id: int
    assets: int
    organizations: int
    total: int


async def asset_counts(
    session: AsyncSession, *, organization_ids: Collection[int] | None, per_type: int
) -> list[TypeCount]:
    """The ``per_type`` organizations holding most assets of each type (ties by id), with
    each type's totals: one grouped query with window functions, whatever the account size.

    Raises:
        StoreError: the database failed.
    """
    if organization_ids is not None and not organization_ids:
        return []
    table = RecordType.FLEXIBLE_ASSETS.table
    kind, owner = table.c.flexible_asset_type_id, table.c.organization_id
    grouped = (
        select(kind.label("type_id"), owner.label("organization_id"), func.count().label("n"))
        .where(*scope(table, organization_ids), table.c.archived.is_not(True))
        .where(kind.is_not(None), owner.is_not(None))
        .group_by(kind, owner)
        .subquery()
    )
    by_type = grouped.c.type_id
    ranked = select(
        grouped,
        func.row_number()
        .over(partition_by=by_type, order_by=(grouped.c.n.desc(), grouped.c.organization_id))
        .label("rank"),
        func.count().over(partition_by=by_type).label("organizations"),
        func.sum(grouped.c.n).over(partition_by=by_type).label("total"),
    ).subquery()
    statement = (
        select(ranked).where(ranked.c.rank <= per_type).order_by(ranked.c.type_id, ranked.c.rank)
    )
    with translate_errors("count flexible assets"):
        rows = (await session.execute(statement)).all()
    return [
        TypeCount(row.type_id, row.organization_id, row.n, row.organizations, int(row.total))
        for row in rows
    ]


async def asset_titles(
    session: AsyncSession, *, organization_ids: Collection[int] | None, per_type: int
) -> dict[int, list[StoredAsset]]:
    """The first ``per_type`` live, unarchived assets of each type by name: type id → assets.

    Raises:
        StoreError: the database failed.
    """
    if organization_ids is not None and not organization_ids:
        return {}
    table = RecordType.FLEXIBLE_ASSETS.table
    rank = (
        func.row_number()
        .over(
            partition_by=table.c.flexible_asset_type_id,
            order_by=(func.lower(table.c.name), table.c.id),
        )
        .label("rank")
    )
    ranked = (
        select_view(StoredAsset, table)
        .add_columns(rank)
        .where(*scope(table, organization_ids), table.c.archived.is_not(True))
        .subquery()
    )
    statement = (
        select(ranked)
        .where(ranked.c.rank <= per_type)
        .order_by(ranked.c.flexible_asset_type_id, ranked.c.rank)
    )
    with translate_errors("read flexible assets"):
        rows = (await session.execute(statement)).all()
    titles: dict[int, list[StoredAsset]] = {}
    for row in rows:
        asset = to_view(StoredAsset, row)
        if asset.flexible_asset_type_id is not None:
            titles.setdefault(asset.flexible_asset_type_id, []).append(asset)
    return titles


def one_asset_type(schemas: Sequence[AssetTypeSchema], reference: str) -> AssetTypeSchema:
    """The flexible asset type ``reference`` names among ``schemas``: its IT Glue id, its
    name (any case), the one name holding it, else the one close name
    (:func:`~itglue_mcp.suggest.closest`).

    Raises:
        RecordNotFound: none does (close names offered, else every type named).
        AmbiguousRecord: several names hold it, or several are close (listed).
    """
    wanted = reference.strip().casefold()
    by_name = {schema.id: schema.name or "" for schema in schemas}
    if (type_id := parse_id(reference)) is not None and type_id in by_name:
        return next(schema for schema in schemas if schema.id == type_id)
    for tier in (
        [s for s in schemas if (s.name or "").casefold() == wanted],
        [s for s in schemas if wanted in (s.name or "").casefold()],
    ):
        if len(tier) == 1:
            return tier[0]
        if tier:
            raise AmbiguousRecord(
                f"asset_type: {reference!r} matches several flexible asset types: "
                f"{', '.join(s.name or str(s.id) for s in tier)}; name one"
            )
    close = closest_keys(reference, by_name)
    if len(close) == 1:
        return next(schema for schema in schemas if schema.id == close[0])
    if close:
        names = ", ".join(by_name[key] for key in close)
        raise AmbiguousRecord(f"asset_type: {reference!r} is close to several types: {names}")
    known = ", ".join(sorted(name for name in by_name.values() if name)[: _MAX_CANDIDATES * 2])
    raise RecordNotFound(
        f"asset_type: no flexible asset type is named {reference!r}; types: {known or 'none'}"
    )


def _asset_fields(asset: StoredAsset) -> dict[str, Any]:
    return {name: getattr(asset, name) for name in StoredAsset.__dataclass_fields__}


def flexible_asset_source(asset: StoredRecord) -> SourceRecord:
    """The citation of a flexible asset (any view of one: stored, with traits, with addresses)."""
    return source_of(RecordType.FLEXIBLE_ASSETS.value, asset)


async def _assets(
    session: AsyncSession, reference: str, organization_ids: Collection[int] | None
) -> list[StoredAsset]:
    """The flexible assets ``reference`` names: an IT Glue id, else names (exact ones first).

    Raises:
        StoreError: the database failed.
    """
    table = RecordType.FLEXIBLE_ASSETS.table
    statement = select_view(StoredAsset, table).where(*scope(table, organization_ids))
    with translate_errors("read flexible assets"):
        if (asset_id := parse_id(reference)) is not None:
            rows = (await session.execute(statement.where(table.c.id == asset_id))).all()
            if rows:
                return [to_view(StoredAsset, row) for row in rows]
        matches, tier = name_match((table.c.name,), reference)
        ordered = statement.where(matches).order_by(tier, func.lower(table.c.name), table.c.id)
        rows = (await session.execute(ordered.limit(_MAX_CANDIDATES + 1))).all()
    views = [to_view(StoredAsset, row) for row in rows]
    wanted = reference.lower()
    exact = [view for view in views if (view.name or "").lower() == wanted]
    return exact or views


async def password_fields(session: AsyncSession, type_id: int | None) -> list[PasswordField]:
    """The Password-kind fields of flexible asset type ``type_id``, in the type's order.

    Raises:
        StoreError: the database failed.
    """
    if type_id is None:
        return []
    fields = RecordType.FLEXIBLE_ASSET_FIELDS.table
    statement = (
        select(fields.c.name, fields.c.name_key)
        .where(
            fields.c.flexible_asset_type_id == type_id,
            func.lower(fields.c.kind) == _PASSWORD_KIND,
        )
        .order_by(fields.c.order, fields.c.id)
    )
    with translate_errors("read flexible asset fields"):
        rows = (await session.execute(statement)).all()
    return [PasswordField(row.name, row.name_key) for row in rows if row.name_key]


def describe_asset(asset: StoredAsset) -> str:
    """``name (id N, type, organization)``: how a flexible asset is listed in a message."""
    return (
        f"{asset.name or '-'} (id {asset.id}, {asset.flexible_asset_type_name or 'no type'}, "
        f"{asset.organization_name or 'no organization'})"
    )


async def flexible_asset_names(
    session: AsyncSession, organization_ids: Collection[int] | None
) -> list[str]:
    """The names of the live flexible assets in scope: what a close-names suggestion for a
    flexible asset reference chooses from.

    Raises:
        StoreError: the store failed.
    """
    return await record_names(
        session, RecordType.FLEXIBLE_ASSETS, organization_ids=organization_ids
    )


async def one_flexible_asset(
    session: AsyncSession, reference: str, organization_ids: list[int] | None, where: str
) -> StoredAsset:
    """The one readable flexible asset ``reference`` names.

    Raises:
        RecordNotFound: none does (close names among the readable ones offered).
        AmbiguousRecord: several do (listed, so one can be named by id).
    """
    assets = await _assets(session, reference, organization_ids)
    if not assets:
        names = await flexible_asset_names(session, organization_ids)
        raise RecordNotFound(
            f"flexible_asset: no flexible asset {where} is named {reference!r}"
            + suggestion_hint(closest(reference, names))
        )
    if len(assets) > 1:
        listed = "; ".join(describe_asset(asset) for asset in assets[:_MAX_CANDIDATES])
        more = " and more" if len(assets) > _MAX_CANDIDATES else ""
        raise AmbiguousRecord(
            f"flexible_asset: {reference!r} matches several flexible assets: {listed}{more}; "
            "name exactly one — give its IT Glue id"
        )
    return assets[0]
