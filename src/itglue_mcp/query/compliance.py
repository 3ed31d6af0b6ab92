"""The compliance report: documentation-hygiene checks across organizations, each finding cited,
counted per organization and scored.

Score: for each check that examined at least one record of an organization, the share of
examined records that pass; an organization's score is the mean of those shares, as a
percentage (100: nothing found; ``None``: no selected check examined anything there). Every
check weighs the same, however many records it examined, so a thousand workstations cannot
drown a missing primary location. The overall score is the mean of the organizations' scores.
What each check examines and fails: :mod:`itglue_mcp.store.compliance`.

Counts cover every organization in scope (``GROUP BY`` in the database); findings are read
only for the ``organization_limit`` lowest-scoring organizations, at most ``limit`` per check
and organization (0: scores only), and at most :data:`MAX_FINDINGS_PER_CHECK` per check in
all, so the default report is about 25 KB and the largest a few hundred, at any account size.

Example::

    report = await check_compliance(session, organizations=[acme_source],
                                    checks=list(ComplianceCheck), today=date(2026, 12, 6))
    report.organizations[0].score  # 87.5
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.compliance import (
    DEFAULT_DOCUMENT_MAX_AGE_MONTHS,
    DEFAULT_PASSWORD_MAX_AGE_DAYS,
    DEFAULT_WITHIN_DAYS,
    CheckCount,
    ComplianceCheck,
    Finding,
    compliance_cutoffs,
    count_failures,
    failing_records,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_ORGANIZATION_LIMIT",
    "MAX_FINDINGS_PER_CHECK",
    "MAX_LIMIT",
    "MAX_ORGANIZATION_LIMIT",
    "CheckResult",
    "ComplianceReport",
    "OrganizationCompliance",
    "check_compliance",
]

DEFAULT_LIMIT = 2
"""Findings listed per check and organization unless asked for more."""
MAX_LIMIT = 50
MAX_FINDINGS_PER_CHECK = 50
"""Most findings of one check in one report: ``limit`` times the organizations listed."""
DEFAULT_ORGANIZATION_LIMIT = 3
"""Organizations listed (lowest score first) unless asked for more."""
MAX_ORGANIZATION_LIMIT = 200


class CheckResult(BaseModel):
    """One check: over every organization in scope (``organizations`` set), or in one
    organization (``findings`` set when any is listed). One model for both keeps the schema
    small."""

    # The check's name as a string: the enum is listed once, in the tool's input schema.
    check: str
    examined: int
    failed: int
    organizations: int | None = Field(default=None, description="With a finding (totals).")
    findings: list[Finding] | None = Field(default=None, description="Most urgent first.")


class OrganizationCompliance(BaseModel):
    """One organization's checks and score."""

    organization: SourceRecord
    score: float | None = None
    checks: list[CheckResult]


class ComplianceReport(BaseModel):
    """Documentation hygiene across organizations, lowest score first."""

    today: date = Field(description="Day the thresholds count from (UTC).")
    checks: list[CheckResult] = Field(description="Checks run: totals.")
    hidden_checks: list[str] | None = Field(
        default=None, description="Not run: they read records hidden from you."
    )
    score: float | None = Field(default=None, description="Mean of the organizations' scores.")
    organizations: list[OrganizationCompliance] = Field(description="Lowest score first.")
    organizations_total: int
    truncated: bool = Field(description="More organizations or findings than listed.")
    next_step: str | None = Field(default=None, description="How to see more.")


def _score(results: Sequence[CheckCount]) -> float | None:
    """The unrounded score of one organization's check counts (reports round to 0.1)."""
    shares = [1 - count.failed / count.examined for count in results if count.examined]
    return 100 * sum(shares) / len(shares) if shares else None


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


def _next_step(hidden_organizations: int, truncated_checks: bool, named: bool) -> str:
    """How to see what a truncated report left out."""
    ways = []
    if hidden_organizations:
        ways.append(
            f"{hidden_organizations} more organization(s): raise organization_limit "
            f"(max {MAX_ORGANIZATION_LIMIT})" + ("" if named else " or name organizations")
        )
    if truncated_checks:
        ways.append(
            "more findings per check: raise limit (limit * organization_limit at most "
            f"{MAX_FINDINGS_PER_CHECK}) or select checks"
        )
    return "; ".join(ways) + "."


async def check_compliance(
    session: AsyncSession,
    *,
    organizations: Sequence[SourceRecord],
    checks: Sequence[ComplianceCheck],
    today: date,
    within_days: int = DEFAULT_WITHIN_DAYS,
    password_max_age_days: int = DEFAULT_PASSWORD_MAX_AGE_DAYS,
    document_max_age_months: int = DEFAULT_DOCUMENT_MAX_AGE_MONTHS,
    hidden_checks: Sequence[ComplianceCheck] = (),
    named: bool = False,
    limit: int = DEFAULT_LIMIT,
    organization_limit: int = DEFAULT_ORGANIZATION_LIMIT,
) -> ComplianceReport:
    """Run ``checks`` over ``organizations`` and score them (see the module docstring).

    Args:
        session: a read-only session on the store.
        organizations: citations of the organizations in scope (already limited to those the
            caller may read).
        checks: the checks to run (each once, in this order).
        today: the day the thresholds count from.
        within_days: an expiration up to this many days ahead, or past, is a finding.
        password_max_age_days: a password value unchanged this many days is a finding.
        document_max_age_months: a document not updated this many months is a finding.
        hidden_checks: checks asked for but not run (the caller may not see what they read).
        named: the caller named the organizations (the next step does not suggest it).
        limit: most findings per check and organization (0-``MAX_LIMIT``; 0: scores only).
        organization_limit: most organizations listed (1-``MAX_ORGANIZATION_LIMIT``).
            ``limit`` times the organizations listed is at most :data:`MAX_FINDINGS_PER_CHECK`.

    Raises:
        ValueError: a threshold, ``limit`` or ``organization_limit`` out of bounds (naming it),
            or their product above :data:`MAX_FINDINGS_PER_CHECK` (naming ``limit``).
        StoreError: the database failed.
    """
    if not 0 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit: must be between 0 and {MAX_LIMIT}")
    if not 1 <= organization_limit <= MAX_ORGANIZATION_LIMIT:
        raise ValueError(f"organization_limit: must be between 1 and {MAX_ORGANIZATION_LIMIT}")
    # Only organizations that can be listed count: naming one allows its MAX_LIMIT findings.
    if limit * min(organization_limit, len(organizations)) > MAX_FINDINGS_PER_CHECK:
        raise ValueError(
            f"limit: limit * organization_limit must be at most {MAX_FINDINGS_PER_CHECK} "
            "(name fewer organizations, or ask for fewer)"
        )
    cutoffs = compliance_cutoffs(
        today,
        within_days=within_days,
        password_max_age_days=password_max_age_days,
        document_max_age_months=document_max_age_months,
    )
    checks = list(dict.fromkeys(checks))
    by_id = {source.record_id: source for source in organizations}
    counts = (
        await count_failures(session, checks, cutoffs, organization_ids=sorted(by_id))
        if checks and by_id
        else []
    )
    per_organization: dict[int, list[CheckCount]] = {}
    for count in counts:
        per_organization.setdefault(count.organization_id, []).append(count)
    order = {check: index for index, check in enumerate(checks)}
    scores = {org_id: _score(per_organization.get(org_id, ())) for org_id in by_id}
    failed = {org_id: sum(c.failed for c in per_organization.get(org_id, ())) for org_id in by_id}
    ranked = sorted(
        by_id,
        key=lambda org_id: (
            scores[org_id] is None,
            scores[org_id] or 0.0,
            -failed[org_id],
            (by_id[org_id].name or "").casefold(),
            org_id,
        ),
    )
    listed = ranked[:organization_limit]
    findings = (
        await failing_records(
            session, checks, cutoffs, organization_ids=listed, limit=limit, today=today
        )
        if counts and listed and limit
        else {}
    )
    rows = [
        OrganizationCompliance(
            organization=by_id[org_id],
            score=_rounded(scores[org_id]),
            checks=[
                CheckResult(
                    check=count.check,
                    examined=count.examined,
                    failed=count.failed,
                    # Absent when none is listed (nothing failed, or limit 0).
                    findings=findings.get((org_id, count.check)),
                )
                for count in sorted(per_organization.get(org_id, ()), key=lambda c: order[c.check])
            ],
        )
        for org_id in listed
    ]
    truncated_checks = any(len(c.findings or ()) < c.failed for row in rows for c in row.checks)
    hidden_organizations = len(ranked) - len(listed)
    truncated = truncated_checks or hidden_organizations > 0
    known = [score for score in scores.values() if score is not None]
    return ComplianceReport(
        today=today,
        checks=[_total(check, counts) for check in checks],
        hidden_checks=list(hidden_checks) or None,
        score=_rounded(sum(known) / len(known)) if known else None,
        organizations=rows,
        organizations_total=len(ranked),
        truncated=truncated,
        next_step=_next_step(hidden_organizations, truncated_checks, named) if truncated else None,
    )


def _total(check: ComplianceCheck, counts: Sequence[CheckCount]) -> CheckResult:
    mine = [count for count in counts if count.check is check]
    return CheckResult(
        check=check,
        examined=sum(count.examined for count in mine),
        failed=sum(count.failed for count in mine),
        organizations=sum(1 for count in mine if count.failed),
    )
