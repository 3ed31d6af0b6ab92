"""``get_password`` over Streamable HTTP: metadata only, no tool returns a secret unasked; with
``reveal=true`` the value live from IT Glue, behind scope, permission and rate limit, audited."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import fastmcp.telemetry
import httpx
import pytest
import structlog
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from fastmcp.exceptions import ToolError
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from itglue_mcp.query.credentials import REVEAL_NOTICE
from itglue_mcp.store.audit import AuditDecision
from tests.server.reveal import (
    REVEAL_TOKEN,
    TRACE_ID,
    a_secret,
    audit_events,
    serving_reveal,
    stored_text,
)


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _configuration(directory: Path, name: str) -> dict[str, Any]:
    return next(c for c in _records(directory, "configurations") if c["attributes"]["name"] == name)


async def _get(mcp_url: str, **arguments: Any) -> Any:
    async with Client(f"{mcp_url}/mcp") as client:
        return await client.call_tool("get_password", arguments)


async def test_passwords_of_a_configuration(mcp_url: str, tools_dataset_dir: Path) -> None:
    firewall = _configuration(tools_dataset_dir, "ACME-FW01")
    expected = {
        int(p["id"]): p["attributes"]
        for p in _records(tools_dataset_dir, "passwords")
        if p["attributes"]["resource-type"] == "Configuration"
        and p["attributes"]["resource-id"] == int(firewall["id"])
    }

    result = await _get(mcp_url, configuration="ACME-FW01", organization="Acme Corporation")

    found = result.structured_content
    assert {p["source"]["record_id"] for p in found["passwords"]} == set(expected) and expected
    for entry in found["passwords"]:
        attributes = expected[entry["source"]["record_id"]]
        # A field IT Glue holds no value for is left out of the result.
        assert entry.get("username") == attributes["username"]
        assert entry.get("url") == attributes["url"]
        assert entry.get("password_category_name") == attributes["password-category-name"]
        assert entry["source"]["resource_url"] == attributes["resource-url"]
        assert entry["linked"]["record_id"] == int(firewall["id"])
        assert entry["linked"]["name"] == "ACME-FW01"
        assert entry["linked"]["resource_url"] == firewall["attributes"]["resource-url"]
        assert "password" not in entry and "value" not in entry
    assert found["value_returned"] is False and "revealed" not in found
    text = result.content[0].text
    assert "never returned" in text and found["notice"] in text
    assert all(a["resource-url"] in text for a in expected.values())


async def test_a_password_by_name_or_id(mcp_url: str, tools_dataset_dir: Path) -> None:
    admin = next(
        p
        for p in _records(tools_dataset_dir, "passwords")
        if p["attributes"]["name"] == "ACME-FW01 - Admin GUI"
    )

    by_name = await _get(mcp_url, name="acme-fw01 - admin gui")
    by_id = await _get(mcp_url, name=admin["id"])
    both = await _get(
        mcp_url, name="Admin GUI", configuration=str(admin["attributes"]["resource-id"])
    )

    assert by_name.structured_content["passwords"][0]["source"]["record_id"] == int(admin["id"])
    assert [p["source"]["record_id"] for p in by_id.structured_content["passwords"]] == [
        int(admin["id"])
    ]
    assert [p["source"]["record_id"] for p in both.structured_content["passwords"]] == [
        int(admin["id"])
    ]
    assert "organization" not in by_id.structured_content


async def test_scoping_and_limits(mcp_url: str, tools_dataset_dir: Path) -> None:
    traders = {
        int(p["id"])
        for p in _records(tools_dataset_dir, "passwords")
        if p["attributes"]["organization-name"] == "Northwind Traders"
        and "domain administrator" in p["attributes"]["name"].lower()
    }

    scoped = await _get(mcp_url, name="Domain Administrator", organization="NW")
    limited = await _get(mcp_url, name="admin", limit=2)

    assert {
        p["source"]["record_id"] for p in scoped.structured_content["passwords"]
    } == traders and traders
    assert len(limited.structured_content["passwords"]) == 2
    assert limited.structured_content["truncated"] is True
    assert "more entries match than the 2 shown" in limited.content[0].text
    with pytest.raises(ToolError, match=r"ambiguous.*Northwind Logistics.*Northwind Traders"):
        await _get(mcp_url, name="Domain Administrator", organization="Northwind")


async def test_not_found_offers_what_exists(mcp_url: str) -> None:
    with pytest.raises(
        ToolError,
        match=r"name: no password of Acme Corporation .*close names: Domain Administrator",
    ):
        await _get(mcp_url, name="domain admn", organization="ACME")
    with pytest.raises(
        ToolError, match=r"configuration: no configuration .*close names: ACME-FW01"
    ):
        await _get(mcp_url, configuration="ACME-FWO1")
    with pytest.raises(
        ToolError,
        match=r"name: no password of ACME-FW01 matches 'zzz'; its passwords: ACME-FW01 - ",
    ):
        await _get(mcp_url, name="zzz", configuration="ACME-FW01")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 300}, "name"),
        ({"configuration": ""}, "configuration"),
        ({"configuration": "  "}, "configuration"),
        ({"name": "admin", "limit": 51}, "limit"),
        ({"name": "admin", "organization": "x" * 300}, "organization"),
    ],
)
async def test_bad_arguments_name_the_field(
    mcp_url: str, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ToolError, match=field):
        await _get(mcp_url, **arguments)


def _secrets(directory: Path) -> set[str]:
    """Every secret the dataset files hold: password values and Password-kind traits."""
    values = {
        p["attributes"]["password"]
        for p in _records(directory, "passwords")
        if p["attributes"].get("password")
    }
    fields = json.loads((directory / "flexible_asset_types.json").read_text())["included"]
    secret_keys = {
        f["attributes"]["name-key"] for f in fields if f["attributes"]["kind"] == "Password"
    }
    for asset in _records(directory, "flexible_assets"):
        values |= {
            value
            for key, value in asset["attributes"]["traits"].items()
            if key in secret_keys and isinstance(value, str) and value
        }
    return values


async def test_no_tool_output_containsa_secret(mcp_url: str, tools_dataset_dir: Path) -> None:
    secrets = _secrets(tools_dataset_dir)
    assert len(secrets) > 1000, "the dataset holds secrets to look for"
    organizations = [o["attributes"]["name"] for o in _records(tools_dataset_dir, "organizations")]
    configurations = [
        c["attributes"]["name"]
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["configuration-type-name"] not in ("Laptop", "Managed Workstation")
    ]
    calls: list[tuple[str, dict[str, Any]]] = [
        *(("get_organization", {"organization": name}) for name in organizations),
        *(
            ("get_password", {"name": word, "limit": 50})
            for word in (
                "admin",
                "-",
                "wi-fi",
                "key",
                "bitlocker",
                "backup",
                "vpn",
                "domain",
                "a",
                "e",
            )
        ),
        *(("get_password", {"configuration": name, "limit": 50}) for name in configurations[:25]),
        *(("get_configuration", {"name": name, "detail": "full"}) for name in configurations[:25]),
        *(
            ("find_ip_address", {"query": query, "limit": 100})
            for query in (
                "10.0.0.0/8",
                "192.168.0.0/16",
                "172.16.0.0/12",
                "LAN",
                "Wi-Fi",
                "firewall",
                "server",
            )
        ),
    ]
    outputs = []
    async with Client(f"{mcp_url}/mcp") as client:
        for tool, arguments in calls:
            result = await client.call_tool(tool, arguments, raise_on_error=False)
            outputs.append(result.content[0].text)
            outputs.append(json.dumps(result.structured_content))
    everything = "\n".join(outputs)
    assert "ACME-FW01 - Admin GUI" in everything, "the calls did reach password entries"
    leaked = [secret for secret in secrets if secret in everything]
    assert leaked == []


# --- reveal=true: the value live from IT Glue, behind scope, permission and rate limit ------


async def _reveal_call(url: str, headers: dict[str, str] | None = None, **arguments: Any) -> Any:
    transport = StreamableHttpTransport(f"{url}/mcp", headers=headers, auth=REVEAL_TOKEN)
    async with Client(transport) as client:
        return await client.call_tool("get_password", arguments)


async def test_reveal_returns_the_value_once_with_a_notice_and_an_audit_event(
    synced_store_url: str,
    audit_url: str,
    live_itglue: str,
    tools_dataset_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = a_secret(tools_dataset_dir)
    value = entry["attributes"]["password"]
    caplog.set_level(logging.DEBUG)
    headers = {"X-Request-ID": "reveal-req-1", "traceparent": f"00-{TRACE_ID}-b7ad6b7169203331-01"}

    # Every structlog event of the server thread, before any redaction or rendering.
    with structlog.testing.capture_logs() as events:
        async with serving_reveal(
            synced_store_url, audit_url, live_itglue, roles=["technician"]
        ) as url:
            revealed = await _reveal_call(url, headers, name=entry["id"], reveal=True)
            plain = await _reveal_call(url, name=entry["id"])

    found = revealed.structured_content
    assert found["value_returned"] is True and found["notice"] == REVEAL_NOTICE
    assert found["revealed"] == {
        "password_id": int(entry["id"]),
        "name": entry["attributes"]["name"],
        "username": entry["attributes"]["username"],
        "password": value,
    }
    text = revealed.content[0].text
    assert value in text and REVEAL_NOTICE in text
    assert plain.structured_content["value_returned"] is False
    assert "revealed" not in plain.structured_content
    assert value not in plain.content[0].text + json.dumps(plain.structured_content)
    [event] = await audit_events(audit_url)
    assert (event.subject, event.tool, event.decision, event.reason) == (
        "tech@msp.example",
        "get_password",
        AuditDecision.ALLOW,
        "revealed password",
    )
    assert (event.organization_id, event.record_type, event.record_id) == (
        entry["attributes"]["organization-id"],
        "passwords",
        int(entry["id"]),
    )
    assert (event.request_id, event.trace_id, event.source_ip) == (
        "reveal-req-1",
        TRACE_ID,
        "127.0.0.1",
    )
    assert any(e["event"] == "audit.event" for e in events), "the server's logs were captured"
    assert "HTTP Request" in caplog.text, "the standard library's logs were captured"
    assert value not in repr(events) and value not in caplog.text
    assert value not in await stored_text(audit_url)
    assert value not in await stored_text(synced_store_url)


async def test_reveal_needs_exactly_one_entry(
    synced_store_url: str, audit_url: str, live_itglue: str
) -> None:
    async with serving_reveal(
        synced_store_url, audit_url, live_itglue, roles=["technician"]
    ) as url:
        with pytest.raises(ToolError, match=r"password entries match .*reveal needs exactly one"):
            await _reveal_call(url, name="Domain Administrator", reveal=True)
    assert await audit_events(audit_url) == []


async def test_helpdesk_reads_metadata_but_may_not_reveal(
    synced_store_url: str, audit_url: str, live_itglue: str, tools_dataset_dir: Path
) -> None:
    entry = a_secret(tools_dataset_dir)
    organization = entry["attributes"]["organization-id"]

    async with serving_reveal(synced_store_url, audit_url, live_itglue, roles=["helpdesk"]) as url:
        plain = await _reveal_call(url, name=entry["id"])
        with pytest.raises(ToolError, match=f"not allow revealing .*organization {organization}"):
            await _reveal_call(url, name=entry["id"], reveal=True)

    assert [p["source"]["record_id"] for p in plain.structured_content["passwords"]] == [
        int(entry["id"])
    ]
    [event] = await audit_events(audit_url)
    assert (event.decision, event.reason, event.record_id) == (
        AuditDecision.DENY,
        f"no reveal permission in organization {organization}",
        int(entry["id"]),
    )


async def test_a_token_without_the_reveal_scope_is_refused(
    synced_store_url: str, audit_url: str, live_itglue: str, tools_dataset_dir: Path
) -> None:
    entry = a_secret(tools_dataset_dir)
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "get_password", "arguments": {"name": entry["id"], "reveal": True}},
    }

    async with serving_reveal(
        synced_store_url, audit_url, live_itglue, roles=["technician"], scopes=["itglue.read"]
    ) as url:
        plain = await _reveal_call(url, name=entry["id"])
        async with httpx.AsyncClient(base_url=url) as http:
            refused = await http.post(
                "/mcp",
                json=call,
                headers={
                    "Authorization": f"Bearer {REVEAL_TOKEN}",
                    "Accept": "application/json, text/event-stream",
                },
            )

    assert plain.structured_content["value_returned"] is False
    # Step-up (MCP authorization, RFC 6750 §3.1): 403 naming the scope to ask for.
    assert refused.status_code == 403
    challenge = refused.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and "itglue.secrets.reveal" in challenge
    assert entry["attributes"]["password"] not in refused.text
    events = await audit_events(audit_url)
    assert [e.decision for e in events] == [AuditDecision.DENY]
    assert events[0].tool == "get_password"
    assert events[0].reason == "missing scope itglue.secrets.reveal"
    assert events[0].source_ip == "127.0.0.1"


async def test_reveals_are_rate_limited_over_http(
    synced_store_url: str, audit_url: str, live_itglue: str, tools_dataset_dir: Path
) -> None:
    entry = a_secret(tools_dataset_dir)

    async with serving_reveal(
        synced_store_url, audit_url, live_itglue, roles=["technician"], rate="1/minute"
    ) as url:
        await _reveal_call(url, name=entry["id"], reveal=True)
        with pytest.raises(ToolError, match=r"at most 1 per 1 minute .*try again in \d+ s"):
            await _reveal_call(url, name=entry["id"], reveal=True)

    decisions = [(e.decision, e.reason) for e in await audit_events(audit_url)]
    assert decisions == [
        (AuditDecision.ALLOW, "revealed password"),
        (AuditDecision.DENY, "rate limit: 1 per 1 minute"),
    ]


async def test_a_reveal_is_traced_without_its_value(
    synced_store_url: str,
    audit_url: str,
    live_itglue: str,
    tools_dataset_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = a_secret(tools_dataset_dir)
    value = entry["attributes"]["password"]
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # FastMCP's own spans, recorded for this test only (no process-wide tracer provider).
    monkeypatch.setattr(
        fastmcp.telemetry,
        "otel_get_tracer",
        lambda name, version=None: provider.get_tracer(name, version),
    )

    async with serving_reveal(
        synced_store_url, audit_url, live_itglue, roles=["technician"]
    ) as url:
        revealed = await _reveal_call(url, name=entry["id"], reveal=True)

    assert revealed.structured_content["revealed"]["password"] == value
    spans = exporter.get_finished_spans()
    assert any(span.name == "tools/call get_password" for span in spans), [s.name for s in spans]
    [event] = await audit_events(audit_url)
    traced = {format(span.context.trace_id, "032x") for span in spans}
    assert event.trace_id in traced, "the audit event names the trace of the call"
    recorded = "\n".join(span.to_json() for span in spans)
    assert "get_password" in recorded and value not in recorded


async def test_without_a_revealer_reveal_is_refused_clearly(mcp_url: str) -> None:
    with pytest.raises(ToolError, match=r"reveal is not available on this server .*api_key"):
        await _get(mcp_url, name="ACME-FW01 - Admin GUI", reveal=True)
