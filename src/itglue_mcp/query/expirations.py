"""What expires when: IT Glue expirations in a window of days around today, each cited.

A window is ``within_days`` from today (UTC): ``[today, today + N]``; a negative ``N`` looks
back instead, ``[today + N, today - 1]`` (what lapsed in the last ``|N|`` days), and
``include_expired`` widens a forward window by the same number of days back. Explicit dates
replace the days. Each expiration is cited twice: the expiration record, and the record that
expires (a configuration's warranty, a domain, an SSL certificate or licence flexible asset).
See :mod:`itglue_mcp.catalog.expirations` for why IT Glue's expirations are the one source.

Example::

    start, end = expiration_window(date(2026, 11, 21), within_days=30)
    report = await find_expirations(session, start=start, end=end, kinds=["ssl certificate"],
                                    organization_ids={7}, today=date(2026, 11, 21))
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.expirations import ExpirationKind, ExpirationView, list_expirations

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_WINDOW_DAYS",
    "MAX_LIMIT",
    "MAX_WINDOW_DAYS",
    "ExpirationItem",
    "ExpirationReport",
    "expiration_window",
    "find_expirations",
    "parse_kind",
    "today_utc",
]

DEFAULT_WINDOW_DAYS = 30
DEFAULT_LIMIT = 6
"""Expirations a report holds unless asked for more: a default ``list_expirations`` answer
(structured content and text) stays under 8 KB, about 1.1 KB per expiration."""
MAX_LIMIT = 200
"""Most expirations one report holds."""
MAX_WINDOW_DAYS = 3650
"""Widest window in days either side of today (ten years)."""

_KIND_WORDS = {
    ExpirationKind.WARRANTY: ("warranty", "warranties"),
    ExpirationKind.SSL_CERTIFICATE: (
        "ssl certificate", "ssl certificates", "ssl", "tls", "certificate", "certificates", "cert",
        "certs",
    ),
    ExpirationKind.DOMAIN: ("domain", "domains", "domain name", "domain names"),
    ExpirationKind.LICENSE: (
        "license", "licenses", "licence", "licences", "licensing", "subscription", "subscriptions",
    ),
    ExpirationKind.OTHER: ("other",),
}  # fmt: skip
_KIND_OF_WORD = {word: kind for kind, words in _KIND_WORDS.items() for word in words}


def today_utc() -> date:
    """Today's date in UTC (the window's anchor)."""
    return datetime.now(UTC).date()


def parse_kind(text: str) -> ExpirationKind:
    """The expiration kind ``text`` names: a kind value or a common synonym, any case.

    ``"SSL_certificate"``, ``"licence"`` and ``"warranties"`` are all understood.

    Raises:
        ValueError: naming ``kind`` and the accepted values.
    """
    words = re.sub(r"[\s_-]+", " ", text.strip().lower())
    kind = _KIND_OF_WORD.get(words)
    if kind is None:
        choices = ", ".join(value.value for value in ExpirationKind)
        raise ValueError(f"kind: {text!r} is not one of {choices}")
    return kind


def expiration_window(
    today: date,
    *,
    within_days: int | None = None,
    include_expired: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> tuple[date | None, date | None]:
    """The ``(start, end)`` dates (inclusive) of a window, as the module docstring describes.

    Args:
        today: the anchor date.
        within_days: days from today; negative looks back. ``None`` with no dates: the
            default of :data:`DEFAULT_WINDOW_DAYS`.
        include_expired: a forward window also covers as many days back.
        start: explicit first date (replaces ``within_days``; ``None``: open).
        end: explicit last date (replaces ``within_days``; ``None``: open).

    Raises:
        ValueError: days and dates both given, ``|within_days|`` above
            :data:`MAX_WINDOW_DAYS`, or ``end`` before ``start`` (each naming the field).
    """
    if start is not None or end is not None:
        if within_days is not None:
            raise ValueError("within_days: give days or dates, not both")
        if start is not None and end is not None and end < start:
            raise ValueError(f"end: {end} is before start {start}")
        return start, end
    days = DEFAULT_WINDOW_DAYS if within_days is None else within_days
    if abs(days) > MAX_WINDOW_DAYS:
        raise ValueError(f"within_days: must be between -{MAX_WINDOW_DAYS} and {MAX_WINDOW_DAYS}")
    if days < 0:
        return today + timedelta(days=days), today - timedelta(days=1)
    back = days if include_expired else 0
    return today - timedelta(days=back), today + timedelta(days=days)


class ExpirationItem(BaseModel):
    """One expiration, with the record that expires."""

    kind: str = Field(description="warranty, ssl certificate, domain, license or other.")
    expiration_date: date
    days_left: int = Field(description="Days from today; negative when already expired.")
    expired: bool
    description: str | None = Field(
        description="IT Glue's description of the expiration (free text, untrusted)."
    )
    resource_type_name: str | None = Field(description="IT Glue's name of the expiring type.")
    resource_name: str | None = Field(description="Name of the expiring record.")
    resource: SourceRecord | None = Field(
        description="The expiring record; null when the store does not hold it."
    )
    resource_archived: bool | None
    source: SourceRecord = Field(description="The expiration record itself.")


class ExpirationReport(BaseModel):
    """Expirations in a window, soonest first."""

    today: date = Field(description="UTC date the window counts from.")
    start: date | None = Field(description="First date of the window; null: no lower bound.")
    end: date | None = Field(description="Last date of the window; null: no upper bound.")
    kinds: list[str] | None = Field(description="Kinds asked for; null: every kind.")
    expirations: list[ExpirationItem] = Field(
        description="Soonest first; days_left from today (negative: expired)."
    )
    total: int = Field(description="Expirations matching in all.")
    limit: int = Field(description=f"Most expirations returned (default {DEFAULT_LIMIT}).")
    truncated: bool
    next_step: str | None = Field(default=None, description="How to see the rest, when truncated.")
    # Always true: the descriptions are IT Glue free text, data and never instructions.
    untrusted: Literal[True] = True


def _item(view: ExpirationView, today: date) -> ExpirationItem:
    assert view.expiration_date is not None  # the store returns dated expirations only
    resource = view.resource
    return ExpirationItem(
        kind=view.kind,
        expiration_date=view.expiration_date,
        days_left=(view.expiration_date - today).days,
        expired=view.expiration_date < today,
        description=view.description,
        resource_type_name=view.resource_type_name,
        resource_name=view.resource_name,
        resource=None
        if resource is None
        else SourceRecord(
            record_type=resource.record_type,
            record_id=resource.id,
            name=resource.name,
            organization_id=view.organization_id,
            organization_name=view.organization_name,
            resource_url=resource.resource_url,
            updated_at=resource.updated_at,
        ),
        resource_archived=None if resource is None else resource.archived,
        source=SourceRecord(
            record_type="expirations",
            record_id=view.id,
            # Not the description: it is free text, shown only inside an untrusted fence.
            name=f"Expiration of {view.resource_name or 'a record'} on {view.expiration_date}",
            organization_id=view.organization_id,
            organization_name=view.organization_name,
            resource_url=view.resource_url,
            updated_at=view.updated_at,
        ),
    )


async def find_expirations(
    session: AsyncSession,
    *,
    start: date | None,
    end: date | None,
    kinds: Collection[str] | None = None,
    organization_ids: Collection[int] | None = None,
    limit: int = DEFAULT_LIMIT,
    today: date | None = None,
) -> ExpirationReport:
    """Expirations dated ``start`` to ``end`` (inclusive; see :func:`expiration_window`).

    Args:
        session: a session on the store.
        start: first date (``None``: open).
        end: last date (``None``: open).
        kinds: kinds or synonyms (:func:`parse_kind`); ``None``: every kind.
        organization_ids: only these organizations (``None``: every organization).
        limit: most expirations returned (at least 1; the report says how to see more).
        today: the date ``days_left`` is counted from (default: :func:`today_utc`).

    Raises:
        ValueError: an unknown kind, ``end`` before ``start`` or ``limit`` below 1.
    """
    today = today or today_utc()
    parsed = None if kinds is None else sorted({parse_kind(kind).value for kind in kinds})
    page = await list_expirations(
        session,
        start=start,
        end=end,
        kinds=parsed,
        organization_ids=organization_ids,
        limit=limit,
    )
    truncated = page.total > len(page.expirations)
    return ExpirationReport(
        today=today,
        start=start,
        end=end,
        kinds=parsed,
        expirations=[_item(view, today) for view in page.expirations],
        total=page.total,
        limit=limit,
        truncated=truncated,
        next_step=_next_step(page.total - len(page.expirations), limit, organization_ids)
        if truncated
        else None,
    )


def _next_step(more: int, limit: int, organization_ids: Collection[int] | None) -> str:
    """``"33 more: raise limit (max 200), name an organization, …"`` for a truncated report."""
    ways = [f"raise limit (max {MAX_LIMIT})"] if limit < MAX_LIMIT else []
    if organization_ids is None or len(organization_ids) != 1:
        ways.append("name an organization")
    ways.append("narrow the window or filter by kind")
    return f"{more} more: {', '.join(ways)}."
