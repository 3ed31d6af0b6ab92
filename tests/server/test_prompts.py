"""The MCP prompts over Streamable HTTP: ``prompts/list`` with typed, described arguments,
``prompts/get`` with arguments (every tool a text names is one of the server's, the arguments
land in the tool calls, the rules on citing and missing data are there), clear one-line errors
for a missing or malformed argument, a month whose ``list_expirations`` call covers it, and
RBAC: a prompt is offered only to a caller who may call the tools it requires, and its text
leaves out the steps whose tool the caller may not call."""

from __future__ import annotations

import calendar
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from tests.server.conftest import serve_mcp_app
from tests.server.secured import caller_claims, serve_secured_app

PROMPTS = {
    "troubleshoot_device": {"organization": True, "device": True, "symptom": False},
    "prepare_site_visit": {"organization": True, "location": False},
    "review_expirations": {"month": False, "organization": False},
    "onboard_user": {"organization": True, "user_name": True, "job_title": False,
                     "location": False},
}  # fmt: skip
ARGUMENTS = {
    "troubleshoot_device": {"organization": "Acme Corporation", "device": "ACME-FW01",
                            "symptom": "VPN users drop every hour"},
    "prepare_site_visit": {"organization": "Northwind", "location": "Warehouse"},
    "review_expirations": {"organization": "Acme Corporation"},
    "onboard_user": {"organization": "Northwind", "user_name": "Dana Whitfield",
                     "job_title": "Accountant", "location": "Head Office"},
}  # fmt: skip
TOKENS = {
    "tok-client": caller_claims("cleo", groups=["Northwind IT"]),
    "tok-helpdesk": caller_claims("hal", roles=["helpdesk"]),
    "tok-field": caller_claims("fay", groups=["Field Techs"]),
}
BINDINGS = {"group:Northwind IT": ["client-readonly@2104807"], "group:Field Techs": ["no-sites"]}
# A role of the test's own: reads everything but may not list locations.
POLICY = "p, role:no-sites, *, *, read, allow\np, role:no-sites, *, list_locations, read, deny\n"
_STEP = re.compile(r"^(\d+)\. ([a-z_]+)\(", re.M)


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path) -> str:
    """An empty store: a prompt reads no data (list_expirations answers over it)."""
    path = tmp_path_factory.mktemp("prompts") / "store.db"
    shutil.copyfile(sqlite_template_file, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
def url(store_url: str) -> Iterator[str]:
    yield from serve_mcp_app(store_url)


@pytest.fixture(scope="module")
def secured_url(
    store_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template_file: Path
) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("prompts-secured")
    audit = directory / "audit.db"
    shutil.copyfile(sqlite_template_file, audit)
    policy = directory / "policy.csv"
    policy.write_text(POLICY)
    yield from serve_secured_app(
        store_url, f"sqlite+aiosqlite:///{audit}", TOKENS, BINDINGS, policy_file=policy
    )


async def _get(url: str, name: str, arguments: dict[str, Any], token: str | None = None) -> str:
    async with Client(f"{url}/mcp", auth=token) as client:
        result = await client.get_prompt(name, arguments)
    [message] = result.messages
    assert message.role == "user"
    return str(getattr(message.content, "text", ""))


async def _error(url: str, name: str, arguments: dict[str, Any], token: str | None = None) -> str:
    with pytest.raises(MCPError) as raised:
        await _get(url, name, arguments, token)
    assert raised.value.error.code == INVALID_PARAMS
    return str(raised.value.error.message)


async def test_prompts_are_listed_with_typed_described_arguments(url: str) -> None:
    async with Client(f"{url}/mcp") as client:
        prompts = await client.list_prompts()

    assert {p.name: {a.name: a.required for a in p.arguments or []} for p in prompts} == PROMPTS
    for prompt in prompts:
        assert prompt.title and prompt.description
        for argument in prompt.arguments or []:
            # Written for a person picking from a menu: no JSON schema in the description.
            assert argument.description and "schema" not in argument.description
    [review] = [p for p in prompts if p.name == "review_expirations"]
    [month] = [a for a in review.arguments or [] if a.name == "month"]
    assert month.description is not None and "YYYY-MM" in month.description


@pytest.mark.parametrize("name", sorted(PROMPTS))
async def test_each_prompt_names_the_servers_tools_and_asks_for_citations(
    url: str, name: str
) -> None:
    async with Client(f"{url}/mcp") as client:
        tools = {tool.name for tool in await client.list_tools()}

    text = await _get(url, name, ARGUMENTS[name])

    steps = _STEP.findall(text)
    named = {tool for _, tool in steps}
    assert len(named) >= 3 and named <= tools, named - tools
    # Every step starts with a call of a tool, once each, numbered from 1.
    assert [number for number, _ in steps] == [str(n) for n in range(1, len(named) + 1)]
    assert len(re.findall(r"^\d+\. ", text, re.M)) == len(steps)
    assert "cite every IT Glue record" in text and "holds no data" in text
    assert '<itglue-data untrusted="true">' in text


async def test_the_arguments_go_into_the_tool_calls(url: str) -> None:
    text = await _get(url, "troubleshoot_device", ARGUMENTS["troubleshoot_device"])

    assert 'get_configuration(name="ACME-FW01", organization="Acme Corporation"' in text
    assert 'get_dependencies(name="ACME-FW01", organization="Acme Corporation", depth=2)' in text
    assert 'The symptom: "VPN users drop every hour".' in text
    assert "metadata only; never reveal" in text


async def test_an_optional_argument_left_blank_is_omitted(url: str) -> None:
    blank = await _get(url, "prepare_site_visit", {"organization": "Northwind", "location": " "})
    omitted = await _get(url, "prepare_site_visit", {"organization": "Northwind"})

    assert blank == omitted and "keep the location" not in blank


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("troubleshoot_device", {"device": "FW01"}, "organization: required"),
        ("troubleshoot_device", {}, "organization: required\ndevice: required"),
        ("onboard_user", {"organization": "Acme"}, "user_name: required"),
        ("prepare_site_visit", {"organization": ""}, "organization: must not be empty"),
        ("prepare_site_visit", {"organization": "Acme\x00"},
         "organization: must not contain control characters"),
        ("troubleshoot_device", {"organization": "Acme", "device": "FW01", "symptom": "x" * 501},
         "symptom: must be at most 500 characters"),
        ("review_expirations", {"month": "2026-13"},
         "month: must be YYYY-MM (a year and a month, e.g. 2026-12)"),
        ("review_expirations", {"month": "December"},
         "month: must be YYYY-MM (a year and a month, e.g. 2026-12)"),
    ],
)  # fmt: skip
async def test_bad_arguments_are_one_clear_error(
    url: str, name: str, arguments: dict[str, Any], message: str
) -> None:
    assert await _error(url, name, arguments) == message


def _month(today: date, away: int) -> tuple[str, date, date]:
    index = today.year * 12 + today.month - 1 + away
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return f"{year}-{month + 1:02d}", date(year, month + 1, 1), date(year, month + 1, last)


async def test_a_month_too_far_away_names_the_months_allowed(url: str) -> None:
    today = datetime.now(UTC).date()
    far, _, _ = _month(today, 12)
    low, _, _ = _month(today, -11)
    high, _, _ = _month(today, 11)

    message = await _error(url, "review_expirations", {"month": far})

    assert message == f"month: must be within 11 months of the current one ({low} to {high})"


@pytest.mark.parametrize("away", [-11, -1, 0, 1, 11])
async def test_the_expiration_window_covers_the_whole_month(url: str, away: int) -> None:
    today = datetime.now(UTC).date()
    month, first, last = _month(today, away)

    text = await _get(url, "review_expirations", {"month": month})

    [call] = re.findall(r"list_expirations\(([^)]*)\)", text)
    arguments: dict[str, Any] = {"limit": 200}
    for key, value in re.findall(r"(\w+)=([\w-]+)", call):
        arguments[key] = value == "true" if key == "include_expired" else int(value)
    async with Client(f"{url}/mcp") as client:
        report = (await client.call_tool("list_expirations", arguments)).structured_content
    assert date.fromisoformat(report["start"]) <= first
    assert date.fromisoformat(report["end"]) >= last
    assert f"dated {first} to {last}" in text and "across every organization" in text


async def test_client_readonly_gets_every_prompt_without_the_password_step(
    secured_url: str,
) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-client") as client:
        listed = {prompt.name for prompt in await client.list_prompts()}
    arguments = ARGUMENTS["troubleshoot_device"]

    client_text = await _get(secured_url, "troubleshoot_device", arguments, "tok-client")
    helpdesk_text = await _get(secured_url, "troubleshoot_device", arguments, "tok-helpdesk")

    assert listed == set(PROMPTS)
    assert "get_password(" in helpdesk_text and "get_password" not in client_text
    steps = re.findall(r"^(\d+)\. ", client_text, re.M)
    assert steps == [str(n) for n in range(1, len(steps) + 1)]


async def test_a_prompt_needing_a_refused_tool_is_not_offered(secured_url: str) -> None:
    async with Client(f"{secured_url}/mcp", auth="tok-field") as client:
        listed = {prompt.name for prompt in await client.list_prompts()}

    refused = await _error(secured_url, "prepare_site_visit", {"organization": "Acme"}, "tok-field")
    unknown = await _error(secured_url, "no_such_prompt", {}, "tok-field")
    onboarding = await _get(
        secured_url, "onboard_user", {"organization": "Acme", "user_name": "Dana"}, "tok-field"
    )

    assert listed == set(PROMPTS) - {"prepare_site_visit"}
    assert refused == unknown.replace("no_such_prompt", "prepare_site_visit")
    assert "list_locations" not in onboarding and "get_organization(" in onboarding
