"""Interface lookups: configuration interfaces by name (any case) and by MAC address.

A configuration is found by one of its interfaces' names ("iDRAC", "OOB-MGMT") and by an
interface's MAC address; without these indexes each such lookup read every interface of the
account. Frozen like every revision: names are spelled out.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index ``configuration_interfaces`` on ``lower(name)`` and on ``mac_address``."""
    op.create_index(
        "ix_configuration_interfaces_lower_name",
        "configuration_interfaces",
        [sa.literal_column("lower(name)")],
    )
    op.create_index(
        "ix_configuration_interfaces_mac_address", "configuration_interfaces", ["mac_address"]
    )


def downgrade() -> None:
    """Drop the two indexes."""
    op.drop_index("ix_configuration_interfaces_mac_address", "configuration_interfaces")
    op.drop_index("ix_configuration_interfaces_lower_name", "configuration_interfaces")
