"""Role-based access control of the MCP tools over Streamable HTTP: what each role lists and
may call, and the audit event a refused call leaves (fastmcp Client with bearer tokens →
uvicorn on loopback → a synced store; real Casbin policy; real audit store)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from itglue_mcp.security.errors import AccessDenied
from itglue_mcp.security.identity import Caller
from itglue_mcp.security.rbac import Permissions
from itglue_mcp.server.access import current_permissions, permitted
from itglue_mcp.store.audit import AuditDecision, list_audit_events
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.server.secured import caller_claims, serve_secured_app

NORTHWIND_TRADERS = 2104807
SYNC_TOOLS = {"sync_data", "sync_status"}
READ_TOOLS = {
    "query_documentation",
    "search",
    "list_organizations",
    "get_organization",
    "get_configuration",
    "find_ip_address",
    "get_password",
    "get_document",
    "get_dependencies",
    "list_expirations",
    "health",
}
TOKENS = {
    "tok-admin": caller_claims("ada", roles=["msp-admin"]),
    "tok-helpdesk": caller_claims("hal", roles=["helpdesk"]),
    "tok-client": caller_claims("cleo", groups=["Northwind IT"]),
    "tok-nobody": caller_claims("nemo"),
    "tok-other-client": caller_claims("otto", groups=["Northwind IT"]),
}
BINDINGS = {"group:Northwind IT": [f"client-readonly@{NORTHWIND_TRADERS}"]}


@pytest.fixture(scope="module")
def audit_url(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path, synced_store_url: str
) -> str:
    """A private store (migrated SQLite) for the audit events of this module's server (one
    per served store)."""
    path = tmp_path_factory.mktemp("access-audit") / "audit.db"
    shutil.copyfile(sqlite_template_file, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
def secured_url(synced_store_url: str, audit_url: str) -> Iterator[str]:
    yield from serve_secured_app(synced_store_url, audit_url, TOKENS, BINDINGS)


async def _tool_names(url: str, token: str) -> set[str]:
    async with Client(f"{url}/mcp", auth=token) as client:
        return {tool.name for tool in await client.list_tools()}


async def _deny_events(audit_url: str, subject: str) -> list[tuple[str, str, str | None]]:
    engine = create_engine(audit_url, null_pool=True)
    try:
        async with create_session_factory(engine)() as session:
            events = await list_audit_events(session, subject=subject)
    finally:
        await engine.dispose()
    return [
        (event.tool, event.client_id or "", event.reason)
        for event in events
        if event.decision is AuditDecision.DENY
    ]


async def test_tools_list_shows_each_role_only_its_tools(secured_url: str) -> None:
    every_tool = await _tool_names(secured_url, "tok-admin")
    assert every_tool >= READ_TOOLS | {"reveal_flexible_asset_password"}
    # Starting and following syncs is msp-admin's alone among the built-in roles.
    assert {"sync_data", "sync_status"} <= every_tool
    assert await _tool_names(secured_url, "tok-helpdesk") == every_tool - SYNC_TOOLS
    # client-readonly: no password entries at all, so not the password tool either, nor the
    # tool revealing flexible assets' Password fields (helpdesk lists it: reveal is refused).
    client_tools = await _tool_names(secured_url, "tok-client")
    assert client_tools == every_tool - {"get_password", "reveal_flexible_asset_password"} - (
        SYNC_TOOLS
    )
    # No role bound: nothing to call.
    assert await _tool_names(secured_url, "tok-nobody") == set()


async def test_denied_call_is_a_clear_error_and_leaves_a_deny_audit_event(
    secured_url: str, audit_url: str
) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-client") as client:
        with pytest.raises(ToolError) as refused:
            await client.call_tool("get_password", {"name": "NW-FW01"})

    message = str(refused.value)
    assert "get_password" in message and "not permitted" in message
    assert "Northwind" not in message and "NW-FW01" not in message  # no data, no argument
    events = await _deny_events(audit_url, "cleo")
    assert len(events) == 1
    tool, client_id, reason = events[0]
    assert (tool, client_id) == ("get_password", "client-of-cleo")
    assert reason and "NW-FW01" not in reason


async def test_caller_without_role_is_refused_every_tool_and_each_refusal_audited(
    secured_url: str, audit_url: str
) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-nobody") as client:
        for tool, arguments in (("search", {"query": "vpn"}), ("health", {})):
            with pytest.raises(ToolError, match=f"^{tool}: not permitted"):
                await client.call_tool(tool, arguments)

    assert [tool for tool, _, _ in await _deny_events(audit_url, "nemo")] == ["search", "health"]


async def test_permitted_calls_run_and_leave_no_deny_event(
    secured_url: str, audit_url: str
) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-helpdesk") as client:
        result = await client.call_tool("list_organizations", {})

    assert len(result.structured_content["organizations"]) == 6
    assert await _deny_events(audit_url, "hal") == []


@pytest.mark.parametrize("token", ["tok-admin", "tok-other-client"])
async def test_an_unknown_tool_is_a_protocol_error_for_every_role(
    secured_url: str, audit_url: str, token: str
) -> None:
    # MCP "Tools", error handling: an unknown tool is a JSON-RPC error -32602, not a tool
    # result, and not "not permitted" (which sent msp-admin to ask for a role).
    async with Client(f"{secured_url}/mcp", auth=token) as client:
        with pytest.raises(MCPError) as raised:
            await client.call_tool_mcp("drop_tables", {})
    assert raised.value.error.code == INVALID_PARAMS
    assert raised.value.error.message == "Unknown tool: drop_tables"
    subject = TOKENS[token]["sub"]
    assert await _deny_events(audit_url, subject) == []  # not a policy decision


def test_current_permissions_refuses_outside_a_call() -> None:
    with pytest.raises(AccessDenied, match="no caller permissions"):
        current_permissions()

    caller = Caller("ada", None, frozenset(), frozenset({"msp-admin"}), None, frozenset())
    everything = Permissions.everything(caller, ["search"])
    with permitted(everything):
        assert current_permissions() is everything
    with pytest.raises(AccessDenied):
        current_permissions()
