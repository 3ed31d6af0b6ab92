"""JSON-RPC envelope checks on ``POST /mcp``: a malformed request is a client error, never a 5xx.

The MCP SDK validates each message against the union of request, notification, response and
error. A request whose ``id`` is not a string or an integer (an object, a list, a boolean,
``null``, a fraction) fails as a request and then passes as a *notification*, which is answered
``202 Accepted`` with no body: the client never learns that its request was refused.
:class:`JsonRpcGuardMiddleware` answers such a message ``400`` with the JSON-RPC 2.0 §5.1
error ``-32600 Invalid Request`` (``id: null``), as the Streamable HTTP transport answers any
other invalid message. MCP (basic protocol, messages) requires a string or integer id, never
null.

The body is parsed once here with :func:`parse_body` (pydantic-core, the MCP SDK's own parser,
with its nesting limit), which raises :class:`ValueError` for anything that is not JSON or is
nested too deeply, instead of letting a :class:`RecursionError` escape as a 500. A body that
is not JSON is passed on untouched: the MCP app answers it ``400`` parse error (``-32700``).

Example::

    app = mcp.http_app(path="/mcp", middleware=[Middleware(JsonRpcGuardMiddleware, path="/mcp")])
"""

from __future__ import annotations

from typing import Any

import pydantic_core
import structlog
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "INVALID_REQUEST",
    "JsonRpcGuardMiddleware",
    "authenticated_post",
    "invalid_id",
    "parse_body",
    "read_body",
    "replay_body",
]

_log = structlog.get_logger(__name__)

INVALID_REQUEST = -32600
"""JSON-RPC 2.0 §5.1: the JSON sent is not a valid Request object."""


def parse_body(body: bytes) -> Any:
    """The JSON value of an HTTP request body.

    Args:
        body: raw bytes (UTF-8 JSON).

    Returns:
        The decoded value (dict, list, str, number, bool or ``None``).

    Raises:
        ValueError: not UTF-8 JSON, or nested deeper than pydantic-core's limit (about 200
            levels, the limit the MCP SDK parses with) — never :class:`RecursionError`.
    """
    return pydantic_core.from_json(body)


def invalid_id(payload: Any) -> str | None:
    """Why a request of ``payload`` (one JSON-RPC message or a batch) has an unusable id.

    Returns:
        ``None`` when every message that has a ``method`` and an ``id`` uses a string or an
        integer id (a notification has no ``id``); otherwise the JSON type found, e.g.
        ``"object"``, ``"null"``, ``"boolean"``.
    """
    messages = payload if isinstance(payload, list) else [payload]
    for message in messages:
        if not isinstance(message, dict) or "method" not in message or "id" not in message:
            continue
        request_id = message["id"]
        if isinstance(request_id, str) or (
            isinstance(request_id, int) and not isinstance(request_id, bool)
        ):
            continue
        return _json_type(request_id)
    return None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, float):
        return "a fraction"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


class JsonRpcGuardMiddleware:
    """ASGI middleware answering ``400 Invalid Request`` to a JSON-RPC request with a bad id.

    Args:
        app: the inner ASGI app (the MCP app).
        path: the MCP endpoint path; other paths and methods pass untouched.
    """

    def __init__(self, app: ASGIApp, *, path: str = "/mcp") -> None:
        self.app = app
        self.path = path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or scope.get("path", "").rstrip("/") != self.path
        ):
            await self.app(scope, receive, send)
            return
        body, disconnected = await read_body(receive)
        if disconnected:
            return
        try:
            payload = parse_body(body)
        except ValueError:
            payload = None  # the MCP app answers the parse error
        found = invalid_id(payload)
        if found is not None:
            _log.info("jsonrpc.invalid_request", reason="id", id_type=found)
            answer = {
                "jsonrpc": "2.0",
                "id": None,
                "error": {
                    "code": INVALID_REQUEST,
                    "message": (f"Invalid Request: id must be a string or an integer, not {found}"),
                },
            }
            await JSONResponse(answer, status_code=400)(scope, receive, send)
            return
        await self.app(scope, replay_body(body, receive), send)


def authenticated_post(scope: Scope, path: str) -> AuthenticatedUser | None:
    """The authenticated caller of an HTTP POST to ``path`` (a trailing slash ignored), or
    ``None`` for any other request: what the step-up check and the request limit look at."""
    user = scope.get("user")
    if (
        scope["type"] != "http"
        or scope.get("method") != "POST"
        or scope.get("path", "").rstrip("/") != path
        or not isinstance(user, AuthenticatedUser)
    ):
        return None
    return user


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole request body, and whether the client went away while it was read."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields ``body`` once, then defers to the real one (disconnects)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
