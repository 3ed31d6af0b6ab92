"""Domains: the domain names an organization keeps in IT Glue, looked up by name.

Example::

    [domain] = await domains_named(session, "acmecorp.com", organization_ids={7})
    domain.registrar_name, domain.expires_on  # ('Tucows', datetime.date(2027, 1, 11))
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.queries import scope, select_view, to_view
from itglue_mcp.store.record_types import RecordType

__all__ = ["DomainView", "domain_source", "domains_named", "organization_domains"]

_MAX_DOMAINS = 20


@dataclass(frozen=True, slots=True)
class DomainView:
    """A domain as IT Glue holds it (``notes`` is free text: untrusted)."""

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    registrar_name: str | None
    expires_on: date | None
    notes: str | None
    archived: bool
    resource_url: str | None
    updated_at: datetime | None


def domain_source(view: DomainView) -> SourceRecord:
    """The citation of a domain."""
    return source_of(RecordType.DOMAINS.value, view)


async def domains_named(
    session: AsyncSession, name: str, *, organization_ids: Collection[int] | None
) -> list[DomainView]:
    """The live domains named ``name`` (case ignored, a trailing dot too), by organization.

    Raises:
        ValueError: ``name`` is blank.
        StoreError: the database failed.
    """
    wanted = name.strip().rstrip(".").lower()
    if not wanted:
        raise ValueError("name: must not be empty")
    table = RecordType.DOMAINS.table
    statement = (
        select_view(DomainView, table)
        .where(*scope(table, organization_ids), func.lower(table.c.name) == wanted)
        .order_by(table.c.organization_id, table.c.id)
        .limit(_MAX_DOMAINS)
    )
    with translate_errors("read domains"):
        rows = (await session.execute(statement)).all()
    return [to_view(DomainView, row) for row in rows]


async def organization_domains(
    session: AsyncSession, *, organization_ids: Collection[int], limit: int = _MAX_DOMAINS
) -> list[DomainView]:
    """The live domains of the organizations ``organization_ids``, by organization and name
    (at most ``limit``): what "the domain of <organization>" means.

    Raises:
        ValueError: ``limit`` is below 1.
        StoreError: the database failed.
    """
    if limit < 1:
        raise ValueError("limit: must be at least 1")
    table = RecordType.DOMAINS.table
    statement = (
        select_view(DomainView, table)
        .where(*scope(table, organization_ids))
        .order_by(table.c.organization_id, table.c.name, table.c.id)
        .limit(limit)
    )
    with translate_errors("read domains"):
        rows = (await session.execute(statement)).all()
    return [to_view(DomainView, row) for row in rows]
