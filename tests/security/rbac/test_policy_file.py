"""A policy file (a mounted ConfigMap): lines added to the built-ins, reloaded when it changes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from itglue_mcp.config import Settings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.rbac import Action, build_authorizer
from itglue_mcp.security.rbac.reload import FileWatcher
from itglue_mcp.security.rbac.sources import FilePolicy
from tests.security.rbac.conftest import TOOLS, caller, settings_with

POLICY = """\
# Night shift: helpdesk everywhere, technician for one client.
g, group:Night Shift, role:helpdesk
g, group:Night Shift, role:technician, 42

# A custom role: runs syncs and reads one organization's documents.
p, role:sync-operator, *, *, sync
p, role:sync-operator, 7, get_document, read
p, role:sync-operator, 7, documents, read
g, user:robot, role:sync-operator, *
# A grant straight to a user.
p, user:robot, 7, passwords, reveal

# No one below technician sees organization 13's passwords.
p, role:helpdesk, 13, passwords, read, deny
"""


def _file_settings(path: Path, interval_s: float = 60.0) -> Settings:
    return settings_with(policy_source="file", policy_file=path, file_poll_interval_s=interval_s)


async def test_file_lines_are_added_to_the_builtin_roles(tmp_path: Path) -> None:
    path = tmp_path / "policy.csv"
    path.write_text(POLICY)
    authorizer = await build_authorizer(_file_settings(path), None)
    try:
        night = caller("n", groups=["Night Shift"])
        permissions = await authorizer.permissions(night, TOOLS)
        assert permissions.readable is None
        assert permissions.revealable == frozenset({42})
        # Denied in one organization, password entries are hidden from every answer.
        assert permissions.hidden_record_types == frozenset({"passwords"})

        robot = caller("robot")
        permissions = await authorizer.permissions(robot, TOOLS)
        assert permissions.readable == frozenset({7})
        assert permissions.tools == frozenset({"get_document"})
        assert permissions.revealable == frozenset({7})
        assert await authorizer.allowed(robot, 99, "anything", Action.SYNC)
        assert not await authorizer.allowed(robot, 99, "anything", Action.ADMIN)

        # The deny limits helpdesk in organization 13 only.
        assert not await authorizer.allowed(night, 13, "passwords", Action.READ)
        assert await authorizer.allowed(night, 14, "passwords", Action.READ)
        # The built-in roles are still there.
        admin = await authorizer.permissions(caller("a", roles=["msp-admin"]), TOOLS)
        assert admin.revealable is None
    finally:
        await authorizer.aclose()


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("p, role:x, *, search, write", "action 'write' must be one of"),
        ("p, x, *, search, read", "subject 'x' must be user:<sub>"),
        ("p, role:x, acme, search, read", "domain 'acme' must be an organization id or *"),
        ("p, role:x, *, search, read, maybe", "effect 'maybe' must be allow or deny"),
        ("p, role:x, *, search", "a p line is"),
        ("g, user:a, technician", "role 'technician' must be role:<name>"),
        ("g, user:a, role:client-readonly", "role:client-readonly is held in one organization"),
        ("q, role:x, *, search, read", "line type 'q' must be p or g"),
        ("p, role:helpdesk, 13, *, read, deny", "a deny of reading everything in one"),
    ],
)
async def test_a_bad_line_is_refused_with_the_setting_and_line_number(
    tmp_path: Path, line: str, error: str
) -> None:
    path = tmp_path / "policy.csv"
    path.write_text(f"# comment\n\ng, user:a, role:helpdesk\n{line}\n")
    with pytest.raises(ConfigurationError) as raised:
        await build_authorizer(_file_settings(path), None)
    assert str(raised.value).startswith(f"rbac.policy_file: {path} line 4: {error}")


async def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(ConfigurationError, match=r"rbac.policy_file: .*absent.csv: cannot read"):
        await build_authorizer(_file_settings(path), None)


async def test_a_changed_file_is_reloaded_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "policy.csv"
    path.write_text("g, group:Ops, role:helpdesk\n")
    authorizer = await build_authorizer(_file_settings(path, interval_s=0.05), None)
    ops = caller("o", groups=["Ops"])
    try:
        assert (await authorizer.permissions(ops, TOOLS)).revealable == frozenset()
        generation = authorizer.generation

        # What a ConfigMap update does: a new file swapped in under the same name.
        staged = tmp_path / "policy.csv.new"
        staged.write_text("g, group:Ops, role:technician\n")
        staged.replace(path)
        async with asyncio.timeout(10):
            while authorizer.generation == generation:
                await asyncio.sleep(0.02)

        assert (await authorizer.permissions(ops, TOOLS)).revealable is None
    finally:
        await authorizer.aclose()


async def test_a_bad_change_keeps_the_policy_in_force(tmp_path: Path) -> None:
    path = tmp_path / "policy.csv"
    path.write_text("g, group:Ops, role:technician\n")
    authorizer = await build_authorizer(_file_settings(path), None)
    ops = caller("o", groups=["Ops"])
    try:
        path.write_text("g, group:Ops, role:technician\np, role:x, *, *, fly\n")
        with pytest.raises(ConfigurationError, match="line 2: action 'fly'"):
            await authorizer.reload()
        assert (await authorizer.permissions(ops, TOOLS)).revealable is None

        # A binding to a role nobody defines is refused the same way.
        path.write_text("g, group:Ops, role:technican\n")
        with pytest.raises(
            ConfigurationError, match=r"rbac.policy_file: .* group:Ops is bound to technican"
        ):
            await authorizer.reload()
        assert (await authorizer.permissions(ops, TOOLS)).revealable is None
    finally:
        await authorizer.aclose()


async def test_the_watcher_skips_a_bad_file_until_it_is_fixed(tmp_path: Path) -> None:
    path = tmp_path / "policy.csv"
    path.write_text("g, group:Ops, role:helpdesk\n")
    authorizer = await build_authorizer(_file_settings(path), None)
    watcher = FileWatcher(authorizer, FilePolicy(path), interval_s=3600)
    ops = caller("o", groups=["Ops"])
    try:
        assert not await watcher.check()  # unchanged

        path.write_text("g, group:Ops, role:technician\np, role:x, 0, *, read\n")
        assert not await watcher.check()
        assert authorizer.last_error == (
            f"rbac.policy_file: {path} line 2: domain '0' must be an organization id or *"
        )
        assert (await authorizer.permissions(ops, TOOLS)).revealable == frozenset()

        path.write_text("g, group:Ops, role:technician\n")
        assert await watcher.check()
        assert authorizer.last_error is None
        assert (await authorizer.permissions(ops, TOOLS)).revealable is None
    finally:
        await authorizer.aclose()
