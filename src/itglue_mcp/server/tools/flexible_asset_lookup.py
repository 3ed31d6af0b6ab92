"""Flexible asset lookup tools: ``discover_asset_types``, ``list_flexible_assets`` and
``get_flexible_asset`` — the types and their fields, the assets of one type, one asset; traits
shown by kind, Tags as cited records, Password-kind traits withheld (see
:mod:`itglue_mcp.query.flexible_assets`; their values come only from
``reveal_flexible_asset_password`` in the sibling module).

Example (as an assistant calls them)::

    discover_asset_types(organization="Acme")
    list_flexible_assets(asset_type="wireless", filter={"Security": "WPA2"}, limit=25)
    get_flexible_asset(flexible_asset="corp.acmecorp.com")
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.query.flexible_assets import (
    DEFAULT_LIMIT,
    MAX_FILTERS,
    MAX_LIMIT,
    REVEAL_TOOL,
    AssetTypeCatalog,
    FlexibleAssetDetail,
    FlexibleAssetItem,
    FlexibleAssetList,
    discover_asset_types,
    get_flexible_asset,
    list_flexible_assets,
)
from itglue_mcp.security.errors import AccessDenied
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_untrusted_values
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = ["register", "render_asset_types", "render_assets"]


def _readable_scope(tool: str) -> ReadScope:
    """The call's scope, refusing a caller whose roles hide flexible assets.

    Raises:
        AccessDenied: flexible assets are hidden from the caller.
    """
    scope = current_scope()
    if not scope.may_see("flexible-assets"):
        raise AccessDenied(f"{tool}: your roles do not allow flexible assets")
    return scope


def _where(scope: ReadScope) -> str:
    return f" of {scope.organization.name}" if scope.organization else ""


def render_asset_types(catalog: AssetTypeCatalog, scope: ReadScope) -> str:
    """The readable text of ``discover_asset_types``: per type its fields, its counts and the
    organizations holding most, and a few assets, each cited."""
    lines = [
        f"Flexible asset types{_where(scope)}, most assets first (archived ones not counted): "
        f"{len(catalog.asset_types)}."
    ]
    for kind in catalog.asset_types:
        fields = "; ".join(f"{name}: {field_kind}" for name, field_kind in kind.fields.items())
        lines.append(
            f"- {kind.name or '-'}: {kind.assets} asset(s) in "
            f"{kind.organizations_total} organization(s). Fields: {fields or 'none'}."
        )
        lines += [f"  {o.assets} asset(s): {cite(o.organization)}" for o in kind.organizations]
        lines += [f"  e.g. {cite(example)}" for example in kind.examples]
    if not catalog.asset_types:
        lines.append("No flexible asset type is synced.")
    return "\n".join(lines)


def render_assets(items: list[FlexibleAssetItem], *, archived: bool = False) -> list[str]:
    """Lines for ``items``: each asset cited, its Tags' records cited and Password fields
    marked withheld, then every other trait in one untrusted fence (field ``traits``)."""
    lines, quoted = [], []
    for item in items:
        state = " (archived)" if archived else ""
        lines.append(f"- {item.source.name or '-'}{state}: {cite(item.source)}")
        for field, records in (item.tags or {}).items():
            lines += [f"  {field}: {cite(record)}" for record in records]
        lines += [f"  {field}: withheld, a secret ({REVEAL_TOOL})" for field in item.withheld or ()]
        quoted += [(item.source, f"{field}: {text}") for field, text in item.traits.items()]
    if quoted:
        lines.append(quote_untrusted_values(quoted, field="traits"))
    return lines


def register(mcp: FastMCP, services: Services) -> None:
    """Register the flexible asset lookup tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="discover_asset_types",
        annotations={"title": "Flexible asset types", **READ_ONLY},
        output_schema=AssetTypeCatalog.model_json_schema(),
    )
    async def discover_asset_types_tool(
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
    ) -> ToolResult:
        """Flexible asset types: fields, counts, top 5 organizations, 3 titles."""
        with tool_errors():
            scope = _readable_scope("discover_asset_types")
            async with services.catalog.reading() as session:
                catalog = await discover_asset_types(session, scope)
        return ToolResult(
            content=render_asset_types(catalog, scope),
            structured_content=structured_content(catalog),
        )

    @mcp.tool(
        name="list_flexible_assets",
        annotations={"title": "List flexible assets", **READ_ONLY},
        output_schema=FlexibleAssetList.model_json_schema(),
    )
    async def list_flexible_assets_tool(
        asset_type: Annotated[Reference, Field(description="Type name (fuzzy) or id.")],
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        filter: Annotated[
            dict[str, Reference] | None,
            Field(
                max_length=MAX_FILTERS,
                description="Field name: text its value holds (any case).",
            ),
        ] = None,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Most assets.")] = (
            DEFAULT_LIMIT
        ),
    ) -> ToolResult:
        """One type's flexible assets by name: traits, Tags as records, Password withheld.
        10 by default; states the total."""
        with tool_errors():
            scope = _readable_scope("list_flexible_assets")
            async with services.catalog.reading() as session:
                listing = await list_flexible_assets(
                    session, scope, asset_type.strip(), filter or {}, limit
                )
        matching = "".join(f", {key} contains {text!r}" for key, text in (filter or {}).items())
        lines = [
            f"{listing.asset_type} assets{_where(scope)}{matching}, by name: "
            f"{len(listing.assets)} of {listing.total}.",
            *render_assets(listing.assets),
        ]
        if listing.next_step:
            lines.append(listing.next_step)
        if not listing.assets:
            lines.append("No asset of this type matches.")
        return ToolResult(content="\n".join(lines), structured_content=structured_content(listing))

    @mcp.tool(
        name="get_flexible_asset",
        annotations={"title": "Get a flexible asset", **READ_ONLY},
        output_schema=FlexibleAssetDetail.model_json_schema(),
    )
    async def get_flexible_asset_tool(
        flexible_asset: Annotated[Reference, Field(description="Its IT Glue id or name.")],
    ) -> ToolResult:
        """One flexible asset and its traits (as list_flexible_assets)."""
        with tool_errors():
            if not flexible_asset.strip():
                raise ValueError("flexible_asset: give a flexible asset's IT Glue id or name")
            scope = _readable_scope("get_flexible_asset")
            async with services.catalog.reading() as session:
                detail = await get_flexible_asset(session, scope, flexible_asset.strip())
        text = [
            f"{detail.asset_type or 'Flexible asset'}:",
            *render_assets([detail], archived=bool(detail.archived)),
        ]
        return ToolResult(content="\n".join(text), structured_content=structured_content(detail))
