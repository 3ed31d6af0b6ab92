"""The records that point at a location or a contact, read through indexes.

The graph's attribute links (:mod:`itglue_mcp.graph.links`) find the configurations at a
location or of a contact, and the contacts at a location, by ``location_id`` and
``contact_id``; with no index on them every walk level read the whole configurations and
contacts tables (~265 ms for the two reads of one how-to answer at 1,000 organizations).
Frozen like every revision: the tables are spelled out.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POINTERS = (
    ("configurations", "location_id"),
    ("configurations", "contact_id"),
    ("contacts", "location_id"),
)


def upgrade() -> None:
    """Create ``ix_<table>_<column>`` on each pointer column of :data:`_POINTERS`."""
    for table, column in _POINTERS:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    """Drop the indexes :func:`upgrade` created."""
    for table, column in reversed(_POINTERS):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
