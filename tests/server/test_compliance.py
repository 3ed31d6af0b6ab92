"""``compliance_check`` over Streamable HTTP (SQLite and PostgreSQL): counts checked against the
generated dataset's JSON, cited findings, bounds, bad input, no data, and RBAC (a
``client-readonly`` user sees its organization only, and no password check)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from fastmcp import Client
from fastmcp.exceptions import ToolError

from itglue_mcp.query.compliance import DEFAULT_LIMIT, DEFAULT_ORGANIZATION_LIMIT
from tests.server.conftest import serve_mcp_app
from tests.server.secured import caller_claims, serve_client_readonly_app

DEFAULT_ANSWER_BUDGET = 25_000
"""Most bytes of a default answer (structured content and text) at any account size."""
NORTHWIND_TRADERS = 2104807
TOKENS = {
    "tok-client": caller_claims("cleo", groups=["Northwind IT"]),
    "tok-helpdesk": caller_claims("hal", roles=["helpdesk"]),
}
BINDINGS = {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]}
KINDS = {  # the generator's expiration descriptions, by check
    "Warranty expiration": "expiring_warranties",
    "Domain registration expiration": "expiring_domains",
    "SSL Certificate: Expires On": "expiring_ssl_certificates",
    "Licensing: Renewal Date": "expiring_licenses",
}
FILES = {  # record type → dataset file
    "organizations": "organizations",
    "configurations": "configurations",
    "passwords": "passwords",
    "documents": "documents",
    "expirations": "expirations",
}


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _expected_totals(directory: Path, today: date) -> dict[str, tuple[int, int]]:
    """``(failed, examined)`` per check, for the checks the dataset's JSON answers directly
    (defaults: 30 days, 365 days, 12 months)."""
    midnight = datetime.combine(today, time(), tzinfo=UTC)
    totals: dict[str, Counter[str]] = {}

    def count(check: str, failed: bool) -> None:
        totals.setdefault(check, Counter())["examined"] += 1
        totals[check]["failed"] += failed

    for e in _records(directory, "expirations"):
        day = date.fromisoformat(e["attributes"]["expiration-date"])
        count(KINDS[e["attributes"]["description"]], day <= today + timedelta(days=30))
    for d in _records(directory, "documents"):
        if not d["attributes"].get("archived"):
            updated = _stamp(d["attributes"]["updated-at"])
            count("stale_documents", updated < midnight - relativedelta(months=12))
    for p in _records(directory, "passwords"):
        attributes = p["attributes"]
        if not attributes.get("archived"):
            changed = _stamp(attributes["password-updated-at"] or attributes["created-at"])
            count("stale_passwords", changed < midnight - timedelta(days=365))
    for c in _records(directory, "configurations"):
        if not c["attributes"].get("archived"):
            count("missing_serial_number", not c["attributes"]["serial-number"])
            count("missing_location", c["attributes"]["location-id"] is None)
    important = {
        c["attributes"]["organization-id"]
        for c in _records(directory, "contacts")
        if c["attributes"]["important"] and not c["attributes"].get("archived")
    }
    primary = {
        loc["attributes"]["organization-id"]
        for loc in _records(directory, "locations")
        if loc["attributes"]["primary"] and not loc["attributes"].get("archived")
    }
    for o in _records(directory, "organizations"):
        count("no_important_contact", int(o["id"]) not in important)
        count("no_primary_location", int(o["id"]) not in primary)
    return {check: (c["failed"], c["examined"]) for check, c in totals.items()}


async def _call(url: str, arguments: dict[str, Any], token: str | None = None) -> Any:
    async with Client(f"{url}/mcp", auth=token) as client:
        return await client.call_tool("compliance_check", arguments)


def _findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        finding
        for row in report["organizations"]
        for check in row["checks"]
        for finding in check.get("findings", [])
    ]


async def test_counts_match_the_dataset(mcp_url: str, tools_dataset_dir: Path) -> None:
    today = datetime.now(UTC).date()

    result = await _call(mcp_url, {"organization_limit": 6, "limit": 1})

    report = result.structured_content
    totals = {t["check"]: (t["failed"], t["examined"]) for t in report["checks"]}
    expected = _expected_totals(tools_dataset_dir, today)
    assert {check: totals[check] for check in expected} == expected
    assert any(failed for failed, _ in expected.values())
    assert len(totals) == 14 and report["organizations_total"] == 6
    scores = [row["score"] for row in report["organizations"]]
    assert scores == sorted(scores)
    # The mean of unrounded scores, rounded: within 0.1 of the mean of the rounded ones.
    assert report["score"] == pytest.approx(sum(scores) / 6, abs=0.1)


async def test_every_finding_is_cited_in_the_text(mcp_url: str, tools_dataset_dir: Path) -> None:
    urls = {
        (record_type, int(r["id"])): r["attributes"]["resource-url"]
        for record_type, file in FILES.items()
        for r in _records(tools_dataset_dir, file)
    }

    result = await _call(mcp_url, {"organization_limit": 2, "limit": 25})

    findings = _findings(result.structured_content)
    assert len(findings) > 20
    text = result.content[0].text
    for finding in findings:
        source = finding["source"]
        url = urls[(source["record_type"], source["record_id"])]
        assert source["resource_url"] == url and url in text
    for row in result.structured_content["organizations"]:
        assert row["organization"]["resource_url"] in text


async def test_selected_checks_of_named_organizations(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    today = datetime.now(UTC).date()
    stale = [
        d
        for d in _records(tools_dataset_dir, "documents")
        if d["attributes"]["organization-id"] == 2104801
        and _stamp(d["attributes"]["updated-at"])
        < datetime.combine(today, time(), tzinfo=UTC) - relativedelta(months=6)
    ]
    assert stale

    result = await _call(
        mcp_url,
        {
            "checks": ["stale_documents"],
            "organizations": ["ACME", "2104801"],
            "document_max_age_months": 6,
            "limit": 50,
        },
    )

    report = result.structured_content
    [row] = report["organizations"]
    assert row["organization"]["record_id"] == 2104801
    [check] = row["checks"]
    oldest_first = sorted(stale, key=lambda d: (d["attributes"]["updated-at"], int(d["id"])))
    assert [f["source"]["record_id"] for f in check["findings"]] == [
        int(d["id"]) for d in oldest_first
    ]
    assert check["failed"] == len(stale) and not report["truncated"]
    assert "not updated 6 months" in result.content[0].text


async def test_the_default_answer_is_bounded_and_says_how_to_see_more(mcp_url: str) -> None:
    result = await _call(mcp_url, {})

    report = result.structured_content
    text = result.content[0].text
    size = len(json.dumps(report, separators=(",", ":")).encode()) + len(text.encode())
    assert size <= DEFAULT_ANSWER_BUDGET
    assert len(report["organizations"]) == DEFAULT_ORGANIZATION_LIMIT < 6
    assert all(
        len(check.get("findings", [])) == min(DEFAULT_LIMIT, check["failed"])
        for row in report["organizations"]
        for check in row["checks"]
    )
    assert report["truncated"] and report["next_step"].startswith("3 more organization(s)")
    assert report["next_step"] in text


def test_an_empty_store_has_nothing_to_check(database_url: str) -> None:
    # Not a coroutine: serving stops with asyncio.run, outside any running loop.
    for url in serve_mcp_app(database_url):
        result = asyncio.run(_call(url, {}))

    report = result.structured_content
    assert report["organizations"] == [] and report["organizations_total"] == 0
    assert "score" not in report and not report["truncated"]
    assert all(t["examined"] == 0 for t in report["checks"])
    assert result.content[0].text.endswith("No organization to check.")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"checks": ["tidy_desks"]}, "checks[0]"),
        ({"checks": []}, "checks"),
        ({"organizations": []}, "organizations"),
        ({"organizations": ["ACME", "Zebra Holdings"]}, "organizations[1]: no organization"),
        ({"within_days": 366}, "within_days"),
        ({"password_max_age_days": 0}, "password_max_age_days"),
        ({"document_max_age_months": 121}, "document_max_age_months"),
        ({"limit": 51}, "limit"),
        ({"limit": 20, "organization_limit": 3}, "limit: limit * organization_limit"),
        ({"organization_limit": 0}, "organization_limit"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError) as raised:
        await _call(mcp_url, arguments)

    message = str(raised.value)
    assert message.startswith(field) and "\n" not in message


@pytest.fixture(scope="module")
def secured_url(
    synced_store_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path
) -> Iterator[str]:
    audit_dir = tmp_path_factory.mktemp("compliance-audit")
    yield from serve_client_readonly_app(
        synced_store_url, audit_dir, sqlite_template_file, TOKENS, BINDINGS
    )


async def test_client_readonly_sees_its_organization_and_no_password(
    secured_url: str, tools_dataset_dir: Path
) -> None:
    others = {
        o["attributes"]["name"]
        for o in _records(tools_dataset_dir, "organizations")
        if int(o["id"]) != NORTHWIND_TRADERS
    }

    result = await _call(secured_url, {"limit": 50, "organization_limit": 1}, "tok-client")

    report = result.structured_content
    assert report["organizations_total"] == 1
    [row] = report["organizations"]
    assert row["organization"]["record_id"] == NORTHWIND_TRADERS
    assert {f["source"]["organization_id"] for f in _findings(report)} == {NORTHWIND_TRADERS}
    assert report["hidden_checks"] == ["stale_passwords", "unlinked_passwords"]
    assert not any(f["source"]["record_type"] == "passwords" for f in _findings(report))
    everything = result.content[0].text + json.dumps(report)
    assert not [name for name in others if name in everything]


async def test_client_readonly_cannot_name_another_organization(secured_url: str) -> None:
    with pytest.raises(ToolError) as other:
        await _call(secured_url, {"organizations": ["Acme Corporation"]}, "tok-client")
    with pytest.raises(ToolError) as unknown:
        await _call(secured_url, {"organizations": ["Zebra Holdings"]}, "tok-client")

    assert str(other.value) == str(unknown.value).replace("Zebra Holdings", "Acme Corporation")


async def test_helpdesk_checks_every_organization(secured_url: str) -> None:
    result = await _call(secured_url, {"limit": 0, "organization_limit": 6}, "tok-helpdesk")

    report = result.structured_content
    assert report["organizations_total"] == 6 and "hidden_checks" not in report
    assert len(report["organizations"]) == 6 and not _findings(report)
