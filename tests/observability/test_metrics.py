"""Prometheus ``/metrics`` on its own port: tool calls and latency by tool and outcome, auth
failures by reason, RBAC denials, IT Glue requests, and the sync and index figures the store
holds (the sync CronJob itself cannot be scraped)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from itglue_mcp.background import serve_in_thread
from itglue_mcp.observability.metrics import auth_failure_reason, metrics_app, observe_store
from itglue_mcp.server.tools.health import check_readiness
from tests.observability.conftest import (
    READ_ONLY_TOKEN,
    Served,
    mcp_http,
    message,
    tool_call,
)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

DASHBOARD = Path(__file__).parents[2] / "helm" / "itglue-mcp" / "dashboards" / "itglue-mcp.json"
SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_created")


@pytest.fixture(scope="module")
def metrics_url(served: Served) -> Iterator[str]:
    """The metrics app over the served store, as ``itglue-mcp serve`` runs it."""

    async def refresh() -> None:
        readiness = await check_readiness(served.services)
        observe_store(readiness.last_sync, readiness.index_chunks)

    with serve_in_thread(metrics_app(refresh)) as url:
        yield url


async def _scrape(url: str) -> Samples:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_a_tool_call_is_counted_and_timed_by_tool_and_outcome(
    served: Served, metrics_url: str
) -> None:
    before = await _scrape(metrics_url)
    async with mcp_http(served.url) as http:
        ok = message(await http.post("/mcp", json=tool_call("list_organizations", {})))
        unknown = message(await http.post("/mcp", json=tool_call("drop_everything", {})))
    async with mcp_http(served.read_only_url, token=READ_ONLY_TOKEN) as http:
        denied = message(await http.post("/mcp", json=tool_call("get_password", {"name": "x"})))
    after = await _scrape(metrics_url)

    assert "result" in ok and denied["result"]["isError"] is True
    assert unknown["error"]["code"] == -32602
    calls = "itglue_mcp_tool_calls_total"
    duration = "itglue_mcp_tool_call_duration_seconds"
    for name in (calls, f"{duration}_count"):
        ok_labels = {"tool": "list_organizations", "outcome": "ok"}
        assert _value(after, name, **ok_labels) == _value(before, name, **ok_labels) + 1
        denied_labels = {"tool": "get_password", "outcome": "denied"}
        assert _value(after, name, **denied_labels) == _value(before, name, **denied_labels) + 1
        # A name no tool has is counted as "unknown": callers cannot grow the label set.
        unknown_labels = {"tool": "unknown", "outcome": "error"}
        assert _value(after, name, **unknown_labels) == _value(before, name, **unknown_labels) + 1
    assert _value(after, f"{duration}_sum", tool="list_organizations", outcome="ok") > _value(
        before, f"{duration}_sum", tool="list_organizations", outcome="ok"
    )
    denials = "itglue_mcp_rbac_denials_total"
    wanted = _value(before, denials, tool="get_password") + 1
    assert _value(after, denials, tool="get_password") == wanted
    assert not any("drop_everything" in str(labels) for _, labels in after)


async def test_auth_failures_are_counted_by_reason(served: Served, metrics_url: str) -> None:
    before = await _scrape(metrics_url)
    call = tool_call("list_organizations", {})
    reveal = tool_call("get_password", {"name": "1", "reveal": True})
    async with mcp_http(served.url, token=None) as http:
        missing = await http.post("/mcp", json=call)
        invalid = await http.post("/mcp", json=call, headers={"Authorization": "Bearer nope"})
    async with mcp_http(served.read_only_url, token=READ_ONLY_TOKEN) as http:
        step_up = await http.post("/mcp", json=reveal)
    after = await _scrape(metrics_url)

    assert (missing.status_code, invalid.status_code, step_up.status_code) == (401, 401, 403)
    failures = "itglue_mcp_auth_failures_total"
    for reason in ("missing", "invalid_token", "insufficient_scope"):
        assert _value(after, failures, reason=reason) == _value(before, failures, reason=reason) + 1


async def test_sync_figures_come_from_the_store(
    served: Served, metrics_url: str, dataset_dir: Path
) -> None:
    samples = await _scrape(metrics_url)

    configurations = json.loads((dataset_dir / "configurations.json").read_text())["data"]
    last = "itglue_mcp_sync_last_records"
    assert _value(samples, last, record_type="configurations") == len(configurations)
    assert _value(samples, "itglue_mcp_sync_last_success_timestamp_seconds") > 1.7e9
    assert _value(samples, "itglue_mcp_sync_last_duration_seconds") > 0
    assert _value(samples, "itglue_mcp_sync_last_api_requests") > 0


async def test_metrics_answer_a_scrape_addressed_to_the_pod_ip(
    served: Served, metrics_url: str
) -> None:
    # Prometheus addresses the pod IP: fastmcp's Host guard refuses it on the MCP port.
    pod = {"Host": "10.42.0.17:8765"}
    async with httpx.AsyncClient() as http:
        mcp = await http.post(f"{served.url}/mcp", json=tool_call("search", {}), headers=pod)
        scraped = await http.get(f"{metrics_url}/metrics", headers={"Host": "10.42.0.17:9464"})
        elsewhere = await http.get(f"{metrics_url}/mcp")

    assert mcp.status_code == 421
    assert scraped.status_code == 200 and "itglue_mcp_tool_calls_total" in scraped.text
    assert elsewhere.status_code == 404


@pytest.mark.parametrize(
    ("status", "has_token", "challenge", "reason"),
    [
        (401, False, 'Bearer error="invalid_token"', "missing"),
        (401, True, 'Bearer error="invalid_token"', "invalid_token"),
        (403, True, 'Bearer error="insufficient_scope", scope="a b"', "insufficient_scope"),
        (403, True, None, "forbidden"),
        (403, True, 'Bearer error="made-up"', "forbidden"),
        (200, True, None, None),
        (421, False, None, None),
    ],
)
def test_auth_failure_reasons_are_a_closed_set(
    status: int, has_token: bool, challenge: str | None, reason: str | None
) -> None:
    assert auth_failure_reason(status, has_token, challenge) == reason


def test_the_grafana_dashboard_queries_only_metrics_the_server_exposes() -> None:
    import itglue_mcp.itglue.client  # noqa: F401  (defines the IT Glue request counter)

    board = json.loads(DASHBOARD.read_text())
    exprs = [target["expr"] for panel in board["panels"] for target in panel["targets"]] + [
        variable["query"] for variable in board["templating"]["list"][1:]
    ]
    queried = {name for expr in exprs for name in re.findall(r"itglue_mcp_[a-z_]+", expr)}
    exposed = {
        name
        for family in text_string_to_metric_families(generate_latest(REGISTRY).decode())
        for name in (family.name, *(family.name + suffix for suffix in SUFFIXES))
    }

    assert queried and queried <= exposed, sorted(queried - exposed)
