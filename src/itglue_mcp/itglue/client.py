"""The async IT Glue API client: paging, rate limiting, retries and a circuit breaker.

Every request goes through the same path: a concurrency bound, the circuit breaker, the
rolling-window rate limiter, then one HTTP GET. 429, 5xx, timeouts and connection errors are
retried by tenacity with full-jitter exponential back-off, never sooner than the server's
``Retry-After``; other errors are raised at once as the :mod:`itglue_mcp.itglue.errors` family.

An outage is ridden out in two nested tenacity loops. The inner one retries the attempts of
one request; only a request that spent them all counts as a failure for the breaker. While the
breaker is open (and while its half-open trial is in flight) the outer loop makes the request
wait, at most ``breaker_wait_s`` in all, then starts it again with a fresh attempt budget; past
that bound :class:`~itglue_mcp.itglue.errors.CircuitOpen` is raised.

Bodies are parsed into typed records by :mod:`itglue_mcp.itglue.jsonapi`. The API key travels
only in the ``x-api-key`` header and is never logged or put in a message.

Example::

    async with ItglueClient(settings.itglue) as client:
        async for page in client.iter_pages(
            "/configurations", Configuration, params={"sort": "-updated_at"}
        ):
            for config in page.records:
                ...
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import functools
import math
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Self, TypeVar

import httpx
import structlog
from prometheus_client import Counter
from pydantic import SecretStr
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from itglue_mcp.config.settings import ItglueSettings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.itglue.breaker import BreakerState, CircuitBreaker
from itglue_mcp.itglue.errors import (
    AuthenticationFailed,
    CircuitOpen,
    ItglueError,
    MalformedResponse,
    RateLimited,
    ResourceNotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from itglue_mcp.itglue.jsonapi import Page, parse_error_detail, parse_list, parse_show
from itglue_mcp.itglue.models import ItglueRecord
from itglue_mcp.itglue.ratelimit import RollingWindowLimiter

__all__ = ["MAX_PAGE_SIZE", "ClientStats", "ItglueClient"]

R = TypeVar("R", bound=ItglueRecord)
T = TypeVar("T")

MAX_PAGE_SIZE = 1000
"""Largest ``page[size]`` IT Glue accepts (IT Glue API facts: Paging, sorting, filtering)."""

JSONAPI_MEDIA_TYPE = "application/vnd.api+json"

_log = structlog.get_logger(__name__)

# Defined here, where requests are sent (this layer imports nothing of observability); served
# with the other itglue_mcp_* metrics by itglue_mcp.observability.metrics.
_REQUESTS = Counter(
    "itglue_mcp_itglue_requests_total",
    "HTTP requests sent to the IT Glue API (every attempt), by status code; status "
    "'transport_error' when no answer came (timeout, connection error).",
    ["status"],
)


@dataclass
class ClientStats:
    """Counters of one client since it was created.

    Attributes:
        requests: HTTP requests sent (every attempt, retries included).
        rate_limited: 429 answers received.
        retries: attempts scheduled again after a 429, 5xx, timeout or connection error.
        failures: calls (``fetch_page``/``get``) that ended in an :class:`ItglueError`.
    """

    requests: int = 0
    rate_limited: int = 0
    retries: int = 0
    failures: int = 0


class _RetryableFailure(Exception):
    """One attempt failed in a way that may pass if repeated (internal to the retry loop)."""

    def __init__(
        self,
        path: str,
        reason: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.status = status
        self.retry_after_s = retry_after_s

    def exhausted(self, attempts: int) -> ItglueError:
        """The error to raise once no attempt is left."""
        if self.status == 429:
            return RateLimited(self.path, attempts, self.retry_after_s)
        return ServiceUnavailable(
            f"IT Glue did not answer GET {self.path} after {attempts} attempts "
            f"(last: {self.reason})"
        )


class ItglueClient:
    """Reads IT Glue resources as typed records.

    Args:
        settings: where the API is and how hard to lean on it (``settings.itglue``).
        transport: an httpx transport to use instead of the network one.
        api_key: the key instead of ``settings.api_key``: a value, or a function called before
            every request (a key rotated in Vault is used from the next request on,
            :func:`itglue_mcp.config.vault_refresh.rotating_api_key`).

    Raises:
        ConfigurationError: if the API key is unset or empty.
    """

    def __init__(
        self,
        settings: ItglueSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        api_key: SecretStr | Callable[[], SecretStr] | None = None,
    ) -> None:
        given = settings.api_key if api_key is None else api_key
        self._api_key_source: Callable[[], SecretStr] | None = (
            (lambda: given) if isinstance(given, SecretStr) else given
        )
        self._current_api_key()  # a missing key is refused now, not at the first request
        self._settings = settings
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            headers={"Accept": JSONAPI_MEDIA_TYPE},
            timeout=settings.timeout_s,
            transport=transport,
        )
        window = settings.rate_limit_window_s
        self._limiter = RollingWindowLimiter(
            settings.rate_limit_requests,
            window,
            # 1 s of IT Glue's 300 s window (0.3 % of the rate) covers the network transit.
            arrival_margin_s=min(1.0, window / 100),
        )
        self._breaker = CircuitBreaker(settings.breaker_failure_threshold, settings.breaker_reset_s)
        self._concurrency = asyncio.Semaphore(settings.max_concurrency)
        self._backoff = wait_random_exponential(
            multiplier=settings.backoff_initial_s, max=settings.backoff_max_s
        )
        self._stats = ClientStats()

    def _current_api_key(self) -> str:
        """The API key to send now (read from its source per request).

        Raises:
            ConfigurationError: no key, or an empty one.
        """
        key = self._api_key_source().get_secret_value() if self._api_key_source else ""
        if not key:
            raise ConfigurationError(
                "ITGLUE_MCP_ITGLUE__API_KEY is not set: the IT Glue client needs an API key"
            )
        return key

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool; the client cannot be used afterwards."""
        await self._http.aclose()

    @property
    def page_size(self) -> int:
        """The ``page[size]`` list requests use unless told otherwise (``settings.page_size``)."""
        return self._settings.page_size

    @property
    def breaker_state(self) -> BreakerState:
        """The circuit breaker's state: ``closed``, ``open`` or ``half-open``."""
        return self._breaker.state

    def stats(self) -> ClientStats:
        """A snapshot of the counters (a copy: later requests do not change it)."""
        return dataclasses.replace(self._stats)

    async def fetch_page(
        self,
        path: str,
        model: type[R],
        *,
        params: Mapping[str, str] | None = None,
        page_number: int = 1,
        page_size: int | None = None,
    ) -> Page[R]:
        """GET one page of a list route.

        Args:
            path: the route, e.g. ``/configurations`` or
                ``/organizations/2/relationships/documents``; no query string.
            model: the record model of the route's resource type.
            params: extra query parameters passed as given (``filter[organization_id]``,
                ``sort=-updated_at``, ``include=configuration_interfaces,related_items``).
            page_number: ``page[number]``, from 1.
            page_size: ``page[size]``; default ``settings.page_size``; at most 1000 (IT Glue
                API facts: Paging, sorting, filtering).

        Returns:
            The page's records and paging meta.

        Raises:
            ValueError: if ``page_size`` is outside 1..1000, ``page_number`` below 1, or
                ``path`` carries a query string.
            ItglueError: any of its subclasses, see :mod:`itglue_mcp.itglue.errors`.
        """
        size = self._settings.page_size if page_size is None else page_size
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {size}")
        if page_number < 1:
            raise ValueError(f"page_number must be at least 1, got {page_number}")
        query = {**(params or {}), "page[number]": str(page_number), "page[size]": str(size)}
        return await self._call(path, query, model, parse_list)

    async def iter_pages(
        self,
        path: str,
        model: type[R],
        *,
        params: Mapping[str, str] | None = None,
        start_page: int = 1,
        page_size: int | None = None,
    ) -> AsyncIterator[Page[R]]:
        """Yield the pages of a list route, following ``meta.next-page`` to the last one.

        Args:
            path: the route, as in :meth:`fetch_page`.
            model: the record model of the route's resource type.
            params: extra query parameters, sent with every page.
            start_page: the first ``page[number]`` fetched.
            page_size: ``page[size]``, as in :meth:`fetch_page`.

        Yields:
            Each page in order; the last one has ``meta.next_page`` ``None``.

        Raises:
            MalformedResponse: if ``meta.next-page`` does not move forward (it would loop).
            ValueError, ItglueError: as in :meth:`fetch_page`.
        """
        number = start_page
        while True:
            page = await self.fetch_page(
                path, model, params=params, page_number=number, page_size=page_size
            )
            yield page
            next_page = page.meta.next_page
            if next_page is None:
                return
            if next_page <= number:
                raise MalformedResponse(
                    model.RESOURCE_TYPE,
                    f"does not move past page {number}",
                    field="member 'meta.next-page'",
                )
            number = next_page

    async def get(self, path: str, model: type[R], *, params: Mapping[str, str] | None = None) -> R:
        """GET one record from a show route, e.g. ``/configurations/123``.

        Args:
            path: the route, no query string.
            model: the record model of the route's resource type.
            params: extra query parameters, e.g. ``include=related_items``.

        Returns:
            The record, relationships resolved from ``included``.

        Raises:
            ValueError: if ``path`` carries a query string.
            ItglueError: any of its subclasses, see :mod:`itglue_mcp.itglue.errors`.
        """
        return await self._call(path, dict(params or {}), model, parse_show)

    async def _call(
        self,
        path: str,
        params: Mapping[str, str],
        model: type[R],
        parse: Callable[[object, type[R]], T],
    ) -> T:
        if "?" in path:
            # Queries go in `params`, so the path alone can be logged and put in messages.
            raise ValueError(f"path must not carry a query string; pass params instead: {path}")
        try:
            response = await self._send(path, params)
            try:
                payload = response.json()
            except ValueError:
                raise MalformedResponse(model.RESOURCE_TYPE, "body is not JSON") from None
            return parse(payload, model)
        except ItglueError:
            self._stats.failures += 1
            raise

    async def _send(self, path: str, params: Mapping[str, str]) -> httpx.Response:
        """One logical request: waits out an open breaker (bounded), then sends with retries.

        Raises:
            CircuitOpen: the breaker stayed open (or its trials failed) for ``breaker_wait_s``.
            ItglueError: as :meth:`_send_with_backoff`.
        """
        waiting = AsyncRetrying(
            retry=retry_if_exception_type(CircuitOpen),
            stop=_StopWaitingAfter(self._settings.breaker_wait_s),
            wait=self._breaker_wait,
            before_sleep=functools.partial(self._before_breaker_wait, path),
            reraise=True,
        )
        async for waited in waiting:
            with waited:
                response = await self._send_with_backoff(path, params)
        return response

    async def _send_with_backoff(self, path: str, params: Mapping[str, str]) -> httpx.Response:
        """Attempts under tenacity until success or the attempt budget is spent.

        A request that spent its budget on faults (not on 429s) records one failure with the
        breaker; if the breaker is then open, and waiting is allowed, it raises
        :class:`CircuitOpen` so that :meth:`_send` waits for the half-open trial.

        Raises:
            CircuitOpen: the breaker is open (before any attempt, or after this request's
                failure opened it).
            ServiceUnavailable: 5xx, timeouts or connection errors after ``max_attempts``.
            RateLimited: 429 after ``max_attempts``.
            ItglueError: any other error of the family, at once.
        """
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_RetryableFailure),
            stop=stop_after_attempt(self._settings.max_attempts),
            wait=self._wait,
            before_sleep=self._before_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._attempt(path, params)
        except _RetryableFailure as failure:
            if failure.status != 429:  # rate limiting is not a fault
                self._breaker.record_failure()
                if self._breaker.state == "open" and self._settings.breaker_wait_s > 0:
                    raise CircuitOpen(self._breaker.reopens_in_s) from None
            raise failure.exhausted(self._settings.max_attempts) from None
        return response

    async def _attempt(self, path: str, params: Mapping[str, str]) -> httpx.Response:
        """Send once and sort the answer into success, a retryable failure or a final error.

        Raises:
            CircuitOpen: the breaker refused the attempt; nothing was sent.
        """
        trial = False
        started = time.monotonic()
        try:
            async with self._concurrency:
                # Asked once a slot is free: a request queued behind an outage sends nothing.
                trial = self._breaker.before_request()
                await self._limiter.acquire()
                self._stats.requests += 1
                response = await self._http.get(
                    path, params=params, headers={"x-api-key": self._current_api_key()}
                )
        except httpx.RequestError as exc:
            if trial:
                self._breaker.record_failure()
            _REQUESTS.labels(status="transport_error").inc()
            raise _RetryableFailure(path, _transport_reason(exc)) from None
        except BaseException:
            if trial:
                self._breaker.release()
            raise
        status = response.status_code
        _REQUESTS.labels(status=str(status)).inc()
        _log.debug(
            "itglue.request",
            method="GET",
            path=path,
            status=status,
            elapsed_ms=round((time.monotonic() - started) * 1000, 1),
        )
        if status >= 500:
            if trial:
                self._breaker.record_failure()
            raise _RetryableFailure(
                path, f"HTTP {status}", status=status, retry_after_s=_retry_after_s(response)
            )
        # Any answer below 500 shows IT Glue is up: rate limiting is not a fault.
        self._breaker.record_success()
        if status == 429:
            self._stats.rate_limited += 1
            retry_after = _retry_after_s(response)
            if retry_after is not None:
                # Hold back every request of this client, not only the one retried.
                self._limiter.pause_until(time.monotonic() + retry_after)
            raise _RetryableFailure(path, "HTTP 429", status=429, retry_after_s=retry_after)
        if status in (401, 403):
            raise AuthenticationFailed(status)
        if status == 404:
            raise ResourceNotFound(path)
        if status == 422:
            raise ValidationFailed(
                path, parse_error_detail(_json_or_none(response), [self._current_api_key()])
            )
        if not 200 <= status < 300:
            raise ItglueError(f"IT Glue answered GET {path} with unexpected HTTP {status}")
        return response

    def _wait(self, state: RetryCallState) -> float:
        """Full-jitter exponential back-off, never shorter than the server's Retry-After."""
        delay = float(self._backoff(state))
        failure = state.outcome.exception() if state.outcome else None
        if isinstance(failure, _RetryableFailure) and failure.retry_after_s is not None:
            delay = max(delay, failure.retry_after_s)
        return delay

    def _breaker_wait(self, state: RetryCallState) -> float:
        """Until the breaker's trial is due, or a short poll while a trial is in flight.

        Never past what is left of ``breaker_wait_s``.
        """
        failure = state.outcome.exception() if state.outcome else None
        due = failure.reopens_in_s if isinstance(failure, CircuitOpen) else 0.0
        delay = due if due > 0 else self._settings.backoff_initial_s
        return max(0.0, min(delay, self._settings.breaker_wait_s - state.idle_for))

    def _before_breaker_wait(self, path: str, state: RetryCallState) -> None:
        _log.debug(
            "itglue.breaker.wait",
            method="GET",
            path=path,
            delay_s=round(state.upcoming_sleep, 3),
            waited_s=round(state.idle_for, 3),
        )

    def _before_retry(self, state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        if not isinstance(failure, _RetryableFailure):
            return
        self._stats.retries += 1
        _log.warning(
            "itglue.retry",
            method="GET",
            path=failure.path,
            status=failure.status,
            reason=failure.reason,
            attempt=state.attempt_number,
            delay_s=round(state.upcoming_sleep, 3),
        )


class _StopWaitingAfter(stop_base):
    """Stop once the outer loop has slept ``limit_s`` seconds in all waiting for the breaker."""

    def __init__(self, limit_s: float) -> None:
        self._limit_s = limit_s

    def __call__(self, retry_state: RetryCallState) -> bool:
        return retry_state.idle_for >= self._limit_s


def _transport_reason(exc: httpx.RequestError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.TransportError):
        return "connection error"
    return "unreadable response"  # e.g. a body whose content-encoding does not decode


def _retry_after_s(response: httpx.Response) -> float | None:
    """Seconds to wait from the ``Retry-After`` header, or ``None`` if absent or unreadable.

    RFC 9110 §10.2.3: the value is either delay-seconds or an HTTP-date; a date in the past
    means no wait.
    """
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            # HTTP-dates are always GMT (RFC 9110 §5.6.7); "-0000" parses as naive.
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _json_or_none(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
