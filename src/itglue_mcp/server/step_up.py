"""Step-up authorization: a tool call the token's scopes do not cover answers HTTP 403.

The MCP authorization spec (scope challenge handling) and RFC 6750 §3.1 want a request that
needs more scopes than the access token carries refused with ``403`` and
``WWW-Authenticate: Bearer error="insufficient_scope", scope="<needed>", resource_metadata="…"``,
so the client can ask the user to consent to more and retry — not a ``200`` with an error
inside the JSON-RPC result, which a client cannot act on.

:class:`StepUpMiddleware` is an ASGI middleware on ``POST /mcp``, placed inside fastmcp's
authentication middleware (``scope["user"]`` is then the verified token). It buffers the
request body, reads the JSON-RPC ``tools/call`` message(s) in it and works out the scopes they
need:

- every tool: ``auth.scopes.read``;
- a call that returns a secret (:func:`reveals_secret`): also ``auth.scopes.reveal`` —
  ``get_password`` with ``arguments.reveal == true``, and every call of a tool of
  :data:`SECRET_TOOLS` (``reveal_flexible_asset_password``);
- a tool of :data:`ADMIN_TOOLS`: also ``auth.scopes.admin``.

If the token lacks any of them the request is answered 403, and each refused tool call is an
audit event (decision ``deny``, reason naming the missing scopes); otherwise the body is
replayed to the MCP app unchanged. Requests without a verified token pass through untouched: in mode
``none`` nobody is authenticated (and everything is permitted), and elsewhere fastmcp's
``RequireAuthMiddleware`` answers them 401. The token itself is never logged.

Example::

    app = mcp.http_app(path="/mcp", middleware=[step_up_middleware(settings, audit=trail)])
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import structlog
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.routes import build_resource_metadata_url
from pydantic import AnyHttpUrl
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from itglue_mcp.config import AuthMode, Settings
from itglue_mcp.config.auth import AuthSettings, ScopeNames
from itglue_mcp.security.audit import AuditDecision, AuditTrail, request_info
from itglue_mcp.security.identity import caller_from_token
from itglue_mcp.server.jsonrpc_guard import (
    authenticated_post,
    parse_body,
    read_body,
    replay_body,
)

__all__ = [
    "ADMIN_TOOLS",
    "REVEAL_TOOL",
    "SECRET_TOOLS",
    "StepUpMiddleware",
    "needed_scopes",
    "reveals_secret",
    "step_up_middleware",
]

_log = structlog.get_logger(__name__)

ADMIN_TOOLS: frozenset[str] = frozenset({"sync_data", "sync_status"})
"""Tools that need the admin scope: starting a sync and following it
(:mod:`itglue_mcp.server.tools.sync`)."""

REVEAL_TOOL = "get_password"
"""The tool whose ``reveal: true`` argument returns a secret value (needs the reveal scope)."""

SECRET_TOOLS: frozenset[str] = frozenset({"reveal_flexible_asset_password"})
"""Tools whose every call returns a secret value: they always need the reveal scope."""

# Longest tool name kept in an audit event: the name is the caller's own text.
_MAX_TOOL_NAME = 128


def _calls(payload: Any) -> Iterable[dict[str, Any]]:
    """The ``tools/call`` requests of a JSON-RPC message or batch."""
    messages = payload if isinstance(payload, list) else [payload]
    for message in messages:
        if isinstance(message, dict) and message.get("method") == "tools/call":
            params = message.get("params")
            yield params if isinstance(params, dict) else {}


def _tool_names(body: bytes) -> list[str]:
    """The tool names of the ``tools/call`` requests in ``body`` (capped, printable)."""
    try:
        payload = parse_body(body)
    except ValueError:
        return []
    return [
        str(params.get("name"))[:_MAX_TOOL_NAME]
        for params in _calls(payload)
        if str(params.get("name")).isprintable()
    ]


def reveals_secret(name: object, arguments: object) -> bool:
    """Whether a ``tools/call`` of tool ``name`` with ``arguments`` returns a secret value.

    True for a tool of :data:`SECRET_TOOLS` (whatever its arguments) and for
    :data:`REVEAL_TOOL` when ``arguments`` holds ``"reveal": true`` (the JSON boolean only:
    the tool's schema refuses anything else, so nothing else can reveal).
    """
    if not isinstance(name, str):  # JSON from the caller: a list name is no tool
        return False
    if name in SECRET_TOOLS:
        return True
    return name == REVEAL_TOOL and isinstance(arguments, dict) and arguments.get("reveal") is True


def needed_scopes(
    body: bytes, scopes: ScopeNames, admin_tools: frozenset[str] = ADMIN_TOOLS
) -> list[str]:
    """The scopes the JSON-RPC request ``body`` needs, in the order read, reveal, admin.

    Args:
        body: the raw HTTP request body (a JSON-RPC message or batch).
        scopes: the configured scope names.
        admin_tools: names of the tools that need the admin scope.

    Returns:
        Empty when the body holds no ``tools/call`` (or is not JSON, or is nested too deeply:
        the MCP app answers that with a parse error); else the read scope plus reveal and
        admin as the calls need.
    """
    try:
        payload = parse_body(body)
    except ValueError:
        return []
    needed: set[str] = set()
    for params in _calls(payload):
        needed.add(scopes.read)
        name = params.get("name")
        if reveals_secret(name, params.get("arguments")):
            needed.add(scopes.reveal)
        if isinstance(name, str) and name in admin_tools:
            needed.add(scopes.admin)
    return [name for name in scopes.names() if name in needed]


class StepUpMiddleware:
    """ASGI middleware answering 403 ``insufficient_scope`` to under-scoped tool calls.

    Args:
        app: the inner ASGI app.
        auth: the authentication settings (scope names, claim mapping of the caller).
        audit: where refusals are recorded; ``None`` records nothing (tests of the rule).
        resource_metadata_url: the RFC 9728 metadata URL advertised in the challenge, or
            ``None`` when the server serves none (modes none and static).
        admin_tools: tools that need the admin scope.
        path: the MCP endpoint path.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        auth: AuthSettings,
        audit: AuditTrail | None = None,
        resource_metadata_url: str | None = None,
        admin_tools: frozenset[str] = ADMIN_TOOLS,
        path: str = "/mcp",
    ) -> None:
        self.app = app
        self.auth = auth
        self.scopes = auth.scopes
        self.audit = audit
        self.resource_metadata_url = resource_metadata_url
        self.admin_tools = admin_tools
        self.path = path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = authenticated_post(scope, self.path)
        if user is None:
            await self.app(scope, receive, send)
            return
        body, disconnected = await read_body(receive)
        if disconnected:
            return
        needed = needed_scopes(body, self.scopes, self.admin_tools)
        held = set(user.access_token.scopes)
        missing = [name for name in needed if name not in held]
        if missing:
            _log.info(
                "auth.step_up",
                subject=user.access_token.subject,
                needed=needed,
                missing=missing,
            )
            await self._record(scope, user, body, missing)
            await self._refuse(send, needed, missing)
            return
        await self.app(scope, replay_body(body, receive), send)

    async def _record(
        self, scope: Scope, user: AuthenticatedUser, body: bytes, missing: list[str]
    ) -> None:
        """One deny audit event per refused tool call (a failed write is logged, not raised)."""
        if self.audit is None:
            return
        caller = caller_from_token(user.access_token, self.auth)
        info = request_info(Request(scope))
        reason = f"missing scope {' '.join(missing)}"
        for tool in _tool_names(body):
            try:
                await self.audit.record(
                    caller, tool=tool, decision=AuditDecision.DENY, reason=reason, request=info
                )
            except Exception:
                # The refusal stands either way; the failure is visible in the logs.
                _log.exception("audit.write_failed", tool=tool, decision="deny")

    async def _refuse(self, send: Send, needed: list[str], missing: list[str]) -> None:
        description = f"Required scope: {' '.join(missing)}"
        parts = [
            'error="insufficient_scope"',
            f'scope="{" ".join(needed)}"',
            f'error_description="{description}"',
        ]
        if self.resource_metadata_url:
            parts.append(f'resource_metadata="{self.resource_metadata_url}"')
        body = json.dumps({"error": "insufficient_scope", "error_description": description})
        encoded = body.encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(encoded)).encode()),
                    (b"www-authenticate", ("Bearer " + ", ".join(parts)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": encoded})


def step_up_middleware(
    settings: Settings, path: str = "/mcp", *, audit: AuditTrail | None = None
) -> Middleware:
    """The :class:`StepUpMiddleware` for ``settings``, ready for ``mcp.http_app(middleware=…)``.

    Refusals are recorded in ``audit`` when given.

    In modes ``oidc`` and ``proxy`` the challenge names the protected-resource metadata at
    ``public_url``; in modes ``none`` and ``static`` there is none to name.
    """
    metadata_url: str | None = None
    if settings.auth.mode in (AuthMode.OIDC, AuthMode.PROXY) and settings.public_url:
        resource = AnyHttpUrl(settings.public_url.rstrip("/") + path)
        metadata_url = str(build_resource_metadata_url(resource))
    return Middleware(
        StepUpMiddleware,
        auth=settings.auth,
        audit=audit,
        resource_metadata_url=metadata_url,
        path=path,
    )
