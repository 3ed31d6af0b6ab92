"""The built-in roles, as a caller notices them: organizations, reveal, tools, hidden records."""

from __future__ import annotations

import pytest

from itglue_mcp.security.rbac import Action, Authorizer, Permissions, build_authorizer
from tests.security.rbac.conftest import TOOLS, caller, settings_with

ALL_RECORD_TYPES_VISIBLE: frozenset[str] = frozenset()


@pytest.fixture
async def authorizer() -> Authorizer:
    return await build_authorizer(settings_with(), None)


@pytest.mark.parametrize(
    ("role", "reveal", "audit"),
    [
        ("msp-admin", True, True),
        ("technician", True, False),
        ("helpdesk", False, False),
        ("auditor", False, True),
    ],
)
async def test_msp_roles_read_every_organization(
    authorizer: Authorizer, role: str, reveal: bool, audit: bool
) -> None:
    someone = caller("someone", roles=[role])
    permissions = await authorizer.permissions(someone, TOOLS)

    assert permissions.readable is None
    assert permissions.may_read(1) and permissions.may_read(987654)
    assert permissions.revealable == (None if reveal else frozenset())
    assert permissions.may_reveal(42) is reveal
    assert permissions.tools == TOOLS
    assert permissions.hidden_record_types == ALL_RECORD_TYPES_VISIBLE
    assert await authorizer.allowed(someone, None, "audit", Action.READ) is audit
    assert await authorizer.allowed(someone, 42, "audit", Action.READ) is audit


async def test_only_msp_admin_syncs_and_administers(authorizer: Authorizer) -> None:
    decisions = {
        role: [
            await authorizer.allowed(caller("x", roles=[role]), 42, "*", action)
            for action in (Action.SYNC, Action.ADMIN)
        ]
        for role in ("msp-admin", "technician", "helpdesk", "auditor", "client-readonly@42")
    }
    assert decisions == {
        "msp-admin": [True, True],
        "technician": [False, False],
        "helpdesk": [False, False],
        "auditor": [False, False],
        "client-readonly@42": [False, False],
    }


async def test_client_readonly_reads_its_organization_only_and_no_secrets(
    authorizer: Authorizer,
) -> None:
    client = caller("carol", roles=["client-readonly@42"])
    permissions = await authorizer.permissions(client, TOOLS)

    assert permissions.readable == frozenset({42})
    assert not permissions.may_read(43)
    assert permissions.revealable == frozenset()
    assert not permissions.may_reveal(42)
    # Password entries are hidden altogether, not only their values; so is the tool that
    # reveals flexible assets' Password fields.
    assert permissions.tools == TOOLS - {"get_password", "reveal_flexible_asset_password"}
    assert permissions.hidden_record_types == frozenset({"passwords"})
    assert permissions.scope(None) == [42]
    assert permissions.scope([41, 42, 43]) == [42]
    assert permissions.scope([7]) == []
    assert not await authorizer.allowed(client, 42, "audit", Action.READ)
    assert not await authorizer.allowed(client, None, "search", Action.READ)


async def test_client_readonly_claimed_without_organization_grants_nothing(
    authorizer: Authorizer,
) -> None:
    # Held everywhere it would read every organization: the claim is ignored instead.
    permissions = await authorizer.permissions(caller("carol", roles=["client-readonly"]), TOOLS)
    assert permissions.readable == frozenset()
    assert permissions.tools == frozenset()


async def test_unknown_caller_may_do_nothing(authorizer: Authorizer) -> None:
    permissions = await authorizer.permissions(caller("stranger", groups=["Everyone"]), TOOLS)
    assert permissions.readable == frozenset()
    assert permissions.revealable == frozenset()
    assert permissions.tools == frozenset()
    assert "documents" in permissions.hidden_record_types
    assert permissions.scope(None) == []


async def test_idp_role_held_in_one_organization(authorizer: Authorizer) -> None:
    permissions = await authorizer.permissions(caller("t", roles=["technician@7"]), TOOLS)
    assert permissions.readable == frozenset({7})
    assert permissions.revealable == frozenset({7})
    assert permissions.tools == TOOLS


async def test_permissions_follow_the_caller_not_the_cache(authorizer: Authorizer) -> None:
    first = await authorizer.permissions(caller("a", roles=["helpdesk"]), TOOLS)
    second = await authorizer.permissions(caller("b", roles=["helpdesk"]), TOOLS)
    assert (first.caller.subject, second.caller.subject) == ("a", "b")
    assert first.cache_key() == second.cache_key()


def test_cache_key_is_stable_and_separates_scopes() -> None:
    someone = caller("x")
    a = Permissions(someone, frozenset({2, 1}), frozenset(), frozenset({"search", "health"}))
    b = Permissions(someone, frozenset({1, 2}), frozenset(), frozenset({"health", "search"}))
    wider = Permissions(someone, None, frozenset(), frozenset({"health", "search"}))
    revealing = Permissions(someone, frozenset({1, 2}), frozenset({1}), b.tools)
    assert a.cache_key() == b.cache_key()
    assert len({b.cache_key(), wider.cache_key(), revealing.cache_key()}) == 3
    assert len(a.cache_key()) == 64


def test_everything_permits_every_organization_and_tool() -> None:
    permissions = Permissions.everything(caller("local"), ["search", "health"])
    assert permissions.may_read(5) and permissions.may_reveal(5)
    assert permissions.may_call("search") and not permissions.may_call("get_password")
    assert permissions.scope(None) is None
    assert permissions.scope([3, 1]) == [3, 1]
