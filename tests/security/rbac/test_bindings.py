"""Group-to-role bindings from settings, and the errors a bad binding gives."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from itglue_mcp.config import Settings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.rbac import Action, build_authorizer, caller_identities
from tests.security.rbac.conftest import TOOLS, caller, settings_with

BINDINGS = {
    "MSP Technicians": ["technician"],
    "group:Service Desk": ["helpdesk@*"],
    "role:Compliance": ["auditor"],
    "user:carol-sub": ["client-readonly@42"],
    "Acme Staff": ["client-readonly@42", "client-readonly@0043"],
}


async def test_bindings_give_groups_roles_and_users_their_roles() -> None:
    authorizer = await build_authorizer(settings_with(bindings=BINDINGS), None)

    technician = await authorizer.permissions(caller("t", groups=["MSP Technicians"]), TOOLS)
    assert (technician.readable, technician.revealable) == (None, None)

    # A bare key names an IdP role as well as a group.
    by_role = await authorizer.permissions(caller("t2", roles=["MSP Technicians"]), TOOLS)
    assert by_role.revealable is None

    helpdesk = await authorizer.permissions(caller("h", groups=["Service Desk"]), TOOLS)
    assert (helpdesk.readable, helpdesk.revealable) == (None, frozenset())

    # "group:" names the group only; an IdP role of that name gets nothing.
    not_a_group = await authorizer.permissions(caller("h2", roles=["Service Desk"]), TOOLS)
    assert not_a_group.tools == frozenset()

    carol = await authorizer.permissions(caller("carol-sub"), TOOLS)
    assert carol.readable == frozenset({42})
    assert carol.hidden_record_types == frozenset({"passwords"})

    acme = await authorizer.permissions(caller("a", groups=["Acme Staff"]), TOOLS)
    assert acme.readable == frozenset({42, 43})
    assert acme.revealable == frozenset()


async def test_roles_of_several_identities_add_up() -> None:
    authorizer = await build_authorizer(
        settings_with(bindings={"Helpdesk West": ["helpdesk@7"], "Escalation": ["technician@9"]}),
        None,
    )
    permissions = await authorizer.permissions(
        caller("x", groups=["Helpdesk West", "Escalation"]), TOOLS
    )
    assert permissions.readable == frozenset({7, 9})
    assert permissions.revealable == frozenset({9})


async def test_a_tool_denied_in_one_organization_is_denied_in_all() -> None:
    # Answers span organizations, so tools and record types are decided for the caller as a
    # whole: client-readonly's "no passwords" in 42 also hides them in 7 (fail closed).
    authorizer = await build_authorizer(
        settings_with(bindings={"user:bob": ["helpdesk@7", "client-readonly@42"]}), None
    )
    bob = caller("bob")
    permissions = await authorizer.permissions(bob, TOOLS)
    assert permissions.readable == frozenset({7, 42})
    assert permissions.tools == TOOLS - {"get_password", "reveal_flexible_asset_password"}
    assert permissions.hidden_record_types == frozenset({"passwords"})
    # The organization-level decision itself is still exact.
    assert await authorizer.allowed(bob, 7, "passwords", Action.READ)
    assert not await authorizer.allowed(bob, 42, "passwords", Action.READ)


@pytest.mark.parametrize(
    ("bindings", "message"),
    [
        ({"Ops": ["technician@acme"]}, "rbac.bindings: 'Ops': 'technician@acme': the organization"),
        ({"Ops": ["technician@-3"]}, "rbac.bindings: 'Ops': 'technician@-3'"),
        ({"Acme": ["client-readonly"]}, "client-readonly is held in one organization"),
        ({"Acme": ["client-readonly@*"]}, "client-readonly is held in one organization"),
        ({"Ops": ["tech nician"]}, "a role name is letters, digits"),
        ({"group:": ["helpdesk"]}, "empty name after group:"),
    ],
)
def test_malformed_bindings_are_refused_naming_the_setting(
    bindings: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        RbacSettings(bindings=bindings)
    assert message in str(raised.value)


async def test_binding_to_an_undefined_role_fails_the_start() -> None:
    with pytest.raises(ConfigurationError) as raised:
        await build_authorizer(settings_with(bindings={"Ops": ["techncian"]}), None)
    assert str(raised.value).startswith("rbac.bindings: group:Ops is bound to techncian")


def test_file_source_needs_a_file() -> None:
    with pytest.raises(ValidationError, match=r"rbac\.policy_file: required"):
        RbacSettings(policy_source="file")


async def test_database_source_needs_the_store() -> None:
    with pytest.raises(ConfigurationError, match=r"rbac\.policy_source: database needs"):
        await build_authorizer(settings_with(policy_source="database"), None)


def test_bindings_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    bindings = '{"MSP Technicians": ["technician"], "Acme": ["client-readonly@42"]}'
    monkeypatch.setenv("ITGLUE_MCP_RBAC__BINDINGS", bindings)
    settings = Settings(_env_file=None)
    assert settings.rbac.bindings == {
        "MSP Technicians": ["technician"],
        "Acme": ["client-readonly@42"],
    }

    monkeypatch.setenv("ITGLUE_MCP_RBAC__BINDINGS", '{"Acme": ["client-readonly"]}')
    with pytest.raises(ValidationError, match=r"rbac\.bindings: 'Acme'"):
        Settings(_env_file=None)


def test_identities_of_a_caller() -> None:
    someone = caller(
        "sub-1",
        groups=["Ops"],
        roles=["technician@0042", "client-readonly", "client-readonly@7", "MSP Admins"],
    )
    assert caller_identities(someone) == [
        ("group:Ops", None),
        ("role:MSP Admins", None),
        ("role:client-readonly", "7"),
        ("role:technician", "42"),
        ("user:sub-1", None),
    ]
