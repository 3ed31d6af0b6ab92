"""Expirations in a date window: kinds, scope, order, the expiring record, deleted records."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.store import (
    RecordType,
    mark_unseen_deleted,
    start_run,
    unit_of_work,
    upsert_records,
)
from itglue_mcp.store.expirations import ExpirationKind, list_expirations, resource_record_type

from .conftest import T0, configuration, organization

Sessions = async_sessionmaker[AsyncSession]


def _expiration(
    id_: int, organization_id: int, kind: str, resource_id: int, description: str, day: str | None
) -> dict[str, Any]:
    return {
        "id": id_,
        "organization_id": organization_id,
        "name": f"expirations {id_}",
        "resource_url": f"https://acme.itglue.com/{organization_id}/expirations/{id_}",
        "resource_type_name": kind,
        "resource_id": resource_id,
        "resource_name": f"record {resource_id}",
        "description": description,
        "expiration_date": None if day is None else date.fromisoformat(day),
        "updated_at": T0,
    }


@pytest.fixture
async def expirations(session_factory: Sessions) -> None:
    """Two organizations; expirations 1-8 (2: of a deleted configuration, 7: deleted itself)."""
    async with unit_of_work(session_factory) as session:
        run_id = await start_run(session, "full", {})
        seen: dict[RecordType, list[dict[str, Any]]] = {
            RecordType.ORGANIZATIONS: [organization(1, "Acme"), organization(2, "Beta")],
            RecordType.CONFIGURATIONS: [configuration(100, 1, "ACME-FW01")],
            RecordType.DOMAINS: [{"id": 200, "organization_id": 2, "name": "beta.com"}],
            RecordType.FLEXIBLE_ASSETS: [
                {"id": 300, "organization_id": 1, "name": "*.acme.com", "archived": True},
                {"id": 301, "organization_id": 1, "name": "Microsoft 365"},
            ],
            RecordType.EXPIRATIONS: [
                _expiration(1, 1, "Configuration", 100, "Warranty expiration", "2026-12-01"),
                _expiration(2, 1, "Configuration", 101, "Warranty expiration", "2026-12-02"),
                _expiration(3, 2, "Domain", 200, "Domain registration expiration", "2026-12-05"),
                _expiration(
                    4, 1, "FlexibleAsset", 300, "SSL Certificate: Expires On", "2026-11-20"
                ),
                _expiration(5, 1, "FlexibleAsset", 301, "Licensing: Renewal Date", "2027-06-01"),
                _expiration(6, 1, "FlexibleAsset", 999, "Maintenance: Contract End", "2026-12-10"),
                _expiration(8, 1, "Configuration", 100, "Warranty expiration", None),
            ],
        }
        for record_type, rows in seen.items():
            await upsert_records(session, record_type, rows, run_id=run_id)
        await upsert_records(
            session, RecordType.CONFIGURATIONS, [configuration(101, 1, "ACME-OLD")], run_id=None
        )
        await upsert_records(
            session,
            RecordType.EXPIRATIONS,
            [_expiration(7, 1, "Configuration", 100, "Warranty expiration", "2026-12-03")],
            run_id=None,
        )
        for record_type in (RecordType.CONFIGURATIONS, RecordType.EXPIRATIONS):
            await mark_unseen_deleted(session, record_type, run_id=run_id)


async def _ids(session_factory: Sessions, **options: Any) -> list[int]:
    async with unit_of_work(session_factory, read_only=True) as session:
        page = await list_expirations(session, **options)
    return [view.id for view in page.expirations]


async def test_a_window_lists_live_expirations_by_date(
    session_factory: Sessions, expirations: None
) -> None:
    window = {"start": date(2026, 11, 20), "end": date(2026, 12, 10)}

    assert await _ids(session_factory, **window) == [4, 1, 3, 6]
    assert await _ids(session_factory, end=date(2026, 12, 1)) == [4, 1]
    assert await _ids(session_factory, start=date(2026, 12, 6)) == [6, 5]
    assert await _ids(session_factory, **window, organization_ids=[2]) == [3]
    assert await _ids(session_factory, **window, organization_ids=[]) == []


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (ExpirationKind.WARRANTY, [1]),
        (ExpirationKind.DOMAIN, [3]),
        (ExpirationKind.SSL_CERTIFICATE, [4]),
        (ExpirationKind.LICENSE, [5]),
        (ExpirationKind.OTHER, [6]),
    ],
)
async def test_kinds_are_read_from_type_and_description(
    session_factory: Sessions, expirations: None, kind: ExpirationKind, expected: list[int]
) -> None:
    assert await _ids(session_factory, kinds=[kind.value]) == expected


async def test_each_expiration_links_its_record(
    session_factory: Sessions, expirations: None
) -> None:
    async with unit_of_work(session_factory, read_only=True) as session:
        page = await list_expirations(session, end=date(2026, 12, 10), limit=2)

    assert page.total == 4
    ssl, warranty = page.expirations
    assert ssl.resource is not None and ssl.resource.record_type == "flexible-assets"
    assert (ssl.resource.name, ssl.resource.archived) == ("*.acme.com", True)
    assert ssl.kind == "ssl certificate" and ssl.organization_name == "Acme"
    assert warranty.resource is not None
    assert warranty.resource.resource_url == "https://acme.itglue.com/1/configurations/100"
    async with unit_of_work(session_factory, read_only=True) as session:
        [unheld] = (await list_expirations(session, kinds=["other"])).expirations
    assert unheld.resource is None and unheld.resource_name == "record 999"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"start": date(2026, 12, 2), "end": date(2026, 12, 1)}, "end"),
        ({"kinds": ["licence"]}, "kind"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
async def test_bad_arguments_name_the_field(
    session_factory: Sessions, options: dict[str, Any], field: str
) -> None:
    async with unit_of_work(session_factory, read_only=True) as session:
        with pytest.raises(ValueError, match=f"^{field}:"):
            await list_expirations(session, **options)


def test_resource_type_names_map_to_record_types() -> None:
    assert resource_record_type("Configuration") == "configurations"
    assert resource_record_type("Flexible Asset") == "flexible-assets"
    assert resource_record_type("FlexibleAsset") == "flexible-assets"
    assert resource_record_type("Ticket") is None and resource_record_type(None) is None
