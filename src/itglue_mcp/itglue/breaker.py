"""A small async-friendly circuit breaker guarding the IT Glue API client.

When IT Glue keeps failing (5xx, timeouts, connection errors) a sync should stop hammering it
and fail fast instead of spending its whole retry budget on every request. After
``failure_threshold`` consecutive failed attempts the breaker opens: every request raises
:class:`CircuitOpen` at once. After ``reset_s`` it goes half-open and lets one trial request
through; success closes it, failure opens it again. Rate limiting (429) and other 4xx answers
prove the service is up, so they count as successes here, never as faults.

It is our own class because the libraries do not fit: pybreaker is synchronous (its async
path needs Tornado), aiobreaker, its asyncio fork, has had no release since 1.1.0 in 2020, and
the newer asyncio breakers (purgatory, asyncbreaker) wrap a whole call behind storage and
listener machinery, whereas here a breaker sits around each attempt inside tenacity's retry
loop and must tell a 429 from a fault. That takes three methods and a clock.

Example::

    breaker = CircuitBreaker(failure_threshold=5, reset_s=30.0)
    breaker.before_request()              # raises CircuitOpen while open
    try:
        response = await send()
    except httpx.TransportError:
        breaker.record_failure()
        raise
    breaker.record_success()
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import structlog

from itglue_mcp.itglue.errors import CircuitOpen

__all__ = ["BreakerState", "CircuitBreaker"]

BreakerState = Literal["closed", "open", "half-open"]

_log = structlog.get_logger(__name__)


class CircuitBreaker:
    """Consecutive-failure circuit breaker with one trial request when half-open.

    Not thread-safe; meant for one event loop, where the methods run without interleaving.

    Args:
        failure_threshold: consecutive failed attempts that open the breaker.
        reset_s: seconds the breaker stays open before a trial request is let through.
        clock: a monotonic clock in seconds; tests inject a fake one.
    """

    def __init__(
        self,
        failure_threshold: int,
        reset_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failure_threshold
        self._reset_s = reset_s
        self._clock = clock
        self._state: BreakerState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        """``closed``, ``open`` or ``half-open`` (open turns half-open on the next request)."""
        return self._state

    def before_request(self) -> None:
        """Admit a request or fail fast.

        Raises:
            CircuitOpen: while open and ``reset_s`` has not passed, or while half-open with
                the trial request still in flight.
        """
        if self._state == "open":
            remaining = self._opened_at + self._reset_s - self._clock()
            if remaining > 0:
                raise CircuitOpen(remaining)
            self._transition("half-open")
        if self._state == "half-open":
            if self._trial_in_flight:
                raise CircuitOpen(0.0)
            self._trial_in_flight = True

    def record_success(self) -> None:
        """The service answered (any status below 500): close and reset the failure count."""
        self._failures = 0
        self._trial_in_flight = False
        if self._state != "closed":
            self._transition("closed")

    def record_failure(self) -> None:
        """The attempt failed with a 5xx, a timeout or a connection error."""
        self._failures += 1
        self._trial_in_flight = False
        if self._state == "half-open" or (
            self._state == "closed" and self._failures >= self._threshold
        ):
            self._opened_at = self._clock()
            self._transition("open")

    def release(self) -> None:
        """The admitted request ended without an answer either way (e.g. it was cancelled).

        Frees the half-open trial slot so a later request can try; the state is unchanged.
        """
        self._trial_in_flight = False

    def _transition(self, state: BreakerState) -> None:
        self._state = state
        if state == "open":
            _log.warning("itglue.breaker.open", failures=self._failures, reopens_in_s=self._reset_s)
        else:
            _log.info(f"itglue.breaker.{state}")
