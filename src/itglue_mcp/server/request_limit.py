"""The per-caller request limit: too many MCP requests from one subject answer HTTP 429.

:class:`RequestLimitMiddleware` is an ASGI middleware on ``POST /mcp``, placed inside
fastmcp's authentication middleware (``scope["user"]`` is then the verified token) and
before the body is read. Each POST of an authenticated caller counts one request for the
caller's subject (:class:`~itglue_mcp.security.rate_limit.RequestRateLimiter`: a sliding
window of one minute, in Redis when ``redis_url`` is set, so every replica counts together).
The limit is ``rate_limit.requests_per_minute``, or the most generous
``rate_limit.role_requests_per_minute`` entry of the caller's roles
(:func:`~itglue_mcp.security.rate_limit.caller_roles`: role claims and ``rbac.bindings``).

Over the limit the request is answered ``429 Too Many Requests`` (RFC 6585 §4) with
``Retry-After: <seconds>`` (delay-seconds, RFC 9110 §10.2.3; at least 1) and a JSON-RPC 2.0
error body (code :data:`RATE_LIMITED`, ``id: null`` since the body is not read,
``data.retry_after_s``); the refusal is counted in
``itglue_mcp_rate_limited_requests_total`` and logged (the subject in the log, never in the
metric). The refused request reaches neither the tools nor the audit log.

If Redis fails the request passes (fail open, logged as ``rate_limit.storage_failed``): the
request limit protects capacity, and an unreachable Redis must not refuse every caller.
Secret reveals stay fail-closed (:class:`~itglue_mcp.security.rate_limit.RevealRateLimiter`).

Requests without a verified token (mode ``none``: nobody is authenticated; elsewhere
fastmcp answers them 401), other methods (``GET``/``DELETE``) and other paths pass
untouched. The limiter's Redis connections are closed when the app's lifespan ends.

Example::

    app = mcp.http_app(
        path="/mcp", middleware=[request_limit_middleware(settings, path="/mcp")]
    )
"""

from __future__ import annotations

import math

import structlog
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from itglue_mcp.config import Settings
from itglue_mcp.config.auth import AuthSettings
from itglue_mcp.config.rate_limit import RateLimitSettings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.observability.metrics import observe_rate_limited
from itglue_mcp.security.errors import AccessDenied
from itglue_mcp.security.identity import caller_from_token
from itglue_mcp.security.rate_limit import RequestRateLimiter, caller_roles
from itglue_mcp.server.jsonrpc_guard import authenticated_post

__all__ = ["RATE_LIMITED", "RequestLimitMiddleware", "request_limit_middleware", "retry_after"]

_log = structlog.get_logger(__name__)

RATE_LIMITED = -32029
"""JSON-RPC error code of a refused request: in the implementation-defined server-error range
(JSON-RPC 2.0 §5.1, -32000 to -32099), ending in 29 like HTTP 429."""


def retry_after(seconds: float) -> int:
    """The ``Retry-After`` delay-seconds for a wait of ``seconds`` (RFC 9110 §10.2.3).

    Rounded up, at least 1: a client retrying at once would only be refused again.
    """
    return max(1, math.ceil(seconds))


class RequestLimitMiddleware:
    """ASGI middleware answering 429 with ``Retry-After`` to a subject over its request limit.

    Args:
        app: the inner ASGI app.
        limiter: counts requests per subject (its connections are closed at lifespan end).
        limits: the request limits (default and per role).
        auth: the authentication settings (claim mapping of the caller).
        rbac: the RBAC settings (``bindings``: roles bound to subjects and groups).
        path: the MCP endpoint path.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RequestRateLimiter,
        limits: RateLimitSettings,
        auth: AuthSettings,
        rbac: RbacSettings,
        path: str = "/mcp",
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.limits = limits
        self.auth = auth
        self.rbac = rbac
        self.path = path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            try:
                await self.app(scope, receive, send)
            finally:
                await self.limiter.aclose()
            return
        user = authenticated_post(scope, self.path)
        if user is None:
            await self.app(scope, receive, send)
            return
        try:
            caller = caller_from_token(user.access_token, self.auth)
        except AccessDenied:
            # No subject to count against; the access middleware refuses such a caller.
            await self.app(scope, receive, send)
            return
        roles = caller_roles(caller, self.rbac)
        per_minute = self.limits.per_minute(roles)
        wait = await self.limiter.hit(caller.subject, per_minute)
        if wait is None:
            await self.app(scope, receive, send)
            return
        role = self.limits.governing_role(roles)
        observe_rate_limited(role)
        seconds = retry_after(wait)
        _log.info(
            "rate_limit.refused",
            subject=caller.subject,
            limit_per_minute=per_minute,
            role=role,
            retry_after_s=seconds,
        )
        answer = {
            "jsonrpc": "2.0",
            "id": None,
            "error": {
                "code": RATE_LIMITED,
                "message": (
                    f"Too many requests: at most {per_minute} MCP requests per minute; "
                    f"retry in {seconds} s"
                ),
                "data": {"retry_after_s": seconds, "limit_per_minute": per_minute},
            },
        }
        response = JSONResponse(answer, status_code=429, headers={"Retry-After": str(seconds)})
        await response(scope, receive, send)


def request_limit_middleware(
    settings: Settings, path: str = "/mcp", *, limiter: RequestRateLimiter | None = None
) -> Middleware | None:
    """The :class:`RequestLimitMiddleware` for ``settings``, for ``mcp.http_app(middleware=…)``.

    Args:
        settings: ``rate_limit`` (limits; ``enabled``), ``redis_url`` (shared counts),
            ``auth`` and ``rbac`` (the caller and its roles).
        path: the MCP endpoint path.
        limiter: the limiter to count with; default ``RequestRateLimiter.from_settings``
            (:class:`~itglue_mcp.security.rate_limit.RequestRateLimiter`).

    Returns:
        The middleware, or ``None`` when ``rate_limit.enabled`` is false.
    """
    if not settings.rate_limit.enabled:
        return None
    return Middleware(
        RequestLimitMiddleware,
        limiter=limiter or RequestRateLimiter.from_settings(settings),
        limits=settings.rate_limit,
        auth=settings.auth,
        rbac=settings.rbac,
        path=path,
    )
