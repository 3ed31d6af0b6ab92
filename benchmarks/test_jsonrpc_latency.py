"""The read path measured from outside: raw JSON-RPC ``tools/call`` POSTs over Streamable HTTP,
as ratios to a bare FastMCP echo server measured in the same run.

Run with ``uv run pytest benchmarks/test_jsonrpc_latency.py -s -p no:cacheprovider`` (10
organizations); ``ITGLUE_MCP_BENCH_LARGE=1`` adds the 150-organization tenant and
``ITGLUE_MCP_BENCH_HUGE=1`` the 1,000-organization one (syncing it takes a long time). Nothing
here is a pass/fail threshold: the test asserts only that every call answers, without a
JSON-RPC or MCP error.

Two processes on 127.0.0.1: ``python -m itglue_mcp serve`` over a synced data directory (auth
mode none, no metrics port) and the bare server (FastMCP, one ``echo`` tool,
``http_app(stateless_http=True)`` under uvicorn). The client is httpx, not the fastmcp client
(whose own per-call cost, tens of milliseconds on the modern protocol, would hide the
server's): ``initialize`` once per server, then ``tools/call`` bodies, each answered as JSON or
as an event stream. Per round, every case is called once on the server right after one
``echo`` on the bare server, so load drift hits both alike (the machine is shared). Reported:

- p50 and p95 per case, each as a ratio to echo's p50 and p95 of the same run;
- calls per second with ``IN_FLIGHT`` requests in flight (``get_configuration`` against
  ``echo``, bursts alternating between the two servers, each bounded in count and time);
- payload sizes: ``tools/list`` and a default ``list_expirations`` result, compact JSON bytes;
- server RSS from ``/proc`` once ready and after the measurement (and the bare server's);
- with more than one size, each case's p50 at each larger size over its p50 at the smallest,
  measured with both servers up and called in turn (a separate pass: the drift between the
  sizes' own runs would enter the ratio).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from benchmarks.processes import BARE_SERVER, rss_mib, serve_command, server_process
from benchmarks.tenants import SIZES, SyncedTenant
from tests.mcp_http import INITIALIZE, MCP_HEADERS, free_port

# Syncing and indexing a tenant takes minutes (hours for 1,000 organizations on 2 cores).
pytestmark = pytest.mark.timeout(8 * 3600)

HUGE_ENV = "ITGLUE_MCP_BENCH_HUGE"
"""Set to 1 to also benchmark a 1,000-organization tenant."""

JSONRPC_SIZES = [*SIZES, *([1000] if os.environ.get(HUGE_ENV) == "1" else [])]

ROUNDS = 40
WARM_UP_ROUNDS = 2
ROUNDS_TIME_LIMIT_S = 300.0
"""Rounds stop early (after the current one) once they have taken this long."""

IN_FLIGHT = 8
BURST_REQUESTS = 240
BURST_TIME_LIMIT_S = 8.0
BURSTS_PER_SERVER = 3

CALL_TIMEOUT_S = 120.0
KEEPALIVE_S = 3.0
"""Idle connections are dropped by the client before uvicorn's 5-second keep-alive timeout
closes them: reusing one as the server closes it fails the request (``httpx.ReadError``)."""


@dataclass(frozen=True)
class Case:
    """Calls of one tool that answer the same way, and the target they are held to."""

    tool: str
    arguments: list[dict[str, Any]]
    target: str


# Organizations 0-9 are the same in every generated tenant, so these hit at any size.
CASES: dict[str, Case] = {
    "get_configuration": Case(
        "get_configuration",
        [
            {"organization": "ACME", "name": "ACME-FW01"},
            {"organization": "NW", "name": "NW-SQL01"},
            {"organization": "HP", "name": "DC01"},
        ],
        "p50 <= 3x",
    ),
    "find_ip_address": Case(
        "find_ip_address",
        [
            {"query": "10.10.10.1", "organization": "ACME"},
            {"query": "192.168.20.17", "organization": "NW"},
            {"query": "70:4C:A5:5A:17:C3"},
        ],
        "p50 <= 3x",
    ),
    "health": Case("health", [{}], "p50 <= 3x"),
    "query_documentation structured": Case(
        "query_documentation",
        [
            {"question": "what's the firewall IP at @ACME"},
            {"question": "what is the IP of the NAS at @NW"},
            {"question": "what's the IP of DC01 at @HP"},
        ],
        "p50 <= 5x",
    ),
    "query_documentation how-to": Case(
        "query_documentation",
        [
            {"question": "how do we reset the Sophos VPN", "organization": "Northwind Traders"},
            {"question": "how do I reset a user's VPN access @ACME"},
            {"question": "how do we onboard a new employee at @HP"},
        ],
        "p95 <= 20x",
    ),
    "query_documentation semantic": Case(
        "query_documentation",
        [
            {"question": "LexiCore Case Manager", "organization": "ACME"},
            {"question": "Epicor Kinetic at @NW"},
            {"question": "ACME-Guest wireless network @ACME"},
        ],
        "p95 <= 20x",
    ),
    "search every organization": Case(
        "search",
        [
            {"query": "printer scan to folder"},
            {"query": "backup repository NAS"},
            {"query": "reset a user's VPN access"},
        ],
        "p95 <= 50x",
    ),
}

ECHO_ARGUMENTS = {"text": "ping"}
THROUGHPUT_CASE = "get_configuration"


def compact_bytes(value: Any) -> int:
    """Length in UTF-8 bytes of ``value`` as compact JSON (no spaces)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


class RawMcp:
    """JSON-RPC over Streamable HTTP with nothing in between: one POST per request."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self._ids = itertools.count(1)
        self._headers = {**MCP_HEADERS, "Content-Type": "application/json"}

    async def initialize(self) -> None:
        """Send ``initialize`` once and speak the protocol version the server answers."""
        result = await self.request("initialize", INITIALIZE["params"])
        version = result.get("protocolVersion")
        assert isinstance(version, str), f"initialize answered {result}"
        self._headers["MCP-Protocol-Version"] = version

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The ``result`` of one JSON-RPC request; fails on an HTTP or JSON-RPC error."""
        request_id = next(self._ids)
        body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        response = await self._http.post("/mcp", json=body, headers=self._headers)
        assert response.status_code == 200, f"{method}: HTTP {response.status_code}"
        message = _answer(response, request_id)
        assert "error" not in message, f"{method}: {message['error']}"
        result: dict[str, Any] = message["result"]
        return result

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """The ``tools/call`` result; fails when it is an MCP error (``isError``)."""
        result = await self.request("tools/call", {"name": name, "arguments": arguments})
        assert not result.get("isError"), f"{name}({arguments}): {_text(result)[:400]}"
        return result


def _answer(response: httpx.Response, request_id: int) -> dict[str, Any]:
    """The JSON-RPC message answering ``request_id``, from a JSON body or an event stream."""
    if response.headers.get("content-type", "").startswith("application/json"):
        messages = [response.json()]
    else:
        messages = [
            json.loads(line[len("data:") :])
            for line in response.text.splitlines()
            if line.startswith("data:")
        ]
    for message in messages:
        if isinstance(message, dict) and message.get("id") == request_id:
            return message
    raise AssertionError(f"no answer to request {request_id} in {response.text[:400]}")


def _text(result: dict[str, Any]) -> str:
    return " ".join(str(part.get("text", "")) for part in result.get("content", []))


def _http(port: int) -> httpx.AsyncClient:
    """An httpx client for the server on 127.0.0.1:``port``, enough connections for the bursts."""
    return httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        timeout=CALL_TIMEOUT_S,
        limits=httpx.Limits(max_connections=2 * IN_FLIGHT, keepalive_expiry=KEEPALIVE_S),
    )


@dataclass
class Measured:
    """What one run at one size measured."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    result_bytes: dict[str, list[int]] = field(default_factory=dict)
    rounds: int = 0
    calls_per_s: dict[str, list[float]] = field(default_factory=dict)
    tools_list_bytes: int = 0
    tools_listed: int = 0
    expirations_bytes: int = 0
    expirations_text_bytes: int = 0
    expirations_structured_bytes: int = 0


async def _timed(rpc: RawMcp, name: str, arguments: dict[str, Any]) -> tuple[float, int]:
    started = time.perf_counter()
    result = await rpc.call_tool(name, arguments)
    return time.perf_counter() - started, compact_bytes(result)


async def _rounds(echo: RawMcp, server: RawMcp, measured: Measured) -> None:
    """``ROUNDS`` rounds (after the warm-up): per case, one echo then one server call."""
    arguments = {label: itertools.cycle(case.arguments) for label, case in CASES.items()}
    measured.seconds = {"echo": [], **{label: [] for label in CASES}}
    measured.result_bytes = {label: [] for label in CASES}
    started = time.monotonic()
    for round_number in range(WARM_UP_ROUNDS + ROUNDS):
        warm = round_number >= WARM_UP_ROUNDS
        for label, case in CASES.items():
            echo_s, _ = await _timed(echo, "echo", ECHO_ARGUMENTS)
            call_s, size = await _timed(server, case.tool, next(arguments[label]))
            if warm:
                measured.seconds["echo"].append(echo_s)
                measured.seconds[label].append(call_s)
                measured.result_bytes[label].append(size)
        if warm:
            measured.rounds += 1
            if time.monotonic() - started > ROUNDS_TIME_LIMIT_S:
                break


async def _burst(rpc: RawMcp, name: str, arguments: list[dict[str, Any]]) -> float:
    """Calls per second with ``IN_FLIGHT`` workers, up to ``BURST_REQUESTS`` calls or
    ``BURST_TIME_LIMIT_S`` seconds, whichever comes first."""
    issued = itertools.count()
    deadline = time.perf_counter() + BURST_TIME_LIMIT_S
    completed = 0

    async def worker() -> None:
        nonlocal completed
        while time.perf_counter() < deadline:
            number = next(issued)
            if number >= BURST_REQUESTS:
                return
            await rpc.call_tool(name, arguments[number % len(arguments)])
            completed += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return completed / (time.perf_counter() - started)


async def _throughput(echo: RawMcp, server: RawMcp, measured: Measured) -> None:
    """Bursts alternating between the bare server's echo and the server's case."""
    case = CASES[THROUGHPUT_CASE]
    measured.calls_per_s = {"echo": [], THROUGHPUT_CASE: []}
    await _burst(echo, "echo", [ECHO_ARGUMENTS])  # warm-up: connections opened
    await _burst(server, case.tool, case.arguments)
    for _ in range(BURSTS_PER_SERVER):
        measured.calls_per_s["echo"].append(await _burst(echo, "echo", [ECHO_ARGUMENTS]))
        measured.calls_per_s[THROUGHPUT_CASE].append(
            await _burst(server, case.tool, case.arguments)
        )


async def _payloads(server: RawMcp, measured: Measured) -> None:
    listed = await server.request("tools/list", {})
    measured.tools_list_bytes = compact_bytes(listed)
    measured.tools_listed = len(listed.get("tools", []))
    expirations = await server.call_tool("list_expirations", {})
    measured.expirations_bytes = compact_bytes(expirations)
    measured.expirations_text_bytes = len(_text(expirations).encode())
    measured.expirations_structured_bytes = compact_bytes(expirations.get("structuredContent"))


async def _measure(echo_port: int, server_port: int) -> Measured:
    measured = Measured()
    async with _http(echo_port) as echo_http, _http(server_port) as server_http:
        echo, server = RawMcp(echo_http), RawMcp(server_http)
        await echo.initialize()
        await server.initialize()
        await _payloads(server, measured)
        await _rounds(echo, server, measured)
        await _throughput(echo, server, measured)
    return measured


def _p50_p95(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[94]


def _serve_env(tenant: SyncedTenant) -> dict[str, str]:
    """The server's environment over ``tenant``: auth mode none, no metrics port."""
    return {
        "ITGLUE_MCP_DATA_DIR": str(tenant.data_dir),
        "ITGLUE_MCP_LOG_LEVEL": "WARNING",
        "ITGLUE_MCP_AUTH__MODE": "none",
        "ITGLUE_MCP_SERVER__METRICS_PORT": "0",
    }


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


@pytest.mark.parametrize("organizations", JSONRPC_SIZES)
def test_jsonrpc_latency(synced_tenant: Callable[[int], SyncedTenant], organizations: int) -> None:
    tenant = synced_tenant(organizations)
    load_before = _load()
    echo_port, server_port = free_port(), free_port()
    bare = [sys.executable, "-c", BARE_SERVER, str(echo_port)]
    env = _serve_env(tenant)
    with (
        server_process(bare, echo_port, "/healthz", {}) as echo_pid,
        server_process(serve_command(server_port), server_port, "/readyz", env) as server_pid,
    ):
        rss_started = rss_mib(server_pid)
        measured = asyncio.run(_measure(echo_port, server_port))
        rss_used, echo_rss = rss_mib(server_pid), rss_mib(echo_pid)
    load_after = _load()

    echo_p50, echo_p95 = _p50_p95(measured.seconds["echo"])
    print(
        f"\n{organizations} organizations, {tenant.records:,} records; {measured.rounds} rounds "
        f"(one echo before each call); load average {load_before} before, {load_after} after"
    )
    print(
        f"  {'case':<32}{'p50 ms':>9}{'x echo':>8}{'p95 ms':>9}{'x echo':>8}"
        f"{'p95/echo p50':>14}{'result B':>10}  target"
    )
    print(
        f"  {'echo (bare FastMCP server)':<32}{echo_p50 * 1000:9.1f}{1:8.1f}"
        f"{echo_p95 * 1000:9.1f}{1:8.1f}{echo_p95 / echo_p50:14.1f}{'':>10}"
    )
    for label, case in CASES.items():
        p50, p95 = _p50_p95(measured.seconds[label])
        size = statistics.mean(measured.result_bytes[label])
        print(
            f"  {label:<32}{p50 * 1000:9.1f}{p50 / echo_p50:8.1f}{p95 * 1000:9.1f}"
            f"{p95 / echo_p95:8.1f}{p95 / echo_p50:14.1f}{size:10,.0f}  {case.target}"
        )
    echo_rate = statistics.median(measured.calls_per_s["echo"])
    rate = statistics.median(measured.calls_per_s[THROUGHPUT_CASE])
    print(
        f"  {IN_FLIGHT} in flight (median of {BURSTS_PER_SERVER} bursts each): echo "
        f"{echo_rate:.0f} calls/s, {THROUGHPUT_CASE} {rate:.0f} calls/s = "
        f"{100 * rate / echo_rate:.0f} % of echo's (target >= 25 %)"
    )
    print(
        f"  tools/list {measured.tools_list_bytes / 1000:.1f} KB compact JSON "
        f"({measured.tools_listed} tools; target <= 30 KB); list_expirations default "
        f"{measured.expirations_bytes / 1000:.1f} KB "
        f"(text {measured.expirations_text_bytes / 1000:.1f} KB, "
        f"structured {measured.expirations_structured_bytes / 1000:.1f} KB; target <= 8 KB)"
    )
    print(
        f"  RSS: server {rss_started:.0f} MiB once ready, {rss_used:.0f} MiB after; bare echo "
        f"server {echo_rss:.0f} MiB"
    )


async def _interleaved(smallest_port: int, larger_port: int) -> dict[str, tuple[list[float], ...]]:
    """``ROUNDS`` rounds (after the warm-up) over two servers at once: per case, one call to
    each, the first one alternating by round. Returns each case's seconds per server."""
    seconds: dict[str, tuple[list[float], ...]] = {label: ([], []) for label in CASES}
    arguments = {label: itertools.cycle(case.arguments) for label, case in CASES.items()}
    async with _http(smallest_port) as small_http, _http(larger_port) as large_http:
        servers = (RawMcp(small_http), RawMcp(large_http))
        for server in servers:
            await server.initialize()
        started = time.monotonic()
        for round_number in range(WARM_UP_ROUNDS + ROUNDS):
            order = (0, 1) if round_number % 2 == 0 else (1, 0)
            for label, case in CASES.items():
                call = next(arguments[label])
                for index in order:
                    elapsed, _ = await _timed(servers[index], case.tool, call)
                    if round_number >= WARM_UP_ROUNDS:
                        seconds[label][index].append(elapsed)
            if time.monotonic() - started > ROUNDS_TIME_LIMIT_S:
                break
    return seconds


def test_jsonrpc_latency_across_sizes(synced_tenant: Callable[[int], SyncedTenant]) -> None:
    """Each case's p50 at every larger size over its p50 at the smallest (target at 1,000
    organizations: within 1.3x of 10), with both servers up and called in turn, so that the
    machine's drift between two separate runs does not enter the ratio."""
    if len(JSONRPC_SIZES) < 2:
        pytest.skip("one size measured (ITGLUE_MCP_BENCH_LARGE=1 or ITGLUE_MCP_BENCH_HUGE=1)")
    smallest, *larger = sorted(JSONRPC_SIZES)
    for size in larger:
        small_port, large_port = free_port(), free_port()
        with (
            server_process(
                serve_command(small_port),
                small_port,
                "/readyz",
                _serve_env(synced_tenant(smallest)),
            ),
            server_process(
                serve_command(large_port), large_port, "/readyz", _serve_env(synced_tenant(size))
            ),
        ):
            seconds = asyncio.run(_interleaved(small_port, large_port))
        print(
            f"\n{size} organizations against {smallest}, both servers up, called in turn "
            f"({len(seconds['health'][0])} rounds; load average {_load()}):"
        )
        print(f"  {'case':<32}{f'p50 ms {smallest}':>12}{f'p50 ms {size}':>12}{'ratio':>8}  target")
        for label, (small, large) in seconds.items():
            small_p50, large_p50 = statistics.median(small), statistics.median(large)
            print(
                f"  {label:<32}{small_p50 * 1000:12.1f}{large_p50 * 1000:12.1f}"
                f"{large_p50 / small_p50:7.2f}x  <= 1.3x at 1,000"
            )
