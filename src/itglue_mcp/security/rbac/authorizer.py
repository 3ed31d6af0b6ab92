"""The policy decision point: a Casbin enforcer answering "what may this caller do?".

:class:`Authorizer` wraps a Casbin ``AsyncEnforcer`` over :file:`model.conf` and turns its
decisions into a :class:`~itglue_mcp.security.rbac.Permissions` per caller. A caller is checked
as each of its identities — ``user:<sub>``, ``group:<g>`` for each IdP group, ``role:<r>`` for
each IdP role (so an IdP role named like a built-in role applies directly; ``<role>@<id>``
holds it in that organization only) — and may do what any one of them may. A deny line thus
limits the roles reached from the identity that holds it, not the caller's other identities.

Permissions are computed on the event loop without awaiting (a reload swaps the policy between
two computations, never during one) and cached per caller and tool list until the next reload.

Example::

    authorizer = await build_authorizer(settings, sessions)
    permissions = await authorizer.permissions(caller, tool_names)
    await authorizer.aclose()
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

import casbin
import structlog

from itglue_mcp.config.rbac import DOMAIN_SCOPED_ROLES, WILDCARD, parse_role_binding
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.rbac.permissions import Action, Permissions
from itglue_mcp.security.rbac.sources import CompositeAdapter, PolicySourceReader, load_model
from itglue_mcp.store.record_types import RecordType

if TYPE_CHECKING:
    from itglue_mcp.config.rbac import RbacSettings
    from itglue_mcp.security.identity import Caller

__all__ = ["AUDIT_OBJECT", "REVEAL_OBJECT", "Authorizer", "Identity", "caller_identities"]

_log = structlog.get_logger(__name__)

AUDIT_OBJECT = "audit"
"""The object of the audit log; the wildcard object ``*`` never covers it."""

REVEAL_OBJECT = RecordType.PASSWORDS.value
"""The object a ``reveal`` is checked on: passwords, password traits and OTP seeds alike."""

_CACHE_SIZE = 1024

Identity = tuple[str, str | None]
"""A Casbin subject and the one organization it is limited to (``None`` = none)."""


def _domain_matches(request_domain: str, pattern: str) -> bool:
    """A g line of domain ``*`` holds in every organization (Casbin domain-matching function)."""
    return pattern == WILDCARD


def caller_identities(caller: Caller) -> list[Identity]:
    """The Casbin subjects a caller is checked as.

    - ``user:<subject>``;
    - ``group:<name>`` for each IdP group;
    - for each IdP role: ``role:<role>`` limited to organization ``<id>`` when written
      ``<role>@<id>``; a domain-scoped role (``client-readonly``) without an organization is
      ignored (it would otherwise read every organization); any other name is taken as is.

    Returns:
        Identities sorted, without duplicates (stable for cache keys).
    """
    identities: set[Identity] = {(f"user:{caller.subject}", None)}
    identities.update((f"group:{group}", None) for group in caller.groups)
    for role in caller.roles:
        try:
            binding = parse_role_binding(role)
        except ValueError:
            if role.partition("@")[0].strip() in DOMAIN_SCOPED_ROLES:
                _log.warning("rbac.role_claim_ignored", role=role, subject=caller.subject)
                continue
            identities.add((f"role:{role}", None))
            continue
        domain = None if binding.domain == WILDCARD else binding.domain
        identities.add((f"role:{binding.role}", domain))
    return sorted(identities, key=lambda identity: (identity[0], identity[1] or ""))


class Authorizer:
    """Casbin enforcer + the reasoning that turns its answers into :class:`Permissions`.

    Build it with :func:`itglue_mcp.security.rbac.build_authorizer`, which loads the policy
    and starts the reload watchers; close it with :meth:`aclose`.

    Attributes:
        enforcer: the Casbin ``AsyncEnforcer`` (model :file:`model.conf`).
        generation: incremented by every successful reload.
        attempts: incremented by every reload, successful or not.
        last_error: the message of the last failed reload; ``None`` after a success (for
            health reporting: the policy in force is then older than its source).
    """

    def __init__(self, settings: RbacSettings, source: PolicySourceReader | None) -> None:
        self.settings = settings
        self.source = source
        self.enforcer = casbin.AsyncEnforcer(load_model(), CompositeAdapter(settings, source))
        self.enforcer.add_named_domain_matching_func("g", _domain_matches)
        self.generation = 0
        self.attempts = 0
        self.last_error: str | None = None
        self._cache: OrderedDict[tuple[object, ...], Permissions] = OrderedDict()
        self._closers: list[_Closer] = []
        self._reloading = asyncio.Lock()

    # -- loading ---------------------------------------------------------------------------

    async def reload(self) -> None:
        """Read every policy source again and swap the policy in.

        On any error the policy in force stays as it was.

        Raises:
            ConfigurationError: a source has a bad line (the message names the setting and
                the line), or a binding names a role no policy line defines.
        """
        async with self._reloading:
            try:
                await self._reload()
            except ConfigurationError as error:
                self.last_error = str(error)
                raise
            else:
                self.last_error = None
            finally:
                self.attempts += 1

    async def _reload(self) -> None:
        # Casbin loads into a copy of the model and swaps it in only when loading succeeded.
        try:
            await self.enforcer.load_policy()
        except ConfigurationError:
            raise
        except Exception as error:  # the database, the file system: keep the old policy
            origin = self.source.origin if self.source is not None else "rbac"
            raise ConfigurationError(
                f"{origin}: cannot load policy ({type(error).__name__})"
            ) from error
        self.generation += 1
        self._cache.clear()
        _log.info(
            "rbac.policy_loaded",
            generation=self.generation,
            rules=len(self.enforcer.get_policy()),
            bindings=len(self.enforcer.get_grouping_policy()),
        )

    # -- decisions -------------------------------------------------------------------------

    def _allowed(self, identities: list[Identity], domain: str, obj: str, action: str) -> bool:
        for subject, only in identities:
            if only is not None and only != domain:
                continue
            if self.enforcer.enforce(subject, domain, obj, action):
                return True
        return False

    async def allowed(
        self, caller: Caller, organization_id: int | None, obj: str, action: Action | str
    ) -> bool:
        """One decision: may ``caller`` do ``action`` on ``obj`` in an organization?

        Args:
            caller: who asks.
            organization_id: the IT Glue organization; ``None`` asks about every
                organization at once (true only for grants with domain ``*``).
            obj: a tool name, a record type (``"passwords"``) or ``"audit"``.
            action: ``read``, ``reveal``, ``sync`` or ``admin``.
        """
        domain = WILDCARD if organization_id is None else str(organization_id)
        return self._allowed(caller_identities(caller), domain, obj, str(action))

    def _candidate_domains(self, identities: list[Identity]) -> list[str]:
        """Organizations named in a line reachable from ``identities`` (others act like ``*``)."""
        grouping = self.enforcer.get_grouping_policy()
        reachable = {subject for subject, _ in identities}
        frontier = set(reachable)
        while frontier:
            frontier = {role for member, role, _ in grouping if member in frontier} - reachable
            reachable |= frontier
        domains = {only for _, only in identities if only is not None}
        domains.update(domain for member, _, domain in grouping if member in reachable)
        domains.update(line[1] for line in self.enforcer.get_policy() if line[0] in reachable)
        domains.discard(WILDCARD)
        return sorted(domains, key=int)

    async def permissions(self, caller: Caller, tools: Iterable[str]) -> Permissions:
        """What ``caller`` may do, for the tools the server offers.

        - ``readable``: organizations where some object may be read (``None`` when reading
          is granted with domain ``*``);
        - ``revealable``: organizations where ``reveal`` on ``passwords`` is granted;
        - ``tools``: tools on which ``read`` is granted in every readable organization;
        - ``hidden_record_types``: record types not readable in some readable organization.

        Tools and record types are decided for the caller as a whole, since a tool's answer
        spans organizations: one organization where the policy denies them hides them
        everywhere (fail closed), and a grant in one organization only does not show them.

        Args:
            caller: from the access token (:mod:`itglue_mcp.security.identity`).
            tools: names of every tool the server has.

        Returns:
            A snapshot of the policy in force; cached until the next reload.
        """
        tool_names = frozenset(tools)
        identities = caller_identities(caller)
        key = (tuple(identities), tool_names, self.generation)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached if cached.caller == caller else _with_caller(cached, caller)
        permissions = self._compute(caller, identities, tool_names)
        self._cache[key] = permissions
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return permissions

    def _compute(
        self, caller: Caller, identities: list[Identity], tools: frozenset[str]
    ) -> Permissions:
        domains = [*self._candidate_domains(identities), WILDCARD]
        record_types = [record_type.value for record_type in RecordType]
        objects = [WILDCARD, *sorted(tools), *record_types]
        read, reveal = Action.READ.value, Action.REVEAL.value

        def domains_where(obj_list: list[str], action: str) -> list[str]:
            return [
                domain
                for domain in domains
                if any(self._allowed(identities, domain, obj, action) for obj in obj_list)
            ]

        def organizations(allowed: list[str]) -> frozenset[int] | None:
            if WILDCARD in allowed:
                return None
            return frozenset(int(domain) for domain in allowed)

        # Tools and record types hold for the caller as a whole: permitted only where they
        # are permitted in every organization the caller reads (fail closed).
        reading = domains_where(objects, read)

        def everywhere(obj: str) -> bool:
            return bool(reading) and all(
                self._allowed(identities, domain, obj, read) for domain in reading
            )

        return Permissions(
            caller=caller,
            readable=organizations(reading),
            revealable=organizations(domains_where([REVEAL_OBJECT], reveal)),
            tools=frozenset(tool for tool in tools if everywhere(tool)),
            hidden_record_types=frozenset(rt for rt in record_types if not everywhere(rt)),
        )

    # -- lifecycle -------------------------------------------------------------------------

    def on_close(self, closer: _Closer) -> None:
        """Register a watcher to stop in :meth:`aclose` (used by the reload watchers)."""
        self._closers.append(closer)

    async def aclose(self) -> None:
        """Stop the reload watchers (file, Redis); the policy in force stays usable."""
        closers, self._closers = self._closers, []
        for closer in reversed(closers):
            await closer.aclose()

    async def __aenter__(self) -> Authorizer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class _Closer(Protocol):
    """Anything with ``async aclose()`` (a reload watcher)."""

    async def aclose(self) -> None:
        """Stop; called once."""
        ...


def _with_caller(permissions: Permissions, caller: Caller) -> Permissions:
    return Permissions(
        caller=caller,
        readable=permissions.readable,
        revealable=permissions.revealable,
        tools=permissions.tools,
        hidden_record_types=permissions.hidden_record_types,
    )
