"""Data generation: one counter that every committed sync page advances.

Serving replicas cache small derived data (the organization directory, health figures) keyed
by it and compare it on each request, so a sync's changes are seen on the next request without
reading a whole table. Frozen like every revision: columns are spelled out.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``data_generation`` holding its one row (generation 0)."""
    table = op.create_table(
        "data_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_data_generation"),
    )
    op.bulk_insert(table, [{"id": 1, "generation": 0}])


def downgrade() -> None:
    """Drop ``data_generation``."""
    op.drop_table("data_generation")
