"""The store's data generation: a counter that every committed sync page advances.

Whatever a serving process derives from the store and keeps between requests (the
organization directory, health figures) is keyed by this number: reading it costs one
single-row query, and a new value means "something was written since", on any replica.

Example::

    async with unit_of_work(sessions) as session:        # one sync page
        ...                                              # rows written
        await advance_data_generation(session)           # same transaction
    generation = await data_generation(session)          # a reader, later
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.models import DataGenerationRow

__all__ = ["advance_data_generation", "data_generation"]

_ROW_ID = 1

# Built once: every request reads it, and a statement object reused keeps its compiled form
# and cache key (a new one is built and keyed on each call).
_READ = select(DataGenerationRow.__table__.c.generation).where(
    DataGenerationRow.__table__.c.id == _ROW_ID
)


async def data_generation(session: AsyncSession) -> int:
    """The current data generation (0 before the first sync page).

    Raises:
        StoreError: the database failed.
    """
    with translate_errors("read the data generation"):
        value = await session.scalar(_READ)
    return int(value or 0)


async def advance_data_generation(session: AsyncSession) -> None:
    """Add one to the data generation, in ``session``'s transaction (flush only).

    Called last in a page's transaction, so the row lock is held only until that commit.

    Raises:
        StoreError: the database failed.
    """
    with translate_errors("advance the data generation"):
        result = await session.execute(
            update(DataGenerationRow)
            .where(DataGenerationRow.id == _ROW_ID)
            .values(generation=DataGenerationRow.generation + 1)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            session.add(DataGenerationRow(id=_ROW_ID, generation=1))
            await session.flush()
