"""Password entries as metadata: what an entry is for, its login name, what it belongs to, its
citation, and what to say when a lookup finds none.

The store never holds a password's value (there is no column for it, architecture: secrets),
so nothing read here can reveal one; a value is only ever fetched live by
:class:`~itglue_mcp.security.reveal.SecretRevealer`. A password may belong to a configuration
or a flexible asset (IT Glue's ``resource-type``/``resource-id``); the view names that record
when the store holds it. Records marked deleted are never returned.

Example::

    [admin] = await find_passwords(session, name="ACME-FW01 - Admin", organization_ids={7})
    admin.username, admin.linked.name  # ('admin', 'ACME-FW01')
    password_source(admin).record_type  # 'passwords'
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.catalog.configurations import configuration_not_found
from itglue_mcp.catalog.errors import RecordNotFound
from itglue_mcp.store.errors import translate_errors
from itglue_mcp.store.queries import (
    ConfigurationView,
    check_page,
    name_match,
    record_names,
    scope,
    select_view,
    to_view,
)
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.suggest import closest, suggestion_hint

__all__ = [
    "LinkedRecord",
    "PasswordView",
    "find_passwords",
    "get_passwords",
    "password_not_found",
    "password_source",
]

# IT Glue's password ``resource-type`` values → the record types they name.
_RESOURCE_TYPES = {
    "Configuration": RecordType.CONFIGURATIONS,
    "FlexibleAsset": RecordType.FLEXIBLE_ASSETS,
}
_LINKED = {
    record_type: record_type.table.alias(f"linked_{record_type.name.lower()}")
    for record_type in _RESOURCE_TYPES.values()
}


@dataclass(frozen=True, slots=True)
class LinkedRecord:
    """The record a password belongs to (a configuration or a flexible asset)."""

    record_type: str
    id: int
    name: str | None
    resource_url: str | None


@dataclass(frozen=True, slots=True)
class PasswordView:
    """A password entry without its value.

    Attributes:
        resource_type: IT Glue's ``resource-type`` (``"Configuration"``, ``"FlexibleAsset"``)
            of the record it belongs to, ``None`` for an organization-level password.
        linked: that record, when the store holds it (not marked deleted).
        notes: IT Glue free text (untrusted).
        password_updated_at: when the value last changed in IT Glue.
    """

    id: int
    organization_id: int | None
    organization_name: str | None
    name: str | None
    username: str | None
    url: str | None
    password_category_name: str | None
    resource_type: str | None
    resource_id: int | None
    notes: str | None
    archived: bool
    password_updated_at: datetime | None
    resource_url: str | None
    updated_at: datetime | None
    linked: LinkedRecord | None = None


def _select(organization_ids: Collection[int] | None) -> Select[Any]:
    table = RecordType.PASSWORDS.table
    statement = select_view(PasswordView, table).where(*scope(table, organization_ids))
    for resource_type, record_type in _RESOURCE_TYPES.items():
        linked = _LINKED[record_type]
        statement = statement.outerjoin(
            linked,
            and_(
                table.c.resource_type == resource_type,
                linked.c.id == table.c.resource_id,
                linked.c.deleted_at.is_(None),
            ),
        ).add_columns(
            linked.c.name.label(f"{linked.name}_name"),
            linked.c.resource_url.label(f"{linked.name}_url"),
        )
    return statement


def _view(row: Any) -> PasswordView:
    linked = None
    record_type = _RESOURCE_TYPES.get(row.resource_type or "")
    if record_type is not None and row.resource_id is not None:
        alias = _LINKED[record_type].name
        name, url = getattr(row, f"{alias}_name"), getattr(row, f"{alias}_url")
        if name is not None or url is not None:
            linked = LinkedRecord(str(record_type), row.resource_id, name, url)
    return to_view(PasswordView, row, linked=linked)


async def find_passwords(
    session: AsyncSession,
    *,
    name: str | None = None,
    organization_ids: Collection[int] | None = None,
    configuration_ids: Collection[int] | None = None,
    limit: int = 20,
) -> list[PasswordView]:
    """Passwords by name (exact, then prefix, then part, ignoring case) and/or configuration.

    Args:
        session: any session.
        name: the password's name or part of it; ``None`` for every password of the
            configurations given.
        organization_ids: organizations searched (``None``: all).
        configuration_ids: only passwords belonging to these configurations.
        limit: most passwords returned.

    Returns:
        Views in match order, archived ones after the others, then by name.

    Raises:
        ValueError: neither ``name`` nor ``configuration_ids`` given, ``name`` blank, or
            ``limit`` below 1.
        StoreError: the database failed.
    """
    if name is None and configuration_ids is None:
        raise ValueError("name or configuration_ids is required")
    check_page(limit)
    table = RecordType.PASSWORDS.table
    statement = _select(organization_ids)
    order = []
    if name is not None:
        name = name.strip()
        if not name:
            raise ValueError("name must not be empty")
        matches, tier = name_match((table.c.name,), name)
        statement = statement.where(matches)
        order.append(tier)
    if configuration_ids is not None:
        statement = statement.where(
            table.c.resource_type == "Configuration",
            table.c.resource_id.in_(sorted(set(configuration_ids))),
        )
    statement = statement.order_by(
        *order, case((table.c.archived, 1), else_=0), func.lower(table.c.name), table.c.id
    )
    with translate_errors("read passwords"):
        rows = await session.execute(statement.limit(limit))
    return [_view(row) for row in rows]


async def get_passwords(
    session: AsyncSession, ids: Collection[int], *, organization_ids: Collection[int] | None = None
) -> list[PasswordView]:
    """The passwords with these IT Glue ids (deleted or out-of-scope ones left out), by id.

    Raises:
        StoreError: the database failed.
    """
    if not ids:
        return []
    table = RecordType.PASSWORDS.table
    statement = _select(organization_ids).where(table.c.id.in_(sorted(set(ids))))
    with translate_errors("read passwords"):
        rows = await session.execute(statement.order_by(table.c.id))
    return [_view(row) for row in rows]


def password_source(view: PasswordView) -> SourceRecord:
    """The citation of a password entry (its metadata, never its value)."""
    return source_of("passwords", view)


async def password_not_found(
    session: AsyncSession,
    *,
    name: str | None,
    configuration: str | None,
    configurations: Sequence[ConfigurationView],
    organization_ids: Collection[int] | None,
    where: str,
) -> RecordNotFound:
    """The error for a password lookup that found nothing, naming what exists instead.

    Args:
        session: a session on the store.
        name: the password name or id asked for, if any.
        configuration: the configuration reference asked for, if any.
        configurations: the configurations that reference named (empty: none).
        organization_ids: the scope searched (suggestions come from it only).
        where: the scope in words ("of Acme", "in any organization").

    Returns:
        A configuration that names nothing: close configuration names. A configuration
        without a matching password: its own password entries. Otherwise close password names.

    Raises:
        StoreError: the store failed.
    """
    if configuration is not None and not configurations:
        return await configuration_not_found(
            session, configuration, organization_ids, field="configuration", where=where
        )
    if configurations:
        ids = [view.id for view in configurations]
        own = await find_passwords(
            session, organization_ids=organization_ids, configuration_ids=ids
        )
        device = ", ".join(sorted({view.name or str(view.id) for view in configurations}))
        listed = ", ".join(view.name or str(view.id) for view in own)
        return RecordNotFound(
            f"name: no password of {device} matches {name!r}"
            + (f"; its passwords: {listed}" if listed else "; it has no password entry")
        )
    names = await record_names(session, RecordType.PASSWORDS, organization_ids=organization_ids)
    return RecordNotFound(
        f"name: no password {where} is named {name!r}" + suggestion_hint(closest(name or "", names))
    )
