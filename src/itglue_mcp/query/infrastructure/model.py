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
from typing import Literal, get_args

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
    sources: list[str] = Field(description="Cited records: record_type/record_id in records.")
    details: list[DocumentEntry] = Field(
        default_factory=list, description="Sub-lines (related items, protected devices…)."
    )
    _cited: dict[str, SourceRecord] = PrivateAttr(default_factory=dict)

    @classmethod
    def citing(
        cls, text: str, sources: list[SourceRecord], details: list[DocumentEntry]
    ) -> DocumentEntry:
        """A line citing ``sources`` (repeats dropped, order kept), with its sub-lines."""
        cited = {citation_key(source): source for source in sources}
        entry = cls(text=text, sources=list(cited), details=details)
        entry._cited = cited
        return entry

    def cited(self) -> dict[str, SourceRecord]:
        """Key → citation of every record this line and its sub-lines cite."""
        found = dict(self._cited)
        for detail in self.details:
            found.update(detail.cited())
        return found


class DocumentSection(BaseModel):
    """One section: its lines, and a note on what it leaves out."""

    name: str = Field(description="One of the tool's section names.")
    title: str
    entries: list[DocumentEntry] = Field(
        default_factory=list, description=f"At most {MAX_ENTRIES} lines."
    )
    note: str = Field(default="", description="What is left out or missing, if anything.")
    mermaid: str = Field(default="", description="diagram only: Mermaid flowchart source.")


class InfrastructureDocument(BaseModel):
    """The infrastructure document of one organization, built from the synced IT Glue data."""

    organization: str = Field(description="Key of the organization in records.")
    generated_on: date = Field(description="The day (UTC) expiry days are counted from.")
    sections: list[DocumentSection]
    records: list[SourceRecord] = Field(description="Every cited record, once.")

    def record(self, key: str) -> SourceRecord:
        """The cited record with this key.

        Raises:
            KeyError: the document cites no such record.
        """
        return self._records()[key]

    def _records(self) -> dict[str, SourceRecord]:
        return {citation_key(source): source for source in self.records}
