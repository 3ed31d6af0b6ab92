"""Bad tool arguments over Streamable HTTP, on SQLite and PostgreSQL: each is refused with one
line naming the argument and the rule (or answered as a name), never a server error, an
exception class name or pydantic's documentation URL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.mcp_http import INITIALIZE, MCP_HEADERS

TOO_BIG = "99999999999999999999999"  # digits beyond 2**63 - 1
# Words that betray an unhandled exception or pydantic's own text.
LEAKS = ("Error", "Exception", "errors.pydantic.dev", "Internal", "Traceback", "type=")

REFUSED = [
    ("get_dependencies", {"record_type": "configurations", "record_id": 2**64}, "record_id"),
    ("get_dependencies", {"record_type": "configurations", "record_id": 10**30}, "record_id"),
    ("get_configuration", {"name": "DC01", "limit": 2**70}, "limit"),
    ("get_configuration", {"name": "DC\x0001"}, "name"),
    ("get_configuration", {"name": "DC01", "organization": "Acme\x00"}, "organization"),
    ("get_organization", {"organization": "Acme\x00"}, "organization"),
    ("list_organizations", {"name_contains": "a" * 100_000}, "name_contains"),
    ("list_organizations", {"name_contains": "ac\x00"}, "name_contains"),
    ("get_password", {"name": "admin\x00"}, "name"),
    ("get_password", {"configuration": "DC01\x00"}, "configuration"),
    ("get_document", {"document": "x\x00"}, "document"),
    ("reveal_flexible_asset_password", {"flexible_asset": "x\x00"}, "flexible_asset"),
    ("reveal_flexible_asset_password", {"flexible_asset": "x", "trait": "\x00"}, "trait"),
    ("find_ip_address", {"query": "10.0.0.1\x00"}, "query"),
    ("search", {"query": "vpn\x00"}, "query"),
    ("search", {"query": "vpn", "organization": "\x00"}, "organization"),
    ("query_documentation", {"question": "what is\x00 the vpn?"}, "question"),
    ("list_expirations", {"organization": "\x00"}, "organization"),
    ("list_expirations", {"within_days": 2**80}, "within_days"),
    ("get_dependencies", {"name": "DC01\x00"}, "name"),
    ("get_document", {"document": "x", "max_chars": -(2**70)}, "max_chars"),
    ("get_configuration", {}, "name"),
    ("get_configuration", {"name": 5}, "name"),
]

ANSWERED = [
    ("get_configuration", {"name": TOO_BIG}),
    ("get_configuration", {"name": "²"}),
    ("get_configuration", {"name": "DC01", "organization": TOO_BIG}),
    ("get_organization", {"organization": TOO_BIG}),
    ("get_password", {"name": TOO_BIG}),
    ("get_password", {"configuration": TOO_BIG}),
    ("get_document", {"document": TOO_BIG}),
    ("get_document", {"document": "²"}),
    ("reveal_flexible_asset_password", {"flexible_asset": TOO_BIG}),
    ("get_dependencies", {"name": TOO_BIG}),
    ("find_ip_address", {"query": TOO_BIG}),
    ("find_ip_address", {"query": "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}),
    ("find_ip_address", {"query": "::/0"}),
    ("search", {"query": TOO_BIG}),
    ("query_documentation", {"question": f"what is configuration {TOO_BIG}?"}),
    ("query_documentation", {"question": f"passwords of @{TOO_BIG}"}),
    ("query_documentation", {"question": "what holds fe80::1%eth0?"}),
    ("list_expirations", {"organization": TOO_BIG}),
]


def _call(mcp_url: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One ``tools/call`` over a fresh session; the JSON-RPC response."""
    with httpx.Client(base_url=mcp_url, headers=MCP_HEADERS, timeout=60) as client:
        opened = client.post("/mcp", json=INITIALIZE)
        assert opened.status_code == 200, opened.text
        session = opened.headers.get("mcp-session-id")
        headers = {"mcp-session-id": session} if session else {}
        body = {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": tool, "arguments": arguments},
        }
        response = client.post("/mcp", json=body, headers=headers)
    assert response.status_code < 500, response.text
    text = response.text
    if text.startswith("event:") or "data:" in text.splitlines()[0]:
        text = next(line[5:] for line in text.splitlines() if line.startswith("data:"))
    message: dict[str, Any] = httpx.Response(200, content=text).json()
    return message


def _error_text(message: dict[str, Any]) -> str:
    if "error" in message:
        return str(message["error"]["message"])
    result = message["result"]
    assert result.get("isError"), result
    return "\n".join(item["text"] for item in result["content"])


@pytest.mark.parametrize(("tool", "arguments", "field"), REFUSED)
def test_a_bad_argument_is_one_line_naming_it(
    mcp_url: str, tool: str, arguments: dict[str, Any], field: str
) -> None:
    text = _error_text(_call(mcp_url, tool, arguments))

    assert "\n" not in text, text
    assert text.startswith(f"{field}: "), text
    assert not any(leak in text for leak in LEAKS), text
    assert "\x00" not in text and len(text) < 400, text


@pytest.mark.parametrize(("tool", "arguments"), ANSWERED)
def test_an_unusual_reference_is_answered_or_refused_plainly(
    mcp_url: str, tool: str, arguments: dict[str, Any]
) -> None:
    message = _call(mcp_url, tool, arguments)

    assert "error" not in message, message
    result = message["result"]
    text = "\n".join(item.get("text", "") for item in result["content"])
    assert not any(leak in text for leak in LEAKS), text
    assert not text.startswith("Error calling tool"), text


@pytest.mark.parametrize("query", ["fe80::1%eth0", "fe80::1%eth0/64", "fe80::%25/10"])
def test_an_ipv6_zone_id_is_refused_in_one_line(mcp_url: str, query: str) -> None:
    text = _error_text(_call(mcp_url, "find_ip_address", {"query": query}))

    assert text.startswith("query: ") and "zone id" in text and "\n" not in text, text
