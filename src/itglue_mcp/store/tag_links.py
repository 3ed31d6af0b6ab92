"""The records flexible assets' Tag traits point at, expanded in SQL (SQLite and PostgreSQL).

A Tag trait is JSON inside ``flexible_assets.traits`` (IT Glue API:
``{"type": "Configurations", "values": [{"id": 4215003, "name": "ACME-FW01"}, …]}``). Reports
that count across an account ("which servers does a backup asset protect?") need those links
as rows, not as traits read into Python, so :func:`tag_links` expands them with each dialect's
JSON table functions (SQLite ``json_each``, PostgreSQL ``jsonb_each`` and
``jsonb_array_elements``). Traits that are not Tag-shaped yield no row; an id that is not an
integer yields a NULL target.

Example::

    links = tag_links(Dialect.of(session), organization_ids=[7])
    select(links.c.target_id).where(links.c.tag_type == "Configurations")
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Subquery,
    Text,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB

from itglue_mcp.store.database import Dialect
from itglue_mcp.store.queries import scope
from itglue_mcp.store.record_types import RecordType

__all__ = ["tag_links"]


def tag_links(dialect: Dialect, *, organization_ids: Collection[int] | None) -> Subquery:
    """One row per record a live flexible asset's Tag trait points at.

    Columns: ``flexible_asset_id``, ``organization_id``, ``flexible_asset_type_id``,
    ``flexible_asset_type_name``, ``trait_key`` (the trait's key: its field's ``name_key``),
    ``tag_type`` (the trait's ``type``, e.g. ``"Configurations"``) and ``target_id`` (the
    tagged record's IT Glue id; NULL when the trait holds no integer id).

    Args:
        dialect: the database the subquery will run on.
        organization_ids: only assets of these organizations (``None``: every organization).
    """
    assets = RecordType.FLEXIBLE_ASSETS.table
    tag_type: ColumnElement[str]
    target: ColumnElement[int]
    if dialect is Dialect.POSTGRESQL:
        trait = (
            func.jsonb_each(assets.c.traits)
            .table_valued(column("key", Text), column("value", JSONB))
            .lateral()
        )
        values = trait.c.value["values"]
        # jsonb_array_elements fails on anything but an array: give it an empty one instead.
        elements = (
            func.jsonb_array_elements(
                case((func.jsonb_typeof(values) == "array", values), else_=func.jsonb_build_array())
            )
            .table_valued(column("value", JSONB))
            .lateral()
        )
        tag_type = trait.c.value["type"].astext
        raw = elements.c.value["id"].astext
        target = case((raw.regexp_match("^[0-9]{1,18}$"), cast(raw, BigInteger)))
    else:
        trait = func.json_each(assets.c.traits).table_valued("key", "value", "type")
        # json_each of a string trait's text would fail: only objects are looked into.
        elements = func.json_each(
            case((trait.c.type == "object", trait.c.value), else_=literal("{}", Text)),
            "$.values",
        ).table_valued("value", "type")
        raw = func.json_extract(elements.c.value, "$.id")
        id_type = func.json_type(elements.c.value, "$.id")
        digits = and_(raw.op("GLOB")("[0-9]*"), ~raw.op("GLOB")("*[^0-9]*"))
        # json_extract fails on a value that is not JSON (a string element): CASE tests the
        # element's type first, and SQLite evaluates a CASE branch only when it is taken.
        tag_type = case((trait.c.type == "object", func.json_extract(trait.c.value, "$.type")))
        target = case(
            (
                elements.c.type == "object",
                case(
                    (id_type == "integer", raw),
                    (and_(id_type == "text", digits), cast(raw, BigInteger)),
                ),
            )
        )
    return (
        select(
            assets.c.id.label("flexible_asset_id"),
            assets.c.organization_id,
            assets.c.flexible_asset_type_id,
            assets.c.flexible_asset_type_name,
            trait.c.key.label("trait_key"),
            tag_type.label("tag_type"),
            target.label("target_id"),
        )
        .select_from(assets.join(trait, true()).join(elements, true()))
        .where(*scope(assets, organization_ids))
        .subquery("tag_links")
    )
