"""Documentation-hygiene checks: their thresholds, what each reads, and their cited findings.

The checks and the SQL that counts them are :mod:`itglue_mcp.store.compliance`'s; this module
turns a caller's thresholds into dates (:func:`compliance_cutoffs`), keeps the checks a caller
may run (:func:`visible_checks`: a check reading a record type the caller may not see is left
out) and cites each failing record (:func:`failing_records`).

Example::

    cutoffs = compliance_cutoffs(date(2026, 12, 6), within_days=30,
                                 password_max_age_days=365, document_max_age_months=12)
    findings = await failing_records(session, [ComplianceCheck.STALE_DOCUMENTS], cutoffs,
                                     organization_ids=[7], limit=3, today=date(2026, 12, 6))
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime, time

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.store.compliance import (
    CheckCount,
    ComplianceCheck,
    ComplianceCutoffs,
    FailedRecord,
    count_failures,
    list_failures,
)
from itglue_mcp.store.record_types import RecordType

__all__ = [
    "CHECK_RECORD_TYPES",
    "DEFAULT_DOCUMENT_MAX_AGE_MONTHS",
    "DEFAULT_PASSWORD_MAX_AGE_DAYS",
    "DEFAULT_WITHIN_DAYS",
    "MAX_DOCUMENT_MAX_AGE_MONTHS",
    "MAX_PASSWORD_MAX_AGE_DAYS",
    "MAX_WITHIN_DAYS",
    "CheckCount",
    "ComplianceCheck",
    "ComplianceCutoffs",
    "Finding",
    "compliance_cutoffs",
    "count_failures",
    "failing_records",
    "visible_checks",
]

DEFAULT_WITHIN_DAYS = 30
"""An expiration within this many days from today (or already past) is a finding."""
MAX_WITHIN_DAYS = 365
DEFAULT_PASSWORD_MAX_AGE_DAYS = 365
"""A password value not changed for this many days is a finding."""
MAX_PASSWORD_MAX_AGE_DAYS = 3650
DEFAULT_DOCUMENT_MAX_AGE_MONTHS = 12
"""A document not updated for this many calendar months is a finding."""
MAX_DOCUMENT_MAX_AGE_MONTHS = 120

_EXPIRING = frozenset({RecordType.EXPIRATIONS.value})
_CONFIGURATIONS = frozenset({RecordType.CONFIGURATIONS.value})
_PASSWORDS = frozenset({RecordType.PASSWORDS.value})
CHECK_RECORD_TYPES: Mapping[ComplianceCheck, frozenset[str]] = {
    ComplianceCheck.EXPIRING_WARRANTIES: _EXPIRING | _CONFIGURATIONS,
    ComplianceCheck.EXPIRING_SSL_CERTIFICATES: _EXPIRING | {RecordType.FLEXIBLE_ASSETS.value},
    ComplianceCheck.EXPIRING_DOMAINS: _EXPIRING | {RecordType.DOMAINS.value},
    ComplianceCheck.EXPIRING_LICENSES: _EXPIRING | {RecordType.FLEXIBLE_ASSETS.value},
    ComplianceCheck.MISSING_SERIAL_NUMBER: _CONFIGURATIONS,
    ComplianceCheck.MISSING_IP_ADDRESS: _CONFIGURATIONS,
    ComplianceCheck.MISSING_LOCATION: _CONFIGURATIONS,
    ComplianceCheck.MISSING_OPERATING_SYSTEM: _CONFIGURATIONS,
    ComplianceCheck.UNPROTECTED_SERVERS: _CONFIGURATIONS | {RecordType.FLEXIBLE_ASSETS.value},
    ComplianceCheck.STALE_PASSWORDS: _PASSWORDS,
    ComplianceCheck.UNLINKED_PASSWORDS: _PASSWORDS,
    ComplianceCheck.NO_IMPORTANT_CONTACT: frozenset({RecordType.CONTACTS.value}),
    ComplianceCheck.NO_PRIMARY_LOCATION: frozenset({RecordType.LOCATIONS.value}),
    ComplianceCheck.STALE_DOCUMENTS: frozenset({RecordType.DOCUMENTS.value}),
}
"""The JSON:API types each check reads: a caller who may not see one of them (RBAC's hidden
record types) does not get the check."""


class Finding(BaseModel):
    """A record failing a check, cited."""

    source: SourceRecord
    when: date | None = None
    """Expiration date, last password change or last document update."""
    days: int | None = None
    """Days from today to ``when`` (negative: past)."""


def compliance_cutoffs(
    today: date, *, within_days: int, password_max_age_days: int, document_max_age_months: int
) -> ComplianceCutoffs:
    """The dates the thresholds come to, counted from ``today`` (UTC midnight).

    Months are calendar months (2026-03-31 less one month is 2026-02-28).

    Raises:
        ValueError: a threshold outside its bounds (naming the argument).
    """
    for field, value, low, high in (
        ("within_days", within_days, 0, MAX_WITHIN_DAYS),
        ("password_max_age_days", password_max_age_days, 1, MAX_PASSWORD_MAX_AGE_DAYS),
        ("document_max_age_months", document_max_age_months, 1, MAX_DOCUMENT_MAX_AGE_MONTHS),
    ):
        if not low <= value <= high:
            raise ValueError(f"{field}: must be between {low} and {high}")
    midnight = datetime.combine(today, time(), tzinfo=UTC)
    return ComplianceCutoffs(
        expiring_by=today + relativedelta(days=within_days),
        passwords_changed_before=midnight - relativedelta(days=password_max_age_days),
        documents_updated_before=midnight - relativedelta(months=document_max_age_months),
    )


def visible_checks(
    checks: Sequence[ComplianceCheck], hidden_record_types: Collection[str]
) -> list[ComplianceCheck]:
    """``checks`` (in order, once each) less those reading a type in ``hidden_record_types``."""
    return [
        check
        for check in dict.fromkeys(checks)
        if not CHECK_RECORD_TYPES[check] & set(hidden_record_types)
    ]


def _finding(row: FailedRecord, today: date) -> Finding:
    when = row.when.date() if isinstance(row.when, datetime) else row.when
    name = row.name
    if row.record_type == RecordType.EXPIRATIONS:
        # Named as list_expirations names an expiration (IT Glue gives it no name).
        name = f"Expiration of {row.name or 'a record'} on {when}"
    return Finding(
        source=SourceRecord(
            record_type=row.record_type,
            record_id=row.record_id,
            name=name,
            organization_id=row.organization_id,
            resource_url=row.resource_url,
            updated_at=row.updated_at,
        ),
        when=when,
        days=None if when is None else (when - today).days,
    )


async def failing_records(
    session: AsyncSession,
    checks: Sequence[ComplianceCheck],
    cutoffs: ComplianceCutoffs,
    *,
    organization_ids: Collection[int],
    limit: int,
    today: date,
) -> dict[tuple[int, ComplianceCheck], list[Finding]]:
    """The cited findings of each check, by ``(organization id, check)``: at most ``limit``
    each, most urgent first (see :func:`itglue_mcp.store.compliance.list_failures`).

    Raises:
        ValueError: ``limit`` is below 1.
        StoreError: the database failed.
    """
    rows = await list_failures(
        session, checks, cutoffs, organization_ids=organization_ids, limit=limit
    )
    found: dict[tuple[int, ComplianceCheck], list[Finding]] = {}
    for row in rows:
        found.setdefault((row.organization_id, row.check), []).append(_finding(row, today))
    return found
