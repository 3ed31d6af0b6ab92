"""``reveal_flexible_asset_password`` over Streamable HTTP: one Password-kind trait of one
flexible asset, live from the IT Glue simulator, under the rule of ``get_password``'s reveal —
reveal scope (403 step-up), reveal permission, per-user rate limit, an audit event either way —
and never in logs, audit rows, the store or error messages."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from fastmcp.exceptions import ToolError

from itglue_mcp.query.credentials import REVEAL_NOTICE
from itglue_mcp.server.access import DENIED_REASON
from itglue_mcp.store.audit import AuditDecision
from tests.server.reveal import (
    REVEAL_TOKEN,
    TRACE_ID,
    a_secret,
    audit_events,
    serving_reveal,
    stored_text,
)

TOOL = "reveal_flexible_asset_password"
ACME = 2104801
NORTHWIND_TRADERS = 2104807
# Generated tenant (seed 11): Acme's Active Directory asset, and two Wi-Fi assets of one name.
ACME_DOMAIN = "corp.acmecorp.com"
ACME_STAFF = "ACME-Staff"


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _assets(directory: Path, name: str) -> list[dict[str, Any]]:
    return [a for a in _records(directory, "flexible_assets") if a["attributes"]["name"] == name]


def _secret_values(directory: Path) -> set[str]:
    """Every Password-kind trait value of the tenant."""
    fields = json.loads((directory / "flexible_asset_types.json").read_text())["included"]
    keys = {f["attributes"]["name-key"] for f in fields if f["attributes"]["kind"] == "Password"}
    return {
        value
        for asset in _records(directory, "flexible_assets")
        for key, value in asset["attributes"]["traits"].items()
        if key in keys and isinstance(value, str) and value
    }


async def _reveal(url: str, headers: dict[str, str] | None = None, **arguments: Any) -> Any:
    transport = StreamableHttpTransport(f"{url}/mcp", headers=headers, auth=REVEAL_TOKEN)
    async with Client(transport) as client:
        return await client.call_tool(TOOL, arguments)


async def _tool_names(url: str) -> set[str]:
    transport = StreamableHttpTransport(f"{url}/mcp", auth=REVEAL_TOKEN)
    async with Client(transport) as client:
        return {tool.name for tool in await client.list_tools()}


async def test_a_technician_reveals_one_trait_once_with_a_notice_andaudit_events(
    synced_store_url: str,
    audit_url: str,
    live_itglue: str,
    tools_dataset_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    [asset] = _assets(tools_dataset_dir, ACME_DOMAIN)
    value = asset["attributes"]["traits"]["dsrm-password"]
    assert value, "the dataset gives the domain a DSRM password"
    caplog.set_level(logging.DEBUG)
    headers = {"X-Request-ID": "fa-req-1", "traceparent": f"00-{TRACE_ID}-b7ad6b7169203331-01"}

    with structlog.testing.capture_logs() as events:
        async with serving_reveal(
            synced_store_url, audit_url, live_itglue, roles=["technician"]
        ) as url:
            listed = await _tool_names(url)
            by_name = await _reveal(
                url, headers, flexible_asset=ACME_DOMAIN.upper(), trait="DSRM Password"
            )
            # By id, without a trait: the type's only Password field.
            by_id = await _reveal(url, flexible_asset=asset["id"])

    assert TOOL in listed
    found = by_name.structured_content
    assert found == {
        "flexible_asset_type_name": "Active Directory",
        "trait": "dsrm-password",
        "trait_name": "DSRM Password",
        "value": value,
        "value_returned": True,
        "notice": REVEAL_NOTICE,
        "source": found["source"],
    }
    assert found["source"]["resource_url"] == asset["attributes"]["resource-url"]
    assert (found["source"]["name"], found["source"]["organization_id"]) == (ACME_DOMAIN, ACME)
    assert found["source"]["organization_name"] == "Acme Corporation"
    assert (found["source"]["record_type"], found["source"]["record_id"]) == (
        "flexible-assets",
        int(asset["id"]),
    )
    text = by_name.content[0].text
    assert text.count(value) == 1 and REVEAL_NOTICE in text
    assert asset["attributes"]["resource-url"] in text
    assert by_id.structured_content["value"] == value
    assert by_id.structured_content["trait"] == "dsrm-password"

    revealed = await audit_events(audit_url)
    assert [(e.decision, e.tool, e.reason) for e in revealed] == [
        (AuditDecision.ALLOW, TOOL, "revealed trait dsrm-password"),
        (AuditDecision.ALLOW, TOOL, "revealed trait dsrm-password"),
    ]
    first = revealed[0]
    assert (first.subject, first.organization_id, first.record_type, first.record_id) == (
        "tech@msp.example",
        ACME,
        "flexible-assets",
        int(asset["id"]),
    )
    assert (first.request_id, first.trace_id, first.source_ip) == (
        "fa-req-1",
        TRACE_ID,
        "127.0.0.1",
    )
    assert any(e["event"] == "audit.event" for e in events), "the server's logs were captured"
    assert "HTTP Request" in caplog.text, "the standard library's logs were captured"
    assert value not in repr(events) and value not in caplog.text
    assert value not in await stored_text(audit_url)
    assert value not in await stored_text(synced_store_url)


async def test_the_lookup_must_name_one_readable_asset_and_one_password_field(
    synced_store_url: str, audit_url: str, live_itglue: str, tools_dataset_dir: Path
) -> None:
    staff = _assets(tools_dataset_dir, ACME_STAFF)
    assert len(staff) == 2, "two Acme Wi-Fi networks share a name"
    secrets = _secret_values(tools_dataset_dir)
    errors: list[str] = []

    async with serving_reveal(
        synced_store_url, audit_url, live_itglue, roles=["technician"]
    ) as url:
        for arguments, pattern in (
            (
                {"flexible_asset": ACME_STAFF},
                rf"matches several flexible assets: {ACME_STAFF} \(id \d+, Wireless, Acme "
                r"Corporation\); .*exactly one — give its IT Glue id",
            ),
            (
                {"flexible_asset": "corp.acmecorp.con"},
                rf"flexible_asset: no flexible asset in any organization .*close names: "
                rf"{ACME_DOMAIN}",
            ),
            (
                {"flexible_asset": ACME_DOMAIN, "organization": "Northwind Traders"},
                "flexible_asset: no flexible asset of Northwind Traders is named",
            ),
            (
                {"flexible_asset": ACME_DOMAIN, "trait": "Notes"},
                r"trait: 'Notes' is not a Password field of Active Directory; its Password "
                r"fields: DSRM Password \(dsrm-password\)",
            ),
            (
                {"flexible_asset": "Corporate Office LAN", "organization": "Acme Corporation"},
                r"trait: Corporate Office LAN \(id \d+, LAN, Acme Corporation\) has no Password "
                r"field \(LAN defines none\)",
            ),
        ):
            with pytest.raises(ToolError, match=pattern) as refused:
                await _reveal(url, **arguments)
            errors.append(str(refused.value))
        one = await _reveal(url, flexible_asset=staff[1]["id"], organization="ACME")

    assert staff[0]["id"] in errors[0] and staff[1]["id"] in errors[0]
    assert one.structured_content["source"]["record_id"] == int(staff[1]["id"])
    assert one.structured_content["trait"] == "pre-shared-key"
    # WPA2-Enterprise: the network's Password field is empty in IT Glue, and said to be.
    assert staff[1]["attributes"]["traits"]["pre-shared-key"] is None
    assert "value" not in one.structured_content  # empty in IT Glue: nothing to return
    assert one.content[0].text.startswith("Pre-Shared Key of ACME-Staff (Wireless, Acme ")
    assert "(empty)" in one.content[0].text
    assert [e.decision for e in await audit_events(audit_url)] == [AuditDecision.ALLOW]
    assert [secret for secret in secrets if secret in "\n".join(errors)] == []


async def test_helpdesk_lists_the_tool_but_may_not_reveal(
    synced_store_url: str, audit_url: str, live_itglue: str, tools_dataset_dir: Path
) -> None:
    [asset] = _assets(tools_dataset_dir, ACME_DOMAIN)
    value = asset["attributes"]["traits"]["dsrm-password"]

    async with serving_reveal(synced_store_url, audit_url, live_itglue, roles=["helpdesk"]) as url:
        listed = await _tool_names(url)
        with pytest.raises(ToolError, match=f"not allow revealing .*organization {ACME}") as no:
            await _reveal(url, flexible_asset=ACME_DOMAIN, trait="dsrm-password")

    assert TOOL in listed
    assert value not in str(no.value)
    [event] = await audit_events(audit_url)
    assert (event.tool, event.decision, event.reason) == (
        TOOL,
        AuditDecision.DENY,
        f"no reveal permission in organization {ACME}",
    )
    assert (event.record_type, event.record_id) == ("flexible-assets", int(asset["id"]))


async def test_client_readonly_does_not_see_the_tool(
    synced_store_url: str, audit_url: str, live_itglue: str
) -> None:
    async with serving_reveal(
        synced_store_url,
        audit_url,
        live_itglue,
        roles=[f"client-readonly@{NORTHWIND_TRADERS}"],
    ) as url:
        listed = await _tool_names(url)
        with pytest.raises(ToolError, match=f"^{TOOL}: not permitted") as refused:
            await _reveal(url, flexible_asset="nw.local")

    assert "search" in listed and TOOL not in listed and "get_password" not in listed
    assert "nw.local" not in str(refused.value)
    [event] = await audit_events(audit_url)
    assert (event.tool, event.decision, event.reason) == (TOOL, AuditDecision.DENY, DENIED_REASON)


async def test_a_token_without_the_reveal_scope_gets_a_403_step_up(
    synced_store_url: str, audit_url: str, live_itglue: str, tools_dataset_dir: Path
) -> None:
    [asset] = _assets(tools_dataset_dir, ACME_DOMAIN)
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": TOOL, "arguments": {"flexible_asset": ACME_DOMAIN}},
    }

    async with serving_reveal(
        synced_store_url, audit_url, live_itglue, roles=["technician"], scopes=["itglue.read"]
    ) as url:
        listed = await _tool_names(url)
        async with httpx.AsyncClient(base_url=url) as http:
            refused = await http.post(
                "/mcp",
                json=call,
                headers={
                    "Authorization": f"Bearer {REVEAL_TOKEN}",
                    "Accept": "application/json, text/event-stream",
                },
            )

    assert TOOL in listed  # the policy allows it; the token's scopes do not
    assert refused.status_code == 403
    challenge = refused.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="itglue.read itglue.secrets.reveal"' in challenge
    assert asset["attributes"]["traits"]["dsrm-password"] not in refused.text
    [event] = await audit_events(audit_url)
    assert (event.tool, event.decision, event.reason) == (
        TOOL,
        AuditDecision.DENY,
        "missing scope itglue.secrets.reveal",
    )


async def test_password_and_trait_reveals_share_one_rate_limit(
    synced_store_url: str, audit_url: str, live_itglue: str, tools_dataset_dir: Path
) -> None:
    entry = a_secret(tools_dataset_dir)
    async with serving_reveal(
        synced_store_url, audit_url, live_itglue, roles=["technician"], rate="1/minute"
    ) as url:
        await _reveal(url, flexible_asset=ACME_DOMAIN)
        transport = StreamableHttpTransport(f"{url}/mcp", auth=REVEAL_TOKEN)
        async with Client(transport) as client:
            with pytest.raises(ToolError, match=r"at most 1 per 1 minute .*try again in \d+ s"):
                await client.call_tool("get_password", {"name": entry["id"], "reveal": True})
        with pytest.raises(ToolError, match=r"at most 1 per 1 minute"):
            await _reveal(url, flexible_asset=ACME_DOMAIN)

    assert [(e.tool, e.decision, e.reason) for e in await audit_events(audit_url)] == [
        (TOOL, AuditDecision.ALLOW, "revealed trait dsrm-password"),
        ("get_password", AuditDecision.DENY, "rate limit: 1 per 1 minute"),
        (TOOL, AuditDecision.DENY, "rate limit: 1 per 1 minute"),
    ]
