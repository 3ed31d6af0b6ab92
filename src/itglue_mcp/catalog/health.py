"""What the store says about its own health: reachability, the last sync, record counts.

Record counts are the expensive part (one count per record type): they change only when a
sync page commits, so :class:`StoreHealthReader` keeps them per data generation and per set of
readable organizations; a ``health`` call or a readiness probe then costs two single-row
queries and the outbox count.

Example::

    reader = StoreHealthReader(sessions)
    figures = await reader.figures(organization_ids=None)
    figures.dialect, figures.last_sync, figures.record_counts["configurations"]
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.unit import reading
from itglue_mcp.store import count_records, index_outbox, sync_state
from itglue_mcp.store.database import Dialect
from itglue_mcp.store.generation import data_generation
from itglue_mcp.store.sync_state import SyncRun

__all__ = ["MAX_CACHED_SCOPES", "StoreFigures", "StoreHealthReader", "SyncRun"]

MAX_CACHED_SCOPES = 256
"""Distinct sets of readable organizations whose counts are kept for one data generation."""


@dataclass(frozen=True, slots=True)
class StoreFigures:
    """The store's own report.

    Attributes:
        dialect: ``sqlite`` or ``postgresql``.
        last_sync: the newest successful sync run (``None`` before the first).
        record_counts: live records per JSON:API type, in the organizations asked for.
        pending_records: records whose changed text the vector index has not caught up with.
    """

    dialect: str
    last_sync: SyncRun | None
    record_counts: dict[str, int]
    pending_records: int


class StoreHealthReader:
    """Reads :class:`StoreFigures`, keeping record counts per data generation.

    One instance per process; safe for concurrent requests.

    Args:
        sessions: the store's session factory.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._generation: int | None = None
        self._counts: dict[tuple[int, ...] | None, dict[str, int]] = {}
        self._lock = asyncio.Lock()

    async def last_sync(self) -> SyncRun | None:
        """The newest successful sync run; the store answering at all is the probe.

        Raises:
            StoreError: the store failed.
        """
        async with reading(self._sessions) as session:
            return await sync_state.latest_run(session, status=sync_state.RunStatus.SUCCEEDED)

    async def figures(self, *, organization_ids: Collection[int] | None) -> StoreFigures:
        """The store's figures, with counts over ``organization_ids`` (``None``: all).

        Raises:
            StoreError: the store failed.
        """
        key = None if organization_ids is None else tuple(sorted(set(organization_ids)))
        async with reading(self._sessions) as session:
            generation = await data_generation(session)
            counts = await self._record_counts(session, generation, key)
            return StoreFigures(
                dialect=str(Dialect.of(session)),
                last_sync=await sync_state.latest_run(
                    session, status=sync_state.RunStatus.SUCCEEDED
                ),
                record_counts=dict(counts),
                pending_records=await index_outbox.pending_count(session),
            )

    async def _record_counts(
        self, session: AsyncSession, generation: int, key: tuple[int, ...] | None
    ) -> dict[str, int]:
        async with self._lock:
            if self._generation != generation:
                self._generation, self._counts = generation, {}
            cached = self._counts.get(key)
            if cached is None:
                cached = await count_records(session, organization_ids=key)
                if len(self._counts) >= MAX_CACHED_SCOPES:
                    self._counts.clear()
                self._counts[key] = cached
            return cached
