"""A rolling-window rate limiter with a server-imposed pause, for one API client.

IT Glue allows 3000 requests per rolling 5-minute window per account and answers 429 beyond
it (IT Glue API facts: Transport). The limiter remembers when each of the last ``max_requests``
requests was sent and makes the next caller wait until the oldest leaves the window, so no
window of ``window_s`` seconds ever holds more than ``max_requests`` sends. When the server
still answers 429 with ``Retry-After``, :meth:`RollingWindowLimiter.pause_until` holds back
every caller of the client, not only the request that is retried.

It is our own small class because no maintained library offers this pair: aiolimiter is a
leaky bucket (a steady drip, not a count over a rolling window), asyncio-throttle keeps a
rolling log but polls every few milliseconds on the wall clock, and neither accepts a pause
dictated by the server.

Example::

    limiter = RollingWindowLimiter(3000, 300.0)
    await limiter.acquire()          # returns when a request may be sent
    ...                              # on 429 with Retry-After: 30
    limiter.pause_until(time.monotonic() + 30)
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

__all__ = ["RollingWindowLimiter"]


class RollingWindowLimiter:
    """At most ``max_requests`` acquisitions in any ``window_s`` seconds, plus server pauses.

    Waiters are served in arrival order (one lock, held while waiting), so a burst of callers
    drains at the permitted rate instead of racing for freed slots.

    Args:
        max_requests: the most requests allowed in one window (IT Glue: 3000).
        window_s: the window length in seconds (IT Glue: 300).
        clock: a monotonic clock in seconds; tests inject a fake one.
        sleep: the coroutine used to wait; tests inject one that advances the fake clock.
        arrival_margin_s: added to the window. The server counts a request when it arrives,
            a little after it is counted here as sent; without a margin the two windows can
            differ by one request and the server answers 429.

    Raises:
        ValueError: if ``max_requests`` or ``window_s`` is not positive.
    """

    def __init__(
        self,
        max_requests: int,
        window_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        arrival_margin_s: float = 0.0,
    ) -> None:
        if max_requests < 1:
            raise ValueError(f"max_requests must be at least 1, got {max_requests}")
        if window_s <= 0:
            raise ValueError(f"window_s must be positive, got {window_s}")
        self._max_requests = max_requests
        self._window_s = window_s + arrival_margin_s
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    @property
    def paused_until(self) -> float:
        """The clock value before which no request is let through (0 when never paused)."""
        return self._paused_until

    def pause_until(self, deadline: float) -> None:
        """Hold back every acquisition until the clock reaches ``deadline``.

        A later deadline extends the pause; an earlier one never shortens it, so concurrent
        429 answers cannot cut a pause the server asked for.

        Args:
            deadline: a value of the limiter's clock (``time.monotonic()`` by default).
        """
        self._paused_until = max(self._paused_until, deadline)

    async def acquire(self) -> None:
        """Wait until a request may be sent, then count it as sent now.

        Waits for any pause to end and for the window to have room. Cancellation while
        waiting takes no slot.
        """
        async with self._lock:
            while True:
                now = self._clock()
                # A send at exactly `now - window_s` is outside the half-open window (now-w, now].
                while self._sent and self._sent[0] <= now - self._window_s:
                    self._sent.popleft()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                elif len(self._sent) >= self._max_requests:
                    await self._sleep(self._sent[0] + self._window_s - now)
                else:
                    self._sent.append(now)
                    return
