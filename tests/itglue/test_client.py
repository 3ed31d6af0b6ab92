"""ItglueClient against the IT Glue simulator over real HTTP (uvicorn on loopback)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send
from structlog.testing import capture_logs

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config.settings import ItglueSettings
from itglue_mcp.itglue import (
    AuthenticationFailed,
    CircuitOpen,
    Configuration,
    FlexibleAsset,
    FlexibleAssetType,
    ItglueClient,
    Organization,
    Password,
    ResourceNotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

GOOD_KEY = "ITG.good"
KEYS = {GOOD_KEY: True, "ITG.nopw": False}


def _resource(resource_type: str, record_id: int, /, **attributes: Any) -> dict[str, Any]:
    return {"id": str(record_id), "type": resource_type, "attributes": attributes}


def _list_file(
    data: list[dict[str, Any]], included: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"data": data, "included": included or [], "meta": {"total-count": len(data)}}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A small account: 2 organizations, 7 configurations, a password, a flexible asset type."""
    organizations = [
        _resource("organizations", 1001, name="Acme"),
        _resource("organizations", 1002, name="Globex"),
    ]
    configurations = [
        _resource(
            "configurations",
            2001 + n,
            name=f"host-{n}",
            **{
                "organization-id": 1001 if n < 5 else 1002,
                "updated-at": f"2024-01-0{n + 1}T10:00:00.000Z",
            },
        )
        for n in range(7)
    ]
    configurations[0]["relationships"] = {
        "configuration-interfaces": {
            "data": [
                {"type": "configuration-interfaces", "id": "3001"},
                {"type": "configuration-interfaces", "id": "3002"},
            ]
        },
        "related-items": {"data": [{"type": "related-items", "id": "4001"}]},
    }
    configuration_children = [
        _resource("configuration-interfaces", 3001, name="eth0", **{"ip-address": "10.0.0.1"}),
        _resource("configuration-interfaces", 3002, name="eth1", **{"ip-address": "10.0.1.1"}),
        _resource(
            "related-items",
            4001,
            **{"asset-type": "password", "resource-id": 5001, "resource-name": "admin"},
        ),
    ]
    passwords = [
        _resource(
            "passwords",
            5001,
            name="admin",
            username="root",
            password="hunter2-secret",
            **{"organization-id": 1001},
        )
    ]
    asset_type = _resource("flexible-asset-types", 6001, name="Wi-Fi")
    asset_type["relationships"] = {
        "flexible-asset-fields": {"data": [{"type": "flexible-asset-fields", "id": "6101"}]}
    }
    fields = [
        _resource("flexible-asset-fields", 6101, name="Key", kind="Password", **{"name-key": "key"})
    ]
    files = {
        "organizations.json": _list_file(organizations),
        "configurations.json": _list_file(configurations, configuration_children),
        "passwords.json": _list_file(passwords),
        "flexible_asset_types.json": _list_file([asset_type], fields),
    }
    for name, document in files.items():
        (tmp_path / name).write_text(json.dumps(document))
    return tmp_path


def _settings(base_url: str, **overrides: Any) -> ItglueSettings:
    values: dict[str, Any] = {
        "api_url": base_url,
        "api_key": SecretStr(GOOD_KEY),
        "backoff_initial_s": 0.01,
        "backoff_max_s": 0.05,
        "timeout_s": 5.0,
        **overrides,
    }
    return ItglueSettings(**values)


@pytest.fixture
def simulator(data_dir: Path) -> Iterator[tuple[str, Any]]:
    app = create_app(Dataset.load(data_dir), SimulatorConfig(api_keys=KEYS))
    with serve_in_thread(app) as base_url:
        yield base_url, app


async def test_iter_pages_follows_next_page_with_page_size(simulator: tuple[str, Any]) -> None:
    base_url, app = simulator
    async with ItglueClient(_settings(base_url)) as client:
        pages = [
            page async for page in client.iter_pages("/configurations", Configuration, page_size=3)
        ]

    assert [len(page.records) for page in pages] == [3, 3, 1]
    assert [page.meta.number for page in pages] == [1, 2, 3]
    assert [r.id for page in pages for r in page.records] == [str(2001 + n) for n in range(7)]
    assert pages[0].meta.total_count == 7
    assert app.state.stats.requests == 3
    assert client.stats().requests == 3


async def test_filters_and_sort_are_passed_through(simulator: tuple[str, Any]) -> None:
    base_url, _ = simulator
    async with ItglueClient(_settings(base_url)) as client:
        page = await client.fetch_page(
            "/configurations",
            Configuration,
            params={"filter[organization_id]": "1001", "sort": "-updated_at"},
        )

    assert [r.name for r in page.records] == ["host-4", "host-3", "host-2", "host-1", "host-0"]
    assert {r.organization_id for r in page.records} == {1001}


async def test_show_resolves_interfaces_and_related_items(simulator: tuple[str, Any]) -> None:
    base_url, _ = simulator
    async with ItglueClient(_settings(base_url)) as client:
        config = await client.get(
            "/configurations/2001",
            Configuration,
            params={"include": "configuration_interfaces,related_items"},
        )
        listed = await client.fetch_page(
            "/configurations", Configuration, params={"include": "configuration_interfaces"}
        )

    assert [(i.name, i.ip_address) for i in config.interfaces] == [
        ("eth0", "10.0.0.1"),
        ("eth1", "10.0.1.1"),
    ]
    [item] = config.related_items
    assert (item.asset_type, item.resource_id, item.resource_name) == ("password", 5001, "admin")
    assert len(listed.records[0].interfaces) == 2


async def test_flexible_asset_type_fields_give_the_secret_trait_keys(
    simulator: tuple[str, Any],
) -> None:
    base_url, _ = simulator
    async with ItglueClient(_settings(base_url)) as client:
        page = await client.fetch_page(
            "/flexible_asset_types", FlexibleAssetType, params={"include": "flexible_asset_fields"}
        )

    assert page.records[0].secret_name_keys() == {"key"}


async def test_password_value_is_typed_secret_on_show(simulator: tuple[str, Any]) -> None:
    base_url, _ = simulator
    async with ItglueClient(_settings(base_url)) as client:
        listed = await client.fetch_page("/passwords", Password)
        shown = await client.get("/passwords/5001", Password)

    assert listed.records[0].password is None
    assert shown.password is not None
    assert shown.password.get_secret_value() == "hunter2-secret"
    assert "hunter2" not in repr(shown)
    assert "password" not in shown.attributes()


async def test_bad_key_is_authentication_failed_without_the_key(
    simulator: tuple[str, Any],
) -> None:
    base_url, app = simulator
    wrong_key = "ITG.wrong0123456789abcdef"
    async with ItglueClient(_settings(base_url, api_key=SecretStr(wrong_key))) as client:
        with capture_logs() as logs, pytest.raises(AuthenticationFailed) as caught:
            await client.fetch_page("/organizations", Organization)

    assert caught.value.status == 401
    assert wrong_key not in str(caught.value)
    assert wrong_key not in repr(logs)
    assert app.state.stats.requests == 1  # not retried
    assert client.stats().failures == 1


async def test_missing_required_filter_is_validation_failed(simulator: tuple[str, Any]) -> None:
    base_url, app = simulator
    async with ItglueClient(_settings(base_url, breaker_failure_threshold=1)) as client:
        with pytest.raises(ValidationFailed) as caught:
            await client.fetch_page("/flexible_assets", FlexibleAsset)

    assert caught.value.detail is not None
    assert "flexible-asset-type-id" in caught.value.detail
    assert app.state.stats.requests == 1  # not retried
    assert client.breaker_state == "closed"  # a 4xx is not a fault


async def test_route_without_list_is_resource_not_found(simulator: tuple[str, Any]) -> None:
    base_url, _ = simulator
    async with ItglueClient(_settings(base_url)) as client:
        with pytest.raises(ResourceNotFound) as caught:
            await client.fetch_page("/documents", Configuration)

    assert caught.value.path == "/documents"


async def test_429_retry_after_is_honoured_then_requests_succeed(data_dir: Path) -> None:
    config = SimulatorConfig(api_keys=KEYS, rate_limit=5, rate_window_s=1.0)
    app = create_app(Dataset.load(data_dir), config)
    with serve_in_thread(app) as base_url:
        # A breaker threshold of 1 would open on the first 429 if rate limiting counted as a fault.
        settings = _settings(
            base_url,
            max_concurrency=8,
            rate_limit_requests=100,
            rate_limit_window_s=1.0,
            breaker_failure_threshold=1,
        )
        async with ItglueClient(settings) as client:
            started = time.monotonic()
            pages = await asyncio.gather(
                *(client.fetch_page("/organizations", Organization) for _ in range(8))
            )
            elapsed = time.monotonic() - started

    assert all(len(page.records) == 2 for page in pages)
    stats = client.stats()
    assert stats.rate_limited == app.state.stats.rate_limited == 3
    assert stats.retries == 3
    # The simulator's Retry-After is 1 s (whole seconds, at least 1).
    assert elapsed >= 1.0
    assert stats.failures == 0
    assert client.breaker_state == "closed"


class ArrivalLog:
    """ASGI middleware recording when each request reaches the server (monotonic seconds)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.arrivals: list[float] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.arrivals.append(time.monotonic())
        await self.app(scope, receive, send)


async def test_client_limiter_keeps_the_server_under_its_rolling_limit(data_dir: Path) -> None:
    # The server's window is a little shorter than the client's so network jitter between
    # send and arrival cannot make a compliant client look over the limit.
    config = SimulatorConfig(api_keys=KEYS, rate_limit=5, rate_window_s=0.9)
    server = ArrivalLog(create_app(Dataset.load(data_dir), config))
    with serve_in_thread(server) as base_url:
        settings = _settings(
            base_url, max_concurrency=12, rate_limit_requests=5, rate_limit_window_s=1.0
        )
        async with ItglueClient(settings) as client:
            started = time.monotonic()
            await asyncio.gather(
                *(client.fetch_page("/organizations", Organization) for _ in range(12))
            )
            elapsed = time.monotonic() - started

    assert client.stats().rate_limited == 0
    assert len(server.arrivals) == 12
    arrivals = sorted(server.arrivals)
    for first, sixth in zip(arrivals, arrivals[5:], strict=False):
        assert sixth - first >= 0.95
    assert elapsed >= 2.0


async def test_server_errors_are_retried_until_success(data_dir: Path) -> None:
    config = SimulatorConfig(api_keys=KEYS, fail_rate=0.5, seed=3)
    app = create_app(Dataset.load(data_dir), config)
    with serve_in_thread(app) as base_url:
        async with ItglueClient(_settings(base_url, breaker_failure_threshold=50)) as client:
            with capture_logs() as logs:
                pages = [
                    page
                    async for page in client.iter_pages(
                        "/configurations", Configuration, page_size=2
                    )
                ]

    assert sum(len(page.records) for page in pages) == 7
    faults = app.state.stats.faults_injected
    assert faults > 0
    assert client.stats().retries == faults
    retries = [entry for entry in logs if entry["event"] == "itglue.retry"]
    assert len(retries) == faults
    assert {key for entry in retries for key in entry} >= {
        "method",
        "path",
        "status",
        "attempt",
        "delay_s",
    }
    assert retries[0]["path"] == "/configurations"
    assert GOOD_KEY not in repr(logs)


async def test_persistent_server_errors_open_the_breaker_and_fail_fast(data_dir: Path) -> None:
    config = SimulatorConfig(api_keys=KEYS, fail_rate=1.0, seed=1)
    app = create_app(Dataset.load(data_dir), config)
    settings_overrides = {
        "max_attempts": 3,
        "breaker_failure_threshold": 1,
        "breaker_reset_s": 60.0,
        "breaker_wait_s": 0.0,
    }
    with serve_in_thread(app) as base_url:
        async with ItglueClient(_settings(base_url, **settings_overrides)) as client:
            with pytest.raises(ServiceUnavailable) as first:
                await client.fetch_page("/organizations", Organization)
            sent = app.state.stats.requests
            with pytest.raises(CircuitOpen) as second:
                await client.fetch_page("/organizations", Organization)

    assert not isinstance(first.value, CircuitOpen)
    assert "after 3 attempts" in str(first.value)
    assert sent == 3
    assert app.state.stats.requests == sent  # failed fast: nothing sent
    assert client.breaker_state == "open"
    assert 0 < second.value.reopens_in_s <= 60.0
    assert client.stats().failures == 2
