"""Policy lines in the database (table casbin_rule, migration 0003), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.rbac import Action, DatabasePolicy, build_authorizer, check_line
from tests.security.rbac.conftest import TOOLS, caller, settings_with


async def test_rows_are_added_to_the_builtin_roles_on_reload(
    session_factory: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    settings = settings_with(policy_source="database")
    authorizer = await build_authorizer(settings, session_factory)
    ops = caller("o", groups=["Ops"])
    try:
        assert (await authorizer.permissions(ops, TOOLS)).tools == frozenset()

        policy = DatabasePolicy(engine)
        await policy.add(check_line(["g", "group:Ops", "role:helpdesk", "*"]))
        await policy.add(check_line(["g", "group:Ops", "role:technician", "42"]))
        # Written before the reload: nothing changes until then.
        assert (await authorizer.permissions(ops, TOOLS)).tools == frozenset()

        await authorizer.reload()
        permissions = await authorizer.permissions(ops, TOOLS)
        assert permissions.readable is None
        assert permissions.revealable == frozenset({42})
        # The "*" binding holds in organizations no line names.
        assert await authorizer.allowed(ops, 43, "get_password", Action.READ)
        assert not await authorizer.allowed(ops, 43, "passwords", Action.REVEAL)

        assert await policy.remove(check_line(["g", "group:Ops", "role:technician", "42"]))
        await authorizer.reload()
        assert (await authorizer.permissions(ops, TOOLS)).revealable == frozenset()
    finally:
        await authorizer.aclose()


async def test_rows_written_by_hand_take_casbin_defaults(
    session_factory: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    # A p row without an effect allows; a g row without a domain holds everywhere.
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES "
                "('p', 'role:reporter', '5', 'list_expirations', 'read'), "
                "('g', 'user:rita', 'role:reporter', NULL, NULL)"
            )
        )
    authorizer = await build_authorizer(settings_with(policy_source="database"), session_factory)
    try:
        permissions = await authorizer.permissions(caller("rita"), TOOLS)
        assert permissions.readable == frozenset({5})
        assert permissions.tools == frozenset({"list_expirations"})
    finally:
        await authorizer.aclose()


async def test_a_bad_row_is_refused_naming_the_source(
    session_factory: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) "
                "VALUES ('p', 'role:x', 'acme', 'search', 'read')"
            )
        )
    with pytest.raises(ConfigurationError) as raised:
        await build_authorizer(settings_with(policy_source="database"), session_factory)
    assert str(raised.value) == (
        "rbac.policy_source: database (table casbin_rule): row 'p, role:x, acme, search, read': "
        "domain 'acme' must be an organization id or *"
    )


async def test_without_redis_an_interval_reload_picks_up_rows(
    session_factory: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    settings = settings_with(policy_source="database", reload_interval_s=0.05)
    authorizer = await build_authorizer(settings, session_factory)
    try:
        generation = authorizer.generation
        await DatabasePolicy(engine).add(check_line(["g", "user:rita", "role:auditor"]))
        async with asyncio.timeout(10):
            while not (await authorizer.permissions(caller("rita"), TOOLS)).tools:
                await asyncio.sleep(0.02)
        assert authorizer.generation > generation
        assert await authorizer.allowed(caller("rita"), None, "audit", Action.READ)
    finally:
        await authorizer.aclose()
