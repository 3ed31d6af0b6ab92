"""Settings of role-based access control (Casbin): where policies come from, group bindings.

Nested into :class:`itglue_mcp.config.Settings` as ``rbac`` (``ITGLUE_MCP_RBAC__…``).

Bindings map an identity-provider name to roles. A key is an IdP group or role name as the
token carries it (``"MSP Technicians"``), or a name with an explicit kind: ``group:<name>``,
``role:<name>`` (an IdP role), ``user:<token sub>``. A bare key binds both the group and the
IdP role of that name. Each value is a list of roles, each ``<role>`` (every organization),
``<role>@*`` (the same) or ``<role>@<organization id>`` (that IT Glue organization only).
``client-readonly`` must name its organization.

Example::

    ITGLUE_MCP_RBAC__BINDINGS='{"MSP Technicians": ["technician"],
                                "user:7f3c…": ["client-readonly@42"]}'
    ITGLUE_MCP_RBAC__POLICY_SOURCE=file
    ITGLUE_MCP_RBAC__POLICY_FILE=/etc/itglue-mcp/policy.csv
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, field_validator, model_validator

__all__ = [
    "DOMAIN_SCOPED_ROLES",
    "SUBJECT_KINDS",
    "WILDCARD",
    "PolicySource",
    "RbacSettings",
    "RoleBinding",
    "binding_subjects",
    "parse_role_binding",
]

WILDCARD = "*"
"""The domain (every organization) and object (everything but the audit log) wildcard."""

SUBJECT_KINDS = ("user", "group", "role")
"""Prefixes of Casbin subjects: ``user:<sub>``, ``group:<IdP group>``, ``role:<role>``."""

DOMAIN_SCOPED_ROLES = frozenset({"client-readonly"})
"""Built-in roles that may only be held in one organization (never with domain ``*``)."""

_ROLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class PolicySource(StrEnum):
    """Where policy lines beyond the built-in roles come from."""

    BUILTIN = "builtin"
    FILE = "file"
    DATABASE = "database"


@dataclass(frozen=True, slots=True)
class RoleBinding:
    """One role held by a subject: ``role`` in organization ``domain`` (``"*"`` = every one)."""

    role: str
    domain: str

    def __str__(self) -> str:
        return self.role if self.domain == WILDCARD else f"{self.role}@{self.domain}"


def parse_role_binding(text: str) -> RoleBinding:
    """Parse ``<role>``, ``<role>@*`` or ``<role>@<organization id>``.

    Args:
        text: the binding as written in settings or in an IdP role claim.

    Returns:
        The role name and the domain (an organization id as decimal text, or ``"*"``).

    Raises:
        ValueError: the role name is empty or has characters other than letters, digits,
            ``.``, ``_``, ``-``; the organization is not a positive integer or ``*``; or a
            domain-scoped role (``client-readonly``) is bound to every organization.
    """
    role, _, domain = text.strip().partition("@")
    role = role.strip()
    domain = domain.strip() or WILDCARD
    if not _ROLE_NAME.match(role):
        raise ValueError(f"{text!r}: a role name is letters, digits, '.', '_' or '-'")
    if domain != WILDCARD and not (domain.isdigit() and int(domain) > 0):
        raise ValueError(f"{text!r}: the organization after '@' must be an id (42) or '*'")
    if domain != WILDCARD:
        domain = str(int(domain))
    if domain == WILDCARD and role in DOMAIN_SCOPED_ROLES:
        raise ValueError(f"{text!r}: {role} is held in one organization; write {role}@<id>")
    return RoleBinding(role=role, domain=domain)


def binding_subjects(key: str) -> list[str]:
    """The Casbin subjects a bindings key names.

    ``group:x``, ``role:x`` and ``user:x`` name that subject; a bare ``x`` names both
    ``group:x`` and ``role:x`` (an IdP group or role of that name).

    Raises:
        ValueError: the key is empty, or has an empty name after its kind.
    """
    kind, colon, name = key.partition(":")
    if colon and kind in SUBJECT_KINDS:
        if not name.strip():
            raise ValueError(f"{key!r}: empty name after {kind}:")
        return [f"{kind}:{name.strip()}"]
    if not key.strip():
        raise ValueError("an empty key binds nobody")
    return [f"group:{key.strip()}", f"role:{key.strip()}"]


class RbacSettings(BaseModel):
    """Role-based access control of MCP callers (Casbin, RBAC with domains)."""

    policy_source: Annotated[
        PolicySource,
        Field(
            description=(
                "Where policy lines beyond the built-in roles come from: builtin (none), file "
                "(policy_file, reloaded when it changes) or database (table casbin_rule)."
            )
        ),
    ] = PolicySource.BUILTIN
    policy_file: Annotated[
        Path | None,
        Field(
            description=(
                "CSV policy file (p and g lines, e.g. a mounted ConfigMap) added to the "
                "built-in roles; required when policy_source is file."
            )
        ),
    ] = None
    file_poll_interval_s: Annotated[
        float,
        Field(
            gt=0,
            description="Seconds between checks of policy_file for a change (content digest).",
        ),
    ] = 5.0
    reload_interval_s: Annotated[
        float | None,
        Field(
            gt=0,
            description=(
                "Reload the policy every this many seconds whatever the source; unset = only "
                "on a file change or a Redis message (a safety net without redis_url)."
            ),
        ),
    ] = None
    bindings: Annotated[
        dict[str, list[str]],
        Field(
            description=(
                "IdP group/role name (or group:…, role:…, user:<sub>) → roles, each role, "
                "role@* or role@<organization id>."
            )
        ),
    ] = {}
    reload_channel: Annotated[
        str,
        Field(
            min_length=1,
            description="Redis pub/sub channel on which a policy change makes replicas reload.",
        ),
    ] = "itglue-mcp:rbac:reload"

    @field_validator("bindings")
    @classmethod
    def _check_bindings(cls, bindings: dict[str, list[str]]) -> dict[str, list[str]]:
        for key, roles in bindings.items():
            try:
                binding_subjects(key)
                for role in roles:
                    parse_role_binding(role)
            except ValueError as error:
                raise ValueError(f"rbac.bindings: {key!r}: {error}") from None
        return bindings

    @model_validator(mode="after")
    def _check_source(self) -> RbacSettings:
        if self.policy_source is PolicySource.FILE and self.policy_file is None:
            raise ValueError("rbac.policy_file: required when rbac.policy_source is file")
        return self

    def role_bindings(self) -> list[tuple[str, RoleBinding]]:
        """Every (subject, role binding) the ``bindings`` setting makes, in setting order."""
        return [
            (subject, parse_role_binding(role))
            for key, roles in self.bindings.items()
            for subject in binding_subjects(key)
            for role in roles
        ]
