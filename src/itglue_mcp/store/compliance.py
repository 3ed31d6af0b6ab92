"""Documentation-hygiene checks in SQL: per organization, what each check examined and failed,
and the failing records themselves, a few per organization.

Each :class:`ComplianceCheck` examines one kind of record and fails some of them:

| check | examined (live, not archived) | fails when |
|---|---|---|
| ``expiring_*`` | dated expirations of that kind | dated on or before ``expiring_by`` |
| ``missing_serial_number`` | configurations | no serial number |
| ``missing_ip_address`` | configurations | no primary IP and no interface with an IP |
| ``missing_location`` | configurations | no location |
| ``missing_operating_system`` | configurations of type kind server or workstation | no OS |
| ``unprotected_servers`` | configurations of type kind server | no backup asset links to it |
| ``stale_passwords`` | password entries | value last changed before ``passwords_changed_before`` |
| ``unlinked_passwords`` | password entries | linked to nothing |
| ``no_important_contact`` | organizations | no live contact marked important |
| ``no_primary_location`` | organizations | no live location marked primary |
| ``stale_documents`` | documents | last updated before ``documents_updated_before`` |

Which backup flexible asset protects which configuration is the one rule of
:mod:`itglue_mcp.store.backups` (the infrastructure document reads the same). A password
entry is linked when it belongs to a record (``resource_id``), carries or is the target of a
related item, or a Tag trait points at it.
A server is a configuration of ``configuration_type_kind`` "server", or with none recorded,
of a type whose name holds the word (the rule of :mod:`itglue_mcp.store.network`). A password
entry never changed since it was created counts from its creation.

Counting happens in the database: one ``GROUP BY organization_id`` query per kind of record,
whatever the number of organizations, and findings are read with ``row_number()`` per
organization, so no table is read whole into Python.

Example::

    cutoffs = ComplianceCutoffs(expiring_by=date(2027, 1, 5), ...)
    counts = await count_failures(session, list(ComplianceCheck), cutoffs, organization_ids=None)
    rows = await list_failures(session, [ComplianceCheck.STALE_DOCUMENTS], cutoffs,
                               organization_ids=[7], limit=3)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Table,
    and_,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.store.backups import backup_protection
from itglue_mcp.store.errors import translate_errors

# Reused, not restated: the checks count exactly the expirations list_expirations lists.
from itglue_mcp.store.expirations import ExpirationKind, kind_expression, resource_not_deleted
from itglue_mcp.store.record_types import RecordType
from itglue_mcp.store.tag_links import tag_links

__all__ = [
    "CheckCount",
    "ComplianceCheck",
    "ComplianceCutoffs",
    "FailedRecord",
    "count_failures",
    "list_failures",
]


class ComplianceCheck(StrEnum):
    """A documentation-hygiene check."""

    EXPIRING_WARRANTIES = "expiring_warranties"
    EXPIRING_SSL_CERTIFICATES = "expiring_ssl_certificates"
    EXPIRING_DOMAINS = "expiring_domains"
    EXPIRING_LICENSES = "expiring_licenses"
    MISSING_SERIAL_NUMBER = "missing_serial_number"
    MISSING_IP_ADDRESS = "missing_ip_address"
    MISSING_LOCATION = "missing_location"
    MISSING_OPERATING_SYSTEM = "missing_operating_system"
    UNPROTECTED_SERVERS = "unprotected_servers"
    STALE_PASSWORDS = "stale_passwords"
    UNLINKED_PASSWORDS = "unlinked_passwords"
    NO_IMPORTANT_CONTACT = "no_important_contact"
    NO_PRIMARY_LOCATION = "no_primary_location"
    STALE_DOCUMENTS = "stale_documents"


@dataclass(frozen=True, slots=True)
class ComplianceCutoffs:
    """The dates the thresholds come to.

    Attributes:
        expiring_by: an expiration dated on or before this day fails (expired or expiring).
        passwords_changed_before: a password value last changed before this instant fails.
        documents_updated_before: a document last updated before this instant fails.
    """

    expiring_by: date
    passwords_changed_before: datetime
    documents_updated_before: datetime


@dataclass(frozen=True, slots=True)
class CheckCount:
    """What one check examined and failed in one organization."""

    check: ComplianceCheck
    organization_id: int
    examined: int
    failed: int


@dataclass(frozen=True, slots=True)
class FailedRecord:
    """A record that fails a check.

    Attributes:
        record_type, record_id: the record cited (for ``expiring_*`` the expiration).
        name: its name; for an expiration, the name of the record that expires.
        when: the date the check judged (expiration date, last password change, last
            document update); ``None`` for the other checks.
    """

    check: ComplianceCheck
    organization_id: int
    record_type: str
    record_id: int
    name: str | None
    resource_url: str | None
    updated_at: datetime | None
    when: date | datetime | None


_EXPIRATION_KINDS = {
    ComplianceCheck.EXPIRING_WARRANTIES: ExpirationKind.WARRANTY,
    ComplianceCheck.EXPIRING_SSL_CERTIFICATES: ExpirationKind.SSL_CERTIFICATE,
    ComplianceCheck.EXPIRING_DOMAINS: ExpirationKind.DOMAIN,
    ComplianceCheck.EXPIRING_LICENSES: ExpirationKind.LICENSE,
}
# Tag trait type (IT Glue API) that points at password entries.
_PASSWORDS_TAG = "Passwords"


@dataclass(frozen=True, slots=True)
class _Check:
    """How one check reads its records: which subject, which of them it examines, which
    fail, and in which order its findings come (most urgent first)."""

    subject: RecordType
    examined: ColumnElement[bool]
    failed: ColumnElement[bool]
    order: tuple[ColumnElement[Any], ...]
    when: ColumnElement[Any] | None = None


def _blank(column: ColumnElement[Any]) -> ColumnElement[bool]:
    return or_(column.is_(None), func.trim(column) == "")


def _of_type_kind(kind: str) -> ColumnElement[bool]:
    """A configuration of IT Glue type kind ``kind``; with none recorded, a type named so."""
    table = RecordType.CONFIGURATIONS.table
    recorded = func.lower(func.coalesce(table.c.configuration_type_kind, ""))
    return or_(
        recorded == kind,
        and_(recorded == "", func.lower(table.c.configuration_type_name).like(f"%{kind}%")),
    )


def _backup_protected(organization_ids: Collection[int] | None) -> Any:
    """The configuration is protected by a backup (the rule of :mod:`itglue_mcp.store.backups`)."""
    pairs = backup_protection(organization_ids=organization_ids)
    return RecordType.CONFIGURATIONS.table.c.id.in_(select(pairs.c.configuration_id))


def _password_linked(organization_ids: Collection[int] | None) -> Any:
    passwords = RecordType.PASSWORDS.table
    related = RecordType.RELATED_ITEMS.table
    links = tag_links(organization_ids=organization_ids)
    return or_(
        passwords.c.resource_id.is_not(None),
        exists().where(
            related.c.source_type == RecordType.PASSWORDS.value,
            related.c.source_id == passwords.c.id,
        ),
        exists().where(related.c.asset_type == "password", related.c.resource_id == passwords.c.id),
        passwords.c.id.in_(
            select(links.c.target_id).where(
                links.c.tag_type == _PASSWORDS_TAG, links.c.target_id.is_not(None)
            )
        ),
    )


def _without_live(table: Any, flag: ColumnElement[Any]) -> ColumnElement[bool]:
    """True for an organization with no live (not deleted, not archived) row of ``table``
    whose ``flag`` is set: no important contact, no primary location."""
    organizations = RecordType.ORGANIZATIONS.table
    return ~exists().where(
        table.c.organization_id == organizations.c.id,
        table.c.deleted_at.is_(None),
        table.c.archived.is_(False),
        flag.is_(True),
    )


def _checks(
    cutoffs: ComplianceCutoffs, organization_ids: Collection[int] | None
) -> dict[ComplianceCheck, _Check]:
    expirations = RecordType.EXPIRATIONS.table
    configurations = RecordType.CONFIGURATIONS.table
    interfaces = RecordType.CONFIGURATION_INTERFACES.table
    passwords = RecordType.PASSWORDS.table
    organizations = RecordType.ORGANIZATIONS.table
    contacts = RecordType.CONTACTS.table
    locations = RecordType.LOCATIONS.table
    documents = RecordType.DOCUMENTS.table
    kind = kind_expression()
    by_name = (func.lower(configurations.c.name), configurations.c.id)
    any_configuration = literal(True)
    server = _of_type_kind("server")
    has_interface_ip = exists().where(
        interfaces.c.configuration_id == configurations.c.id, not_(_blank(interfaces.c.ip_address))
    )
    changed = func.coalesce(passwords.c.password_updated_at, passwords.c.created_at)
    checks = {
        check: _Check(
            RecordType.EXPIRATIONS,
            kind == expiration_kind.value,
            expirations.c.expiration_date <= cutoffs.expiring_by,
            (expirations.c.expiration_date, expirations.c.id),
            expirations.c.expiration_date,
        )
        for check, expiration_kind in _EXPIRATION_KINDS.items()
    }
    checks |= {
        ComplianceCheck.MISSING_SERIAL_NUMBER: _Check(
            RecordType.CONFIGURATIONS,
            any_configuration,
            _blank(configurations.c.serial_number),
            by_name,
        ),
        ComplianceCheck.MISSING_IP_ADDRESS: _Check(
            RecordType.CONFIGURATIONS,
            any_configuration,
            and_(_blank(configurations.c.primary_ip), not_(has_interface_ip)),
            by_name,
        ),
        ComplianceCheck.MISSING_LOCATION: _Check(
            RecordType.CONFIGURATIONS,
            any_configuration,
            configurations.c.location_id.is_(None),
            by_name,
        ),
        ComplianceCheck.MISSING_OPERATING_SYSTEM: _Check(
            RecordType.CONFIGURATIONS,
            or_(server, _of_type_kind("workstation")),
            _blank(configurations.c.operating_system_name),
            by_name,
        ),
        ComplianceCheck.UNPROTECTED_SERVERS: _Check(
            RecordType.CONFIGURATIONS,
            server,
            not_(_backup_protected(organization_ids)),
            by_name,
        ),
        ComplianceCheck.STALE_PASSWORDS: _Check(
            RecordType.PASSWORDS,
            changed.is_not(None),
            changed < cutoffs.passwords_changed_before,
            (changed, passwords.c.id),
            changed,
        ),
        ComplianceCheck.UNLINKED_PASSWORDS: _Check(
            RecordType.PASSWORDS,
            literal(True),
            not_(_password_linked(organization_ids)),
            (func.lower(passwords.c.name), passwords.c.id),
        ),
        ComplianceCheck.NO_IMPORTANT_CONTACT: _Check(
            RecordType.ORGANIZATIONS,
            literal(True),
            _without_live(contacts, contacts.c.important),
            (organizations.c.id,),
        ),
        ComplianceCheck.NO_PRIMARY_LOCATION: _Check(
            RecordType.ORGANIZATIONS,
            literal(True),
            _without_live(locations, locations.c.primary),
            (organizations.c.id,),
        ),
        ComplianceCheck.STALE_DOCUMENTS: _Check(
            RecordType.DOCUMENTS,
            documents.c.updated_at.is_not(None),
            documents.c.updated_at < cutoffs.documents_updated_before,
            (documents.c.updated_at, documents.c.id),
            documents.c.updated_at,
        ),
    }
    return checks


def _subject(
    record_type: RecordType, organization_ids: Collection[int] | None
) -> tuple[Table, list[ColumnElement[bool]], ColumnElement[int]]:
    """The table of ``record_type``, its live unarchived records in scope, and the column
    naming their organization (an organization's own id for organizations)."""
    table = record_type.table
    own = record_type is RecordType.ORGANIZATIONS
    organization: ColumnElement[int] = table.c.id if own else table.c.organization_id
    conditions: list[ColumnElement[bool]] = [
        table.c.deleted_at.is_(None),
        table.c.archived.is_(False),
    ]
    if organization_ids is not None:
        conditions.append(organization.in_(sorted(set(organization_ids))))
    else:
        conditions.append(organization.is_not(None))
    if record_type is RecordType.EXPIRATIONS:
        conditions += [table.c.expiration_date.is_not(None), resource_not_deleted()]
    return table, conditions, organization


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def count_failures(
    session: AsyncSession,
    checks: Sequence[ComplianceCheck],
    cutoffs: ComplianceCutoffs,
    *,
    organization_ids: Collection[int] | None,
) -> list[CheckCount]:
    """What each check examined and failed, per organization (organizations where a check
    examined nothing are absent for it).

    One ``GROUP BY organization_id`` query per kind of record the checks read.

    Args:
        session: any session.
        checks: the checks to count.
        cutoffs: the dates the thresholds come to.
        organization_ids: only these organizations (``None``: every organization).

    Raises:
        StoreError: the database failed.
    """
    if organization_ids is not None and not organization_ids:
        return []
    specs = _checks(cutoffs, organization_ids)
    by_subject: dict[RecordType, list[ComplianceCheck]] = {}
    for check in dict.fromkeys(checks):
        by_subject.setdefault(specs[check].subject, []).append(check)
    counts: list[CheckCount] = []
    for record_type, subject_checks in by_subject.items():
        table, conditions, organization = _subject(record_type, organization_ids)
        columns = [
            column
            for check in subject_checks
            for column in (
                _count(specs[check].examined).label(f"{check}_examined"),
                _count(and_(specs[check].examined, specs[check].failed)).label(f"{check}_failed"),
            )
        ]
        statement = (
            select(organization.label("organization_id"), *columns)
            .select_from(table)
            .where(*conditions)
            .group_by(organization)
        )
        with translate_errors(f"count compliance of {record_type}"):
            rows = (await session.execute(statement)).all()
        counts += [
            CheckCount(check, int(row.organization_id), examined, int(row[f"{check}_failed"]))
            for row in (row._mapping for row in rows)
            for check in subject_checks
            if (examined := int(row[f"{check}_examined"]))
        ]
    return counts


async def list_failures(
    session: AsyncSession,
    checks: Sequence[ComplianceCheck],
    cutoffs: ComplianceCutoffs,
    *,
    organization_ids: Collection[int],
    limit: int,
) -> list[FailedRecord]:
    """The records failing each check: at most ``limit`` per check and organization, most
    urgent first (soonest expiration, oldest change, else by name).

    Args:
        session: any session.
        checks: the checks to list.
        cutoffs: the dates the thresholds come to.
        organization_ids: the organizations to list (empty: none).
        limit: most records per check and organization (at least 1).

    Raises:
        ValueError: ``limit`` is below 1.
        StoreError: the database failed.
    """
    if limit < 1:
        raise ValueError("limit: must be at least 1")
    if not organization_ids:
        return []
    specs = _checks(cutoffs, organization_ids)
    found: list[FailedRecord] = []
    for check in dict.fromkeys(checks):
        spec = specs[check]
        table, conditions, organization = _subject(spec.subject, organization_ids)
        is_expiration = spec.subject is RecordType.EXPIRATIONS
        ranked = (
            select(
                organization.label("organization_id"),
                table.c.id.label("record_id"),
                (table.c.resource_name if is_expiration else table.c.name).label("name"),
                table.c.resource_url,
                table.c.updated_at,
                (spec.when if spec.when is not None else literal(None)).label("when"),
                func.row_number()
                .over(partition_by=organization, order_by=spec.order)
                .label("rank"),
            )
            .select_from(table)
            .where(*conditions, spec.examined, spec.failed)
            .subquery("ranked")
        )
        statement = (
            select(ranked)
            .where(ranked.c.rank <= literal(limit, Integer))
            .order_by(ranked.c.organization_id, ranked.c.rank)
        )
        with translate_errors(f"list compliance findings of {check}"):
            rows = (await session.execute(statement)).all()
        found += [
            FailedRecord(
                check=check,
                organization_id=int(row.organization_id),
                record_type=spec.subject.value,
                record_id=int(row.record_id),
                name=row.name,
                resource_url=row.resource_url,
                updated_at=row.updated_at,
                when=row.when,
            )
            for row in rows
        ]
    return found
