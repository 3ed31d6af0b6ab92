"""Index outbox: records whose search text changed and whose vectors must follow.

The sync writes a row in the same transaction as the search text it changes (or removes) and
deletes it once the vector index holds the change, so a crash between the two leaves the
work recorded for the next run. Records synced before this revision were never indexed: the
upgrade enqueues every record that has search text. Frozen like every revision: columns are
spelled out.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create ``index_outbox`` (one row per record at most) holding every searchable record."""
    op.create_table(
        "index_outbox",
        sa.Column("id", BIG_SERIAL, autoincrement=True, nullable=False),
        sa.Column("record_type", sa.Text(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_index_outbox"),
        sa.UniqueConstraint(
            "record_type", "record_id", name="uq_index_outbox_record_type_record_id"
        ),
    )
    op.execute(
        "INSERT INTO index_outbox (record_type, record_id, enqueued_at) "
        "SELECT record_type, record_id, CURRENT_TIMESTAMP FROM search_entries ORDER BY id"
    )


def downgrade() -> None:
    """Drop ``index_outbox`` (the vector index then needs `itglue-mcp index rebuild`)."""
    op.drop_table("index_outbox")
