"""Password entries as metadata: their lookups (:func:`find_passwords` by name, configuration
or id, :func:`get_passwords` by id), their citation, and what to say when a lookup finds none.

The store never holds a password value; a value is only ever fetched live by
:class:`~itglue_mcp.security.reveal.SecretRevealer`.

Example::

    source = password_source(view)
    raise await password_not_found(session, name="vpn", configuration=None,
                                   configurations=[], organization_ids=[7], where="of Acme")
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.catalog.configurations import configuration_not_found
from itglue_mcp.catalog.errors import RecordNotFound
from itglue_mcp.store.passwords import PasswordView, find_passwords, get_passwords
from itglue_mcp.store.queries import ConfigurationView, record_names
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.suggest import closest, suggestion_hint

__all__ = [
    "PasswordView",
    "find_passwords",
    "get_passwords",
    "password_not_found",
    "password_source",
]


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
