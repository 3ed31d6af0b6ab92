"""Errors of the query engine: a reference (organization or record) that names no one, or several.

Each carries what the caller should try instead, in its message (close names, the candidates
with their organizations) and, for organizations, as values a tool can render::

    ItglueMcpError
    ├── OrganizationResolutionError      base: ``ref`` and ``suggestions``
    │   ├── OrganizationNotFound         nothing matched well enough
    │   └── AmbiguousOrganization        several matched about equally well
    └── RecordLookupError                a record reference (name, id, IP…) in one input field
        ├── RecordNotFound               no record matches; close names in the message
        └── AmbiguousRecord              several records match equally; listed in the message

Example::

    try:
        organization = resolve_organization("Northwind", candidates)
    except AmbiguousOrganization as exc:
        names = [c.name for c in exc.suggestions]  # ['Northwind Logistics', 'Northwind Traders']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from itglue_mcp.errors import ItglueMcpError

if TYPE_CHECKING:
    from itglue_mcp.catalog.organization_matching import OrgCandidate

__all__ = [
    "AmbiguousOrganization",
    "AmbiguousRecord",
    "OrganizationNotFound",
    "OrganizationResolutionError",
    "RecordLookupError",
    "RecordNotFound",
]


def _describe(suggestions: Sequence[OrgCandidate]) -> str:
    return ", ".join(f"{s.name} (id {s.id})" for s in suggestions)


class OrganizationResolutionError(ItglueMcpError):
    """An organization reference could not be resolved to exactly one organization.

    Attributes:
        ref: the reference as the caller wrote it.
        suggestions: organizations to offer instead, best first (may be empty).
    """

    def __init__(self, message: str, ref: str, suggestions: Sequence[OrgCandidate]) -> None:
        super().__init__(message)
        self.ref = ref
        self.suggestions: tuple[OrgCandidate, ...] = tuple(suggestions)


class OrganizationNotFound(OrganizationResolutionError):
    """No organization matches the reference; ``suggestions`` are the closest names, if any."""

    def __init__(self, ref: str, suggestions: Sequence[OrgCandidate] = ()) -> None:
        hint = f"; close matches: {_describe(suggestions)}" if suggestions else ""
        super().__init__(f"organization: no organization matches {ref!r}{hint}", ref, suggestions)


class AmbiguousOrganization(OrganizationResolutionError):
    """Several organizations match the reference about equally well; ``suggestions`` lists them."""

    def __init__(self, ref: str, suggestions: Sequence[OrgCandidate]) -> None:
        super().__init__(
            f"organization: {ref!r} is ambiguous; it matches {_describe(suggestions)}. "
            "Use the full name or the id.",
            ref,
            suggestions,
        )


class RecordLookupError(ItglueMcpError):
    """A record reference matched no record, or several; the message names the input field."""


class RecordNotFound(RecordLookupError):
    """No record matches; the message lists close names that exist."""


class AmbiguousRecord(RecordLookupError):
    """Several records match equally well; the message lists them with their organizations."""
