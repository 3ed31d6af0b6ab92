"""Sync requests: syncs asked for on demand (the ``sync_data`` tool), queued for the worker.

The serving pods only insert a request; ``itglue-mcp sync-worker`` claims it and runs the
sync. A partial unique index on ``status`` keeps at most one request queued and one running,
so two requests made at the same moment cannot both be queued. Frozen like every revision:
columns are spelled out.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    """Create ``sync_requests`` and its one-active-request index."""
    op.create_table(
        "sync_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.BigInteger()),
        sa.Column("full", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", TIMESTAMP, nullable=False),
        sa.Column("started_at", TIMESTAMP),
        sa.Column("finished_at", TIMESTAMP),
        sa.Column("run_id", sa.Integer()),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')",
            name="ck_sync_requests_status",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sync_runs.id"],
            name="fk_sync_requests_run_id_sync_runs",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sync_requests"),
    )
    op.create_index(
        "ix_sync_requests_active",
        "sync_requests",
        ["status"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )


def downgrade() -> None:
    """Drop ``sync_requests``."""
    op.drop_index("ix_sync_requests_active", table_name="sync_requests")
    op.drop_table("sync_requests")
