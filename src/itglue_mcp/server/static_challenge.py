"""The 401 of auth mode ``static``: a plain Bearer challenge a person can act on.

Mode ``static`` checks one development token (``auth.static_token``); there is no
authorization server to log in at. fastmcp's 401 is written for OAuth deployments: a wrong
token is told that the client "should automatically re-register and obtain new tokens", which
sends an MCP client (and the person reading its log) into a login that cannot succeed.
:class:`StaticTokenChallenge` answers an unauthenticated request to the MCP endpoint itself,
as RFC 6750 §3 describes:

- no bearer token: ``WWW-Authenticate: Bearer realm="itglue-mcp"`` (§3.1: no error code when
  the request carries no credentials);
- a token that is not the static one: ``Bearer realm="itglue-mcp", error="invalid_token",
  error_description="…"`` saying which token to send and where to find it.

Neither names protected-resource metadata (RFC 9728) or scopes: nothing can be obtained by a
login. The JSON body holds the same description. The token sent is never read here, only
whether one was; fastmcp's authentication middleware (outside this one) verified it and left
the result in ``scope["user"]``.

Example::

    app = mcp.http_app(path="/mcp", middleware=[Middleware(StaticTokenChallenge, path="/mcp")])
"""

from __future__ import annotations

import json

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["INVALID_TOKEN", "MISSING_TOKEN", "REALM", "StaticTokenChallenge"]

REALM = "itglue-mcp"
"""The protection space named in the challenge (RFC 7235 §2.2)."""

_WHERE = (
    "the token this server was started with (setting auth.static_token, environment variable "
    "ITGLUE_MCP_AUTH__STATIC_TOKEN; `itglue-mcp demo` prints it when it starts and keeps it in "
    "the file demo-token of its data directory)"
)

MISSING_TOKEN = (
    f"This MCP server needs a bearer token: send `Authorization: Bearer <token>` with {_WHERE}."
)
"""What a request without a bearer token is told (in the body only: RFC 6750 §3.1)."""

INVALID_TOKEN = (
    "The bearer token is not this server's token; there is no login that issues one. Send "
    f"`Authorization: Bearer <token>` with {_WHERE}."
)
"""The ``error_description`` of a wrong token (RFC 6750 §3: printable ASCII, no quote or
backslash, so it sits in the header as it is)."""


def _has_bearer(scope: Scope) -> bool:
    """Whether the request sends ``Authorization: Bearer …`` (another scheme counts as none,
    as fastmcp's authentication backend ignores it)."""
    return any(
        name.lower() == b"authorization" and value[:7].lower() == b"bearer "
        for name, value in scope.get("headers", [])
    )


class StaticTokenChallenge:
    """ASGI middleware answering 401 to an unauthenticated request to the MCP endpoint.

    Placed inside fastmcp's authentication middleware (``scope["user"]`` holds the verified
    token, or none). Requests to other paths, and authenticated ones, pass through.

    Args:
        app: the inner ASGI app.
        path: the MCP endpoint path.
    """

    def __init__(self, app: ASGIApp, *, path: str = "/mcp") -> None:
        self.app = app
        self.path = path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("path", "").rstrip("/") != self.path
            or isinstance(scope.get("user"), AuthenticatedUser)
        ):
            await self.app(scope, receive, send)
            return
        if _has_bearer(scope):
            challenge = (
                f'Bearer realm="{REALM}", error="invalid_token", '
                f'error_description="{INVALID_TOKEN}"'
            )
            body = {"error": "invalid_token", "error_description": INVALID_TOKEN}
        else:
            challenge = f'Bearer realm="{REALM}"'
            body = {"error_description": MISSING_TOKEN}
        encoded = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(encoded)).encode()),
                    (b"www-authenticate", challenge.encode("ascii")),
                ],
            }
        )
        await send({"type": "http.response.body", "body": encoded})
