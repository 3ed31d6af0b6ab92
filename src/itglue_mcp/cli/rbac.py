"""``itglue-mcp rbac …``: check, change, list, explain and reload the access-control policy.

The operator's way to manage the Casbin policy (:mod:`itglue_mcp.security.rbac`) without SQL
or ``redis-cli``:

- ``check FILE`` validates a policy file the way the server loads it, one line per problem;
- ``grant`` / ``revoke`` add or remove one ``p`` or ``g`` line of the database policy
  (``rbac.policy_source=database``), refused when the policy would then not load, and tell
  every replica to reload over ``rbac.reload_channel`` when ``redis_url`` is set;
- ``list`` prints the lines in force (built-in roles, ``rbac.bindings``, the source);
- ``explain`` shows what a caller with given identities may do, computed by the server's own
  :meth:`~itglue_mcp.security.rbac.Authorizer.permissions` over the server's tool list;
- ``reload`` tells every replica to read its policy again.

``redis_url`` may hold a password: it is never printed.

Example::

    itglue-mcp rbac check policy.csv
    itglue-mcp rbac grant g group:Client-Acme role:client-readonly 4231
    itglue-mcp rbac explain --subject user:alice --group Client-Acme
    itglue-mcp rbac revoke g group:Client-Acme role:client-readonly 4231
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from itglue_mcp.cli.wiring import fail_cleanly, load_settings, open_store
from itglue_mcp.config import Settings
from itglue_mcp.config.rbac import PolicySource, RbacSettings
from itglue_mcp.errors import ConfigurationError, ItglueMcpError
from itglue_mcp.observability import configure_logging

if TYPE_CHECKING:
    from itglue_mcp.security.rbac import Authorizer, DatabasePolicy, Permissions, PolicyLine
    from itglue_mcp.security.rbac.sources import PolicySourceReader

__all__ = [
    "app",
    "check",
    "check_policy_text",
    "explain",
    "grant",
    "line_from_arguments",
    "list_policy",
    "reload",
    "revoke",
]

app = typer.Typer(
    help="Check, change, list and explain the access-control policy (Casbin RBAC).",
    no_args_is_help=True,
)

_LINE_HELP = (
    "The policy line: its fields as separate arguments (g group:Ops role:helpdesk 42), or the "
    "whole line as one argument ('p, role:x, *, documents, read, deny')."
)


def check_policy_text(text: str, *, origin: str, settings: RbacSettings) -> list[str]:
    """Every problem of a policy file, one message per problem, in line order.

    The rules are the server's (:func:`~itglue_mcp.security.rbac.check_line` on each line,
    read as CSV with ``#`` comments); a ``g`` line binding a role that no line defines — among
    the built-in roles, ``rbac.bindings`` and the file — is a problem of that line, as
    :class:`~itglue_mcp.security.rbac.sources.CompositeAdapter` refuses it when loading.

    Args:
        text: the file's content.
        origin: how to name the file in messages (its path).
        settings: the ``rbac`` settings, whose bindings load alongside the file.

    Returns:
        ``"<origin> line <n>: <what is wrong>"`` per problem; empty when every line is valid.
    """
    from itglue_mcp.security.rbac.sources import (
        binding_lines,
        builtin_lines,
        check_line,
        policy_rows,
        undefined_role_problem,
    )

    problems: list[tuple[int, str]] = []
    checked: list[tuple[int, PolicyLine]] = []
    for number, fields in policy_rows(text):
        try:
            checked.append((number, check_line(fields)))
        except ValueError as error:
            problems.append((number, f"{origin} line {number}: {error}"))
    lines = [*builtin_lines(), *binding_lines(settings), *(line for _, line in checked)]
    for number, line in checked:
        problem = undefined_role_problem(line, lines)
        if problem is not None:
            problems.append((number, f"{origin} line {number}: {problem}"))
    return [message for _, message in sorted(problems, key=lambda problem: problem[0])]


def line_from_arguments(arguments: list[str]) -> PolicyLine:
    """One checked policy line from the command line.

    Args:
        arguments: the fields (``["g", "group:Ops", "role:helpdesk", "42"]``), or one
            argument holding the whole CSV line (``["g, group:Ops, role:helpdesk, 42"]``).

    Raises:
        typer.BadParameter: the line is malformed (the server's rules, see ``check``).
    """
    from itglue_mcp.security.rbac import check_line

    if len(arguments) == 1:
        fields = next(csv.reader([arguments[0]], skipinitialspace=True), [])
    else:
        fields = arguments
    fields = [field.strip() for field in fields]
    try:
        if not fields:
            raise ValueError("empty line")
        return check_line(fields)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="LINE") from None


class _Lines:
    """A policy source holding given lines: the database policy as a change would leave it."""

    def __init__(self, lines: list[PolicyLine], origin: str) -> None:
        self.lines = lines
        self.origin = origin

    async def read(self) -> list[PolicyLine]:
        return self.lines


async def _loaded(rbac: RbacSettings, source: PolicySourceReader | None) -> Authorizer:
    """An authorizer with the policy loaded as a replica loads it, without reload watchers."""
    from itglue_mcp.security.rbac import Authorizer

    authorizer = Authorizer(rbac, source)
    await authorizer.reload()
    return authorizer


@asynccontextmanager
async def _source(settings: Settings) -> AsyncIterator[PolicySourceReader | None]:
    """The configured policy source (the database one opens the store until exit)."""
    from itglue_mcp.security.rbac.sources import DatabasePolicy, FilePolicy

    rbac = settings.rbac
    if rbac.policy_source is PolicySource.DATABASE:
        async with open_store(settings) as store:
            yield DatabasePolicy(store.engine)
    elif rbac.policy_source is PolicySource.FILE and rbac.policy_file is not None:
        yield FilePolicy(rbac.policy_file)
    else:
        yield None


async def _announce(settings: Settings, reason: str) -> str:
    """Publish a policy change on ``rbac.reload_channel``; what happened, in words."""
    from itglue_mcp.security.rbac import publish_policy_change

    channel = settings.rbac.reload_channel
    if settings.redis_url is None:
        return (
            "redis_url is unset: no replica was told; each loads the change at its next "
            "reload (rbac.reload_interval_s) or restart"
        )
    receivers = await publish_policy_change(
        settings.redis_url.get_secret_value(), channel, reason=reason
    )
    return f"replicas told to reload on {channel!r}: {receivers} listening"


def _database_only(settings: Settings, command: str) -> None:
    if settings.rbac.policy_source is not PolicySource.DATABASE:
        raise ConfigurationError(
            f"rbac.policy_source: is {settings.rbac.policy_source.value}; rbac {command} changes "
            "the database policy only (set ITGLUE_MCP_RBAC__POLICY_SOURCE=database, or edit "
            "the policy file)"
        )


async def _change(settings: Settings, line: PolicyLine, *, grant: bool) -> list[str]:
    from itglue_mcp.security.rbac import DatabasePolicy

    verb = "grant" if grant else "revoke"
    async with open_store(settings) as store:
        policy = DatabasePolicy(store.engine)
        current = await policy.read()
        if grant and line in current:
            return [f"already in the database policy: {line}"]
        if not grant and line not in current:
            raise ItglueMcpError(f"not in the database policy, nothing revoked: {line}")
        after = [*current, line] if grant else [other for other in current if other != line]
        # Refuse a change that would leave a policy the replicas cannot load.
        await _loaded(settings.rbac, _Lines(after, f"{policy.origin} after rbac {verb}"))
        if grant:
            await policy.add(line)
        else:
            await _remove(policy, line, current)
    outcome = f"{'granted' if grant else 'revoked'}: {line}"
    try:
        return [outcome, await _announce(settings, f"rbac {verb}")]
    except ConfigurationError as error:
        raise ConfigurationError(
            f"{outcome}, but {error}; run `itglue-mcp rbac reload` once Redis answers"
        ) from None


async def _remove(policy: DatabasePolicy, line: PolicyLine, current: list[PolicyLine]) -> None:
    """Delete ``line``'s rows, also those written by hand with its default left empty.

    A row may leave a p line's effect (``allow``) or a g line's domain (``*``) empty; such a
    row is matched on the fields before the default, unless another line shares them.
    """
    from itglue_mcp.security.rbac import PolicyLine

    if await policy.remove(line):
        return
    cut = 4 if line.ptype == "p" else 2
    if not any(o.fields[:cut] == line.fields[:cut] for o in current if o != line):
        await policy.remove(PolicyLine(line.ptype, line.fields[:cut]))
        return
    raise ItglueMcpError(
        f"the row of {line} leaves its default empty and another line shares its other "
        "fields: delete it in table casbin_rule"
    )


def _matches(line: PolicyLine, subject: str | None) -> bool:
    if subject is None:
        return True
    return line.fields[0] == subject or (line.ptype == "g" and line.fields[1] == subject)


async def _policy_sections(settings: Settings) -> list[tuple[str, list[PolicyLine]]]:
    from itglue_mcp.security.rbac.sources import binding_lines, builtin_lines

    async with _source(settings) as source:
        await _loaded(settings.rbac, source)  # refused as a replica would refuse it
        sections = [
            ("built-in roles", builtin_lines()),
            ("rbac.bindings", binding_lines(settings.rbac)),
        ]
        if source is not None:
            sections.append((source.origin, await source.read()))
    return sections


async def _tool_names() -> list[str]:
    from itglue_mcp.docs.tools_page import list_tools

    return [tool.name for tool in await list_tools()]


async def _explain(
    settings: Settings, *, subject: str, groups: list[str], roles: list[str]
) -> list[str]:
    from itglue_mcp.security.identity import Caller
    from itglue_mcp.security.rbac import caller_identities

    caller = Caller(
        subject=subject,
        client_id=None,
        groups=frozenset(groups),
        roles=frozenset(roles),
        tenant=None,
        scopes=frozenset(),
    )
    tools = await _tool_names()
    async with _source(settings) as source:
        authorizer = await _loaded(settings.rbac, source)
    permissions = await authorizer.permissions(caller, tools)
    identities = [
        name if only is None else f"{name} (organization {only} only)"
        for name, only in caller_identities(caller)
        if name != "user:"
    ]
    return [f"identities: {', '.join(identities)}", *_describe(permissions, tools)]


def _organizations(ids: frozenset[int] | None) -> str:
    if ids is None:
        return "every organization"
    return ", ".join(str(i) for i in sorted(ids)) or "none"


def _describe(permissions: Permissions, tools: Iterable[str]) -> list[str]:
    every = sorted(tools)
    callable_tools = [tool for tool in every if permissions.may_call(tool)]
    refused = [tool for tool in every if tool not in callable_tools]
    return [
        f"readable organizations: {_organizations(permissions.readable)}",
        f"revealable organizations: {_organizations(permissions.revealable)}",
        f"tools ({len(callable_tools)} of {len(every)}): {', '.join(callable_tools) or 'none'}",
        f"tools refused: {', '.join(refused) or 'none'}",
        f"hidden record types: {', '.join(sorted(permissions.hidden_record_types)) or 'none'}",
    ]


def _settings() -> Settings:
    """The settings; logs at warning level and above only, on stderr (the output is the
    command's answer, e.g. ``rbac list`` piped into a file)."""
    settings = load_settings()
    configure_logging("WARNING")
    return settings


def _print(lines: Iterable[str]) -> None:
    console = Console(highlight=False, soft_wrap=True)
    for line in lines:
        console.print(line, markup=False)


@app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="The policy file (CSV of p and g lines).")],
) -> None:
    """Validate a policy file as the server loads it (with rbac.bindings); exit 1 on problems."""
    settings = _settings()
    with fail_cleanly():
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"{file}: cannot read ({type(error).__name__})") from None
        problems = check_policy_text(text, origin=str(file), settings=settings.rbac)
        if not problems:
            from itglue_mcp.security.rbac.sources import FilePolicy

            try:
                asyncio.run(_loaded(settings.rbac, FilePolicy(file)))
            except ConfigurationError as error:
                problems = [str(error)]
    if problems:
        Console(stderr=True, soft_wrap=True).print(
            "\n".join(problems), highlight=False, markup=False
        )
        raise typer.Exit(1)
    from itglue_mcp.security.rbac import parse_policy_text

    count = len(parse_policy_text(text, origin=str(file)))
    _print([f"{file}: valid, {count} policy lines load as the server loads them"])


@app.command("grant")
def grant(line: Annotated[list[str], typer.Argument(help=_LINE_HELP, metavar="LINE")]) -> None:
    """Add one p or g line to the database policy and tell the replicas to reload."""
    checked = line_from_arguments(line)
    settings = _settings()
    with fail_cleanly():
        _database_only(settings, "grant")
        _print(asyncio.run(_change(settings, checked, grant=True)))


@app.command("revoke")
def revoke(line: Annotated[list[str], typer.Argument(help=_LINE_HELP, metavar="LINE")]) -> None:
    """Remove one p or g line from the database policy and tell the replicas to reload."""
    checked = line_from_arguments(line)
    settings = _settings()
    with fail_cleanly():
        _database_only(settings, "revoke")
        _print(asyncio.run(_change(settings, checked, grant=False)))


@app.command("list")
def list_policy(
    subject: Annotated[
        str | None,
        typer.Option(
            "--subject",
            help="Only lines about this subject (user:…, group:…, role:…): its own lines and "
            "the g lines binding to it.",
        ),
    ] = None,
) -> None:
    """Print the policy lines in force: built-in roles, rbac.bindings, the policy source."""
    settings = _settings()
    with fail_cleanly():
        sections = asyncio.run(_policy_sections(settings))
    out: list[str] = []
    for origin, lines in sections:
        shown = [str(line) for line in lines if _matches(line, subject)]
        if shown:
            out += [f"# {origin}", *shown]
    if not out and subject is not None:
        Console(stderr=True).print(f"no policy line names {subject}", highlight=False)
    _print(out)


@app.command("explain")
def explain(
    subject: Annotated[
        str | None,
        typer.Option("--subject", help="The token's subject, user:<sub> (or just <sub>)."),
    ] = None,
    group: Annotated[
        list[str] | None, typer.Option("--group", help="An IdP group (repeatable).")
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option("--role", help="An IdP role, role or role@<organization id> (repeatable)."),
    ] = None,
) -> None:
    """Show what a caller with these identities may do, as the server computes it."""
    # Without --subject the user identity is "user:" with an empty name, which no line names.
    sub = (subject or "").removeprefix("user:")
    groups = [name.removeprefix("group:") for name in group or []]
    roles = [name.removeprefix("role:") for name in role or []]
    settings = _settings()
    with fail_cleanly():
        _print(asyncio.run(_explain(settings, subject=sub, groups=groups, roles=roles)))


@app.command("reload")
def reload() -> None:
    """Tell every replica to read its policy again (publishes on rbac.reload_channel)."""
    settings = _settings()
    with fail_cleanly():
        if settings.redis_url is None:
            raise ConfigurationError("redis_url: required to tell the replicas to reload")
        _print([asyncio.run(_announce(settings, "rbac reload"))])
    if settings.rbac.policy_source is PolicySource.BUILTIN:
        Console(stderr=True).print(
            "note: rbac.policy_source is builtin: replicas have no policy source to reload",
            highlight=False,
        )
