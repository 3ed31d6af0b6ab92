"""Organizations: the directory a reference is resolved against, kept in-process per generation.

Every scoped tool call and every question that names an organization needs the stored
organizations (ids, names, short names) to resolve the caller's reference. Reading them all on
each call costs time proportional to the tenant, so an :class:`OrganizationDirectory` keeps the
last :class:`DirectorySnapshot` it read and reuses it while the store's data generation
(:mod:`itglue_mcp.store.generation`, advanced by every committed sync page) is unchanged: a
request costs one single-row query, and a sync's changes are seen on the next request, on every
replica.

Resolution follows :mod:`~itglue_mcp.catalog.organization_matching` (id, exact, unique, fuzzy),
over the organizations the caller may read only: one it may not read is reported exactly as one
that does not exist and is never suggested.

Example::

    directory = OrganizationDirectory(sessions)
    async with unit_of_work(sessions, read_only=True) as session:
        snapshot = await directory.snapshot(session)
    acme = snapshot.resolve("acme", readable=None)          # OrganizationView
    snapshot.readable({acme.id})                              # [acme]
    snapshot.search("Nortwind Traders", readable=None)       # [northwind traders] (a typo)
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.organization_matching import (
    ExactNames,
    OrgCandidate,
    candidate_from_view,
    match_organizations,
    matched_organization,
    resolve_organization,
)
from itglue_mcp.catalog.organization_mentions import MentionIndex, OrganizationMention
from itglue_mcp.catalog.unit import reading
from itglue_mcp.store.generation import data_generation
from itglue_mcp.store.queries import OrganizationView, list_organizations

__all__ = [
    "MAX_ORGANIZATIONS",
    "DirectorySnapshot",
    "OrganizationDirectory",
    "OrganizationView",
    "organization_source",
]

MAX_ORGANIZATIONS = 100_000
"""Most organizations the directory holds (MSP accounts hold hundreds to a few thousand)."""


@dataclass(frozen=True, slots=True)
class DirectorySnapshot:
    """The stored (not deleted) organizations at one data generation, by name then id.

    Attributes:
        generation: the store's data generation the snapshot was read at.
        organizations: every stored organization, ordered by name (case ignored) then id.
    """

    generation: int
    organizations: tuple[OrganizationView, ...]
    _by_id: dict[int, OrganizationView] = field(init=False, repr=False, compare=False)
    _candidates: tuple[OrgCandidate, ...] = field(init=False, repr=False, compare=False)
    _exact: ExactNames = field(init=False, repr=False, compare=False)
    _mentions: MentionIndex | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {view.id: view for view in self.organizations})
        object.__setattr__(
            self, "_candidates", tuple(candidate_from_view(view) for view in self.organizations)
        )
        object.__setattr__(self, "_exact", ExactNames(self._candidates))
        object.__setattr__(self, "_mentions", None)

    @property
    def mentions(self) -> MentionIndex:
        """The organizations' names arranged for finding them in questions' words (every
        organization; :meth:`MentionIndex.find` narrows to the readable ones). Built on
        first use, once per snapshot."""
        mentions = self._mentions
        if mentions is None:
            mentions = MentionIndex(self._candidates)
            object.__setattr__(self, "_mentions", mentions)
        return mentions

    def organization_of(self, mention: OrganizationMention) -> OrganizationView:
        """The organization words of a question name, resolved as ``@`` + its words would be
        (``mention`` was found among the caller's readable organizations).

        Raises:
            OrganizationNotFound: the words name no readable organization (close names).
            AmbiguousOrganization: they name several about equally.
        """
        return self._by_id[matched_organization(mention.ref, mention.match).id]

    def get(self, organization_id: int) -> OrganizationView | None:
        """The organization with this IT Glue id, or ``None``."""
        return self._by_id.get(organization_id)

    def readable(self, readable: Collection[int] | None) -> list[OrganizationView]:
        """The organizations in ``readable`` (``None``: all), in directory order."""
        if readable is None:
            return list(self.organizations)
        return [view for view in self.organizations if view.id in readable]

    def candidates(self, readable: Collection[int] | None) -> list[OrgCandidate]:
        """What a reference may name among ``readable`` (``None``: all), for matching."""
        if readable is None:
            return list(self._candidates)
        return [candidate for candidate in self._candidates if candidate.id in readable]

    def resolve(self, ref: str, readable: Collection[int] | None) -> OrganizationView:
        """The one organization ``ref`` names among ``readable`` (``None``: all).

        Raises:
            ValueError: ``ref`` is blank (naming ``organization``).
            OrganizationNotFound: nothing readable matches well enough (close names offered).
            AmbiguousOrganization: several readable organizations match about equally.
        """
        exact = self._exact.match(ref, readable)
        if exact is not None:
            chosen = matched_organization(ref, exact)
        else:
            chosen = resolve_organization(ref, self.candidates(readable))
        return self._by_id[chosen.id]

    def search(self, text: str, readable: Collection[int] | None) -> list[OrganizationView]:
        """The organizations among ``readable`` (``None``: all) whose name contains ``text``
        (case ignored), in directory order; when none does, the ones the organization
        matcher finds for ``text`` — its one match, or the close names of an ambiguous one —
        so that a misspelt name ("Northwnd Traders", "Rosewod") still finds the organization.

        Raises:
            ValueError: ``text`` is blank (naming ``organization``).
        """
        views = self.readable(readable)
        wanted = text.casefold()
        found = [view for view in views if wanted in (view.name or "").casefold()]
        if found:
            return found
        match = self._exact.match(text, readable) or match_organizations(
            text, self.candidates(readable)
        )
        if match.organization is not None:
            return [self._by_id[match.organization.id]]
        if match.status == "ambiguous":
            return [self._by_id[c.organization.id] for c in match.candidates]
        return []

    def source(self, organization_id: int) -> SourceRecord | None:
        """The citation of a stored organization, or ``None`` when it is not stored."""
        view = self._by_id.get(organization_id)
        return None if view is None else organization_source(view)


def organization_source(view: OrganizationView) -> SourceRecord:
    """The citation of an organization (its own organization, for uniform scoping)."""
    return SourceRecord(
        record_type="organizations",
        record_id=view.id,
        name=view.name,
        organization_id=view.id,
        organization_name=view.name,
        resource_url=view.resource_url,
        updated_at=view.updated_at,
    )


class OrganizationDirectory:
    """The organization directory of one store, reread only when its data generation moves.

    One instance per process (built with the server's backends); safe for concurrent
    requests: a reload runs once while other requests wait for it.

    Args:
        sessions: the store's session factory.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._snapshot: DirectorySnapshot | None = None
        self._lock = asyncio.Lock()

    async def snapshot(self, session: AsyncSession | None = None) -> DirectorySnapshot:
        """The directory as of the store's current data generation.

        Args:
            session: a session to read through; ``None``: the request's read-only unit of
                work (:mod:`~itglue_mcp.catalog.unit`), or one of its own outside a request.

        Raises:
            StoreError: the store failed.
        """
        if session is None:
            async with reading(self._sessions) as own:
                return await self._current(own)
        return await self._current(session)

    async def _current(self, session: AsyncSession) -> DirectorySnapshot:
        generation = await data_generation(session)
        cached = self._snapshot
        if cached is not None and cached.generation == generation:
            return cached
        async with self._lock:
            cached = self._snapshot
            if cached is not None and cached.generation == generation:
                return cached
            views = await list_organizations(session, limit=MAX_ORGANIZATIONS)
            snapshot = DirectorySnapshot(generation=generation, organizations=tuple(views))
            self._snapshot = snapshot
            return snapshot
