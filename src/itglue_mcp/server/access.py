"""Access control on every MCP request: who the caller is, what it may list, call and read.

:class:`AccessMiddleware` runs inside the FastMCP server (installed by
:func:`itglue_mcp.server.app.build_server`), for HTTP and stdio alike:

- **who** — the :class:`~itglue_mcp.security.identity.Caller` of the verified access token
  (:func:`~itglue_mcp.security.identity.caller_from_token`); without a token (auth mode
  ``none``, stdio, an in-memory client) the local caller.
- **what** — its :class:`~itglue_mcp.security.rbac.Permissions`, computed per request from the
  policy by ``services.authorizer`` (``None``: every organization, secret and tool). Nothing
  is cached between requests, so a policy reload applies to the next request, and no result
  computed for one caller is ever served to another.
- ``tools/list`` shows only the tools :meth:`Permissions.may_call` allows.
- ``tools/call`` of a tool the server does not have is a JSON-RPC error ``-32602``
  (``Unknown tool: <name>``), as the MCP specification says, whatever the caller's roles.
- ``tools/call`` of any other tool is refused with a :class:`~fastmcp.exceptions.ToolError`
  naming the tool, and leaves a ``deny`` audit event (``services.audit``), as a refused
  resource read does (:meth:`AccessMiddleware.record_denial`).
- a permitted call runs with its permissions and its :class:`~itglue_mcp.catalog.ReadScope`
  in context variables, built once here: the readable organizations, the hidden record types
  and the organization the ``organization`` argument names, resolved against the cached
  organization directory (a reference that names none, or several, fails the call here with
  the resolver's message). Tools read them with :func:`current_permissions` and
  :func:`current_scope` and keep every result within the scope. Outside a call there are none,
  and both refuse (fail closed).

Example::

    mcp.add_middleware(AccessMiddleware(mcp, services, settings.auth))
    ...
    scope = current_scope()                    # inside a tool
    scope.organization, scope.organization_ids
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import mcp_types as mt
import structlog
from fastmcp import FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.server.dependencies import get_access_token
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.telemetry import suppress_fastmcp_telemetry
from fastmcp.tools.base import Tool, ToolResult
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from opentelemetry import trace

from itglue_mcp.catalog import ReadScope
from itglue_mcp.config.auth import AuthSettings
from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.observability.metrics import observe_rbac_denial, observe_tool_call, tool_label
from itglue_mcp.security.audit import AuditDecision, current_request_info
from itglue_mcp.security.errors import AccessDenied
from itglue_mcp.security.identity import Caller, caller_from_token
from itglue_mcp.security.rbac import Permissions
from itglue_mcp.server.arguments import acceptable_reference
from itglue_mcp.server.services import Services

__all__ = [
    "DENIED_REASON",
    "AccessMiddleware",
    "current_permissions",
    "current_scope",
    "denial_message",
    "permitted",
]

_log = structlog.get_logger(__name__)
_tracer = trace.get_tracer(__name__)

_PERMISSIONS: ContextVar[Permissions | None] = ContextVar("itglue_mcp_permissions", default=None)
_SCOPE: ContextVar[ReadScope | None] = ContextVar("itglue_mcp_read_scope", default=None)

# The argument naming the organization a scoped tool reads (resolved once, here).
_ORGANIZATION_ARGUMENT = "organization"

# Longest tool name echoed or recorded: the name of an unknown tool is the caller's text.
_MAX_TOOL_NAME = 128

DENIED_REASON = "no role of the caller grants read on this tool"
"""The audit reason of a refused ``tools/call`` (the policy decides; no argument recorded)."""


def current_permissions() -> Permissions:
    """The permissions of the tool call being served.

    Returns:
        What :class:`AccessMiddleware` computed for this call's caller.

    Raises:
        AccessDenied: outside a tool call the middleware admitted (no permissions known):
            access is refused rather than assumed.
    """
    permissions = _PERMISSIONS.get()
    if permissions is None:
        raise AccessDenied(
            "access: no caller permissions for this request; refusing (the access middleware "
            "did not run)"
        )
    return permissions


def current_scope() -> ReadScope:
    """The read scope of the tool call being served.

    Returns:
        What :class:`AccessMiddleware` built for this call.

    Raises:
        AccessDenied: outside a tool call the middleware admitted (fail closed).
    """
    scope = _SCOPE.get()
    if scope is None:
        raise AccessDenied(
            "access: no read scope for this request; refusing (the access middleware did not run)"
        )
    return scope


@contextmanager
def permitted(permissions: Permissions, scope: ReadScope | None = None) -> Iterator[Permissions]:
    """Run the block with ``permissions`` as :func:`current_permissions` and ``scope`` as
    :func:`current_scope` (both restored after).

    The middleware uses it around each admitted call; a caller outside MCP (a CLI command
    acting for the local user) may use it too.
    """
    token = _PERMISSIONS.set(permissions)
    scope_token = _SCOPE.set(scope)
    try:
        yield permissions
    finally:
        _SCOPE.reset(scope_token)
        _PERMISSIONS.reset(token)


def denial_message(tool: str) -> str:
    """The error text of a refused call: names the tool, nothing else (no organization)."""
    return (
        f"{tool}: not permitted — your roles do not allow this tool; ask your administrator "
        "for a role that grants it"
    )


class AccessMiddleware(Middleware):
    """Role-based access control of ``tools/list`` and ``tools/call`` (see the module).

    Args:
        server: the server whose tools are controlled (their names are what the policy is
            asked about).
        services: ``authorizer`` (``None``: everything permitted) and ``audit`` (``None``:
            denials are logged only).
        auth: the authentication settings, for mapping token claims to a caller.
    """

    def __init__(self, server: FastMCP, services: Services, auth: AuthSettings) -> None:
        self._server = server
        self._services = services
        self._auth = auth
        self._names: list[str] | None = None
        self._scoped: frozenset[str] = frozenset()

    def caller(self) -> Caller:
        """The caller of the request being served (local caller without a token)."""
        return caller_from_token(get_access_token(), self._auth)

    async def permissions(self, caller: Caller, tools: Iterable[str]) -> Permissions:
        """``caller``'s permissions over ``tools``, from the policy (or everything).

        Raises:
            ItglueMcpError: the policy could not be evaluated (the request then fails).
        """
        authorizer = self._services.authorizer
        if authorizer is None:
            return Permissions.everything(caller, tools)
        return await authorizer.permissions(caller, tools)

    async def _tool_names(self) -> list[str]:
        # The tools are all registered when the server is built and never change, so they
        # are listed once (~120 µs a listing), at the first call.
        if self._names is None:
            # An internal listing, not an MCP request: no span of fastmcp's (it would rename
            # the request's span "tools/list").
            with suppress_fastmcp_telemetry():
                tools = await self._server.list_tools(run_middleware=False)
            self._names = [tool.name for tool in tools]
            self._scoped = frozenset(
                tool.name
                for tool in tools
                if _ORGANIZATION_ARGUMENT in tool.parameters.get("properties", {})
            )
        return self._names

    async def read_scope(
        self, caller: Caller, permissions: Permissions, tool: str, arguments: object
    ) -> ReadScope:
        """The call's read scope; the ``organization`` argument of a scoped tool is resolved.

        An argument the tool's schema will refuse (not a string, blank, too long, a control
        character) is not resolved here: the schema's message names it.

        Raises:
            ItglueMcpError: the reference names no readable organization, or several; the
                store failed.
        """
        reference = None
        if tool in self._scoped and isinstance(arguments, dict):
            value = arguments.get(_ORGANIZATION_ARGUMENT)
            if acceptable_reference(value):
                reference = value
        return await self._services.catalog.scope(
            subject=caller.subject,
            readable=permissions.readable,
            hidden_record_types=permissions.hidden_record_types,
            organization=reference,
        )

    async def on_list_tools(
        self,
        context: MiddlewareContext[mt.ListToolsRequest],
        call_next: CallNext[mt.ListToolsRequest, Sequence[Tool]],
    ) -> Sequence[Tool]:
        """Only the tools the caller may call."""
        tools = await call_next(context)
        with _tracer.start_as_current_span("rbac.check"):
            permissions = await self.permissions(self.caller(), [tool.name for tool in tools])
        return [tool for tool in tools if permissions.may_call(tool.name)]

    async def on_call_tool(
        self,
        context: MiddlewareContext[mt.CallToolRequestParams],
        call_next: CallNext[mt.CallToolRequestParams, ToolResult],
    ) -> ToolResult:
        """Refuse a tool the caller may not call (audited); run the others with their
        permissions set for :func:`current_permissions`.

        Raises:
            MCPError: ``-32602`` ``Unknown tool: <name>``, the server has no such tool.
            ToolError: the tool is not permitted (its name in the message).
        """
        started = time.perf_counter()
        tool = context.message.name[:_MAX_TOOL_NAME]
        caller = self.caller()
        names = await self._tool_names()
        label = tool_label(tool, names)
        if context.message.name not in names:
            # MCP "Tools", error handling: an unknown tool is a protocol error, for every role.
            observe_tool_call(label, "error", time.perf_counter() - started)
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {tool}")
        # fastmcp's request span carries the MCP attributes; this one is the GenAI convention's.
        trace.get_current_span().set_attribute("gen_ai.operation.name", "execute_tool")
        request = current_request_info()
        with structlog.contextvars.bound_contextvars(
            subject=caller.subject, request_id=request.request_id
        ):
            with _tracer.start_as_current_span(
                "rbac.check", attributes={"gen_ai.tool.name": label}
            ) as span:
                permissions = await self.permissions(caller, names)
                allowed = permissions.may_call(context.message.name)
                span.set_attribute("itglue_mcp.rbac.decision", "allow" if allowed else "deny")
            if not allowed:
                observe_rbac_denial(label)
                await self.record_denial(caller, tool)
                observe_tool_call(label, "denied", time.perf_counter() - started)
                raise ToolError(denial_message(tool))
            outcome = "error"
            try:
                # One read-only unit of work for the whole call: the scope's directory check
                # and every catalog lookup of the tool share it.
                async with self._services.catalog.request():
                    with _tracer.start_as_current_span("catalog.scope"):
                        try:
                            scope = await self.read_scope(
                                caller,
                                permissions,
                                context.message.name,
                                context.message.arguments,
                            )
                        except (ItglueMcpError, ValueError) as error:
                            raise ToolError(str(error)) from None
                    with permitted(permissions, scope):
                        result = await call_next(context)
                outcome = "error" if result.is_error else "ok"
                return result
            finally:
                observe_tool_call(label, outcome, time.perf_counter() - started)

    async def record_denial(
        self,
        caller: Caller,
        tool: str,
        *,
        reason: str = DENIED_REASON,
        organization_id: int | None = None,
        record_type: str | None = None,
        record_id: int | None = None,
    ) -> None:
        """Log and audit one refusal: a tool call here, a resource read in
        :class:`~itglue_mcp.server.resources.access.ResourceAccess` (``tool`` is then the
        resource's URI or template). Never raises: the request is refused either way.

        Args:
            caller: who was refused.
            tool: the tool, or the resource's URI or URI template (never the caller's text).
            reason: the rule that refused it.
            organization_id, record_type, record_id: what was asked for, when known.
        """
        _log.info("access.denied", subject=caller.subject, tool=tool)
        audit = self._services.audit
        if audit is None:
            return
        try:
            await audit.record(
                caller,
                tool=tool,
                decision=AuditDecision.DENY,
                reason=reason,
                organization_id=organization_id,
                record_type=record_type,
                record_id=record_id,
            )
        except ItglueMcpError as error:
            # The call is refused either way; a lost audit event is an operator's alarm.
            _log.error(
                "access.audit_failed", subject=caller.subject, tool=tool, error=type(error).__name__
            )
