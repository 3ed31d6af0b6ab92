"""Citations: the one shape in which every tool and answer names the IT Glue record it used.

:class:`SourceRecord` (defined by the store, which builds citations from rows) is enough to
cite a record and to open it in IT Glue; its ids are the IT Glue integer ids. A store view (the
read side's frozen dataclasses) becomes one through :func:`source_of`, the one builder; records
known only by key are cited through :func:`~itglue_mcp.catalog.records.cite_records`.

Example::

    source = source_of("configurations", view)   # SourceRecord(record_type="configurations", …)
    source.key                                    # ('configurations', 42)
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from itglue_mcp.store.citations import CitationKey, SourceRecord

__all__ = ["CitationKey", "SourceRecord", "StoredRecord", "source_of"]


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
