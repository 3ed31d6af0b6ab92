"""A small async-friendly circuit breaker guarding the IT Glue API client.

When IT Glue is down a sync should stop hammering it and pause instead of failing at the first
connection error. The breaker counts *requests*, not attempts: a request records one failure
only after it spent its own retries and back-off (5xx, timeouts, connection errors). After
``failure_threshold`` consecutive failed requests the breaker opens and every request is
refused with :class:`CircuitOpen` (the client then waits, see
:mod:`itglue_mcp.itglue.client`). After ``reset_s`` it goes half-open and lets one trial
attempt through; success closes it, failure opens it again for ``reset_s``. Rate limiting (429)
and other 4xx answers prove the service is up, so they count as successes here, never as faults.

It is our own class because the libraries do not fit: pybreaker is synchronous (its async
path needs Tornado), aiobreaker, its asyncio fork, has had no release since 1.1.0 in 2020, and
the newer asyncio breakers (purgatory, asyncbreaker) wrap a whole call behind storage and
listener machinery, whereas here the breaker sits between tenacity's retry loops and must tell
a 429 from a fault and a failed attempt from a failed request. That takes four methods and a
clock.

Example::

    breaker = CircuitBreaker(failure_threshold=1, reset_s=30.0)
    trial = breaker.before_request()      # raises CircuitOpen while open
    try:
        response = await send()
    except httpx.TransportError:
        if trial:
            breaker.record_failure()      # a failed trial reopens at once
        raise                             # else: retried; record_failure() once exhausted
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
        failure_threshold: consecutive failed requests (each after all its attempts) that
            open the breaker.
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

    @property
    def reopens_in_s(self) -> float:
        """Seconds until an open breaker lets a trial through; 0 when not open or already due."""
        if self._state != "open":
            return 0.0
        return max(0.0, self._opened_at + self._reset_s - self._clock())

    def before_request(self) -> bool:
        """Admit an attempt or fail fast.

        Returns:
            ``True`` when the attempt is the half-open trial: if it fails, call
            :meth:`record_failure` at once (the trial gets no retries).

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
            return True
        return False

    def record_success(self) -> None:
        """The service answered (any status below 500): close and reset the failure count."""
        self._failures = 0
        self._trial_in_flight = False
        if self._state != "closed":
            self._transition("closed")

    def record_failure(self) -> None:
        """A request failed for good, or the half-open trial failed.

        A request counts once, after its last attempt (5xx, timeout or connection error) and
        back-off: single failed attempts that a retry may still cure are not recorded. The
        half-open trial is the exception: its one failed attempt reopens the breaker.
        """
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
