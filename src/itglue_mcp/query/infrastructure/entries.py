"""Small builders the section modules share: a cited line, a capped section, expiry words.

Example::

    entry = cited("ACME-FW01: FortiGate 60F", configuration_source(view))
    section = capped("servers", entries)       # at most MAX_ENTRIES lines, the rest counted
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.configurations import ConfigurationView
from itglue_mcp.query.expirations import ExpirationItem
from itglue_mcp.query.infrastructure.model import (
    MAX_ENTRIES,
    SAMPLE_SOURCES,
    DocumentEntry,
    DocumentSection,
    SectionName,
)

__all__ = ["LISTED", "capped", "cited", "expiry", "joined", "listing", "sample", "where_placed"]

LISTED = 10
"""Most records one line names (and cites); it counts the rest."""


def cited(
    text: str, *sources: SourceRecord, details: Iterable[DocumentEntry] = ()
) -> DocumentEntry:
    """A line citing ``sources`` (repeats dropped), with its sub-lines."""
    return DocumentEntry.citing(text, list(sources), list(details))


def listing(label: str, sources: Sequence[SourceRecord]) -> DocumentEntry:
    """``"<label>: A, B, C and 4 more"``, citing the records it names (at most :data:`LISTED`)."""
    names = ", ".join(source.name or str(source.record_id) for source in sources[:LISTED])
    more = f" and {len(sources) - LISTED} more" if len(sources) > LISTED else ""
    return cited(f"{label}: {names}{more}", *sources[:LISTED])


def capped(
    name: SectionName, entries: Sequence[DocumentEntry], *, note: str = "", mermaid: str = ""
) -> DocumentSection:
    """Section ``name`` with at most :data:`MAX_ENTRIES` of ``entries``; the note counts the
    rest (after ``note``, when given)."""
    notes = [note] if note else []
    if len(entries) > MAX_ENTRIES:
        notes.append(f"{len(entries) - MAX_ENTRIES} more not listed (at most {MAX_ENTRIES}).")
    return DocumentSection(
        name=name,
        entries=list(entries[:MAX_ENTRIES]),
        note=" ".join(notes) or None,
        mermaid=mermaid or None,
    )


def joined(*parts: str | None) -> str:
    """The non-empty parts, separated by ``"; "``."""
    return "; ".join(part for part in parts if part)


def sample(views: Sequence[ConfigurationView]) -> str:
    """``"e.g. A, B, C"`` naming the first :data:`SAMPLE_SOURCES` of ``views`` (the ones a
    counting line cites)."""
    names = ", ".join(view.name or str(view.id) for view in views[:SAMPLE_SOURCES])
    more = "…" if len(views) > SAMPLE_SOURCES else ""
    return f"e.g. {names}{more}" if names else ""


def where_placed(view: ConfigurationView) -> str:
    """``"at <location>"`` when the configuration has one."""
    return f"at {view.location_name}" if view.location_name else ""


def expiry(item: ExpirationItem | None) -> str:
    """``"expires 2027-01-31 (in 56 days)"``, ``"expired 2026-11-01 (35 days ago)"``, or
    an empty string without an expiration."""
    if item is None:
        return ""
    days = item.days_left
    if days == 0:
        return f"expires {item.expiration_date} (today)"
    if days > 0:
        return f"expires {item.expiration_date} (in {days} day{'s' if days != 1 else ''})"
    return f"expired {item.expiration_date} ({-days} day{'s' if days != -1 else ''} ago)"
