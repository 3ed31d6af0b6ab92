"""The read scope of one request: what the caller may read, and the organization it named.

The access middleware builds one :class:`ReadScope` per tool call, from the caller's
permissions and the organization directory, and every catalog lookup filters by it in SQL
(``organization_ids``): an organization the caller may not read is never read, listed or
suggested, and a hidden record type is never returned.

Example::

    scope = ReadScope.build(snapshot, subject="alice", readable={7}, hidden_record_types=(),
                            organization="acme")
    scope.organization_ids        # [7]: the named organization (else the readable ones)
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from itglue_mcp.catalog.organizations import DirectorySnapshot
from itglue_mcp.store.queries import OrganizationView

__all__ = ["ReadScope"]


@dataclass(frozen=True, slots=True)
class ReadScope:
    """What one request may read.

    Attributes:
        subject: the caller (token subject, or the local caller).
        readable: organization ids the caller may read; ``None``: every organization.
        hidden_record_types: JSON:API types the caller may see in no organization.
        directory: the organization directory as of this request.
        organization: the organization the request's ``organization`` argument named,
            resolved among the readable ones; ``None`` when it named none.
    """

    subject: str
    readable: frozenset[int] | None
    hidden_record_types: frozenset[str]
    directory: DirectorySnapshot
    organization: OrganizationView | None = None

    @classmethod
    def build(
        cls,
        directory: DirectorySnapshot,
        *,
        subject: str,
        readable: Collection[int] | None,
        hidden_record_types: Collection[str],
        organization: str | None = None,
    ) -> ReadScope:
        """The scope of one request; ``organization`` (a reference) is resolved here.

        Raises:
            ValueError: ``organization`` is blank.
            OrganizationNotFound: it names no readable organization (close names offered).
            AmbiguousOrganization: it names several about equally.
        """
        permitted = None if readable is None else frozenset(readable)
        named = None if organization is None else directory.resolve(organization, permitted)
        return cls(
            subject=subject,
            readable=permitted,
            hidden_record_types=frozenset(hidden_record_types),
            directory=directory,
            organization=named,
        )

    @property
    def organization_ids(self) -> list[int] | None:
        """The ids a lookup is limited to: the named organization's, else the readable ones
        (sorted; ``None``: every organization; empty: none)."""
        if self.organization is not None:
            return [self.organization.id]
        return None if self.readable is None else sorted(self.readable)

    def may_read(self, organization_id: int) -> bool:
        """Whether the caller may read records of this organization."""
        return self.readable is None or organization_id in self.readable

    def may_see(self, record_type: str) -> bool:
        """Whether the caller may see records of this JSON:API type at all."""
        return record_type not in self.hidden_record_types

    def organizations(self) -> list[OrganizationView]:
        """The organizations the caller may read, by name."""
        return self.directory.readable(self.readable)

    def resolve(self, ref: str) -> OrganizationView:
        """The readable organization ``ref`` names (as :meth:`build` resolves it).

        Raises:
            ValueError, OrganizationNotFound, AmbiguousOrganization: as :meth:`build`.
        """
        return self.directory.resolve(ref, self.readable)
