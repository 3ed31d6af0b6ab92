"""Flexible asset tool: ``reveal_flexible_asset_password`` — one Password-kind trait, live.

A flexible asset's Password-kind traits (an Active Directory's DSRM password, a Wi-Fi
network's pre-shared key, a license key) are secrets: the sync drops them, so the store never
holds one. This tool finds exactly one flexible asset in the store — by IT Glue id or name,
among the organizations the caller may read — picks one of its type's Password-kind fields,
and has :class:`~itglue_mcp.security.reveal.SecretRevealer` fetch that trait live from IT
Glue, under the same rule as ``get_password(reveal=true)``: the reveal scope (an HTTP 403
step-up before the call runs, :mod:`itglue_mcp.server.step_up`), the reveal permission on
the asset's organization, the per-user rate limit, and an audit event either way. The value
is returned once, with :data:`~itglue_mcp.query.credentials.REVEAL_NOTICE` and the asset's
citation.

Example (as an assistant calls it)::

    reveal_flexible_asset_password(flexible_asset="corp.acmecorp.com", trait="DSRM Password")
    reveal_flexible_asset_password(flexible_asset="3310055")   # its one Password field
    reveal_flexible_asset_password(flexible_asset="ACME-Guest", organization="Acme")
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import BaseModel, Field

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.errors import RecordNotFound
from itglue_mcp.catalog.flexible_assets import (
    PasswordField,
    StoredAsset,
    describe_asset,
    flexible_asset_source,
    one_flexible_asset,
    password_fields,
)
from itglue_mcp.query.credentials import REVEAL_NOTICE
from itglue_mcp.security.errors import AccessDenied
from itglue_mcp.security.reveal import RevealedTrait, SecretRevealer
from itglue_mcp.server.access import current_permissions, current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = ["TOOL", "FlexibleAssetSecret", "register"]

TOOL = "reveal_flexible_asset_password"


class FlexibleAssetSecret(BaseModel):
    """One Password-kind trait of one flexible asset, fetched live from IT Glue for this call.

    The asset's id, name (as IT Glue returned it live) and organization are in ``source``.
    """

    flexible_asset_type_name: str | None
    trait: str = Field(description="The field's name-key.")
    trait_name: str | None
    value: str | None = Field(description="The secret; absent when empty.")
    value_returned: bool = True
    notice: str = Field(description="How to treat the value.")
    source: SourceRecord


def _pick_field(
    asset: StoredAsset, fields: list[PasswordField], trait: str | None
) -> PasswordField:
    """The Password-kind field ``trait`` names (name or name-key, any case).

    Without ``trait`` the type's only Password field is taken.

    Raises:
        ValueError: the type has no Password field, ``trait`` names none of them, or
            ``trait`` is omitted and there are several (each listed).
    """
    kind = asset.flexible_asset_type_name or "its type"
    if not fields:
        raise ValueError(
            f"trait: {describe_asset(asset)} has no Password field ({kind} defines none)"
        )
    listed = ", ".join(f"{field.name or field.name_key} ({field.name_key})" for field in fields)
    if trait is None:
        if len(fields) == 1:
            return fields[0]
        raise ValueError(f"trait: {kind} has several Password fields; name one: {listed}")
    wanted = trait.strip().lower()
    for field in fields:
        if wanted in (field.name_key.lower(), (field.name or "").lower()):
            return field
    raise ValueError(
        f"trait: {trait!r} is not a Password field of {kind}; its Password fields: {listed}"
    )


def _revealer(services: Services) -> SecretRevealer:
    if services.revealer is None:
        raise AccessDenied(
            f"{TOOL}: reveal is not available on this server (no IT Glue API key with "
            "Password Access is configured: itglue.api_key)"
        )
    return services.revealer


def _result(asset: StoredAsset, field: PasswordField, secret: RevealedTrait) -> FlexibleAssetSecret:
    source = flexible_asset_source(asset)
    return FlexibleAssetSecret(
        flexible_asset_type_name=asset.flexible_asset_type_name,
        trait=field.name_key,
        trait_name=field.name,
        value=secret.value.get_secret_value() if secret.value is not None else None,
        notice=REVEAL_NOTICE,
        source=source.model_copy(
            update={
                "name": secret.name or asset.name,
                "organization_id": secret.organization_id,
            }
        ),
    )


def _render(result: FlexibleAssetSecret) -> str:
    label, asset = result.trait_name or result.trait, result.source
    return "\n".join(
        [
            f"{label} of {asset.name or asset.record_id} "
            f"({result.flexible_asset_type_name or 'flexible asset'}, "
            f"{asset.organization_name or asset.organization_id}): "
            f"{result.value if result.value is not None else '(empty)'}",
            result.notice,
            cite(result.source),
        ]
    )


def register(mcp: FastMCP, services: Services) -> None:
    """Register the flexible asset tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name=TOOL,
        annotations={"title": "Reveal a Password field of a flexible asset", **READ_ONLY},
        output_schema=FlexibleAssetSecret.model_json_schema(),
    )
    async def reveal_flexible_asset_password(
        flexible_asset: Annotated[
            Reference,
            Field(
                description="Its IT Glue id or name (any case).",
            ),
        ],
        trait: Annotated[
            Reference | None,
            Field(
                description="The field's name or name-key; omit when the type has one.",
            ),
        ] = None,
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
    ) -> ToolResult:
        """The VALUE of one Password field of one flexible asset (DSRM password, Wi-Fi key),
        live from IT Glue, only if the user asked for it; needs reveal permission;
        rate-limited, audited. Do not repeat it."""
        with tool_errors():
            if not flexible_asset.strip():
                raise ValueError("flexible_asset: give a flexible asset's IT Glue id or name")
            permissions = current_permissions()
            scope = current_scope()
            revealer = _revealer(services)
            if not scope.may_see("flexible-assets"):
                raise AccessDenied(f"{TOOL}: your roles do not allow flexible assets")
            org = scope.organization
            async with services.catalog.reading() as session:
                where = f"of {org.name}" if org else "in any organization"
                asset = await one_flexible_asset(
                    session, flexible_asset.strip(), scope.organization_ids, where
                )
                field = _pick_field(
                    asset, await password_fields(session, asset.flexible_asset_type_id), trait
                )
            if asset.organization_id is None:
                raise RecordNotFound(
                    f"flexible_asset: flexible asset {asset.id} belongs to no organization"
                )
            secret = await revealer.reveal_trait(
                permissions,
                asset_id=asset.id,
                organization_id=asset.organization_id,
                trait=field.name_key,
                tool=TOOL,
            )
        result = _result(asset, field, secret)
        return ToolResult(content=_render(result), structured_content=structured_content(result))
