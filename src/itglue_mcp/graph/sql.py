"""PLACEHOLDER — being implemented (SqlGraphStore over the store's tables)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

__all__ = ["SqlGraphStore"]


class SqlGraphStore:
    """The embedded graph backend (placeholder)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
