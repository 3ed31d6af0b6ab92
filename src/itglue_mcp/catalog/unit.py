"""One read-only unit of work per request, shared by every catalog read inside it.

The access middleware opens :func:`request_unit` around a tool call; :func:`reading` inside it
hands out that same session instead of opening another transaction, so a tool call costs one
``BEGIN``/``COMMIT`` however many catalog lookups it makes. Outside a request (a CLI command, a
test) :func:`reading` opens a unit of its own. A session serves one task at a time: code that
reads the store from concurrent tasks opens a unit per task instead. (Retrieval runs its vector
search beside its keyword search, but only the keyword side reads the store, so it reads
through the request's session.)

Example::

    async with request_unit(sessions):
        async with reading(sessions) as session:     # the request's session
            ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store.database import unit_of_work

__all__ = ["reading", "request_unit"]

_ACTIVE: ContextVar[AsyncSession | None] = ContextVar("itglue_mcp_read_unit", default=None)


@asynccontextmanager
async def request_unit(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A read-only unit of work that :func:`reading` reuses until the block ends.

    Raises:
        StoreError: a write was attempted in it, or the store failed.
    """
    async with unit_of_work(sessions, read_only=True) as session:
        token = _ACTIVE.set(session)
        try:
            yield session
        finally:
            _ACTIVE.reset(token)


@asynccontextmanager
async def reading(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """The request's read-only session, or a read-only unit of work of its own outside one.

    Raises:
        StoreError: a write was attempted, or the store failed.
    """
    active = _ACTIVE.get()
    if active is not None:
        yield active
        return
    async with unit_of_work(sessions, read_only=True) as session:
        yield session
