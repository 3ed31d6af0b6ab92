"""Hot reload across replicas: a change published on Redis reloads every authorizer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis.asyncio as redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.rbac import (
    Authorizer,
    DatabasePolicy,
    build_authorizer,
    check_line,
    publish_policy_change,
)
from itglue_mcp.security.rbac.reload import listener_client_name
from tests.security.rbac.conftest import TOOLS, caller, settings_with


async def _until_reloaded(authorizer: Authorizer, generation: int) -> None:
    async with asyncio.timeout(10):
        while authorizer.generation == generation:
            await asyncio.sleep(0.02)


async def test_a_published_change_reloads_every_replica(
    session_factory: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    redis_url: str,
    channel: str,
) -> None:
    settings = settings_with(redis_url, policy_source="database", reload_channel=channel)
    first = await build_authorizer(settings, session_factory)
    second = await build_authorizer(settings, session_factory)
    ops = caller("o", groups=["Ops"])
    try:
        before = (first.generation, second.generation)
        assert (await second.permissions(ops, TOOLS)).tools == frozenset()

        await DatabasePolicy(engine).add(check_line(["g", "group:Ops", "role:auditor", "*"]))
        receivers = await publish_policy_change(redis_url, channel, reason="test")
        assert receivers == 2

        await _until_reloaded(first, before[0])
        await _until_reloaded(second, before[1])
        for replica in (first, second):
            permissions = await replica.permissions(ops, TOOLS)
            assert permissions.readable is None
            assert permissions.tools == TOOLS
    finally:
        await first.aclose()
        await second.aclose()
    # Closed: the replicas no longer listen.
    assert await publish_policy_change(redis_url, channel) == 0


async def test_a_published_bad_change_keeps_the_policy(
    tmp_path: Path, redis_url: str, channel: str
) -> None:
    path = tmp_path / "policy.csv"
    path.write_text("g, group:Ops, role:technician\n")
    settings = settings_with(
        redis_url,
        policy_source="file",
        policy_file=path,
        file_poll_interval_s=3600,  # only the Redis message triggers a reload here
        reload_channel=channel,
    )
    authorizer = await build_authorizer(settings, None)
    ops = caller("o", groups=["Ops"])
    try:
        path.write_text("g, group:Ops, role:nonexistent\n")
        generation, attempts = authorizer.generation, authorizer.attempts
        await publish_policy_change(redis_url, channel)
        async with asyncio.timeout(10):
            while authorizer.attempts == attempts:
                await asyncio.sleep(0.02)
        assert authorizer.generation == generation
        assert authorizer.last_error is not None
        assert authorizer.last_error.startswith(
            f"rbac.policy_file: {path}: group:Ops is bound to nonexistent"
        )
        assert (await authorizer.permissions(ops, TOOLS)).revealable is None

        path.write_text("g, group:Ops, role:helpdesk\n")
        await publish_policy_change(redis_url, channel)
        await _until_reloaded(authorizer, generation)
        assert authorizer.last_error is None
        assert (await authorizer.permissions(ops, TOOLS)).revealable == frozenset()
    finally:
        await authorizer.aclose()


async def test_a_lost_connection_is_restored_and_the_policy_reloaded(
    tmp_path: Path, redis_url: str, channel: str
) -> None:
    path = tmp_path / "policy.csv"
    path.write_text("g, group:Ops, role:helpdesk\n")
    settings = settings_with(
        redis_url,
        policy_source="file",
        policy_file=path,
        file_poll_interval_s=3600,
        reload_channel=channel,
    )
    authorizer = await build_authorizer(settings, None)
    admin = redis.from_url(redis_url)
    try:
        # Changed while the connection is down: nobody announces it again.
        path.write_text("g, group:Ops, role:technician\n")
        generation = authorizer.generation
        killed = await admin.execute_command(
            "CLIENT", "KILL", "SKIPME", "yes", "ID", await _listener_id(admin, channel)
        )
        assert killed == 1
        await _until_reloaded(authorizer, generation)
        permissions = await authorizer.permissions(caller("o", groups=["Ops"]), TOOLS)
        assert permissions.revealable is None

        async with asyncio.timeout(10):
            while await publish_policy_change(redis_url, channel) != 1:
                await asyncio.sleep(0.05)
    finally:
        await admin.aclose()
        await authorizer.aclose()


async def _listener_id(admin: redis.Redis, channel: str) -> str:
    name = listener_client_name(channel)
    clients = await admin.client_list()
    [client] = [client for client in clients if client["name"] == name]
    return str(client["id"])


async def test_unreachable_redis_is_refused_naming_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "policy.csv"
    path.write_text("")
    url = "redis://:hunter2-redis-password@127.0.0.1:1/0"
    settings = settings_with(url, policy_source="file", policy_file=path)
    with pytest.raises(ConfigurationError, match="redis_url: cannot subscribe") as subscribing:
        await build_authorizer(settings, None)
    with pytest.raises(ConfigurationError, match="redis_url: cannot publish") as publishing:
        await publish_policy_change(url, "any")
    # The URL's password appears nowhere.
    shown = f"{subscribing.value} {publishing.value} {capsys.readouterr()}"
    assert "hunter2" not in shown
