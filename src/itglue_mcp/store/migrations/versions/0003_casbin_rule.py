"""Casbin policy table: RBAC policy lines kept in the database (``rbac.policy_source: database``).

Read and written by Casbin's async SQLAlchemy adapter (``casbin_async_sqlalchemy_adapter``),
whose model is ``casbin_rule(id, ptype, v0 … v5)`` with 255-character strings; the columns here
are exactly those, so the adapter never creates the table itself. One row is one policy line:
``ptype`` ``p`` (subject, domain, object, action, effect in v0…v4) or ``g`` (member, role,
domain in v0…v2). Frozen like every revision: columns are spelled out.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VALUE_COLUMNS = ("v0", "v1", "v2", "v3", "v4", "v5")


def upgrade() -> None:
    """Create ``casbin_rule`` (empty: the built-in roles live in the package, not here)."""
    op.create_table(
        "casbin_rule",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ptype", sa.String(255)),
        *(sa.Column(name, sa.String(255)) for name in VALUE_COLUMNS),
        sa.PrimaryKeyConstraint("id", name="pk_casbin_rule"),
    )
    op.create_index("ix_casbin_rule_ptype_v0", "casbin_rule", ["ptype", "v0"])


def downgrade() -> None:
    """Drop ``casbin_rule`` and every policy line in it."""
    op.drop_index("ix_casbin_rule_ptype_v0", table_name="casbin_rule")
    op.drop_table("casbin_rule")
