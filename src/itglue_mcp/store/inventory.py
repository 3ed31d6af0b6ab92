"""Read side of one organization's whole inventory of configurations.

The lookups of :mod:`.queries` find records by a name; an organization's infrastructure
document needs every live (neither archived nor marked deleted) configuration of the
organization, in one bounded read, by name.

Example::

    devices = await organization_configurations(session, 7, limit=5_000)
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.queries import (
    ConfigurationView,
    check_page,
    fetch_configurations,
    select_configurations,
)
from itglue_mcp.store.record_types import RecordType

__all__ = ["organization_configurations"]


async def organization_configurations(
    session: AsyncSession, organization_id: int, *, limit: int
) -> list[ConfigurationView]:
    """The live configurations of one organization with their interfaces, by name (case
    ignored) then id, at most ``limit``.

    Raises:
        ValueError: ``limit`` below 1.
        StoreError: the database failed.
    """
    check_page(limit)
    table = RecordType.CONFIGURATIONS.table
    statement = (
        select_configurations([organization_id])
        .where(table.c.archived.is_(False))
        .order_by(func.lower(table.c.name), table.c.id)
        .limit(limit)
    )
    return await fetch_configurations(session, statement)
