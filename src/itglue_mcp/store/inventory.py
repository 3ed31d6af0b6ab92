"""Read side of one organization's whole inventory: its live configurations and password entries.

The lookups of :mod:`.queries` and :mod:`.passwords` find records by a name; an organization's
infrastructure document needs every live (neither archived nor marked deleted) configuration
and password entry of the organization, in one bounded read each, by name.

Example::

    devices = await organization_configurations(session, 7, limit=5_000)
    entries = await organization_passwords(session, 7, limit=500)
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.passwords import PasswordView, get_passwords
from itglue_mcp.store.queries import (
    ConfigurationView,
    check_page,
    fetch_configurations,
    scope,
    select_configurations,
)
from itglue_mcp.store.record_types import RecordType

__all__ = ["organization_configurations", "organization_passwords"]


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


async def organization_passwords(
    session: AsyncSession, organization_id: int, *, limit: int
) -> list[PasswordView]:
    """The live password entries of one organization (metadata: the store holds no value), by
    name (case ignored) then id, at most ``limit``.

    Raises:
        ValueError: ``limit`` below 1.
        StoreError: the database failed.
    """
    check_page(limit)
    table = RecordType.PASSWORDS.table
    statement = (
        select(table.c.id)
        .where(*scope(table, [organization_id]), table.c.archived.is_(False))
        .order_by(func.lower(table.c.name), table.c.id)
        .limit(limit)
    )
    with translate_errors("read passwords"):
        ids = list((await session.scalars(statement)).all())
    views = await get_passwords(session, ids, organization_ids=[organization_id])
    order = {password_id: position for position, password_id in enumerate(ids)}
    return sorted(views, key=lambda view: order[view.id])
