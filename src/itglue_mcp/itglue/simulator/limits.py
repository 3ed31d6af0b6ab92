"""The gate every simulated request passes: latency, API key, rate limit, injected faults.

:class:`GuardMiddleware` wraps the routes as plain ASGI middleware, so unknown routes are gated
too. In order, for each HTTP request: count it, sleep ``latency_ms``, answer 401 for a missing or
unknown ``x-api-key``, 429 when the key is over its rolling-window limit, and a random 500/502/503
at ``fail_rate``; otherwise the route answers. IT Glue API facts: "Rate limit: 3000 requests per
rolling 5-minute window … over it: HTTP 429"; the simulator adds a ``Retry-After`` header (whole
seconds until the oldest request leaves the window) so clients that honour it can be tested::

    limiter = RateLimiter(limit=3, window_s=1.0)
    limiter.acquire("ITG.key")   # None: admitted; a float: seconds to wait, not recorded
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from itglue_mcp.itglue.simulator.config import SimulatorConfig
from itglue_mcp.itglue.simulator.responses import JsonApiResponse, error_response

__all__ = ["FAULT_STATUSES", "FaultInjector", "GuardMiddleware", "RateLimiter", "SimulatorStats"]

FAULT_STATUSES = (500, 502, 503)


@dataclass
class SimulatorStats:
    """Request counters of one simulator app (``app.state.stats``).

    Attributes:
        requests: every HTTP request received, whatever its answer.
        unauthorized: requests refused with 401 for a missing or unknown API key.
        rate_limited: requests refused with 429.
        faults_injected: requests answered with an injected 5xx.
    """

    requests: int = 0
    unauthorized: int = 0
    rate_limited: int = 0
    faults_injected: int = 0


class RateLimiter:
    """Rolling-window request limit per API key.

    A request is admitted when fewer than ``limit`` admitted requests of its key fall within the
    last ``window_s`` seconds. Refused requests are not recorded, so a client hammering a full
    window does not extend its own wait.

    Args:
        limit: admitted requests per window, at least 1.
        window_s: window length in seconds.
        clock: monotonic time source in seconds (injectable for tests).
    """

    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._admitted: dict[str, deque[float]] = {}

    def acquire(self, key: str) -> float | None:
        """Admit and record one request of ``key``, or say how long until a slot frees.

        Returns:
            ``None`` when admitted; otherwise the seconds until the oldest admitted request of
            the window expires (the request is not recorded).
        """
        now = self._clock()
        admitted = self._admitted.setdefault(key, deque())
        while admitted and admitted[0] <= now - self._window_s:
            admitted.popleft()
        if len(admitted) >= self._limit:
            return admitted[0] + self._window_s - now
        admitted.append(now)
        return None


class FaultInjector:
    """Draws injected server errors at a fixed rate.

    Args:
        fail_rate: probability in [0, 1] that :meth:`draw` returns a status.
        seed: RNG seed; the same seed gives the same sequence of faults.
    """

    def __init__(self, fail_rate: float, seed: int | None) -> None:
        self._fail_rate = fail_rate
        self._random = random.Random(seed)

    def draw(self) -> int | None:
        """500, 502 or 503 for a request that must fail, ``None`` for one that proceeds."""
        if self._fail_rate > 0 and self._random.random() < self._fail_rate:
            return self._random.choice(FAULT_STATUSES)
        return None


class GuardMiddleware:
    """ASGI middleware applying latency, authentication, rate limit and faults.

    Args:
        app: the routes.
        config: keys, limit and fault settings.
        stats: counters updated in place (the same object as ``app.state.stats``).
    """

    def __init__(self, app: ASGIApp, config: SimulatorConfig, stats: SimulatorStats) -> None:
        self._app = app
        self._config = config
        self._stats = stats
        self._limiter = (
            RateLimiter(config.rate_limit, config.rate_window_s)
            if config.rate_limit is not None
            else None
        )
        self._faults = FaultInjector(config.fail_rate, config.seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a refusal or an injected fault, or pass the request to the routes."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        self._stats.requests += 1
        if self._config.latency_ms > 0:
            await asyncio.sleep(self._config.latency_ms / 1000)
        refusal = self._refusal(Headers(scope=scope).get("x-api-key"))
        if refusal is None:
            await self._app(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    def _refusal(self, api_key: str | None) -> JsonApiResponse | None:
        if not api_key:
            self._stats.unauthorized += 1
            return error_response(401, "The x-api-key header is missing")
        if api_key not in self._config.api_keys:
            self._stats.unauthorized += 1
            return error_response(401, "The API key is not valid")
        if self._limiter is not None:
            wait_s = self._limiter.acquire(api_key)
            if wait_s is not None:
                self._stats.rate_limited += 1
                return error_response(
                    429,
                    "Rate limit exceeded for this API key",
                    {"Retry-After": str(max(1, math.ceil(wait_s)))},
                )
        status = self._faults.draw()
        if status is not None:
            self._stats.faults_injected += 1
            return error_response(status, "The simulator injected this server error")
        return None
