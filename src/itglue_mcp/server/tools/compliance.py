"""Compliance tool: ``compliance_check`` — documentation hygiene across organizations, scored.

Example (as an assistant calls it)::

    compliance_check()                                              # every readable organization
    compliance_check(checks=["unprotected_servers"], organizations=["Acme Corporation"])
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.catalog.compliance import (
    DEFAULT_DOCUMENT_MAX_AGE_MONTHS,
    DEFAULT_PASSWORD_MAX_AGE_DAYS,
    DEFAULT_WITHIN_DAYS,
    MAX_DOCUMENT_MAX_AGE_MONTHS,
    MAX_PASSWORD_MAX_AGE_DAYS,
    MAX_WITHIN_DAYS,
    ComplianceCheck,
    Finding,
    visible_checks,
)
from itglue_mcp.catalog.organizations import organization_source
from itglue_mcp.query.compliance import (
    DEFAULT_LIMIT,
    DEFAULT_ORGANIZATION_LIMIT,
    MAX_LIMIT,
    MAX_ORGANIZATION_LIMIT,
    ComplianceReport,
    OrganizationCompliance,
    check_compliance,
)
from itglue_mcp.query.expirations import today_utc
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite
from itglue_mcp.server.services import Services
from itglue_mcp.server.tools.organizations import READ_ONLY

__all__ = ["MAX_ORGANIZATIONS", "register", "render_compliance"]

MAX_ORGANIZATIONS = 200
"""Most organizations one call may name."""

_WHAT = {
    ComplianceCheck.MISSING_SERIAL_NUMBER: "no serial number",
    ComplianceCheck.MISSING_IP_ADDRESS: "no IP address",
    ComplianceCheck.MISSING_LOCATION: "no location",
    ComplianceCheck.MISSING_OPERATING_SYSTEM: "no operating system",
    ComplianceCheck.UNPROTECTED_SERVERS: "no backup flexible asset protects it",
    ComplianceCheck.UNLINKED_PASSWORDS: "linked to no record",
    ComplianceCheck.NO_IMPORTANT_CONTACT: "no important contact",
    ComplianceCheck.NO_PRIMARY_LOCATION: "no primary location",
}


def _days(days: int) -> str:
    return f"{abs(days)} day{'s' if abs(days) != 1 else ''}"


def _detail(name: str, finding: Finding) -> str:
    """What is wrong with one record: ``expired 12 days ago (2026-11-24)``…"""
    check = ComplianceCheck(name)
    if finding.when is None or finding.days is None:
        return _WHAT[check]
    if check is ComplianceCheck.STALE_PASSWORDS:
        return f"password last changed {finding.when} ({_days(finding.days)} ago)"
    if check is ComplianceCheck.STALE_DOCUMENTS:
        return f"last updated {finding.when} ({_days(finding.days)} ago)"
    if finding.days < 0:
        return f"expired {_days(finding.days)} ago ({finding.when})"
    return (
        f"expires {'today' if finding.days == 0 else 'in ' + _days(finding.days)} ({finding.when})"
    )


def _organization_lines(row: OrganizationCompliance) -> list[str]:
    score = "nothing to check" if row.score is None else f"score {row.score}"
    name = row.organization.name or "-"
    lines = [f"{name}: {score}, {row.failed} finding(s). {cite(row.organization)}"]
    for result in row.checks:
        if not result.failed:
            continue
        lines.append(f"  {result.check}: {result.failed} of {result.examined}")
        lines += [
            f"  - {_detail(result.check, finding)}: {cite(finding.source)}"
            for finding in result.findings
        ]
    return lines


def render_compliance(report: ComplianceReport) -> str:
    """The readable text of a compliance report: the thresholds and overall score, each
    check's totals, then each listed organization's score and findings, each cited."""
    overall = "no score" if report.score is None else f"overall score {report.score}"
    lines = [
        f"Compliance of {report.organizations_total} organization(s) on {report.today} "
        f"(expirations within {report.within_days} days, passwords unchanged "
        f"{report.password_max_age_days} days, documents not updated "
        f"{report.document_max_age_months} months): {overall} (0-100, mean of the "
        "organizations' scores; an organization's score is the mean share of records "
        "passing each check that examined any)."
    ]
    if report.hidden_checks:
        lines.append(f"Not run (records hidden from you): {', '.join(report.hidden_checks)}.")
    lines.append(
        "Per check (failed of examined, organizations): "
        + "; ".join(
            f"{total.check} {total.failed}/{total.examined} ({total.organizations})"
            for total in report.checks
        )
    )
    shown = len(report.organizations)
    lines.append(f"Lowest scores first, {shown} of {report.organizations_total}:")
    for row in report.organizations:
        lines += _organization_lines(row)
    if report.next_step:
        lines.append(report.next_step)
    if not report.organizations:
        lines.append("No organization to check.")
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register ``compliance_check`` on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="compliance_check",
        annotations={"title": "Check documentation compliance", **READ_ONLY},
        output_schema=ComplianceReport.model_json_schema(),
    )
    async def compliance_check(
        checks: Annotated[
            list[ComplianceCheck] | None,
            Field(min_length=1, description="Checks to run; omit: all."),
        ] = None,
        organizations: Annotated[
            list[Reference] | None,
            Field(
                min_length=1,
                max_length=MAX_ORGANIZATIONS,
                description="IT Glue ids, names or short names; omit: every organization.",
            ),
        ] = None,
        within_days: Annotated[
            int,
            Field(ge=0, le=MAX_WITHIN_DAYS, description="Expired, or expiring within N days."),
        ] = DEFAULT_WITHIN_DAYS,
        password_max_age_days: Annotated[
            int,
            Field(ge=1, le=MAX_PASSWORD_MAX_AGE_DAYS, description="Passwords unchanged N days."),
        ] = DEFAULT_PASSWORD_MAX_AGE_DAYS,
        document_max_age_months: Annotated[
            int,
            Field(
                ge=1,
                le=MAX_DOCUMENT_MAX_AGE_MONTHS,
                description="Documents not updated N calendar months.",
            ),
        ] = DEFAULT_DOCUMENT_MAX_AGE_MONTHS,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIMIT, description="Findings per check and organization.")
        ] = DEFAULT_LIMIT,
        organization_limit: Annotated[
            int,
            Field(
                ge=1, le=MAX_ORGANIZATION_LIMIT, description="Organizations listed, worst first."
            ),
        ] = DEFAULT_ORGANIZATION_LIMIT,
    ) -> ToolResult:
        """Documentation gaps per organization, each finding cited: expired or expiring
        warranties, certificates, domains, licences; configurations lacking serial, IP,
        location, OS; servers no backup asset protects; stale or unlinked passwords; no
        important contact or primary location; stale documents. Score 0-100: mean over
        checks of the share passing. 2 findings per check for the 3 lowest scores by
        default."""
        with tool_errors():
            scope = current_scope()
            if organizations is None:
                views = scope.organizations()
            else:
                views = list({view.id: view for view in map(scope.resolve, organizations)}.values())
            asked = list(ComplianceCheck) if checks is None else checks
            run = visible_checks(asked, scope.hidden_record_types)
            async with services.catalog.reading() as session:
                report = await check_compliance(
                    session,
                    organizations=[organization_source(view) for view in views],
                    checks=run,
                    today=today_utc(),
                    within_days=within_days,
                    password_max_age_days=password_max_age_days,
                    document_max_age_months=document_max_age_months,
                    hidden_checks=[check for check in dict.fromkeys(asked) if check not in run],
                    named=organizations is not None,
                    limit=limit,
                    organization_limit=organization_limit,
                )
        return ToolResult(
            content=render_compliance(report),
            structured_content=report.model_dump(mode="json", exclude_none=True),
        )
