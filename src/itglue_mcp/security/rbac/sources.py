"""Where policy lines come from: the built-in roles, settings bindings, a file, the database.

Every source yields :class:`PolicyLine` values checked by :func:`check_line`, so a typo in a
mounted ConfigMap or a database row is refused with the place it came from, instead of
silently granting or denying. :class:`CompositeAdapter` is the Casbin adapter the enforcer
loads from: built-in lines, then the ``rbac.bindings`` setting, then the configured source.

Policy line syntax (CSV, ``#`` comments, blank lines ignored)::

    p, <subject>, <domain>, <object>, <action>[, allow|deny]
    g, <member subject>, role:<role>[, <domain>]

subject ``user:<sub>`` | ``group:<IdP group>`` | ``role:<role>``; domain an organization id or
``*``; object a tool name, a record type (JSON:API type, ``passwords``), ``audit``, or a
pattern with ``*`` (``get_*``; ``*`` alone is everything but ``audit``); action ``read``,
``reveal``, ``sync``, ``admin`` or ``*``; effect ``allow`` (default) or ``deny`` (wins over
allows). A g line without a domain holds the role in every organization; with one, only there.
Refused: a g line binding a role no line defines, ``client-readonly`` held everywhere, and a
deny of reading ``*`` in one organization (bind the role per organization instead).

Example::

    lines = parse_policy_text(path.read_text(), origin="rbac.policy_file: /etc/policy.csv")
    adapter = CompositeAdapter(settings.rbac, FilePolicy(path))
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import casbin
from casbin.persist.adapters.asyncio import AsyncAdapter
from casbin_async_sqlalchemy_adapter import (  # type: ignore[import-untyped]  # no py.typed
    Adapter as SqlAlchemyAdapter,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from itglue_mcp.config.rbac import (
    DOMAIN_SCOPED_ROLES,
    SUBJECT_KINDS,
    WILDCARD,
    RbacSettings,
)
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.security.rbac.permissions import Action

__all__ = [
    "BUILTIN_ROLES",
    "CompositeAdapter",
    "DatabasePolicy",
    "FilePolicy",
    "PolicyLine",
    "PolicySourceReader",
    "binding_lines",
    "builtin_lines",
    "check_line",
    "load_model",
    "parse_policy_text",
    "policy_rows",
    "undefined_role_problem",
]

_PACKAGE = "itglue_mcp.security.rbac"
_ACTIONS = frozenset({*(action.value for action in Action), WILDCARD})
_EFFECTS = frozenset({"allow", "deny"})

BUILTIN_ROLES = ("msp-admin", "technician", "helpdesk", "auditor", "client-readonly")
"""The roles :file:`builtin.csv` defines, in order of decreasing power."""


@dataclass(frozen=True, slots=True)
class PolicyLine:
    """One checked policy line: ``ptype`` ``"p"`` (6 fields) or ``"g"`` (3 fields)."""

    ptype: str
    fields: tuple[str, ...]

    def __str__(self) -> str:
        return ", ".join((self.ptype, *self.fields))


def load_model() -> casbin.Model:
    """The Casbin model of :file:`model.conf` (RBAC with domains, allow/deny)."""
    model = casbin.Model()
    model.load_model_from_text(resources.files(_PACKAGE).joinpath("model.conf").read_text())
    return model


def _is_domain(text: str) -> bool:
    return text == WILDCARD or (text.isdigit() and int(text) > 0)


def _check_subject(text: str, what: str) -> None:
    kind, colon, name = text.partition(":")
    if not colon or kind not in SUBJECT_KINDS or not name:
        raise ValueError(f"{what} {text!r} must be user:<sub>, group:<name> or role:<name>")


def check_line(fields: Sequence[str]) -> PolicyLine:
    """Check one policy line split into fields, and fill in its defaults.

    Args:
        fields: ``["p", sub, dom, obj, act]`` (+ optional effect) or ``["g", member, role]``
            (+ optional domain), whitespace already stripped.

    Returns:
        The line with every field present: a p line's effect defaults to ``allow``, a g
        line's domain to ``*``; organization ids are normalised (``"042"`` → ``"42"``).

    Raises:
        ValueError: an unknown line type, a wrong number of fields, a subject without its
            ``user:``/``group:``/``role:`` kind, a g line whose role is not ``role:…``, a domain
            that is neither an organization id nor ``*``, an unknown action or effect, or a
            domain-scoped role (``client-readonly``) held in every organization, or a deny
            of reading every object (``*``) in one organization (a role held everywhere
            cannot be kept out of one organization: bind it per organization instead).
    """
    ptype, *rest = fields
    if ptype == "p":
        if len(rest) not in (4, 5):
            raise ValueError("a p line is: p, subject, domain, object, action[, allow|deny]")
        subject, domain, obj, action, *effect = rest
        _check_subject(subject, "subject")
        if not _is_domain(domain):
            raise ValueError(f"domain {domain!r} must be an organization id or *")
        if not obj:
            raise ValueError("empty object")
        if action not in _ACTIONS:
            raise ValueError(f"action {action!r} must be one of {', '.join(sorted(_ACTIONS))}")
        eft = effect[0] if effect else "allow"
        if eft not in _EFFECTS:
            raise ValueError(f"effect {eft!r} must be allow or deny")
        dom = domain if domain == WILDCARD else str(int(domain))
        if eft == "deny" and dom != WILDCARD and obj == WILDCARD and action in ("read", "*"):
            # Permissions hold "every organization" as one value: it cannot leave one out.
            raise ValueError(
                "a deny of reading everything in one organization cannot be enforced; bind "
                "the role per organization (role@<id>) instead of denying one"
            )
        return PolicyLine("p", (subject, dom, obj, action, eft))
    if ptype == "g":
        if len(rest) not in (2, 3):
            raise ValueError("a g line is: g, member, role:<role>[, domain]")
        member, role, *domain_field = rest
        domain = domain_field[0] if domain_field else WILDCARD
        _check_subject(member, "member")
        if not role.startswith("role:") or len(role) == len("role:"):
            raise ValueError(f"role {role!r} must be role:<name>")
        if not _is_domain(domain):
            raise ValueError(f"domain {domain!r} must be an organization id or *")
        if domain == WILDCARD and role.removeprefix("role:") in DOMAIN_SCOPED_ROLES:
            raise ValueError(f"{role} is held in one organization: give its id as the domain")
        dom = domain if domain == WILDCARD else str(int(domain))
        return PolicyLine("g", (member, role, dom))
    raise ValueError(f"line type {ptype!r} must be p or g")


def parse_policy_text(text: str, *, origin: str) -> list[PolicyLine]:
    """Parse CSV policy text into checked lines.

    Args:
        text: policy lines, ``#`` comments and blank lines allowed.
        origin: where the text came from, starting with the setting that named it
            (``"rbac.policy_file: /etc/itglue-mcp/policy.csv"``); prefixes every error.

    Raises:
        ConfigurationError: ``<origin> line <n>: <what is wrong>`` for the first bad line.
    """
    lines: list[PolicyLine] = []
    for number, fields in policy_rows(text):
        try:
            lines.append(check_line(fields))
        except ValueError as error:
            raise ConfigurationError(f"{origin} line {number}: {error}") from None
    return lines


def policy_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """The policy rows of CSV ``text`` with their line numbers (1-based), fields stripped;
    blank lines and ``#`` comments skipped. Fields are not checked (see :func:`check_line`)."""
    rows = csv.reader(io.StringIO(text), skipinitialspace=True)
    for row in rows:
        fields = [field.strip() for field in row]
        if any(fields) and not fields[0].startswith("#"):
            yield rows.line_num, fields


def builtin_lines() -> list[PolicyLine]:
    """The built-in roles (:file:`builtin.csv` shipped in this package)."""
    text = resources.files(_PACKAGE).joinpath("builtin.csv").read_text()
    return parse_policy_text(text, origin="built-in policy")


def binding_lines(settings: RbacSettings) -> list[PolicyLine]:
    """g lines of the ``rbac.bindings`` setting (already validated by the settings model)."""
    return [
        PolicyLine("g", (subject, f"role:{binding.role}", binding.domain))
        for subject, binding in settings.role_bindings()
    ]


class PolicySourceReader(Protocol):
    """A source of policy lines beyond the built-ins (a file, the database)."""

    origin: str

    async def read(self) -> list[PolicyLine]:
        """The source's current lines, checked.

        Raises:
            ConfigurationError: a line is malformed, or the source cannot be read.
        """
        ...


class FilePolicy:
    """A CSV policy file, e.g. a Kubernetes ConfigMap mounted read-only.

    Attributes:
        path: the file.
        origin: ``"rbac.policy_file: <path>"``, the prefix of every error about it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.origin = f"rbac.policy_file: {path}"

    def digest(self) -> str | None:
        """SHA-256 of the file's content, or ``None`` when it cannot be read right now.

        Content rather than mtime: a ConfigMap update swaps a symlink, and copies keep mtimes.
        """
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            return None

    async def read(self) -> list[PolicyLine]:
        """Parse the file (small: read on the event loop)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigurationError(
                f"{self.origin}: cannot read ({error.strerror or type(error).__name__})"
            ) from None
        return parse_policy_text(text, origin=self.origin)


class DatabasePolicy:
    """Policy rows of table ``casbin_rule`` (migration 0003), through Casbin's SQLAlchemy adapter.

    Rows hold ``ptype`` and ``v0``…``v5`` as Casbin writes them; a p row may leave the effect
    (``v4``) empty for ``allow`` and a g row the domain (``v2``) for ``*``.

    Example::

        policy = DatabasePolicy(engine)
        await policy.add(check_line(["g", "group:Ops", "role:technician", "*"]))
        await publish_policy_change(redis_url, channel)   # replicas reload
    """

    origin = "rbac.policy_source: database (table casbin_rule)"

    def __init__(self, engine: AsyncEngine) -> None:
        self.adapter = SqlAlchemyAdapter(engine)

    async def read(self) -> list[PolicyLine]:
        """Every row, checked."""
        model = load_model()
        await self.adapter.load_policy(model)
        lines: list[PolicyLine] = []
        for sec in ("p", "g"):
            for rule in model.model[sec][sec].policy:
                try:
                    lines.append(check_line([sec, *rule]))
                except ValueError as error:
                    shown = ", ".join([sec, *rule])
                    raise ConfigurationError(f"{self.origin}: row {shown!r}: {error}") from None
        return lines

    async def add(self, line: PolicyLine) -> None:
        """Insert one checked line (nothing else reloads until a change is published)."""
        await self.adapter.add_policy(line.ptype, line.ptype, list(line.fields))

    async def remove(self, line: PolicyLine) -> bool:
        """Delete the rows equal to ``line``; whether any was deleted."""
        removed: bool = await self.adapter.remove_policy(line.ptype, line.ptype, list(line.fields))
        return removed


def undefined_role_problem(line: PolicyLine, defined: Iterable[PolicyLine]) -> str | None:
    """Why ``line`` cannot load when it is a g line binding a role nothing defines, else None.

    A role is defined by a p line (its own permissions) or by being the member of a g line
    (it inherits another role); ``defined`` is every line loaded together with ``line``
    (built-in, ``rbac.bindings`` and the source).
    """
    if line.ptype != "g":
        return None
    member, role, domain = line.fields
    if role in {other.fields[0] for other in defined}:
        return None
    where = "" if domain == WILDCARD else f"@{domain}"
    return (
        f"{member} is bound to {role.removeprefix('role:')}{where}, a role no policy line "
        f"defines (built-in roles: {', '.join(BUILTIN_ROLES)})"
    )


def _check_roles_defined(checked: list[tuple[PolicyLine, str]], defined: list[PolicyLine]) -> None:
    """Refuse a g line of ``checked`` (line, origin) binding a role that nothing defines."""
    every = [*defined, *(line for line, _ in checked)]
    for line, origin in checked:
        problem = undefined_role_problem(line, every)
        if problem is not None:
            raise ConfigurationError(f"{origin}: {problem}")


def _add_lines(model: Any, lines: Iterable[PolicyLine]) -> None:
    for line in lines:
        model.add_policy(line.ptype, line.ptype, list(line.fields))


class CompositeAdapter(AsyncAdapter):  # type: ignore[misc]  # casbin ships no type hints
    """Read-only Casbin adapter: built-in lines + ``rbac.bindings`` + one optional source.

    The settings bindings are fixed for the process; the source is read again on every
    :meth:`load_policy` (a reload). Saving through the enforcer is refused: policy is changed
    in its source (file, database) and then reloaded.
    """

    def __init__(self, settings: RbacSettings, source: PolicySourceReader | None) -> None:
        self.source = source
        self._builtin = builtin_lines()
        self._bindings = binding_lines(settings)

    async def load_policy(self, model: Any) -> None:
        """Fill ``model`` with every line (Casbin calls this on each load).

        Raises:
            ConfigurationError: a source line is malformed, or a g line (of ``rbac.bindings``
                or the source) binds a role that no p line defines and no g line extends.
        """
        extra = await self.source.read() if self.source is not None else []
        _check_roles_defined(
            [(line, "rbac.bindings") for line in self._bindings]
            + [(line, self.source.origin) for line in extra if self.source is not None],
            defined=[*self._builtin, *extra],
        )
        _add_lines(model, [*self._builtin, *self._bindings, *extra])

    async def save_policy(self, model: Any) -> bool:
        """Refused: the policy is edited in its source."""
        raise _read_only()

    async def add_policy(self, sec: str, ptype: str, rule: list[str]) -> bool:
        """Refused: the policy is edited in its source."""
        raise _read_only()

    async def remove_policy(self, sec: str, ptype: str, rule: list[str]) -> bool:
        """Refused: the policy is edited in its source."""
        raise _read_only()

    async def remove_filtered_policy(
        self, sec: str, ptype: str, field_index: int, *field_values: str
    ) -> bool:
        """Refused: the policy is edited in its source."""
        raise _read_only()


def _read_only() -> ConfigurationError:
    return ConfigurationError(
        "rbac.policy_source: the enforcer's policy is read-only; edit the source and reload"
    )
