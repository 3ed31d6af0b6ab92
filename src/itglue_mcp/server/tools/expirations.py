"""Expiration tools: ``list_expirations``, what falls due (or lapsed) around today, each cited."""

from __future__ import annotations

from typing import Annotated, Literal

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.query.expirations import (
    DEFAULT_LIMIT,
    DEFAULT_WINDOW_DAYS,
    MAX_LIMIT,
    ExpirationItem,
    ExpirationReport,
    expiration_window,
    find_expirations,
    today_utc,
)
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_untrusted_values
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = ["MAX_EXPIRATIONS", "MAX_WINDOW_DAYS", "register", "render_expirations"]

MAX_WINDOW_DAYS = 365
MAX_EXPIRATIONS = MAX_LIMIT

KindName = Literal["warranty", "ssl certificate", "domain", "license", "other"]


def _when(item: ExpirationItem) -> str:
    if item.days_left == 0:
        return "today"
    if item.days_left > 0:
        return f"in {item.days_left} day{'s' if item.days_left != 1 else ''}"
    ago = -item.days_left
    return f"expired {ago} day{'s' if ago != 1 else ''} ago"


def render_expirations(report: ExpirationReport, organization_name: str | None) -> str:
    """The readable text of an expiration report.

    The window, one line per expiration (date, days left, kind, its expiration record and a
    citation of the record that expires), the descriptions in one untrusted fence, then how
    to see more when the report is truncated.
    """
    scope = f" for {organization_name}" if organization_name else ""
    kinds = f" ({', '.join(report.kinds)})" if report.kinds else ""
    lines = [
        f"Expirations{kinds}{scope} from {report.start or 'any date'} to "
        f"{report.end or 'any date'} (today is {report.today}), soonest first: "
        f"{len(report.expirations)} of {report.total}."
    ]
    for item in report.expirations:
        if item.resource is not None:
            cited = cite(item.resource)
        else:
            what = item.resource_type_name or "record"
            cited = f"{item.resource_name or '-'} ({what}), {cite(item.source)}"
        lines.append(
            f"- {item.expiration_date} ({_when(item)}, expirations/{item.source.record_id}): "
            f"{item.kind} — {cited}"
        )
    described = [(i.source, i.description) for i in report.expirations if i.description]
    if described:
        lines.append(quote_untrusted_values(described, field="description"))
    if report.next_step:
        lines.append(report.next_step)
    if not report.expirations:
        lines.append("No expiration falls in this window.")
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the expiration tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="list_expirations",
        annotations={"title": "List expirations", **READ_ONLY},
        output_schema=ExpirationReport.model_json_schema(),
    )
    async def list_expirations_tool(
        within_days: Annotated[
            int,
            Field(
                ge=-MAX_WINDOW_DAYS,
                le=MAX_WINDOW_DAYS,
                description="Days ahead of today (UTC); negative: days back.",
            ),
        ] = DEFAULT_WINDOW_DAYS,
        kind: Annotated[
            KindName | None,
            Field(description="Only this kind; omit: all."),
        ] = None,
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        include_expired: Annotated[
            bool,
            Field(description="Also what expired as many days back."),
        ] = False,
        limit: Annotated[
            int,
            Field(ge=1, le=MAX_EXPIRATIONS, description="Most expirations to return."),
        ] = DEFAULT_LIMIT,
    ) -> ToolResult:
        """IT Glue expirations (warranties, SSL certificates, domains, licences), soonest
        first: date, days left (negative: expired), kind, the expiring record, cited.
        6 by default, limit up to 200; the result states the total and how to see more."""
        with tool_errors():
            today = today_utc()
            start, end = expiration_window(
                today, within_days=within_days, include_expired=include_expired
            )
            scope = current_scope()
            org, organization_ids = scope.organization, scope.organization_ids
            async with services.catalog.reading() as session:
                report = await find_expirations(
                    session,
                    start=start,
                    end=end,
                    kinds=None if kind is None else [kind],
                    organization_ids=organization_ids,
                    limit=limit,
                    today=today,
                )
        return ToolResult(
            content=render_expirations(report, org.name if org else None),
            structured_content=structured_content(report),
        )
