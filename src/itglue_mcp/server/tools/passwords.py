"""Password tool: ``get_password`` — a password entry's metadata, never its value.

The store holds no password value, so this tool cannot return one; its result says so
(:data:`~itglue_mcp.query.credentials.VALUE_WITHHELD`) so the assistant never implies
otherwise.

Example (as an assistant calls it)::

    get_password(configuration="ACME-FW01")                  # the firewall's credentials
    get_password(name="Domain Administrator", organization="Acme Corporation")
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.query.answer import Excerpt
from itglue_mcp.query.credentials import (
    VALUE_WITHHELD,
    CredentialLookup,
    find_credentials,
    password_source,
)
from itglue_mcp.query.errors import RecordNotFound
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_excerpt
from itglue_mcp.server.schemas import LinkedRecordDetail, PasswordDetail, PasswordMatches
from itglue_mcp.server.services import Services
from itglue_mcp.server.tools.organizations import (
    MAX_REFERENCE_LENGTH,
    READ_ONLY,
    close_names,
    resolve_scope,
    suggestion_hint,
    summarise,
)
from itglue_mcp.store.passwords import PasswordView, find_passwords
from itglue_mcp.store.queries import OrganizationView, record_names
from itglue_mcp.store.record_types import RecordType

__all__ = ["MAX_LIMIT", "register"]

MAX_LIMIT = 50
_SCOPE_FIELD = Field(
    min_length=1,
    max_length=MAX_REFERENCE_LENGTH,
    description=(
        "Organization: IT Glue id, name, short name or a unique part of it. "
        "Omit to search every organization."
    ),
)


def _detail(view: PasswordView) -> PasswordDetail:
    source = password_source(view)
    linked = None
    if view.linked is not None:
        linked = LinkedRecordDetail(
            record_type=view.linked.record_type,
            record_id=view.linked.id,
            name=view.linked.name,
            resource_url=view.linked.resource_url,
        )
    return PasswordDetail(
        id=view.id,
        name=view.name,
        username=view.username,
        url=view.url,
        password_category_name=view.password_category_name,
        organization_id=view.organization_id,
        organization_name=view.organization_name,
        archived=view.archived,
        password_updated_at=view.password_updated_at,
        linked=linked,
        excerpts=[Excerpt(field="notes", text=view.notes, source=source)] if view.notes else [],
        source=source,
    )


def _render(result: PasswordMatches) -> str:
    where = result.organization.name if result.organization else "every organization"
    asked = " and ".join(
        part
        for part in (
            f"name {result.query!r}" if result.query else "",
            f"configuration {result.configuration!r}" if result.configuration else "",
        )
        if part
    )
    lines = [f"Password entries matching {asked} in {where} (metadata only):", result.notice]
    for p in result.passwords:
        flag = " [archived]" if p.archived else ""
        lines.append(
            f"- {p.name}{flag} ({p.password_category_name or 'no category'}) of "
            f"{p.organization_name or '-'}: username {p.username or '-'}, URL {p.url or '-'}, "
            f"value last changed {p.password_updated_at or '-'}"
        )
        if p.linked is not None:
            lines.append(
                f"    belongs to {p.linked.record_type} {p.linked.name or '-'} "
                f"(id {p.linked.record_id}) {p.linked.resource_url or ''}".rstrip()
            )
        lines.append(f"    {cite(p.source)}")
        lines.extend(quote_excerpt(excerpt) for excerpt in p.excerpts)
    if result.truncated:
        lines.append(
            f"… more entries match than the {result.limit} shown; narrow the name or the "
            f"organization, or raise limit (max {MAX_LIMIT})."
        )
    return "\n".join(lines)


async def _not_found(
    session: AsyncSession,
    lookup: CredentialLookup,
    name: str | None,
    configuration: str | None,
    org: OrganizationView | None,
    scope: list[int] | None,
) -> RecordNotFound:
    """The error for a lookup that found nothing, naming what exists instead."""
    where = f"of {org.name}" if org else "in any organization"
    if configuration is not None and not lookup.configurations:
        names = await record_names(
            session, RecordType.CONFIGURATIONS, organization_ids=scope, columns=("name", "hostname")
        )
        return RecordNotFound(
            f"configuration: no configuration {where} is named {configuration!r}"
            + suggestion_hint(close_names(configuration, names))
        )
    if lookup.configurations:
        ids = [view.id for view in lookup.configurations]
        own = await find_passwords(session, organization_ids=scope, configuration_ids=ids)
        device = ", ".join(sorted({view.name or str(view.id) for view in lookup.configurations}))
        listed = ", ".join(view.name or str(view.id) for view in own)
        return RecordNotFound(
            f"name: no password of {device} matches {name!r}"
            + (f"; its passwords: {listed}" if listed else "; it has no password entry")
        )
    names = await record_names(session, RecordType.PASSWORDS, organization_ids=scope)
    return RecordNotFound(
        f"name: no password {where} is named {name!r}"
        + suggestion_hint(close_names(name or "", names))
    )


def register(mcp: FastMCP, services: Services) -> None:
    """Register the password tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="get_password",
        annotations={"title": "Get a password entry (metadata only)", **READ_ONLY},
        output_schema=PasswordMatches.model_json_schema(),
    )
    async def get_password(
        name: Annotated[
            str | None,
            Field(
                min_length=1,
                max_length=MAX_REFERENCE_LENGTH,
                description="Password entry name (any case, or a part of it) or IT Glue id.",
            ),
        ] = None,
        configuration: Annotated[
            str | None,
            Field(
                min_length=1,
                max_length=MAX_REFERENCE_LENGTH,
                description=(
                    "A configuration's name, hostname or IT Glue id: only the passwords "
                    "belonging to it (all of them when no name is given)."
                ),
            ),
        ] = None,
        organization: Annotated[str | None, _SCOPE_FIELD] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIMIT, description="Most password entries to return.")
        ] = 10,
    ) -> ToolResult:
        """Find a password entry's metadata: username, login URL, category, the configuration
        it belongs to, its IT Glue link and when the value last changed.

        The password VALUE is never returned; open the IT Glue link to view it. Give a name
        or id, a configuration (its credentials), or both.
        """
        with tool_errors():
            if name is None and configuration is None:
                raise ValueError("name: give a password name or IT Glue id, or a configuration")
            async with services.sessions() as session:
                org, scope = await resolve_scope(session, organization)
                lookup = await find_credentials(
                    session,
                    name=name,
                    configuration=configuration,
                    organization_ids=scope,
                    limit=limit,
                )
                if not lookup.passwords:
                    raise await _not_found(session, lookup, name, configuration, org, scope)
        result = PasswordMatches(
            organization=summarise(org) if org else None,
            query=name,
            configuration=configuration,
            passwords=[_detail(view) for view in lookup.passwords],
            limit=limit,
            truncated=lookup.truncated,
            notice=VALUE_WITHHELD,
        )
        return ToolResult(
            content=_render(result), structured_content=result.model_dump(mode="json")
        )
