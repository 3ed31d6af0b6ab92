"""Rate limit, injected faults, latency and request counters of the simulator over real HTTP."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from itglue_mcp.background import serve_in_thread
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

KEY = "ITG.one"
OTHER = "ITG.two"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    data_dir = tmp_path_factory.mktemp("limits")
    organizations = [{"id": "1", "type": "organizations", "attributes": {"name": "Acme"}}]
    (data_dir / "organizations.json").write_text(json.dumps({"data": organizations}))
    return Dataset.load(data_dir)


def _get(http: httpx.Client, key: str = KEY) -> httpx.Response:
    return http.get("/organizations", headers={"x-api-key": key})


def test_over_the_limit_answers_429_with_retry_after(dataset: Dataset) -> None:
    app = create_app(dataset, SimulatorConfig(api_keys={KEY: True, OTHER: True}, rate_limit=3))
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url) as http:
        assert [_get(http).status_code for _ in range(3)] == [200, 200, 200]

        refused = _get(http)
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/vnd.api+json"
        assert refused.json()["errors"][0]["status"] == "429"
        retry_after = int(refused.headers["retry-after"])
        assert 299 <= retry_after <= 300  # default window: 5 minutes

        assert _get(http, OTHER).status_code == 200  # each key has its own window
        assert _get(http, "ITG.unknown").status_code == 401
        assert app.state.stats.requests == 6
        assert app.state.stats.rate_limited == 1
        assert app.state.stats.unauthorized == 1
        assert app.state.stats.faults_injected == 0


def test_window_rolls_and_refused_requests_do_not_count(dataset: Dataset) -> None:
    config = SimulatorConfig(api_keys={KEY: True}, rate_limit=2, rate_window_s=1.0)
    app = create_app(dataset, config)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url) as http:
        assert [_get(http).status_code for _ in range(2)] == [200, 200]
        window_full_at = time.monotonic()

        time.sleep(0.5)
        refused = [_get(http) for _ in range(5)]
        assert {response.status_code for response in refused} == {429}
        assert refused[0].headers["retry-after"] == "1"

        # Both admitted requests have left the window; the refusals, 0.5 s younger, would still
        # be inside it if they had been counted.
        time.sleep(max(0.0, window_full_at + 1.1 - time.monotonic()))
        assert _get(http).status_code == 200
        assert app.state.stats.rate_limited == 5


def test_fail_rate_one_answers_only_injected_5xx(dataset: Dataset) -> None:
    app = create_app(dataset, SimulatorConfig(api_keys={KEY: True}, fail_rate=1.0, seed=1))
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url) as http:
        responses = [_get(http) for _ in range(30)]
        unauthenticated = _get(http, "ITG.unknown")

    assert {response.status_code for response in responses} <= {500, 502, 503}
    assert len({response.status_code for response in responses}) > 1
    for response in responses:
        error = response.json()["errors"][0]
        assert error["status"] == str(response.status_code)
        assert error["title"]
        assert response.headers["content-type"] == "application/vnd.api+json"
    assert unauthenticated.status_code == 401  # the key is checked before faults are drawn
    assert app.state.stats.faults_injected == 30


def test_seeded_faults_repeat(dataset: Dataset) -> None:
    def statuses() -> list[int]:
        config = SimulatorConfig(api_keys={KEY: True}, fail_rate=0.5, seed=42)
        app = create_app(dataset, config)
        with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url) as http:
            return [_get(http).status_code for _ in range(40)]

    first = statuses()
    assert first == statuses()
    assert 200 in first
    assert set(first) - {200}


def test_latency_is_added_to_every_response(dataset: Dataset) -> None:
    app = create_app(dataset, SimulatorConfig(api_keys={KEY: True}, latency_ms=150))
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url) as http:
        for key in (KEY, "ITG.unknown"):
            started = time.monotonic()
            _get(http, key)
            assert time.monotonic() - started >= 0.15
