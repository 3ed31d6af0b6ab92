"""What one caller may do, computed once from the policy: organizations, reveal, tools.

A :class:`Permissions` is the answer the enforcement layer works with during a call: which
IT Glue organizations the caller may read, where it may reveal secrets, which tools it may
call, and which record types it may not see at all. It is a snapshot of the Casbin policy at
the time it was computed (:meth:`itglue_mcp.security.rbac.Authorizer.permissions`); organization
sets are ``None`` when the policy grants the action in every organization (domain ``*``).

Example::

    permissions = await authorizer.permissions(caller, ["search", "get_password"])
    if not permissions.may_call("get_password"):
        raise AccessDenied("get_password: not permitted")
    scope = permissions.scope(requested_organization_ids)   # None = every organization
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from itglue_mcp.security.identity import Caller

__all__ = ["Action", "Permissions"]


class Action(StrEnum):
    """The action of a Casbin request (the ``act`` of ``sub, dom, obj, act``).

    - ``read``: see records (and call a tool, whose object is the tool name).
    - ``reveal``: fetch a secret value live from IT Glue (password, OTP seed).
    - ``sync``: start or inspect a synchronisation with IT Glue.
    - ``admin``: administer the server (policy, settings).
    """

    READ = "read"
    REVEAL = "reveal"
    SYNC = "sync"
    ADMIN = "admin"


def _sorted_ids(ids: frozenset[int] | None) -> list[int] | None:
    return None if ids is None else sorted(ids)


@dataclass(frozen=True, slots=True)
class Permissions:
    """The caller's permissions at one policy version.

    Attributes:
        caller: who the permissions are for.
        readable: IT Glue organization ids the caller may read; ``None`` = every organization.
        revealable: organization ids where the caller may reveal secrets; ``None`` = every one.
            Always a subset of what may be read in practice, but not forced to be: callers
            check :meth:`may_read` and :meth:`may_reveal` separately.
        tools: names of the MCP tools the caller may call (``read`` on the tool name in some
            organization).
        hidden_record_types: record types (JSON:API type, e.g. ``"passwords"``) the caller
            may read in no organization; results of those types are removed from every answer
            (search, dependencies…). Empty for every built-in role but ``client-readonly``.
    """

    caller: Caller
    readable: frozenset[int] | None
    revealable: frozenset[int] | None
    tools: frozenset[str]
    hidden_record_types: frozenset[str] = frozenset()

    def may_read(self, organization_id: int) -> bool:
        """Whether records of organization ``organization_id`` may be read."""
        return self.readable is None or organization_id in self.readable

    def may_reveal(self, organization_id: int) -> bool:
        """Whether secrets of organization ``organization_id`` may be revealed."""
        return self.revealable is None or organization_id in self.revealable

    def may_call(self, tool: str) -> bool:
        """Whether the MCP tool named ``tool`` may be called (and listed)."""
        return tool in self.tools

    def may_see(self, record_type: str) -> bool:
        """Whether records of ``record_type`` (JSON:API type) may appear in an answer."""
        return record_type not in self.hidden_record_types

    @property
    def everywhere(self) -> bool:
        """True when the caller may read every organization (no organization filter needed)."""
        return self.readable is None

    def scope(self, organization_ids: list[int] | None) -> list[int] | None:
        """Intersect a requested organization scope with what the caller may read.

        Args:
            organization_ids: the organizations a query asked for; ``None`` = every one.

        Returns:
            ``None`` when both are unrestricted; otherwise the permitted ids, sorted when they
            come from ``readable``, in the requested order when a request list is given. An
            empty list means "nothing": the query must return no rows, not every row.
        """
        if organization_ids is None:
            return None if self.readable is None else sorted(self.readable)
        if self.readable is None:
            return list(organization_ids)
        return [
            organization_id
            for organization_id in organization_ids
            if organization_id in self.readable
        ]

    def cache_key(self) -> str:
        """A stable digest of what the caller may see (not who the caller is).

        Two callers with the same readable/revealable organizations, tools and hidden record
        types get the same key, so a cached answer is shared exactly between callers who may
        see the same things. Hex SHA-256, 64 characters.
        """
        payload = json.dumps(
            {
                "readable": _sorted_ids(self.readable),
                "revealable": _sorted_ids(self.revealable),
                "tools": sorted(self.tools),
                "hidden": sorted(self.hidden_record_types),
            },
            separators=(",", ":"),
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    @classmethod
    def everything(cls, caller: Caller, tools: Iterable[str]) -> Permissions:
        """Every organization, every secret, every tool in ``tools`` (auth mode none, stdio)."""
        return cls(caller=caller, readable=None, revealable=None, tools=frozenset(tools))
