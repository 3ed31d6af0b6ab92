"""Flexible asset Tag links as rows: ``flexible_asset_tags``, indexed by what they point at.

A Tag trait is JSON inside ``flexible_assets.traits`` (``{"type": "Configurations", "values":
[{"id": 4215003, "name": "ACME-FW01"}]}``); the graph found the assets tagging a record by a
text match over every asset's traits (23 ms a walk level at 1,000 organizations). The table
holds one row per (asset, trait key, tagged record), written by the store with the asset's
traits, and ``ix_flexible_asset_tags_tag_type_target_id`` answers "who tags this record". The
upgrade fills it from the traits already stored, by the rule the store applies to new traits
(``itglue_mcp.store.tag_links.parse_tag_links``): a trait with a string ``type`` and a list
``values``; each element an object whose ``id`` is an integer, or a string of digits, of at
most 18 digits; one row per distinct record of a trait. Frozen like every revision: the table
and the expansion are spelled out, per dialect.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "flexible_asset_id, trait_key, target_id, tag_type"

# jsonb_each and jsonb_array_elements fail on anything but an object and an array: each is
# handed an empty one instead. ``->`` and ``->>`` give NULL on a scalar, never an error.
_POSTGRESQL_BACKFILL = f"""
INSERT INTO flexible_asset_tags ({_COLUMNS})
SELECT DISTINCT flexible_asset_id, trait_key, target_id, tag_type FROM (
    SELECT
        a.id AS flexible_asset_id,
        t.key AS trait_key,
        CASE WHEN jsonb_typeof(e.value) = 'object'
              AND jsonb_typeof(e.value -> 'id') IN ('number', 'string')
              AND (e.value ->> 'id') ~ '^[0-9]{{1,18}}$'
             THEN CAST(e.value ->> 'id' AS BIGINT) END AS target_id,
        t.value ->> 'type' AS tag_type
    FROM flexible_assets AS a
    CROSS JOIN LATERAL jsonb_each(
        CASE WHEN jsonb_typeof(a.traits) = 'object' THEN a.traits ELSE '{{}}'::jsonb END
    ) AS t(key, value)
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(t.value -> 'type') = 'string'
              AND jsonb_typeof(t.value -> 'values') = 'array'
             THEN t.value -> 'values' ELSE '[]'::jsonb END
    ) AS e(value)
) AS links
WHERE target_id IS NOT NULL
"""

# json_type and json_extract fail on text that is not JSON (a string trait's value as
# json_each gives it): nested CASEs look into a value only once it is known to be an object,
# and SQLite evaluates a CASE branch only when it is taken.
_SQLITE_BACKFILL = f"""
INSERT INTO flexible_asset_tags ({_COLUMNS})
SELECT DISTINCT flexible_asset_id, trait_key, target_id, tag_type FROM (
    SELECT
        a.id AS flexible_asset_id,
        t.key AS trait_key,
        CASE WHEN e.type = 'object' THEN
            CASE json_type(e.value, '$.id')
                WHEN 'integer' THEN
                    CASE WHEN json_extract(e.value, '$.id') BETWEEN 0 AND 999999999999999999
                         THEN json_extract(e.value, '$.id') END
                WHEN 'text' THEN
                    CASE WHEN length(json_extract(e.value, '$.id')) BETWEEN 1 AND 18
                          AND json_extract(e.value, '$.id') NOT GLOB '*[^0-9]*'
                         THEN CAST(json_extract(e.value, '$.id') AS INTEGER) END
            END
        END AS target_id,
        json_extract(t.value, '$.type') AS tag_type
    FROM flexible_assets AS a
    JOIN json_each(CASE WHEN json_type(a.traits) = 'object' THEN a.traits END) AS t
    JOIN json_each(
        CASE WHEN t.type = 'object' THEN
            CASE WHEN json_type(t.value, '$.type') = 'text'
                  AND json_type(t.value, '$.values') = 'array'
                 THEN json_extract(t.value, '$.values') END
        END
    ) AS e
) AS links
WHERE target_id IS NOT NULL
"""


def upgrade() -> None:
    """Create ``flexible_asset_tags`` and its lookup index, and fill it from stored traits."""
    op.create_table(
        "flexible_asset_tags",
        sa.Column("flexible_asset_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("trait_key", sa.Text(), nullable=False),
        sa.Column("target_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tag_type", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flexible_asset_id"],
            ["flexible_assets.id"],
            name="fk_flexible_asset_tags_flexible_asset_id_flexible_assets",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "flexible_asset_id", "trait_key", "target_id", name="pk_flexible_asset_tags"
        ),
    )
    op.create_index(
        "ix_flexible_asset_tags_tag_type_target_id",
        "flexible_asset_tags",
        ["tag_type", "target_id"],
    )
    postgresql = op.get_context().dialect.name == "postgresql"
    op.execute(_POSTGRESQL_BACKFILL if postgresql else _SQLITE_BACKFILL)


def downgrade() -> None:
    """Drop ``flexible_asset_tags`` (the traits still hold every link)."""
    op.drop_index("ix_flexible_asset_tags_tag_type_target_id", table_name="flexible_asset_tags")
    op.drop_table("flexible_asset_tags")
