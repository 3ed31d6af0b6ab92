"""Lookups that read whole tables: names across every organization, and what points at a record.

An exact-name lookup over the whole account (``search`` over every organization, "where else
is this") could not use the ``(organization_id, lower(name))`` indexes, whose first column is
the organization: it read every row of every record table (~0.1-0.4 s at 150 organizations).
An index on ``lower(name)`` per record table (and configurations' ``lower(hostname)``) answers
it with one probe per table. Likewise the passwords and expirations attached to a record (the
graph's "held by" links, read for every answer's expansion) were found by scanning both tables:
``(resource_type, resource_id)`` and ``(resource_type_name, resource_id)`` index them.
Frozen like every revision: the tables are spelled out.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAMED_TABLES = (
    "organizations",
    "configurations",
    "passwords",
    "flexible_assets",
    "documents",
    "contacts",
    "locations",
    "domains",
    "expirations",
)


def upgrade() -> None:
    """Create ``ix_<table>_lower_name`` on each record table, ``ix_configurations_lower_hostname``
    and the indexes of what points at a record."""
    for table in _NAMED_TABLES:
        op.create_index(f"ix_{table}_lower_name", table, [sa.literal_column("lower(name)")])
    op.create_index(
        "ix_configurations_lower_hostname", "configurations", [sa.literal_column("lower(hostname)")]
    )
    op.create_index("ix_passwords_resource", "passwords", ["resource_type", "resource_id"])
    op.create_index("ix_expirations_resource", "expirations", ["resource_type_name", "resource_id"])


def downgrade() -> None:
    """Drop the indexes :func:`upgrade` created."""
    op.drop_index("ix_expirations_resource", table_name="expirations")
    op.drop_index("ix_passwords_resource", table_name="passwords")
    op.drop_index("ix_configurations_lower_hostname", table_name="configurations")
    for table in _NAMED_TABLES:
        op.drop_index(f"ix_{table}_lower_name", table_name=table)
