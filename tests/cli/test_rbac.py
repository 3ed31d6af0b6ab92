"""``itglue-mcp rbac``: check a policy file, grant/revoke/list/explain on the database policy of
each dialect, and tell replicas to reload over the real Redis of ``ITGLUE_MCP_TEST_REDIS_URL``."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import redis.asyncio as redis
from click.testing import Result
from pydantic import SecretStr
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from itglue_mcp.cli.main import app
from itglue_mcp.config import Settings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.security.identity import Caller
from itglue_mcp.security.rbac import build_authorizer

runner = CliRunner()
GUIDE = Path(__file__).parents[2] / "docs" / "guides" / "rbac.md"
ACME = "g, group:Client-Acme, role:client-readonly, 4231"


@pytest_asyncio.fixture
async def redis_url() -> AsyncIterator[str]:
    """The test Redis (fails the test when it does not answer)."""
    url = os.environ.get("ITGLUE_MCP_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    client = redis.from_url(url)
    try:
        await client.ping()
    except (OSError, RedisError) as error:
        pytest.fail(f"Redis at {url} does not answer ({error}); set ITGLUE_MCP_TEST_REDIS_URL")
    finally:
        await client.aclose()
    yield url


def _with_password(url: str, password: str) -> str:
    """``url`` logging in as Redis's default user with ``password`` (a user without a
    password, as the test Redis has, accepts any)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://default:{password}@{rest.rsplit('@', 1)[-1]}"


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    return {"ITGLUE_MCP_DATA_DIR": str(tmp_path / "data"), **settings}


def _database_env(database_url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    return _env(
        tmp_path,
        ITGLUE_MCP_DATABASE_URL=database_url,
        ITGLUE_MCP_RBAC__POLICY_SOURCE="database",
        **settings,
    )


async def _run(args: list[str], env: dict[str, str]) -> Result:
    return await asyncio.to_thread(runner.invoke, app, ["rbac", *args], env=env)


def _guide_example() -> str:
    blocks = re.findall(r"```text\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    return next(block for block in blocks if "role:night-shift" in block)


def _field(output: str, name: str) -> str:
    """The value of one ``name: value`` line of ``rbac explain``."""
    match = re.search(rf"^{re.escape(name)}: (.*)$", output, flags=re.MULTILINE)
    assert match is not None, output
    return match.group(1)


# -- check ---------------------------------------------------------------------------------


def test_check_accepts_the_example_of_the_guide(tmp_path: Path) -> None:
    policy = tmp_path / "policy.csv"
    policy.write_text(_guide_example())

    result = runner.invoke(app, ["rbac", "check", str(policy)], env=_env(tmp_path))

    assert result.exit_code == 0, result.output
    assert f"{policy}: valid, 6 policy lines" in result.output


def test_check_names_every_bad_line_and_no_good_one(tmp_path: Path) -> None:
    policy = tmp_path / "policy.csv"
    policy.write_text(
        "# comment\n"
        "p, role:night-shift, *, *, read\n"
        "p, role:night-shift, 42x, *, reveal\n"
        "g, group:Night Shift, role:night-shift\n"
        "g, group:Others, role:no-such-role\n"
        "g, group:Acme, role:client-readonly\n"
    )

    result = runner.invoke(app, ["rbac", "check", str(policy)], env=_env(tmp_path))

    assert result.exit_code == 1
    problems = result.output.strip().splitlines()
    assert problems == [
        f"{policy} line 3: domain '42x' must be an organization id or *",
        f"{policy} line 5: group:Others is bound to no-such-role, a role no policy line "
        "defines (built-in roles: msp-admin, technician, helpdesk, auditor, client-readonly)",
        f"{policy} line 6: role:client-readonly is held in one organization: give its id as "
        "the domain",
    ]


def test_check_counts_a_role_the_bindings_define(tmp_path: Path) -> None:
    policy = tmp_path / "policy.csv"
    policy.write_text("g, group:Night Shift, role:night-shift\n")
    env = _env(tmp_path)

    refused = runner.invoke(app, ["rbac", "check", str(policy)], env=env)
    # A binding makes night-shift a role (inheriting helpdesk): the server would load the file.
    env["ITGLUE_MCP_RBAC__BINDINGS"] = '{"role:night-shift": ["helpdesk"]}'
    accepted = runner.invoke(app, ["rbac", "check", str(policy)], env=env)

    assert refused.exit_code == 1
    assert "line 1: group:Night Shift is bound to night-shift" in refused.output
    assert accepted.exit_code == 0, accepted.output


# -- grant, list, explain, revoke ----------------------------------------------------------


async def test_grant_list_explain_revoke_on_the_database_policy(
    database_url: str, tmp_path: Path
) -> None:
    env = _database_env(database_url, tmp_path)
    explain = ["explain", "--subject", "user:alice", "--group", "Client-Acme"]

    before = await _run(explain, env)
    granted = await _run(["grant", "g", "group:Client-Acme", "role:client-readonly", "4231"], env)
    listed = await _run(["list", "--subject", "group:Client-Acme"], env)
    during = await _run(explain, env)
    revoked = await _run(["revoke", ACME], env)  # the whole line as one argument
    after_list = await _run(["list"], env)
    after = await _run(explain, env)
    again = await _run(["revoke", ACME], env)

    assert before.exit_code == 0, before.output
    assert _field(before.output, "readable organizations") == "none"
    assert granted.exit_code == 0, granted.output
    assert f"granted: {ACME}" in granted.output
    assert "redis_url is unset: no replica was told" in granted.output
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines() == [
        "# rbac.policy_source: database (table casbin_rule)",
        ACME,
    ]
    assert during.exit_code == 0, during.output
    assert _field(during.output, "identities") == "group:Client-Acme, user:alice"
    assert _field(during.output, "readable organizations") == "4231"
    assert _field(during.output, "revealable organizations") == "none"
    refused = _field(during.output, "tools refused").split(", ")
    assert "get_password" in refused
    tools = re.search(r"^tools \((\d+) of (\d+)\): (.*)$", during.output, flags=re.MULTILINE)
    assert tools is not None, during.output
    assert {"search", "get_organization"} <= set(tools.group(3).split(", "))
    assert int(tools.group(1)) == int(tools.group(2)) - len(refused)
    assert _field(during.output, "hidden record types") == "passwords"
    assert revoked.exit_code == 0, revoked.output
    assert f"revoked: {ACME}" in revoked.output
    assert after_list.exit_code == 0, after_list.output
    assert "p, role:msp-admin, *, *, *, allow" in after_list.stdout
    assert "Client-Acme" not in after_list.stdout
    assert _field(after.output, "readable organizations") == "none"
    assert again.exit_code == 1
    assert "not in the database policy, nothing revoked" in again.output


async def test_grant_and_revoke_refuse_a_policy_the_replicas_could_not_load(
    database_url: str, tmp_path: Path
) -> None:
    env = _database_env(database_url, tmp_path)

    unknown_role = await _run(["grant", "g", "group:Ops", "role:no-such-role"], env)
    malformed = await _run(["grant", "p", "group:Ops", "acme", "documents", "read"], env)
    listed = await _run(["list", "--subject", "group:Ops"], env)
    # A role of the database policy, bound: removing its only permission would orphan it.
    await _run(["grant", "p", "role:night-shift", "*", "*", "read"], env)
    await _run(["grant", "g", "group:Night Shift", "role:night-shift"], env)
    orphaning = await _run(["revoke", "p", "role:night-shift", "*", "*", "read"], env)
    kept = await _run(["list", "--subject", "role:night-shift"], env)

    assert unknown_role.exit_code == 1
    assert "group:Ops is bound to no-such-role, a role no policy line defines" in (
        " ".join(unknown_role.output.split())
    )
    assert malformed.exit_code == 2
    assert "domain 'acme' must be an organization id or *" in malformed.output
    assert listed.exit_code == 0
    assert listed.stdout == ""
    assert "no policy line names group:Ops" in listed.output
    assert orphaning.exit_code == 1
    assert "group:Night Shift is bound to night-shift, a role no policy line defines" in (
        " ".join(orphaning.output.split())
    )
    assert kept.stdout.splitlines()[1:] == [
        "p, role:night-shift, *, *, read, allow",
        "g, group:Night Shift, role:night-shift, *",
    ]


@pytest.mark.parametrize("source", ["builtin", "file"])
def test_grant_and_revoke_refused_without_the_database_source(source: str, tmp_path: Path) -> None:
    policy = tmp_path / "policy.csv"
    policy.write_text("")
    env = _env(
        tmp_path,
        ITGLUE_MCP_RBAC__POLICY_SOURCE=source,
        ITGLUE_MCP_RBAC__POLICY_FILE=str(policy),
    )

    for command in ("grant", "revoke"):
        result = runner.invoke(app, ["rbac", command, "g", "group:Ops", "role:helpdesk"], env=env)

        assert result.exit_code == 1
        assert f"rbac.policy_source: is {source}; rbac {command} changes the database" in (
            " ".join(result.output.split())
        )


# -- telling the replicas ------------------------------------------------------------------


async def test_grant_reloads_a_running_replica_and_never_prints_the_redis_password(
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    redis_url: str,
    tmp_path: Path,
) -> None:
    password = secrets.token_urlsafe(16)
    url = _with_password(redis_url, password)
    channel = f"itglue-mcp-test:rbac:{uuid.uuid4().hex}"
    replica = await build_authorizer(
        Settings(
            rbac=RbacSettings(policy_source="database", reload_channel=channel),
            redis_url=SecretStr(url),
        ),
        session_factory,
    )
    ops = Caller(
        subject="bob",
        client_id=None,
        groups=frozenset({"Ops"}),
        roles=frozenset(),
        tenant=None,
        scopes=frozenset(),
    )
    env = _database_env(
        database_url, tmp_path, ITGLUE_MCP_REDIS_URL=url, ITGLUE_MCP_RBAC__RELOAD_CHANNEL=channel
    )
    try:
        generation = replica.generation
        assert (await replica.permissions(ops, ["search"])).readable == frozenset()

        result = await _run(["grant", "g", "group:Ops", "role:helpdesk"], env)

        assert result.exit_code == 0, result.output
        assert f"replicas told to reload on '{channel}': 1 listening" in result.output
        async with asyncio.timeout(10):
            while replica.generation == generation:
                await asyncio.sleep(0.02)
        permissions = await replica.permissions(ops, ["search", "get_password"])
        assert permissions.readable is None
        assert permissions.tools == {"search", "get_password"}
        assert permissions.revealable == frozenset()
    finally:
        await replica.aclose()
    assert password not in result.output


async def test_reload_reaches_a_subscriber(redis_url: str, tmp_path: Path) -> None:
    password = secrets.token_urlsafe(16)
    channel = f"itglue-mcp-test:rbac:{uuid.uuid4().hex}"
    env = _env(
        tmp_path,
        ITGLUE_MCP_REDIS_URL=_with_password(redis_url, password),
        ITGLUE_MCP_RBAC__POLICY_SOURCE="database",
        ITGLUE_MCP_RBAC__RELOAD_CHANNEL=channel,
    )
    client = redis.from_url(redis_url)
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(channel)
        assert (await pubsub.get_message(timeout=5))["type"] == "subscribe"

        result = await _run(["reload"], env)
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
    finally:
        await pubsub.aclose()
        await client.aclose()

    assert result.exit_code == 0, result.output
    assert f"replicas told to reload on '{channel}': 1 listening" in result.output
    assert message is not None
    assert message["channel"].decode() == channel
    assert password not in result.output


async def test_reload_fails_naming_redis_url_without_the_password(tmp_path: Path) -> None:
    password = secrets.token_urlsafe(16)
    unset = await _run(["reload"], _env(tmp_path))
    # Nothing listens on port 1: the connection is refused.
    unreachable = await _run(
        ["reload"], _env(tmp_path, ITGLUE_MCP_REDIS_URL=f"redis://default:{password}@127.0.0.1:1/0")
    )

    assert unset.exit_code == 1
    assert "redis_url: required to tell the replicas to reload" in unset.output
    assert unreachable.exit_code == 1
    assert "redis_url: cannot publish a policy change" in unreachable.output
    assert password not in unreachable.output


async def test_revoke_removes_rows_written_by_hand_with_defaults_left_empty(
    database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    # As the guide's former SQL recipe wrote them: no effect (allow), no domain (every one).
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES "
                "('p', 'group:Ops', '*', 'documents', 'read'), "
                "('p', 'group:Night', '*', 'documents', 'read')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES "
                "('p', 'group:Night', '*', 'documents', 'read', 'deny')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO casbin_rule (ptype, v0, v1) VALUES ('g', 'group:Ops', 'role:helpdesk')"
            )
        )
    env = _database_env(database_url, tmp_path)

    allow = await _run(["revoke", "p", "group:Ops", "*", "documents", "read"], env)
    binding = await _run(["revoke", "g", "group:Ops", "role:helpdesk"], env)
    # The same fields with a deny: only the allow row may go, and it cannot be told apart.
    ambiguous = await _run(["revoke", "p", "group:Night", "*", "documents", "read"], env)
    listed = await _run(["list", "--subject", "group:Night"], env)
    ops = await _run(["list", "--subject", "group:Ops"], env)

    assert allow.exit_code == 0, allow.output
    assert binding.exit_code == 0, binding.output
    assert ops.stdout == ""
    assert ambiguous.exit_code == 1
    assert "delete it in table casbin_rule" in " ".join(ambiguous.output.split())
    assert listed.stdout.splitlines()[1:] == [
        "p, group:Night, *, documents, read, allow",
        "p, group:Night, *, documents, read, deny",
    ]
