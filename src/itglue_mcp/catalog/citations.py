"""Citations: the one shape in which every tool and answer names the IT Glue record it used.

A :class:`SourceRecord` is enough to cite a record and to open it in IT Glue; its ids are the
IT Glue integer ids. Within the server a record is carried as the store's
:class:`~itglue_mcp.store.citations.CitedRecord` (the same fields plus ``archived``); the
functions here are the only conversions:

- :func:`source_of` — a store view (the read side's frozen dataclasses) → :class:`SourceRecord`;
- :func:`cited_record` — a store view → :class:`CitedRecord`;
- :func:`cited_source` — a :class:`CitedRecord` → :class:`SourceRecord`.

Example::

    source = source_of("configurations", view)   # SourceRecord(record_type="configurations", …)
    cited_source(cited_record("configurations", view)) == source   # True
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, Field

from itglue_mcp.store.citations import CitedRecord

__all__ = [
    "ArchivableRecord",
    "CitedRecord",
    "SourceRecord",
    "StoredRecord",
    "cited_record",
    "cited_source",
    "source_of",
]


class SourceRecord(BaseModel):
    """The IT Glue record a fact comes from: enough to cite it and to open it in IT Glue."""

    record_type: str = Field(description="IT Glue JSON:API type, e.g. configurations.")
    record_id: int = Field(description="IT Glue id of the record.")
    name: str | None = Field(description="Name of the record.")
    organization_id: int | None = Field(description="IT Glue id of its organization.")
    organization_name: str | None = Field(
        default=None, description="Name of its organization, when known."
    )
    resource_url: str | None = Field(description="Link to the record in IT Glue.")
    updated_at: datetime | None = Field(description="When IT Glue last changed the record.")


class StoredRecord(Protocol):
    """A store view of one record (the ``store`` read side's frozen dataclasses fit)."""

    @property
    def id(self) -> int:
        """IT Glue id."""

    @property
    def name(self) -> str | None:
        """Name of the record."""

    @property
    def organization_id(self) -> int | None:
        """Its organization."""

    @property
    def organization_name(self) -> str | None:
        """Name of its organization."""

    @property
    def resource_url(self) -> str | None:
        """Link to the record in IT Glue."""

    @property
    def updated_at(self) -> datetime | None:
        """When IT Glue last changed the record."""


def source_of(record_type: str, record: StoredRecord) -> SourceRecord:
    """The :class:`SourceRecord` of a stored record of JSON:API type ``record_type``."""
    return SourceRecord(
        record_type=record_type,
        record_id=record.id,
        name=record.name,
        organization_id=record.organization_id,
        organization_name=record.organization_name,
        resource_url=record.resource_url,
        updated_at=record.updated_at,
    )


class ArchivableRecord(StoredRecord, Protocol):
    """A store view that also says whether IT Glue archived the record."""

    @property
    def archived(self) -> bool:
        """IT Glue's soft-delete flag."""


def cited_record(record_type: str, record: ArchivableRecord) -> CitedRecord:
    """The :class:`CitedRecord` of a stored record of JSON:API type ``record_type``."""
    return CitedRecord(
        record_type=record_type,
        record_id=record.id,
        name=record.name,
        organization_id=record.organization_id,
        organization_name=record.organization_name,
        resource_url=record.resource_url,
        updated_at=record.updated_at,
        archived=record.archived,
    )


def cited_source(record: CitedRecord) -> SourceRecord:
    """The :class:`SourceRecord` of a record the store summarised for citation."""
    return SourceRecord(
        record_type=record.record_type,
        record_id=record.record_id,
        name=record.name,
        organization_id=record.organization_id,
        organization_name=record.organization_name,
        resource_url=record.resource_url,
        updated_at=record.updated_at,
    )
