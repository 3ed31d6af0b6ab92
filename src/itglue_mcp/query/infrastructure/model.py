"""The infrastructure document of one organization as data: sections of cited lines.

One model feeds the tool's structured content, its Markdown text and the MCP resource
``itglue://organizations/{id}/infrastructure.md``. Each line is plain text (IT Glue names as
they are: renderers escape them) and the records it comes from; a line that counts many
records cites a sample of them and says how many it counts.

Example::

    section = DocumentSection(name="servers", title="Servers and hypervisors", entries=[
        DocumentEntry(text="ACME-HV01: Hypervisor Host, 10.0.0.5", sources=[hv01_source]),
    ])
"""

from __future__ import annotations

from datetime import date
from typing import Literal, cast, get_args

from pydantic import BaseModel, Field, PrivateAttr

from itglue_mcp.catalog.citations import SourceRecord

__all__ = [
    "MAX_ENTRIES",
    "SAMPLE_SOURCES",
    "SECTION_NAMES",
    "SECTION_TITLES",
    "DocumentEntry",
    "DocumentSection",
    "InfrastructureDocument",
    "SectionName",
    "citation_key",
]

SectionName = Literal[
    "overview",
    "contacts",
    "locations",
    "network",
    "servers",
    "device_counts",
    "backups",
    "licenses",
    "domains_and_certificates",
    "passwords",
    "diagram",
    "gaps",
]
"""The sections of an infrastructure document, in document order."""

SECTION_NAMES: tuple[SectionName, ...] = get_args(SectionName)

SECTION_TITLES: dict[SectionName, str] = {
    "overview": "Overview",
    "contacts": "Key contacts",
    "locations": "Locations",
    "network": "Network",
    "servers": "Servers, hypervisors and storage",
    "device_counts": "Other devices by type",
    "backups": "Backups",
    "licenses": "Licenses",
    "domains_and_certificates": "Domains and certificates",
    "passwords": "Password entries (metadata only)",
    "diagram": "Dependency diagram",
    "gaps": "Gaps in the documentation",
}

MAX_ENTRIES = 100
"""Most lines one section lists (the section says how many more exist)."""

SAMPLE_SOURCES = 5
"""Most records a counting line cites (it says how many it counts)."""


def citation_key(source: SourceRecord) -> str:
    """``"<record_type>/<record_id>"``: how a line names a record of the document's ``records``."""
    return f"{source.record_type}/{source.record_id}"


class DocumentEntry(BaseModel):
    """One line of the document and the records it comes from."""

    text: str = Field(description="Plain text; IT Glue names as recorded.")
    sources: list[str] = Field(description="Cited records: record_type/record_id.")
    details: list[DocumentEntry] | None = Field(
        default=None, description="Sub-lines (related items, protected devices…)."
    )
    _cited: dict[str, SourceRecord] = PrivateAttr(default_factory=dict)

    @classmethod
    def citing(
        cls, text: str, sources: list[SourceRecord], details: list[DocumentEntry]
    ) -> DocumentEntry:
        """A line citing ``sources`` (repeats dropped, order kept), with its sub-lines."""
        cited = {citation_key(source): source for source in sources}
        entry = cls(text=text, sources=list(cited), details=details or None)
        entry._cited = cited
        return entry

    def with_detail(self, detail: DocumentEntry) -> DocumentEntry:
        """This line with ``detail`` added as its last sub-line (in place; returns it)."""
        self.details = [*(self.details or ()), detail]
        return self

    def cited(self) -> dict[str, SourceRecord]:
        """Key → citation of every record this line and its sub-lines cite."""
        found = dict(self._cited)
        for detail in self.details or ():
            found.update(detail.cited())
        return found


class DocumentSection(BaseModel):
    """One section (its title: :data:`SECTION_TITLES`): its lines, and a note on what it
    leaves out."""

    # A string: the names are listed once, in the tool's input schema.
    name: str
    entries: list[DocumentEntry] = Field(default_factory=list)
    note: str | None = Field(default=None, description="What is left out or missing.")
    mermaid: str | None = Field(default=None, description="diagram: Mermaid flowchart source.")

    @property
    def title(self) -> str:
        """The section's heading."""
        return SECTION_TITLES[cast(SectionName, self.name)]


class InfrastructureDocument(BaseModel):
    """The infrastructure document of one organization, built from the synced IT Glue data."""

    organization: SourceRecord
    generated_on: date = Field(description="Day (UTC) expiry days count from.")
    sections: list[DocumentSection] = Field(
        description="A line's sources: record_type/record_id of organization or records."
    )
    records: list[SourceRecord] = Field(description="Every other cited record, once.")

    def cited_records(self) -> list[SourceRecord]:
        """Every cited record once: the organization first, then ``records``."""
        return [self.organization, *self.records]

    def record(self, key: str) -> SourceRecord:
        """The cited record with this key (``record_type/record_id``).

        Raises:
            KeyError: the document cites no such record.
        """
        return {citation_key(source): source for source in self.cited_records()}[key]
