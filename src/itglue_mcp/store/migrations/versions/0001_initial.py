"""Initial schema: IT Glue record tables, search entries with full-text, sync and audit tables.

Full-text search differs per dialect: SQLite gets an FTS5 table over ``search_entries``
(external content, kept in step by triggers); PostgreSQL gets a generated ``tsvector``
column with a GIN index. Neither needs an extension.

This revision is frozen: it spells out its columns rather than importing the models, so
later model changes need a new revision (``tests/store/test_migrations.py`` compares both).

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
BIG_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EMPTY_JSON_OBJECT = sa.text("'{}'")

# Name words are kept as written ('simple'); body words are stemmed ('english'). Explicit
# configurations keep the expression immutable, as a generated column requires.
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')"
)

SQLITE_FULL_TEXT = (
    # Prefix indexes of 2 and 3 characters make the type-ahead last term ("dc0"*) cheap.
    """CREATE VIRTUAL TABLE search_entries_fts USING fts5(
        name, body, content='search_entries', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER search_entries_fts_insert AFTER INSERT ON search_entries BEGIN
        INSERT INTO search_entries_fts(rowid, name, body) VALUES (new.id, new.name, new.body);
    END""",
    """CREATE TRIGGER search_entries_fts_delete AFTER DELETE ON search_entries BEGIN
        INSERT INTO search_entries_fts(search_entries_fts, rowid, name, body)
        VALUES ('delete', old.id, old.name, old.body);
    END""",
    """CREATE TRIGGER search_entries_fts_update AFTER UPDATE OF name, body ON search_entries
    BEGIN
        INSERT INTO search_entries_fts(search_entries_fts, rowid, name, body)
        VALUES ('delete', old.id, old.name, old.body);
        INSERT INTO search_entries_fts(rowid, name, body) VALUES (new.id, new.name, new.body);
    END""",
)


def _columns(type_: sa.types.TypeEngine[Any], *names: str) -> list[sa.Column[Any]]:
    return [sa.Column(name, type_) for name in names]


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False)


def _record_head() -> list[sa.Column[Any]]:
    """Columns every organization-scoped record table starts with, after ``id``."""
    return [
        sa.Column("organization_id", sa.BigInteger()),
        sa.Column("name", sa.Text()),
        sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("resource_url", sa.Text()),
    ]


def _tracked_tail() -> list[sa.Column[Any]]:
    """Bookkeeping columns of every table filled from an IT Glue listing."""
    return [
        sa.Column("created_at", TIMESTAMP),
        sa.Column("updated_at", TIMESTAMP),
        sa.Column("attributes", JSON, server_default=EMPTY_JSON_OBJECT, nullable=False),
        sa.Column("synced_at", TIMESTAMP, nullable=False),
        sa.Column("last_seen_run_id", sa.Integer()),
        sa.Column("deleted_at", TIMESTAMP),
    ]


def _child_tail() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", TIMESTAMP),
        sa.Column("updated_at", TIMESTAMP),
        sa.Column("synced_at", TIMESTAMP, nullable=False),
    ]


def _create_record_table(name: str, *columns: sa.Column[Any]) -> None:
    op.create_table(
        name,
        _id(),
        *_record_head(),
        *columns,
        *_tracked_tail(),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )
    op.create_index(
        f"ix_{name}_organization_id_lower_name",
        name,
        ["organization_id", sa.literal_column("lower(name)")],
    )


def _create_lookup_table(name: str, *columns: sa.Column[Any]) -> None:
    op.create_table(
        name,
        _id(),
        sa.Column("name", sa.Text()),
        *columns,
        *_tracked_tail(),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def _create_record_tables() -> None:
    text, big, boolean = sa.Text(), sa.BigInteger(), sa.Boolean()
    _create_record_table(
        "organizations",
        *_columns(text, "short_name", "description"),
        *_columns(text, "organization_type_name", "organization_status_name"),
        sa.Column("primary", boolean),
        sa.Column("parent_id", big),
        *_columns(text, "quick_notes", "alert"),
    )
    _create_record_table(
        "configurations",
        *_columns(text, "hostname", "primary_ip", "default_gateway", "mac_address"),
        *_columns(text, "serial_number", "asset_tag", "configuration_type_name"),
        *_columns(text, "configuration_type_kind", "configuration_status_name"),
        *_columns(text, "manufacturer_name", "model_name", "operating_system_name"),
        sa.Column("location_id", big),
        sa.Column("location_name", text),
        sa.Column("contact_id", big),
        sa.Column("contact_name", text),
        sa.Column("warranty_expires_at", sa.Date()),
        sa.Column("notes", text),
    )
    for column in ("primary_ip", "mac_address", "serial_number"):
        op.create_index(f"ix_configurations_{column}", "configurations", [column])
    op.create_index(
        "ix_configurations_organization_id_lower_hostname",
        "configurations",
        ["organization_id", sa.literal_column("lower(hostname)")],
    )
    _create_record_table(
        "passwords",
        *_columns(text, "username", "url", "password_category_name", "resource_type"),
        sa.Column("resource_id", big),
        sa.Column("password_updated_at", TIMESTAMP),
        sa.Column("notes", text),
    )
    _create_record_table(
        "flexible_assets",
        sa.Column("flexible_asset_type_id", big),
        sa.Column("flexible_asset_type_name", text),
        sa.Column("traits", JSON),
    )
    op.create_index(
        "ix_flexible_assets_flexible_asset_type_id", "flexible_assets", ["flexible_asset_type_id"]
    )
    _create_record_table(
        "documents",
        sa.Column("document_folder_id", big),
        *_columns(boolean, "public", "restricted", "published"),
        sa.Column("content", JSON),
    )
    _create_record_table(
        "contacts",
        *_columns(text, "first_name", "last_name", "title", "contact_type_name"),
        sa.Column("location_id", big),
        sa.Column("location_name", text),
        sa.Column("important", boolean),
        *_columns(JSON, "emails", "phones"),
        sa.Column("notes", text),
    )
    _create_record_table(
        "locations",
        sa.Column("primary", boolean),
        *_columns(text, "address_1", "address_2", "city", "postal_code", "region_name"),
        *_columns(text, "country_name", "phone", "notes"),
    )
    _create_record_table(
        "domains",
        sa.Column("registrar_name", text),
        sa.Column("expires_on", sa.Date()),
        sa.Column("notes", text),
    )
    _create_record_table(
        "expirations",
        sa.Column("description", text),
        sa.Column("expiration_date", sa.Date()),
        sa.Column("resource_id", big),
        *_columns(text, "resource_type_name", "resource_name"),
    )
    op.create_index("ix_expirations_expiration_date", "expirations", ["expiration_date"])


def _create_children_and_lookups() -> None:
    text, big, boolean = sa.Text(), sa.BigInteger(), sa.Boolean()
    op.create_table(
        "configuration_interfaces",
        _id(),
        sa.Column("configuration_id", big, nullable=False),
        *_columns(text, "name", "ip_address", "mac_address"),
        sa.Column("primary", boolean),
        sa.Column("notes", text),
        *_child_tail(),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["configurations.id"],
            name="fk_configuration_interfaces_configuration_id_configurations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_configuration_interfaces"),
    )
    for column in ("configuration_id", "ip_address"):
        op.create_index(
            f"ix_configuration_interfaces_{column}", "configuration_interfaces", [column]
        )
    _create_lookup_table(
        "flexible_asset_types", sa.Column("description", text), sa.Column("enabled", boolean)
    )
    op.create_table(
        "flexible_asset_fields",
        _id(),
        sa.Column("flexible_asset_type_id", big, nullable=False),
        *_columns(text, "name", "name_key", "kind", "tag_type"),
        sa.Column("required", boolean),
        sa.Column("order", sa.Integer()),
        *_child_tail(),
        sa.ForeignKeyConstraint(
            ["flexible_asset_type_id"],
            ["flexible_asset_types.id"],
            name="fk_flexible_asset_fields_flexible_asset_type_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_flexible_asset_fields"),
    )
    op.create_index(
        "ix_flexible_asset_fields_flexible_asset_type_id",
        "flexible_asset_fields",
        ["flexible_asset_type_id"],
    )
    op.create_table(
        "related_items",
        sa.Column("source_type", text, nullable=False),
        sa.Column("source_id", big, autoincrement=False, nullable=False),
        _id(),
        sa.Column("asset_type", text),
        sa.Column("resource_id", big),
        *_columns(text, "resource_name", "resource_url", "notes"),
        sa.Column("is_inverse", boolean),
        *_child_tail(),
        sa.PrimaryKeyConstraint("source_type", "source_id", "id", name="pk_related_items"),
    )
    op.create_index(
        "ix_related_items_asset_type_resource_id", "related_items", ["asset_type", "resource_id"]
    )
    for name in ("configuration_types", "configuration_statuses", "password_categories"):
        _create_lookup_table(name)


def _create_store_tables() -> None:
    text, big = sa.Text(), sa.BigInteger()
    op.create_table(
        "search_entries",
        sa.Column("id", BIG_SERIAL, autoincrement=True, nullable=False),
        sa.Column("record_type", text, nullable=False),
        sa.Column("record_id", big, nullable=False),
        sa.Column("organization_id", big),
        *[sa.Column(name, text, nullable=False) for name in ("name", "body")],
        sa.PrimaryKeyConstraint("id", name="pk_search_entries"),
        sa.UniqueConstraint(
            "record_type", "record_id", name="uq_search_entries_record_type_record_id"
        ),
    )
    op.create_index("ix_search_entries_organization_id", "search_entries", ["organization_id"])
    op.create_table(
        "sync_checkpoints",
        sa.Column("stream", text, nullable=False),
        sa.Column("high_water_mark", TIMESTAMP),
        *_columns(sa.Integer(), "run_id", "next_page", "page_size"),
        sa.Column("completed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("stream", name="pk_sync_checkpoints"),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *[sa.Column(name, text, nullable=False) for name in ("mode", "status")],
        sa.Column("scope", JSON, server_default=EMPTY_JSON_OBJECT, nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP),
        sa.Column("counts", JSON, server_default=EMPTY_JSON_OBJECT, nullable=False),
        *[
            sa.Column(name, sa.Integer(), server_default="0", nullable=False)
            for name in ("api_requests", "rate_limited", "errors")
        ],
        sa.Column("error_message", text),
        sa.CheckConstraint("mode IN ('full', 'incremental')", name="ck_sync_runs_mode"),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'failed')", name="ck_sync_runs_status"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sync_runs"),
    )
    op.create_index("ix_sync_runs_status", "sync_runs", ["status"])
    op.create_table(
        "audit_events",
        sa.Column("id", BIG_SERIAL, autoincrement=True, nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("subject", text, nullable=False),
        *_columns(text, "client_id", "tool"),
        sa.Column("organization_id", big),
        sa.Column("record_type", text),
        sa.Column("record_id", big),
        sa.Column("decision", text, nullable=False),
        *_columns(text, "reason", "request_id", "trace_id", "source_ip"),
        sa.CheckConstraint("decision IN ('allow', 'deny')", name="ck_audit_events_decision"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])


def _create_full_text() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.add_column(
            "search_entries",
            sa.Column(
                "search_vector",
                postgresql.TSVECTOR(),
                sa.Computed(SEARCH_VECTOR_SQL, persisted=True),
            ),
        )
        op.create_index(
            "ix_search_entries_search_vector",
            "search_entries",
            ["search_vector"],
            postgresql_using="gin",
        )
        return
    for statement in SQLITE_FULL_TEXT:
        op.execute(statement)


def upgrade() -> None:
    """Create every table, index and full-text structure of the store."""
    _create_record_tables()
    _create_children_and_lookups()
    _create_store_tables()
    _create_full_text()


def downgrade() -> None:
    """Drop everything :func:`upgrade` created (children before their parents)."""
    if op.get_context().dialect.name == "sqlite":
        # Dropping the table drops its triggers; the FTS table must go explicitly.
        op.execute("DROP TABLE search_entries_fts")
    for name in (
        "audit_events",
        "sync_runs",
        "sync_checkpoints",
        "search_entries",
        "password_categories",
        "configuration_statuses",
        "configuration_types",
        "related_items",
        "flexible_asset_fields",
        "flexible_asset_types",
        "configuration_interfaces",
        "expirations",
        "domains",
        "locations",
        "contacts",
        "documents",
        "flexible_assets",
        "passwords",
        "configurations",
        "organizations",
    ):
        op.drop_table(name)
