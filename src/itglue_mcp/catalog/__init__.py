"""The read side of the store, one home per IT Glue concept.

Tools and the answer engine read IT Glue data only through here (neither imports ``store``):
each concept has one resolver (what a reference the caller typed names), one set of lookups and
one citation builder, and every lookup is limited by the request's :class:`ReadScope`.

- :mod:`.organizations` — the organization directory (cached per data generation) and the
  organization citation; :mod:`.organization_matching` — how a reference names one;
  :mod:`.organization_mentions` — which words of a question name one.
- :mod:`.scope` — :class:`ReadScope`, what one request may read.
- :mod:`.citations` — :class:`SourceRecord`, the one citation shape.
- :mod:`.errors` — references that name nothing or several things; :mod:`.ids` — when a
  reference is an IT Glue id.
- :mod:`.unit` — one read-only unit of work per request.
- :mod:`.configurations`, :mod:`.passwords`, :mod:`.flexible_assets`, :mod:`.people`,
  :mod:`.domains`, :mod:`.documents`, :mod:`.expirations` — one resolver and the lookups of each
  concept; :mod:`.network` — where an address (IP, network, MAC) lives.
- :mod:`.records` — any record by key or name (cite, find, quote); :mod:`.search` — full-text
  search; :mod:`.generation` — the data generation caches key on; :mod:`.health` — the store's
  own figures.

Example::

    catalog = Catalog(sessions)
    async with catalog.reading() as session:
        snapshot = await catalog.directory.snapshot(session)
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.catalog.errors import (
    AmbiguousOrganization,
    AmbiguousRecord,
    OrganizationNotFound,
    OrganizationResolutionError,
    RecordLookupError,
    RecordNotFound,
)
from itglue_mcp.catalog.health import StoreHealthReader
from itglue_mcp.catalog.organizations import DirectorySnapshot, OrganizationDirectory
from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.catalog.sync_status import SyncStatusService
from itglue_mcp.catalog.unit import reading, request_unit

__all__ = [
    "AmbiguousOrganization",
    "AmbiguousRecord",
    "Catalog",
    "DirectorySnapshot",
    "OrganizationDirectory",
    "OrganizationNotFound",
    "OrganizationResolutionError",
    "ReadScope",
    "RecordLookupError",
    "RecordNotFound",
    "SourceRecord",
    "source_of",
]


class Catalog:
    """The read side over one store: its organization directory, its health figures, its
    sync status (and sync requests) and its read transactions.

    One instance per process, built once with the server's backends.

    Args:
        sessions: the store's session factory.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.directory = OrganizationDirectory(sessions)
        self.health = StoreHealthReader(sessions)
        self.sync = SyncStatusService(sessions)

    def request(self) -> AbstractAsyncContextManager[AsyncSession]:
        """The read-only unit of work of one request: :meth:`reading` inside it reuses it."""
        return request_unit(self.sessions)

    def reading(self) -> AbstractAsyncContextManager[AsyncSession]:
        """The request's read-only session (a unit of work of its own outside a request)."""
        return reading(self.sessions)

    async def scope(
        self,
        *,
        subject: str,
        readable: frozenset[int] | None,
        hidden_record_types: frozenset[str],
        organization: str | None = None,
    ) -> ReadScope:
        """The :class:`ReadScope` of one request, with ``organization`` resolved.

        Raises:
            ValueError: ``organization`` is blank.
            OrganizationNotFound, AmbiguousOrganization: ``organization`` names no readable
                organization, or several.
            StoreError: the store failed.
        """
        snapshot = await self.directory.snapshot()
        return ReadScope.build(
            snapshot,
            subject=subject,
            readable=readable,
            hidden_record_types=hidden_record_types,
            organization=organization,
        )
