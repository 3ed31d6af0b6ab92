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
from itglue_mcp.catalog.errors import OrganizationResolutionError
from itglue_mcp.catalog.organizations import OrganizationView, organization_source
from itglue_mcp.query.compliance import (
    DEFAULT_LIMIT,
    DEFAULT_ORGANIZATION_LIMIT,
    MAX_FINDINGS_PER_CHECK,
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
from itglue_mcp.server.tool_schemas import structured_content
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
    failed = sum(result.failed for result in row.checks)
    lines = [f"{name}: {score}, {failed} finding(s). {cite(row.organization)}"]
    for result in row.checks:
        if not result.failed:
            continue
        lines.append(f"  {result.check}: {result.failed} of {result.examined}")
        lines += [
            f"  - {_detail(result.check, finding)}: {cite(finding.source)}"
            for finding in result.findings or ()
        ]
    return lines


def render_compliance(report: ComplianceReport, thresholds: tuple[int, int, int]) -> str:
    """The readable text of a compliance report: the thresholds and overall score, each
    check's totals, then each listed organization's score and findings, each cited.

    ``thresholds`` are the call's ``(within_days, password_max_age_days,
    document_max_age_months)``.
    """
    within_days, password_days, document_months = thresholds
    overall = "no score" if report.score is None else f"overall score {report.score}"
    lines = [
        f"Compliance of {report.organizations_total} organization(s) on {report.today} "
        f"(expirations within {within_days} days, passwords unchanged {password_days} days, "
        f"documents not updated {document_months} months): {overall} (0-100, mean of the "
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


def _named(references: list[str]) -> list[OrganizationView]:
    """The readable organizations ``references`` name, once each, in the order named.

    Raises:
        ValueError: ``organizations[i]`` names no readable organization, or several (an
            organization the caller may not read is unknown to it, as in every tool).
    """
    scope = current_scope()
    views: dict[int, OrganizationView] = {}
    for index, reference in enumerate(references):
        try:
            view = scope.resolve(reference)
        except OrganizationResolutionError as error:
            # The resolver names the field "organization"; this argument is a list.
            problem = str(error).removeprefix("organization")
            raise ValueError(f"organizations[{index}]{problem}") from None
        views.setdefault(view.id, view)
    return list(views.values())


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
                description="IT Glue ids, names or short names; omit: all.",
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
                description="Documents not updated N months.",
            ),
        ] = DEFAULT_DOCUMENT_MAX_AGE_MONTHS,
        limit: Annotated[
            int,
            Field(
                ge=0,
                le=MAX_LIMIT,
                description=f"Findings per check and organization (0: none); "
                f"limit * organization_limit <= {MAX_FINDINGS_PER_CHECK}.",
            ),
        ] = DEFAULT_LIMIT,
        organization_limit: Annotated[
            int,
            Field(ge=1, le=MAX_ORGANIZATION_LIMIT, description="Organizations listed."),
        ] = DEFAULT_ORGANIZATION_LIMIT,
    ) -> ToolResult:
        """Documentation gaps per organization, each finding cited, scored 0-100 (mean over
        checks of the share of records passing); lowest scores first."""
        with tool_errors():
            scope = current_scope()
            views = scope.organizations() if organizations is None else _named(organizations)
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
            content=render_compliance(
                report, (within_days, password_max_age_days, document_max_age_months)
            ),
            structured_content=structured_content(report),
        )
