"""Password tool: ``get_password`` — a password entry's metadata; its value only on reveal.

The store holds no password value, so a plain lookup cannot return one; its result says so
(:data:`~itglue_mcp.query.credentials.VALUE_WITHHELD`) so the assistant never implies
otherwise. With ``reveal=true`` the lookup must find exactly one entry, whose value (and OTP
seed, when IT Glue has one) is fetched live from IT Glue by
:class:`~itglue_mcp.security.reveal.SecretRevealer` — reveal scope, reveal permission on the
entry's organization, per-user rate limit, an audit event either way — and returned once,
with :data:`~itglue_mcp.query.credentials.REVEAL_NOTICE`. Lookups stay within the
organizations the caller may read.

Example (as an assistant calls it)::

    get_password(configuration="ACME-FW01")                  # the firewall's credentials
    get_password(name="Domain Administrator", organization="Acme Corporation")
    get_password(name="4711", reveal=True)                    # the value of entry 4711
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import BaseModel, Field

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.errors import RecordNotFound
from itglue_mcp.catalog.organizations import organization_source
from itglue_mcp.catalog.passwords import PasswordView, password_not_found, password_source
from itglue_mcp.query.answer import Excerpt
from itglue_mcp.query.credentials import (
    REVEAL_NOTICE,
    VALUE_WITHHELD,
    find_credentials,
    single_credential,
)
from itglue_mcp.security.errors import AccessDenied
from itglue_mcp.security.rbac import Permissions
from itglue_mcp.security.reveal import RevealedPassword, SecretRevealer
from itglue_mcp.server.access import current_permissions, current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_excerpt
from itglue_mcp.server.schemas import PasswordDetail, PasswordMatches
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = ["MAX_LIMIT", "PasswordResult", "RevealedSecret", "register"]

TOOL = "get_password"

MAX_LIMIT = 50


class RevealedSecret(BaseModel):
    """A password entry's secrets, fetched live from IT Glue for this call only."""

    password_id: int = Field(description="IT Glue id of the entry revealed.")
    name: str | None = Field(description="The entry's name.")
    username: str | None = Field(description="The login name.")
    password: str | None = Field(
        description="The password value; null when the entry holds none in IT Glue."
    )
    otp_secret: str | None = Field(
        description="The entry's one-time-password seed, when IT Glue returned one."
    )


class PasswordResult(PasswordMatches):
    """Password entries (metadata), and the one entry's secrets when reveal was asked."""

    value_returned: bool = Field(  # type: ignore[assignment]
        default=False, description="The value was revealed."
    )
    revealed: RevealedSecret | None = None


def _detail(view: PasswordView) -> PasswordDetail:
    source = password_source(view)
    linked = None
    if view.linked is not None:
        # Cited as every record is; the store does not say its organization or last change.
        linked = SourceRecord(
            record_type=view.linked.record_type,
            record_id=view.linked.id,
            name=view.linked.name,
            organization_id=None,
            resource_url=view.linked.resource_url,
            updated_at=None,
        )
    return PasswordDetail(
        username=view.username,
        url=view.url,
        password_category_name=view.password_category_name,
        archived=view.archived,
        password_updated_at=view.password_updated_at,
        linked=linked,
        excerpts=[Excerpt(field="notes", text=view.notes, source=source)] if view.notes else [],
        source=source,
    )


def _render(result: PasswordResult) -> str:
    where = result.organization.name if result.organization else "every organization"
    asked = " and ".join(
        part
        for part in (
            f"name {result.query!r}" if result.query else "",
            f"configuration {result.configuration!r}" if result.configuration else "",
        )
        if part
    )
    shown = "revealed" if result.revealed else "metadata only"
    lines = [f"Password entries matching {asked} in {where} ({shown}):", result.notice]
    for p in result.passwords:
        flag = " [archived]" if p.archived else ""
        lines.append(
            f"- {p.source.name}{flag} ({p.password_category_name or 'no category'}) of "
            f"{p.source.organization_name or '-'}: username {p.username or '-'}, "
            f"URL {p.url or '-'}, "
            f"value last changed {p.password_updated_at or '-'}"
        )
        if p.linked is not None:
            lines.append(
                f"    belongs to {p.linked.record_type} {p.linked.name or '-'} "
                f"(id {p.linked.record_id}) {p.linked.resource_url or ''}".rstrip()
            )
        lines.append(f"    {cite(p.source)}")
        lines.extend(quote_excerpt(excerpt) for excerpt in p.excerpts)
    if result.revealed is not None:
        secret = result.revealed
        lines.append(
            f"Password of {secret.name or secret.password_id}: {secret.password or '(empty)'}"
        )
        if secret.otp_secret:
            lines.append(f"OTP seed: {secret.otp_secret}")
    if result.truncated:
        lines.append(
            f"… more entries match than the {result.limit} shown; narrow the name or the "
            f"organization, or raise limit (max {MAX_LIMIT})."
        )
    return "\n".join(lines)


def _revealer(services: Services) -> SecretRevealer:
    if services.revealer is None:
        raise AccessDenied(
            f"{TOOL}: reveal is not available on this server (no IT Glue API key with "
            "Password Access is configured: itglue.api_key)"
        )
    return services.revealer


async def _reveal(
    revealer: SecretRevealer, permissions: Permissions, view: PasswordView
) -> RevealedPassword:
    if view.organization_id is None:
        raise RecordNotFound(f"name: password entry {view.id} belongs to no organization")
    return await revealer.reveal_password(
        permissions, password_id=view.id, organization_id=view.organization_id, tool=TOOL
    )


def register(mcp: FastMCP, services: Services) -> None:
    """Register the password tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name=TOOL,
        annotations={"title": "Get a password entry", **READ_ONLY},
        output_schema=PasswordResult.model_json_schema(),
    )
    async def get_password(
        name: Annotated[
            Reference | None,
            Field(
                description="Entry name (any case, or a part) or IT Glue id.",
            ),
        ] = None,
        configuration: Annotated[
            Reference | None,
            Field(
                description="A configuration's name, hostname or id: only its entries.",
            ),
        ] = None,
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIMIT, description="Most entries to return.")
        ] = 10,
        reveal: Annotated[
            bool,
            Field(
                strict=True,  # a JSON boolean only, as step_up.reveals_secret decides
                description=(
                    "Also return the VALUE (and OTP seed), live, if the user asked for the "
                    "secret itself; one entry must match; needs reveal permission; "
                    "rate-limited, audited."
                ),
            ),
        ] = False,
    ) -> ToolResult:
        """Password entries' metadata, cited: username, URL, category, linked record, when
        the value changed. The VALUE only with reveal=true; else open the IT Glue link."""
        with tool_errors():
            if name is None and configuration is None:
                raise ValueError("name: give a password name or IT Glue id, or a configuration")
            permissions = current_permissions()
            scope = current_scope()
            if not scope.may_see("passwords"):
                raise AccessDenied(f"{TOOL}: your roles do not allow password entries")
            revealer = _revealer(services) if reveal else None
            org, ids = scope.organization, scope.organization_ids
            async with services.catalog.reading() as session:
                lookup = await find_credentials(
                    session,
                    name=name,
                    configuration=configuration,
                    organization_ids=ids,
                    limit=limit,
                )
                if not lookup.passwords:
                    raise await password_not_found(
                        session,
                        name=name,
                        configuration=configuration,
                        configurations=lookup.configurations,
                        organization_ids=ids,
                        where=f"of {org.name}" if org else "in any organization",
                    )
            secret = None
            if revealer is not None:
                asked = " and ".join(
                    f"{label} {value!r}"
                    for label, value in (("name", name), ("configuration", configuration))
                    if value is not None
                )
                view = single_credential(lookup, asked)
                secret = await _reveal(revealer, permissions, view)
        result = PasswordResult(
            organization=organization_source(org) if org else None,
            query=name,
            configuration=configuration,
            passwords=[_detail(view) for view in lookup.passwords],
            limit=limit,
            truncated=lookup.truncated,
            notice=REVEAL_NOTICE if secret else VALUE_WITHHELD,
            value_returned=secret is not None,
            revealed=_revealed(secret) if secret else None,
        )
        return ToolResult(content=_render(result), structured_content=structured_content(result))


def _revealed(secret: RevealedPassword) -> RevealedSecret:
    return RevealedSecret(
        password_id=secret.password_id,
        name=secret.name,
        username=secret.username,
        password=secret.password.get_secret_value() if secret.password else None,
        otp_secret=secret.otp_secret.get_secret_value() if secret.otp_secret else None,
    )
