"""ItglueClient against tiny Starlette apps for answers the simulator never gives.

A 403, bodies that are not JSON:API, a Retry-After HTTP-date, a slow server, a server that
recovers, an unexpected status: each is a few lines of Starlette served over real HTTP on
loopback by the same helper as the simulator.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from structlog.testing import capture_logs

import itglue_mcp.itglue
from itglue_mcp.background import serve_in_thread
from itglue_mcp.config.settings import ItglueSettings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.itglue import (
    AuthenticationFailed,
    CircuitOpen,
    ItglueClient,
    ItglueError,
    MalformedResponse,
    Organization,
    ServiceUnavailable,
    ValidationFailed,
)
from tests.mcp_http import free_port

API_KEY = "ITG.faults0123456789abcdef"
ORG = {"id": "1", "type": "organizations", "attributes": {"name": "Acme"}}

Handler = Callable[[Request], Awaitable[Response]]


def _app(handler: Handler) -> Starlette:
    return Starlette(routes=[Route("/organizations", handler), Route("/organizations/1", handler)])


def _settings(base_url: str, **overrides: Any) -> ItglueSettings:
    values: dict[str, Any] = {
        "api_url": base_url,
        "api_key": SecretStr(API_KEY),
        "backoff_initial_s": 0.01,
        "backoff_max_s": 0.05,
        # A request that opens the breaker fails at once unless a test allows waiting.
        "breaker_wait_s": 0.0,
        **overrides,
    }
    return ItglueSettings(**values)


def _list(page: int, next_page: int | None) -> dict[str, Any]:
    return {"data": [ORG], "meta": {"current-page": page, "next-page": next_page}}


async def test_request_carries_key_accept_and_paging_params() -> None:
    seen: list[Request] = []

    async def echo(request: Request) -> Response:
        seen.append(request)
        return JSONResponse(_list(1, None))

    with serve_in_thread(_app(echo)) as base_url:
        async with ItglueClient(_settings(base_url, page_size=25)) as client:
            await client.fetch_page(
                "/organizations", Organization, params={"filter[name]": "Acme"}, page_number=4
            )

    [request] = seen
    assert request.headers["x-api-key"] == API_KEY
    assert request.headers["accept"] == "application/vnd.api+json"
    assert dict(request.query_params) == {
        "filter[name]": "Acme",
        "page[number]": "4",
        "page[size]": "25",
    }


async def test_403_is_authentication_failed_and_not_retried() -> None:
    calls = 0

    async def forbidden(request: Request) -> Response:
        nonlocal calls
        calls += 1
        return JSONResponse({"errors": [{"status": "403", "detail": API_KEY}]}, status_code=403)

    with serve_in_thread(_app(forbidden)) as base_url:
        async with ItglueClient(_settings(base_url)) as client:
            with pytest.raises(AuthenticationFailed) as caught:
                await client.get("/organizations/1", Organization)

    assert caught.value.status == 403
    assert API_KEY not in str(caught.value)
    assert calls == 1


async def test_422_detail_is_scrubbed_in_message_and_logs(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    async def invalid(request: Request) -> Response:
        detail = f"password: hunter2 rejected for key {API_KEY}, otp_secret='JBSWY3DPEHPK3PXP'"
        return JSONResponse({"errors": [{"status": "422", "detail": detail}]}, status_code=422)

    caplog.set_level(logging.DEBUG)
    with serve_in_thread(_app(invalid)) as base_url:
        async with ItglueClient(_settings(base_url)) as client:
            with capture_logs() as logs, pytest.raises(ValidationFailed) as caught:
                await client.fetch_page("/organizations", Organization)

    message = str(caught.value)
    everything_logged = repr(logs) + caplog.text + "".join(capsys.readouterr())
    for secret in ("hunter2", API_KEY, "JBSWY3DPEHPK3PXP"):
        assert secret not in message
        assert secret not in everything_logged
    assert caught.value.detail is not None
    assert caught.value.detail.startswith("password: [redacted] rejected")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>Bad gateway</html>", "organizations response: body is not JSON"),
        (b'{"data": [{"type": "organizations", "attributes": {}}]}', "member 'data[0].id'"),
        (
            b'{"data": [{"id": "1", "type": "passwords", "attributes": {"name": "x"}}]}',
            "expected 'organizations', got 'passwords'",
        ),
        (b'{"data": [{"id": "1", "type": "organizations"}]}', "member 'attributes': missing"),
    ],
)
async def test_unreadable_bodies_are_malformed_response(body: bytes, problem: str) -> None:
    async def broken(request: Request) -> Response:
        return Response(body, media_type="application/vnd.api+json")

    with serve_in_thread(_app(broken)) as base_url:
        async with ItglueClient(_settings(base_url)) as client:
            with pytest.raises(MalformedResponse) as caught:
                await client.fetch_page("/organizations", Organization)

    assert problem in str(caught.value)
    assert "Bad gateway" not in str(caught.value)


async def test_retry_after_http_date_is_honoured() -> None:
    arrivals: list[float] = []
    retry_at: list[float] = []

    async def limited_once(request: Request) -> Response:
        arrivals.append(time.time())
        if len(arrivals) > 1:
            return JSONResponse(_list(1, None))
        # HTTP-dates have whole seconds: 2 s ahead, truncated, is 1 to 2 s from now.
        when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
        retry_at.append(when.timestamp())
        headers = {"Retry-After": email.utils.format_datetime(when, usegmt=True)}
        return JSONResponse({"errors": [{"status": "429"}]}, status_code=429, headers=headers)

    with serve_in_thread(_app(limited_once)) as base_url:
        async with ItglueClient(_settings(base_url)) as client:
            page = await client.fetch_page("/organizations", Organization)

    assert page.records[0].name == "Acme"
    assert len(arrivals) == 2
    assert arrivals[1] >= retry_at[0] - 0.05  # wall clocks of one machine; small rounding slack
    assert client.stats().rate_limited == 1


async def test_timeouts_are_retried_then_give_service_unavailable() -> None:
    calls = 0

    async def slow_first(request: Request) -> Response:
        nonlocal calls
        calls += 1
        if calls == 1 or request.query_params.get("page[number]") == "2":
            await asyncio.sleep(0.5)
        return JSONResponse(_list(1, None))

    with serve_in_thread(_app(slow_first)) as base_url:
        settings = _settings(base_url, timeout_s=0.2, max_attempts=2)
        async with ItglueClient(settings) as client:
            page = await client.fetch_page("/organizations", Organization)
            with pytest.raises(ServiceUnavailable, match="after 2 attempts \\(last: timeout\\)"):
                await client.fetch_page("/organizations", Organization, page_number=2)

    assert page.records[0].id == "1"
    assert client.stats().retries == 2


async def test_breaker_half_opens_after_reset_and_a_good_trial_closes_it() -> None:
    healthy = False

    async def flaky(request: Request) -> Response:
        if healthy:
            return JSONResponse(_list(1, None))
        return PlainTextResponse("down", status_code=503)

    with serve_in_thread(_app(flaky)) as base_url:
        # Waiting disabled: the request that opened the breaker fails with its own error.
        settings = _settings(
            base_url,
            max_attempts=2,
            breaker_failure_threshold=1,
            breaker_reset_s=0.3,
            breaker_wait_s=0.0,
        )
        async with ItglueClient(settings) as client:
            with pytest.raises(ServiceUnavailable, match="after 2 attempts"):
                await client.fetch_page("/organizations", Organization)
            assert client.breaker_state == "open"
            healthy = True
            await asyncio.sleep(0.35)
            page = await client.fetch_page("/organizations", Organization)

    assert page.records[0].name == "Acme"
    assert client.breaker_state == "closed"


async def test_failed_attempts_that_a_retry_cures_never_open_the_breaker() -> None:
    attempts: dict[str, int] = {}

    async def fails_twice(request: Request) -> Response:
        page = request.query_params["page[number]"]
        attempts[page] = attempts.get(page, 0) + 1
        if attempts[page] <= 2:
            return PlainTextResponse("down", status_code=503)
        return JSONResponse(_list(int(page), None))

    with serve_in_thread(_app(fails_twice)) as base_url:
        settings = _settings(base_url, max_attempts=3, breaker_failure_threshold=1)
        async with ItglueClient(settings) as client:
            with capture_logs() as logs:
                pages = await asyncio.gather(
                    *(
                        client.fetch_page("/organizations", Organization, page_number=n)
                        for n in (1, 2)
                    )
                )

    assert [page.records[0].name for page in pages] == ["Acme", "Acme"]
    assert client.stats().retries == 4
    assert client.breaker_state == "closed"
    assert not [entry for entry in logs if entry["event"].startswith("itglue.breaker")]


async def test_requests_wait_for_the_half_open_trial_instead_of_failing() -> None:
    down_until = time.monotonic() + 0.8

    async def outage(request: Request) -> Response:
        if time.monotonic() < down_until:
            return PlainTextResponse("down", status_code=503)
        return JSONResponse(_list(1, None))

    with serve_in_thread(_app(outage)) as base_url:
        settings = _settings(
            base_url,
            max_attempts=2,
            breaker_failure_threshold=1,
            breaker_reset_s=0.3,
            breaker_wait_s=5.0,
        )
        async with ItglueClient(settings) as client:
            with capture_logs() as logs:
                pages = await asyncio.gather(
                    *(client.fetch_page("/organizations", Organization) for _ in range(6))
                )

    assert all(page.records[0].name == "Acme" for page in pages)
    assert client.stats().failures == 0
    assert client.breaker_state == "closed"
    events = [entry["event"] for entry in logs if entry["event"].startswith("itglue.breaker.")]
    assert events[0] == "itglue.breaker.open"
    assert "itglue.breaker.wait" in events
    assert events[-1] == "itglue.breaker.closed"
    # While open, only the trials went out: far fewer requests than 6 requests x 2 attempts
    # for every 0.3 s period of the outage.
    assert client.stats().requests < 6 * 2 + 6 + 4


async def test_an_outage_past_the_wait_bound_is_circuit_open() -> None:
    async def down(request: Request) -> Response:
        return PlainTextResponse("down", status_code=503)

    with serve_in_thread(_app(down)) as base_url:
        settings = _settings(
            base_url,
            max_attempts=2,
            breaker_failure_threshold=1,
            breaker_reset_s=0.2,
            breaker_wait_s=0.6,
        )
        async with ItglueClient(settings) as client:
            started = time.monotonic()
            with pytest.raises(CircuitOpen):
                await client.fetch_page("/organizations", Organization)
            elapsed = time.monotonic() - started

    assert 0.6 <= elapsed < 3.0
    assert client.breaker_state == "open"
    assert client.stats().failures == 1


async def test_connection_refused_is_service_unavailable() -> None:
    settings = _settings(f"http://127.0.0.1:{free_port()}", max_attempts=2)

    async with ItglueClient(settings) as client:
        with pytest.raises(ServiceUnavailable, match="connection error"):
            await client.fetch_page("/organizations", Organization)


async def test_unexpected_status_is_a_plain_itglue_error() -> None:
    async def teapot(request: Request) -> Response:
        return PlainTextResponse("short and stout", status_code=418)

    with serve_in_thread(_app(teapot)) as base_url:
        async with ItglueClient(_settings(base_url)) as client:
            with pytest.raises(ItglueError, match="unexpected HTTP 418") as caught:
                await client.fetch_page("/organizations", Organization)

    assert type(caught.value) is ItglueError


async def test_next_page_that_does_not_advance_stops_iteration() -> None:
    async def looping(request: Request) -> Response:
        return JSONResponse(_list(1, 1))

    with serve_in_thread(_app(looping)) as base_url:
        async with ItglueClient(_settings(base_url)) as client:
            pages = client.iter_pages("/organizations", Organization)
            first = await anext(pages)
            with pytest.raises(MalformedResponse, match=r"meta\.next-page"):
                await anext(pages)

    assert first.meta.next_page == 1


async def test_missing_api_key_oversized_page_and_query_in_path_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="ITGLUE_MCP_ITGLUE__API_KEY"):
        ItglueClient(ItglueSettings(api_url="http://127.0.0.1:9"))

    async with ItglueClient(_settings("http://127.0.0.1:9")) as client:
        with pytest.raises(ValueError, match="page_size"):
            await client.fetch_page("/organizations", Organization, page_size=1001)
        with pytest.raises(ValueError, match="params"):
            await client.get("/organizations/1?include=related_items", Organization)
    assert client.stats().requests == 0


def test_package_exports_exist_and_import_stays_light() -> None:
    assert all(hasattr(itglue_mcp.itglue, name) for name in itglue_mcp.itglue.__all__)
    probe = (
        "import sys, itglue_mcp.itglue; "
        "print(sorted(m for m in sys.modules if m.startswith(('itglue_mcp.itglue.s', "
        "'itglue_mcp.itglue.d', 'starlette', 'uvicorn'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert loaded.strip() == "[]"
