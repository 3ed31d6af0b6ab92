"""Helpers of the RBAC tests: callers, the server's tool names, settings, a Redis channel.

Example::

    authorizer = await build_authorizer(settings_with(bindings={"Ops": ["helpdesk"]}), None)
    permissions = await authorizer.permissions(caller("alice", groups=["Ops"]), TOOLS)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
import pytest_asyncio
import redis.asyncio as redis
from pydantic import SecretStr
from redis.exceptions import RedisError

from itglue_mcp.config import Settings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.security.identity import Caller

REDIS_URL_ENV = "ITGLUE_MCP_TEST_REDIS_URL"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

TOOLS = frozenset(
    {
        "find_ip_address",
        "get_configuration",
        "get_dependencies",
        "get_document",
        "get_organization",
        "get_password",
        "health",
        "list_expirations",
        "list_organizations",
        "query_documentation",
        "reveal_flexible_asset_password",
        "search",
    }
)
"""The MCP server's tool names."""


def caller(subject: str, *, groups: Iterable[str] = (), roles: Iterable[str] = ()) -> Caller:
    """A caller as a verified token would describe it."""
    return Caller(
        subject=subject,
        client_id="test-client",
        groups=frozenset(groups),
        roles=frozenset(roles),
        tenant=None,
        scopes=frozenset({"itglue.read"}),
    )


def settings_with(redis_url: str | None = None, **rbac: Any) -> Settings:
    """Settings whose ``rbac`` section is built from keyword arguments."""
    return Settings(
        rbac=RbacSettings(**rbac),
        redis_url=SecretStr(redis_url) if redis_url is not None else None,
    )


@pytest_asyncio.fixture
async def redis_url() -> AsyncIterator[str]:
    """URL of the test Redis (fails the test when it does not answer)."""
    url = os.environ.get(REDIS_URL_ENV) or DEFAULT_REDIS_URL
    client = redis.from_url(url)
    try:
        await client.ping()
    except (OSError, RedisError) as error:
        pytest.fail(f"Redis at {url} does not answer ({error}); set {REDIS_URL_ENV}")
    finally:
        await client.aclose()
    yield url


@pytest.fixture
def channel() -> str:
    """A reload channel no other test listens to."""
    return f"itglue-mcp-test:rbac:{uuid.uuid4().hex}"
