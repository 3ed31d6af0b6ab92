"""Structured answers about expirations (a window counted from a fixed day, a record named)
and relationships (the graph's links of the record named), each scoped to the organization
asked (SQLite and PostgreSQL; expectations from the dataset's JSON)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from itglue_mcp.query.structured.common import MAX_LISTED
from tests.query.test_structured import TODAY, ask, included, keys, records
from tests.query.test_structured import store_url as store_url
from tests.query.test_structured import tenant as tenant

_RELATED_TYPES = {
    "configuration": "configurations",
    "document": "documents",
    "flexible_asset": "flexible-assets",
    "password": "passwords",
    "contact": "contacts",
    "location": "locations",
    "domain": "domains",
}


def _due(expiration: dict[str, Any]) -> date:
    return date.fromisoformat(expiration["attributes"]["expiration-date"])


def _expiring(
    directory: Path, organization: str | None, days: int, kind: str | None = None
) -> list[dict[str, Any]]:
    """Expirations falling due in ``[TODAY, TODAY + days]``, soonest first."""
    found = [
        e
        for e in records(directory, "expirations")
        if organization in (None, e["attributes"]["organization-name"])
        and TODAY <= _due(e) <= TODAY + timedelta(days=days)
        and (kind is None or kind in e["attributes"]["description"])
    ]
    return sorted(found, key=lambda e: (_due(e), int(e["id"])))


def _expiration_keys(answer: Any) -> list[str]:
    return [str(s.record_id) for s in answer.sources if s.record_type == "expirations"]


async def test_a_window_lists_what_falls_due_in_it(store_url: str, tenant: Path) -> None:
    due = _expiring(tenant, "Acme Corporation", 60)
    assert due  # the premise: something falls due

    answer = await ask(store_url, "what expires in the next 60 days at @Acme Corporation")

    assert answer.status == "answered" and answer.intent == "expiration"
    assert _expiration_keys(answer) == [e["id"] for e in due][:MAX_LISTED]
    dates = {str(f.source.record_id): f.value for f in answer.facts}
    assert all(dates[e["id"]] == e["attributes"]["expiration-date"] for e in due[:MAX_LISTED])
    assert {s.organization_name for s in answer.sources} == {"Acme Corporation"}


async def test_a_kind_narrows_the_window_across_organizations(store_url: str, tenant: Path) -> None:
    certificates = _expiring(tenant, None, 90, kind="SSL")
    assert certificates

    answer = await ask(store_url, "SSL certificates expiring in 90 days")

    assert _expiration_keys(answer) == [e["id"] for e in certificates][:MAX_LISTED]
    resources = {(s.record_type, s.record_id) for s in answer.sources}
    assert all(
        ("flexible-assets", e["attributes"]["resource-id"]) in resources for e in certificates
    )


async def test_a_named_record_gives_its_expiration_date(store_url: str, tenant: Path) -> None:
    [domain] = [d for d in records(tenant, "domains") if d["attributes"]["name"] == "acmecorp.com"]
    [expiration] = [
        e
        for e in records(tenant, "expirations")
        if e["attributes"]["resource-type-name"] == "Domain"
        and str(e["attributes"]["resource-id"]) == domain["id"]
    ]

    answer = await ask(store_url, "when does the acmecorp.com domain expire")

    assert keys(answer) == [("domains", domain["id"]), ("expirations", expiration["id"])]
    [fact] = answer.facts
    assert fact.value == expiration["attributes"]["expiration-date"]
    assert fact.source.record_id == int(expiration["id"])


async def test_an_empty_window_is_no_data_naming_the_next_expiration(
    store_url: str, tenant: Path
) -> None:
    organizations = [o["attributes"]["name"] for o in records(tenant, "organizations")]
    empty = [
        (name, days)
        for days in (1, 7, 14)
        for name in organizations
        if not _expiring(tenant, name, days)
    ]
    assert empty  # the premise: some organization has a quiet week
    name, days = empty[0]
    later = sorted(
        (e for e in records(tenant, "expirations") if e["attributes"]["organization-name"] == name),
        key=lambda e: (_due(e), int(e["id"])),
    )
    after = next(e for e in later if _due(e) > TODAY + timedelta(days=days))

    answer = await ask(store_url, f'what expires in the next {days} days at @"{name}"')

    assert answer.status == "no_data" and answer.sources == []
    [hint] = answer.suggestions
    assert after["attributes"]["resource-name"] in hint
    assert after["attributes"]["expiration-date"] in hint


def _linked(directory: Path, configuration: dict[str, Any]) -> set[tuple[str, str]]:
    """What the configuration's own related items and passwords point at."""
    items = {(i["type"], i["id"]): i for i in included(directory, "configurations")}
    linked = set()
    for reference in configuration["relationships"]["related-items"]["data"]:
        attributes = items[(reference["type"], reference["id"])]["attributes"]
        linked.add((_RELATED_TYPES[attributes["asset-type"]], str(attributes["resource-id"])))
    linked.update(
        ("passwords", p["id"])
        for p in records(directory, "passwords")
        if p["attributes"]["resource-type"] == "Configuration"
        and str(p["attributes"]["resource-id"]) == configuration["id"]
    )
    return linked


async def test_links_of_a_record_are_its_related_items_and_passwords(
    store_url: str, tenant: Path
) -> None:
    [nas] = [
        c for c in records(tenant, "configurations") if c["attributes"]["name"] == "ACME-NAS01"
    ]
    linked = _linked(tenant, nas)
    assert len(linked) >= 3

    answer = await ask(store_url, "what uses ACME-NAS01")

    assert answer.status == "answered" and answer.intent == "relationship"
    assert keys(answer)[0] == ("configurations", nas["id"])
    assert linked <= set(keys(answer))
    assert all(fact.source.name == fact.value for fact in answer.facts)
    assert all(excerpt.untrusted for excerpt in answer.excerpts)


async def test_a_name_several_organizations_hold_asks_which_one(
    store_url: str, tenant: Path
) -> None:
    holders = {
        c["attributes"]["organization-name"]: c["id"]
        for c in records(tenant, "configurations")
        if c["attributes"]["name"] == "DC01"
    }
    assert len(holders) >= 2

    ambiguous = await ask(store_url, "what depends on DC01")
    scoped = await ask(store_url, "what depends on DC01 at @Silver Creek CPA Group")

    assert ambiguous.status == "no_data"
    [hint] = ambiguous.suggestions
    assert all(organization in hint for organization in holders)
    assert keys(scoped)[0] == ("configurations", holders["Silver Creek CPA Group"])
    assert {s.organization_name for s in scoped.sources} == {"Silver Creek CPA Group"}


async def test_a_record_of_another_organization_is_no_data_naming_where(
    store_url: str,
) -> None:
    answer = await ask(store_url, "what depends on NW-FW01 @Acme Corporation")

    assert answer.status == "no_data" and answer.intent == "relationship"
    assert any("exists only in Northwind Traders" in hint for hint in answer.suggestions)
