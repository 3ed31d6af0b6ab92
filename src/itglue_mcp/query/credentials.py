"""Password lookups as grounded facts: which credential, for what, with which login name.

Only metadata ever leaves here. The store holds no password value, and :func:`password_facts`
builds facts from the view's fields alone; :data:`VALUE_WITHHELD` is the sentence every
answer about a password carries, so the assistant never implies it has the value. A value is
only ever revealed live from IT Glue (:mod:`itglue_mcp.security.reveal`), for the one entry
:func:`single_credential` picks, with :data:`REVEAL_NOTICE`.

Example::

    lookup = await find_credentials(session, configuration="ACME-FW01", organization_ids={7})
    [fact.value for p in lookup.passwords for fact in password_facts(p)]
    entry = single_credential(lookup, "ACME-FW01 admin")   # the one entry to reveal
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.configurations import ConfigurationView, resolve_configurations
from itglue_mcp.catalog.errors import AmbiguousRecord
from itglue_mcp.catalog.ids import parse_id
from itglue_mcp.catalog.passwords import (
    PasswordView,
    find_passwords,
    get_passwords,
    password_source,
)
from itglue_mcp.query.answer import Fact

__all__ = [
    "REVEAL_NOTICE",
    "VALUE_WITHHELD",
    "CredentialLookup",
    "find_credentials",
    "password_facts",
    "single_credential",
]

VALUE_WITHHELD = (
    "Password values are never returned by this lookup: only the entry's metadata. "
    "Open the IT Glue link to view the value."
)
"""What every answer about a password says about its value."""

REVEAL_NOTICE = (
    "Secret revealed live from IT Glue for this request only: it is not stored or cached "
    "here, and this reveal is in the audit log. Give it only to the person who asked; do not "
    "repeat it in summaries or later answers."
)
"""What a revealed value is returned with."""


@dataclass(frozen=True, slots=True)
class CredentialLookup:
    """The outcome of :func:`find_credentials`.

    Attributes:
        passwords: the entries found, best match first.
        configurations: the configurations the lookup was restricted to, when one was named.
        truncated: more passwords matched than ``limit``.
    """

    passwords: tuple[PasswordView, ...]
    configurations: tuple[ConfigurationView, ...] = ()
    truncated: bool = False


def password_facts(view: PasswordView, *, confidence: float = 1.0) -> list[Fact]:
    """Facts of a password entry: username, URL, category, what it belongs to. No value."""
    source = password_source(view)
    values = [
        ("username", view.username),
        ("login URL", view.url),
        ("category", view.password_category_name),
        ("belongs to", view.linked.name if view.linked else None),
    ]
    return [
        Fact(label=label, value=value, source=source, confidence=confidence)
        for label, value in values
        if value
    ]


async def find_credentials(
    session: AsyncSession,
    *,
    name: str | None = None,
    configuration: str | None = None,
    organization_ids: Collection[int] | None = None,
    limit: int = 20,
) -> CredentialLookup:
    """Password entries by IT Glue id or name, and/or by the configuration they belong to.

    Args:
        session: any session.
        name: a password's IT Glue id, or its name or part of it.
        configuration: a configuration reference, resolved by
            :func:`~itglue_mcp.catalog.configurations.resolve_configurations`: only its
            passwords.
        organization_ids: organizations searched (``None``: all).
        limit: most passwords returned.

    Returns:
        The passwords, and the configurations named (empty when ``configuration`` matched
        none, in which case no password is returned either).

    Raises:
        ValueError: neither ``name`` nor ``configuration`` given, one of them blank, or
            ``limit`` below 1.
        StoreError: the database failed.
    """
    if name is None and configuration is None:
        raise ValueError("name or configuration is required")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    configuration_ids = None
    configurations: list[ConfigurationView] = []
    if configuration is not None:
        if not configuration.strip():
            raise ValueError("configuration must not be empty")
        named = await resolve_configurations(
            session, configuration, organization_ids=organization_ids, limit=limit
        )
        configurations = named.views
        if not configurations:
            return CredentialLookup(())
        configuration_ids = [view.id for view in configurations]
    if name is not None and (password_id := parse_id(name)) is not None:
        found = await get_passwords(session, [password_id], organization_ids=organization_ids)
        if configuration_ids is not None:
            found = [
                view
                for view in found
                if view.resource_type == "Configuration" and view.resource_id in configuration_ids
            ]
        if found:
            return CredentialLookup(tuple(found), tuple(configurations))
    found = await find_passwords(
        session,
        name=name,
        organization_ids=organization_ids,
        configuration_ids=configuration_ids,
        limit=limit + 1,
    )
    return CredentialLookup(tuple(found[:limit]), tuple(configurations), len(found) > limit)


def single_credential(lookup: CredentialLookup, asked: str) -> PasswordView:
    """The one entry a lookup found, for a reveal (which must name exactly one secret).

    Args:
        lookup: the outcome of :func:`find_credentials` (at least one password).
        asked: what was asked for, for the message.

    Returns:
        The only password entry found.

    Raises:
        AmbiguousRecord: several entries match; the message lists them (name, IT Glue id,
            organization) so the caller can name one by id.
    """
    if len(lookup.passwords) == 1 and not lookup.truncated:
        return lookup.passwords[0]
    listed = "; ".join(
        f"{view.name or '-'} (id {view.id}, {view.organization_name or 'no organization'})"
        for view in lookup.passwords
    )
    count = f"{len(lookup.passwords)}{' or more' if lookup.truncated else ''}"
    raise AmbiguousRecord(
        f"name: {count} password entries match {asked}: {listed}; reveal needs exactly one "
        "— give its IT Glue id as name"
    )
