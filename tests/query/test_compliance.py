"""The compliance report over a hand-built store (SQLite and PostgreSQL): each check's
findings and counts, the score, the thresholds and the bounds.

Acme (1) has one record failing and one passing each check; Beta (2) has a clean
configuration, an important contact and a primary location only; Gamma (3) holds nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.compliance import ComplianceCheck
from itglue_mcp.query.compliance import (
    ComplianceReport,
    OrganizationCompliance,
    check_compliance,
)
from itglue_mcp.store import RecordType, replace_children, start_run, unit_of_work, upsert_records
from itglue_mcp.store.records import replace_related_items

Sessions = async_sessionmaker[AsyncSession]

TODAY = date(2026, 12, 6)
NOW = datetime(2026, 12, 6, tzinfo=UTC)
ACME, BETA, GAMMA = 1, 2, 3


def _days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def _record(id_: int, organization_id: int, name: str, **extra: Any) -> dict[str, Any]:
    kind = extra.pop("kind", "records")
    return {
        "id": id_,
        "organization_id": organization_id,
        "name": name,
        "resource_url": f"https://acme.itglue.com/{organization_id}/{kind}/{id_}",
        "updated_at": NOW,
        **extra,
    }


def _configuration(id_: int, organization_id: int, name: str, **extra: Any) -> dict[str, Any]:
    complete = {
        "serial_number": f"SN{id_}",
        "primary_ip": f"10.0.0.{id_ % 250}",
        "location_id": 700,
        "operating_system_name": "Windows Server 2022",
        "configuration_type_name": "Managed Server",
        "configuration_type_kind": "server",
    }
    return _record(id_, organization_id, name, kind="configurations", **{**complete, **extra})


def _expiration(
    id_: int, resource: tuple[str, int, str], description: str, day: date, **extra: Any
) -> dict[str, Any]:
    type_name, resource_id, resource_name = resource
    return _record(
        id_,
        ACME,
        f"expirations {id_}",
        kind="expirations",
        resource_type_name=type_name,
        resource_id=resource_id,
        resource_name=resource_name,
        description=description,
        expiration_date=day,
        **extra,
    )


def _tag(kind: str, *ids: Any) -> dict[str, Any]:
    return {"type": kind, "values": [{"id": id_, "name": f"record {id_}"} for id_ in ids]}


CONFIGURATIONS = [
    _configuration(100, ACME, "ACME-DC01"),  # complete, protected by a Tag trait
    _configuration(101, ACME, "ACME-APP01", serial_number=" "),  # protected by a related item
    _configuration(102, ACME, "ACME-SQL01", primary_ip=None),  # unprotected; an interface IP
    _configuration(103, ACME, "ACME-WEB01", primary_ip=None, location_id=None),  # unprotected
    _configuration(104, ACME, "ACME-FILE01", operating_system_name=""),  # Tag id as a string
    _configuration(
        105,
        ACME,
        "ACME-PRN01",
        operating_system_name=None,  # a printer: no OS expected
        configuration_type_name="Printer",
        configuration_type_kind="printer",
    ),
    _configuration(
        106,
        ACME,
        "ACME-OLD01",
        archived=True,  # archived: examined by no check
        serial_number=None,
    ),
    _configuration(
        107,
        ACME,
        "ACME-HV01",  # no type kind recorded: a server by its type's name; linked by a
        configuration_type_kind=None,  # related item carried by the configuration
        configuration_type_name="Virtual Server",
    ),
    _configuration(200, BETA, "BETA-WS01", configuration_type_kind="workstation"),
]
ASSETS = [
    _record(
        300,
        ACME,
        "Nightly server backup",
        kind="flexible_assets",
        flexible_asset_type_name="Backup",
        traits={
            "backup-name": "Nightly server backup",
            "protected-devices": _tag("Configurations", 100, "104"),
            "notes": "<p>Not a tag</p>",
            "odd": {"type": "Configurations", "values": "not a list"},
            "odd-values": {"type": "Configurations", "values": ["ACME-SQL01", {"id": "x1"}]},
        },
    ),
    _record(
        301,
        ACME,
        "Web LAN",  # not a backup asset: tagging 103 does not protect it
        kind="flexible_assets",
        flexible_asset_type_name="LAN",
        traits={"dhcp-server": _tag("Configurations", 103)},
    ),
    _record(
        302,
        ACME,
        "Microsoft 365",
        kind="flexible_assets",
        flexible_asset_type_name="Email",
        traits={"global-admin": _tag("Passwords", 402)},
    ),
]
PASSWORDS = [
    _record(
        400,
        ACME,
        "DC01 admin",
        kind="passwords",
        resource_type="Configuration",
        resource_id=100,
        password_updated_at=_days_ago(10),
    ),
    _record(401, ACME, "Bank portal", kind="passwords", password_updated_at=_days_ago(400)),
    _record(402, ACME, "M365 admin", kind="passwords", password_updated_at=_days_ago(30)),
    _record(403, ACME, "Registrar", kind="passwords", created_at=_days_ago(800)),
    _record(404, ACME, "Old unused", kind="passwords", archived=True),
]
DOCUMENTS = [
    _record(500, ACME, "Onboarding", kind="documents", updated_at=_days_ago(30)),
    _record(501, ACME, "Firewall runbook", kind="documents", updated_at=_days_ago(500)),
    _record(502, ACME, "Printer how-to", kind="documents", updated_at=_days_ago(380)),
]
EXPIRATIONS = [
    _expiration(600, ("Configuration", 100, "ACME-DC01"), "Warranty expiration", date(2026, 11, 1)),
    _expiration(601, ("Configuration", 101, "ACME-APP01"), "Warranty expiration", date(2028, 1, 1)),
    _expiration(
        602, ("Domain", 800, "acme.com"), "Domain registration expiration", date(2026, 12, 16)
    ),
    _expiration(
        603, ("FlexibleAsset", 900, "*.acme.com"), "SSL Certificate: Expires On", date(2027, 3, 1)
    ),
    _expiration(
        604, ("FlexibleAsset", 901, "Office"), "Licensing: Renewal Date", date(2026, 12, 6)
    ),
]


@pytest.fixture
async def sessions(session_factory: Sessions) -> Sessions:
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        rows: dict[RecordType, list[dict[str, Any]]] = {
            RecordType.ORGANIZATIONS: [
                _record(ACME, ACME, "Acme", kind="organizations"),
                _record(BETA, BETA, "Beta", kind="organizations"),
                _record(GAMMA, GAMMA, "Gamma", kind="organizations"),
            ],
            RecordType.CONFIGURATIONS: CONFIGURATIONS,
            RecordType.FLEXIBLE_ASSETS: ASSETS,
            RecordType.PASSWORDS: PASSWORDS,
            RecordType.DOCUMENTS: DOCUMENTS,
            RecordType.EXPIRATIONS: EXPIRATIONS,
            RecordType.CONTACTS: [
                _record(710, ACME, "Ann", kind="contacts", important=False),
                _record(711, ACME, "Bob", kind="contacts", important=True, archived=True),
                _record(712, BETA, "Cid", kind="contacts", important=True),
            ],
            RecordType.LOCATIONS: [
                _record(700, ACME, "Branch", kind="locations", primary=False),
                _record(720, BETA, "HQ", kind="locations", primary=True),
            ],
        }
        for record_type, records in rows.items():
            await upsert_records(session, record_type, records, run_id=run_id)
        await replace_children(
            session,
            RecordType.CONFIGURATION_INTERFACES,
            "configuration_id",
            [102],
            [{"id": 1, "configuration_id": 102, "name": "eth0", "ip_address": "10.0.0.9"}],
        )
        await replace_related_items(
            session,
            "flexible-assets",
            [300],
            [{"id": 1, "source_id": 300, "asset_type": "configuration", "resource_id": 101}],
        )
        await replace_related_items(
            session,
            "configurations",
            [107],
            [{"id": 2, "source_id": 107, "asset_type": "flexible_asset", "resource_id": 300}],
        )
    return session_factory


def _source(organization_id: int, name: str) -> SourceRecord:
    return SourceRecord(
        record_type="organizations",
        record_id=organization_id,
        name=name,
        organization_id=organization_id,
        resource_url=None,
        updated_at=None,
    )


ALL = [_source(ACME, "Acme"), _source(BETA, "Beta"), _source(GAMMA, "Gamma")]


async def _report(sessions: Sessions, **options: Any) -> ComplianceReport:
    arguments: dict[str, Any] = {
        "organizations": ALL,
        "checks": list(ComplianceCheck),
        "today": TODAY,
        "limit": 10,
        "organization_limit": 3,
        **options,
    }
    async with unit_of_work(sessions, read_only=True) as session:
        return await check_compliance(session, **arguments)


def _row(report: ComplianceReport, organization_id: int) -> OrganizationCompliance:
    return next(r for r in report.organizations if r.organization.record_id == organization_id)


def _found(report: ComplianceReport, organization_id: int) -> dict[str, list[int]]:
    row = _row(report, organization_id)
    return {c.check: [f.source.record_id for f in c.findings] for c in row.checks if c.findings}


async def test_each_check_finds_exactly_the_failing_records(sessions: Sessions) -> None:
    report = await _report(sessions)

    assert _found(report, ACME) == {
        "expiring_warranties": [600],
        "expiring_domains": [602],
        "expiring_licenses": [604],
        "missing_serial_number": [101],
        "missing_ip_address": [103],
        "missing_location": [103],
        "missing_operating_system": [104],
        "unprotected_servers": [102, 103],
        "stale_passwords": [403, 401],
        "unlinked_passwords": [401, 403],
        "no_important_contact": [ACME],
        "no_primary_location": [ACME],
        "stale_documents": [501, 502],
    }
    assert _found(report, BETA) == {}


async def test_counts_cover_what_each_check_examined(sessions: Sessions) -> None:
    report = await _report(sessions)

    totals = {t.check: (t.failed, t.examined, t.organizations) for t in report.checks}
    assert totals == {
        "expiring_warranties": (1, 2, 1),
        "expiring_ssl_certificates": (0, 1, 0),
        "expiring_domains": (1, 1, 1),
        "expiring_licenses": (1, 1, 1),
        "missing_serial_number": (1, 8, 1),  # 7 live Acme configurations and Beta's
        "missing_ip_address": (1, 8, 1),
        "missing_location": (1, 8, 1),
        "missing_operating_system": (1, 7, 1),  # not the printer
        "unprotected_servers": (2, 6, 1),  # Acme's six servers; Beta's is a workstation
        "stale_passwords": (2, 4, 1),
        "unlinked_passwords": (2, 4, 1),
        "no_important_contact": (2, 3, 2),  # Acme's important contact is archived
        "no_primary_location": (2, 3, 2),  # Gamma has no location either
        "stale_documents": (2, 3, 1),
    }


async def test_findings_cite_their_records_with_the_dates_judged(sessions: Sessions) -> None:
    report = await _report(sessions)

    by_check = {c.check: c.findings for c in _row(report, ACME).checks}
    [warranty] = by_check["expiring_warranties"]
    assert (warranty.when, warranty.days) == (date(2026, 11, 1), -35)
    assert warranty.source.name == "Expiration of ACME-DC01 on 2026-11-01"
    assert warranty.source.resource_url == "https://acme.itglue.com/1/expirations/600"
    [licence] = by_check["expiring_licenses"]
    assert licence.days == 0
    registrar, bank = by_check["stale_passwords"]
    assert (registrar.when, registrar.days) == (TODAY - timedelta(days=800), -800)  # created
    assert bank.days == -400
    server = by_check["unprotected_servers"][0]
    assert (server.source.record_type, server.source.name) == ("configurations", "ACME-SQL01")
    assert (server.when, server.days) == (None, None)


async def test_the_score_is_the_mean_share_passing_per_check(sessions: Sessions) -> None:
    report = await _report(sessions)

    gamma, acme, beta = report.organizations  # lowest score first
    shares = [1 / 2, 1, 0, 0, 6 / 7, 6 / 7, 6 / 7, 5 / 6, 4 / 6, 2 / 4, 2 / 4, 0, 0, 1 / 3]
    assert acme.score == round(100 * sum(shares) / len(shares), 1)
    assert acme.organization.name == "Acme"
    assert sum(c.failed for c in acme.checks) == 17
    assert beta.score == 100.0 and not any(c.failed for c in beta.checks)
    assert gamma.organization.name == "Gamma" and gamma.score == 0.0  # only org checks apply
    assert [c.check for c in gamma.checks] == ["no_important_contact", "no_primary_location"]
    assert report.score == pytest.approx((acme.score + 100.0 + 0.0) / 3, abs=0.1)


async def test_thresholds_move_what_fails(sessions: Sessions) -> None:
    report = await _report(
        sessions, within_days=90, password_max_age_days=900, document_max_age_months=24
    )

    found = _found(report, ACME)
    assert found["expiring_ssl_certificates"] == [603]  # 2027-03-01 is 85 days ahead
    assert "stale_passwords" not in found
    assert "stale_documents" not in found


async def test_limits_bound_the_findings_and_say_how_to_see_more(sessions: Sessions) -> None:
    report = await _report(sessions, limit=1, organization_limit=2)

    assert [r.organization.name for r in report.organizations] == ["Gamma", "Acme"]
    assert report.organizations_total == 3 and report.truncated
    acme = report.organizations[1]
    assert all(len(c.findings or ()) == min(1, c.failed) for c in acme.checks)
    assert report.next_step == (
        "1 more organization(s): raise organization_limit (max 200) or name organizations; "
        "more findings per check: raise limit (limit * organization_limit at most 50) or "
        "select checks."
    )


async def test_selected_checks_only(sessions: Sessions) -> None:
    report = await _report(sessions, checks=[ComplianceCheck.UNPROTECTED_SERVERS])

    assert [t.check for t in report.checks] == ["unprotected_servers"]
    assert _found(report, ACME) == {"unprotected_servers": [102, 103]}
    beta = _row(report, BETA)
    assert beta.checks == [] and beta.score is None  # nothing examined: no score


async def test_no_organization_or_no_check_is_an_empty_report(sessions: Sessions) -> None:
    nobody = await _report(sessions, organizations=[])
    nothing = await _report(sessions, checks=[])

    assert nobody.organizations == [] and nobody.score is None and not nobody.truncated
    assert [r.score for r in nothing.organizations] == [None, None, None]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"within_days": -1}, "within_days"),
        ({"password_max_age_days": 0}, "password_max_age_days"),
        ({"document_max_age_months": 121}, "document_max_age_months"),
        ({"limit": -1}, "limit"),
        ({"organization_limit": 201}, "organization_limit"),
    ],
)
async def test_bounds_name_the_argument(
    sessions: Sessions, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=f"^{field}: must be between"):
        await _report(sessions, **options)


async def test_findings_per_check_are_bounded_in_all(sessions: Sessions) -> None:
    with pytest.raises(ValueError, match=r"^limit: limit \* organization_limit must be at most 50"):
        await _report(sessions, limit=26, organization_limit=2)


async def test_limit_zero_gives_scores_without_findings(sessions: Sessions) -> None:
    scores = await _report(sessions, limit=0)
    full = await _report(sessions)

    assert [r.score for r in scores.organizations] == [r.score for r in full.organizations]
    assert all(not c.findings for r in scores.organizations for c in r.checks)
