"""Infrastructure documents: one organization's infrastructure, generated from the synced data.

:func:`build_document` reads the organization's inventory once (:mod:`.inventory`) and
builds the sections asked for (:mod:`.sections`, :mod:`.network`, :mod:`.diagram`) into an
:class:`InfrastructureDocument` (:mod:`.model`), every line citing its records. The tool
``document_infrastructure`` and the resource ``itglue://organizations/{id}/infrastructure.md``
render it as Markdown.

Example::

    document = await build_document(session, scope, acme, sections=["servers", "gaps"],
                                     today=date(2026, 12, 6))
    [section.name for section in document.sections]      # ['servers', 'gaps']
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.organizations import OrganizationView
from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.query.infrastructure import sections as _sections
from itglue_mcp.query.infrastructure.diagram import diagram
from itglue_mcp.query.infrastructure.inventory import Inventory, read_inventory
from itglue_mcp.query.infrastructure.model import (
    MAX_ENTRIES,
    SECTION_NAMES,
    DocumentEntry,
    DocumentSection,
    InfrastructureDocument,
    SectionName,
    citation_key,
)
from itglue_mcp.query.infrastructure.network import network

__all__ = [
    "MAX_ENTRIES",
    "SECTION_NAMES",
    "DocumentEntry",
    "DocumentSection",
    "InfrastructureDocument",
    "SectionName",
    "build_document",
    "citation_key",
]

_BUILDERS: dict[SectionName, Callable[[Inventory], DocumentSection]] = {
    "overview": _sections.overview,
    "contacts": _sections.contacts,
    "locations": _sections.locations,
    "network": network,
    "servers": _sections.servers,
    "device_counts": _sections.device_counts,
    "backups": _sections.backups,
    "licenses": _sections.licenses,
    "domains_and_certificates": _sections.domains_and_certificates,
    "passwords": _sections.passwords,
    "diagram": diagram,
    "gaps": _sections.gaps,
}


async def build_document(
    session: AsyncSession,
    scope: ReadScope,
    organization: OrganizationView,
    *,
    sections: Collection[SectionName] | None = None,
    today: date,
) -> InfrastructureDocument:
    """The infrastructure document of ``organization`` as the caller may see it.

    Args:
        session: the request's read-only session.
        scope: the request's read scope (``organization`` must be readable in it).
        organization: the organization documented.
        sections: the sections to build, in any order (built in document order);
            ``None``: every section.
        today: the day expiry days are counted from (UTC).

    Raises:
        ValueError: ``sections`` names an unknown section, or none.
        StoreError: the store failed.
    """
    wanted = set(SECTION_NAMES if sections is None else sections)
    unknown = sorted(wanted - set(SECTION_NAMES))
    if unknown:
        raise ValueError(f"sections: {unknown[0]!r} is not one of {', '.join(SECTION_NAMES)}")
    if not wanted:
        raise ValueError("sections: name at least one section, or omit it for all")
    inventory = await read_inventory(session, scope, organization, today=today)
    built = [_BUILDERS[name](inventory) for name in SECTION_NAMES if name in wanted]
    records: dict[str, SourceRecord] = {}
    for section in built:
        for entry in section.entries:
            records.update(entry.cited())
    records.pop(citation_key(inventory.source), None)
    return InfrastructureDocument(
        organization=inventory.source,
        generated_on=today,
        sections=built,
        records=list(records.values()),
    )
