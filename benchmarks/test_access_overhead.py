"""What access control costs per tool call: mode oidc + RBAC against mode none, same tenant.

Run with ``uv run pytest benchmarks/test_access_overhead.py -s``; nothing here is a pass/fail
threshold. The 10-organization tenant of :mod:`benchmarks.tenants` (synced once, as for
``test_tool_latency``) is served on 127.0.0.1 by three apps over the same opened backends
(store, model, index), each with ``echo`` registered as the trivial baseline tool:

- ``none``: auth mode none, no authorizer — everything permitted (the baseline, as
  ``itglue-mcp eval`` serves a data directory);
- ``none+rbac``: auth mode none with the policy loaded, as ``itglue-mcp serve`` wires it (the
  local caller holds ``msp-admin``, so the authorizer decides every call);
- ``oidc``: mode oidc, JWT access tokens of a :class:`~tests.security.jwks.LocalIssuer` (RS256;
  signature, issuer, audience, expiry checked on every request; JWKS cached) and the built-in
  Casbin policy with two group bindings, called with two tokens: ``technician`` (a group bound
  to ``technician``, every organization) and ``client-readonly`` (a group bound to
  ``client-readonly@<ACME's id>``: every result filtered to one organization).

One fastmcp client per caller calls the tools round-robin — every tool with the same arguments
for every caller in the same round, the callers' order shuffled for each call (seeded) — so load
drift, and which server answered just before, hit them alike. Reported: p50/p95 per tool and
caller, each caller's ratio to ``none``, and the median of the paired differences to ``none``
(same round, same arguments).

In process, against the same policy: ``Authorizer.permissions`` for a new caller (cold cache:
a subject not seen before, as after every policy reload) and a known one (warm), the cold case
again with ``EXTRA_POLICY_LINES`` custom-role lines added, ``Permissions.everything`` (what
mode none does instead) and one JWT verification by the oidc verifier (JWKS cached), each as a
fraction of an ``echo`` call's p50 in mode none; and how many Casbin ``enforce`` calls one cold
computation makes.

Example::

    uv run pytest benchmarks/test_access_overhead.py -s -p no:cacheprovider
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from benchmarks.tenants import SyncedTenant
from fastmcp import Client, FastMCP
from fastmcp.server.auth import RemoteAuthProvider
from tests.mcp_http import free_port
from tests.security.jwks import LocalIssuer, oidc_settings

from itglue_mcp.background import serve_in_thread
from itglue_mcp.cli.serve import bind_settings
from itglue_mcp.cli.wiring import Access, Backends, Store, open_backends
from itglue_mcp.config import Settings
from itglue_mcp.config.rate_limit import RateLimitSettings
from itglue_mcp.config.rbac import PolicySource, RbacSettings
from itglue_mcp.security import build_auth_provider
from itglue_mcp.security.audit import AuditTrail
from itglue_mcp.security.identity import Caller
from itglue_mcp.security.rbac import Authorizer, Permissions, build_authorizer
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.store.database import create_engine, create_session_factory

pytestmark = pytest.mark.timeout(3600)

ORGANIZATIONS = 10
ROUNDS = 100
WARM_UP_ROUNDS = 2
MICRO_ROUNDS = 400
EXTRA_POLICY_LINES = 200
"""Custom-role lines added to the built-in policy for the policy-size row (a policy file)."""

TECHNICIANS = "MSP Technicians"
CLIENT_GROUP = "Client ACME"
SCOPE = "itglue.read itglue.secrets.reveal"

# Scoped to ACME (the client-readonly caller's organization) or to every organization, so all
# callers get an answer; the client's unscoped calls are filtered to ACME.
CALLS: dict[str, list[dict[str, Any]]] = {
    "echo": [{"text": "ping"}],
    "list_organizations": [{}, {"name_contains": "a"}],
    "find_ip_address": [
        {"query": "10.10.10.1", "organization": "ACME"},
        {"query": "firewall"},
    ],
    "get_configuration": [
        {"organization": "ACME", "name": "ACME-FW01"},
        {"name": "ACME-DC01"},
    ],
    "search": [
        {"query": "backup repository NAS", "organization": "ACME"},
        {"query": "printer scan to folder"},
    ],
}

CALLERS = ["none", "none+rbac", "technician", "client-readonly"]
"""Column order of the tables; ``none`` is the baseline."""


@dataclass(frozen=True)
class Target:
    """One caller of one served app: its MCP URL and bearer token (``None``: no token)."""

    url: str
    token: str | None


@dataclass(frozen=True)
class Served:
    """The apps, what each caller uses, and the settings of the oidc app."""

    targets: dict[str, Target]
    oidc: Settings
    acme_id: int


def _acme_id(dataset_dir: Path) -> int:
    """ACME's IT Glue organization id in the generated dataset (organization 0)."""
    document = json.loads((dataset_dir / "organizations.json").read_text())
    for record in document["data"]:
        if record["attributes"]["short-name"] == "ACME":
            return int(record["id"])
    raise AssertionError("the generated dataset has no ACME organization")


def _register_echo(mcp: FastMCP) -> None:
    @mcp.tool(name="echo")
    def echo(text: str) -> str:
        """Return ``text``: the baseline call."""
        return text


def _bindings(acme_id: int) -> RbacSettings:
    return RbacSettings(
        bindings={
            f"group:{TECHNICIANS}": ["technician"],
            f"group:{CLIENT_GROUP}": [f"client-readonly@{acme_id}"],
        }
    )


@contextmanager
def _serve(tenant: SyncedTenant, issuer: LocalIssuer) -> Iterator[Served]:
    """The three apps over one set of opened backends, each in its own uvicorn thread.

    As in :func:`itglue_mcp.cli.eval.serve_data_dir`: backends open on this thread's loop; each
    server reads the store through its own engine without a pool (connections belong to a
    loop); the local-mode index keeps no loop state and is shared.
    """
    acme_id = _acme_id(tenant.dataset_dir)
    base = Settings(data_dir=tenant.data_dir, rbac=_bindings(acme_id))
    oidc_port = free_port()
    oidc = oidc_settings(issuer, public_url=f"http://127.0.0.1:{oidc_port}").model_copy(
        # The request limit is counted (its cost is part of the overhead) but never reached.
        update={
            "data_dir": tenant.data_dir,
            "rbac": base.rbac,
            "rate_limit": RateLimitSettings(requests_per_minute=1_000_000),
        }
    )
    runner = asyncio.Runner()
    stack = AsyncExitStack()
    engines = []
    authorizers: list[Authorizer] = []
    try:
        opened = runner.run(stack.enter_async_context(open_backends(base)))

        def app(settings: Settings, port: int, *, rbac: bool) -> Any:
            engine = create_engine(settings.effective_database_url, null_pool=True)
            engines.append(engine)
            store = Store(engine, create_session_factory(engine))
            backends = Backends(store, opened.embedder, opened.index, opened.index_settings)
            access = None
            if rbac:
                authorizer = runner.run(build_authorizer(settings, None))
                authorizers.append(authorizer)
                access = Access(authorizer, AuditTrail(store.sessions))
            services = backends.services(access)
            mcp = build_server(services, settings.auth)
            _register_echo(mcp)
            bound = bind_settings(settings, host="127.0.0.1", port=port)
            return build_http_app(mcp, bound, audit=services.audit)

        none_port, rbac_port = free_port(), free_port()
        with ExitStack() as servers:
            none_url = servers.enter_context(
                serve_in_thread(app(base, none_port, rbac=False), port=none_port)
            )
            rbac_url = servers.enter_context(
                serve_in_thread(app(base, rbac_port, rbac=True), port=rbac_port)
            )
            oidc_url = servers.enter_context(
                serve_in_thread(app(oidc, oidc_port, rbac=True), port=oidc_port)
            )
            audience = f"{oidc_url}/mcp"
            technician = issuer.mint(aud=audience, sub="tech-1", scope=SCOPE, groups=[TECHNICIANS])
            client = issuer.mint(aud=audience, sub="client-1", scope=SCOPE, groups=[CLIENT_GROUP])
            yield Served(
                targets={
                    "none": Target(f"{none_url}/mcp", None),
                    "none+rbac": Target(f"{rbac_url}/mcp", None),
                    "technician": Target(audience, technician),
                    "client-readonly": Target(audience, client),
                },
                oidc=oidc,
                acme_id=acme_id,
            )
    finally:
        for authorizer in authorizers:
            runner.run(authorizer.aclose())
        for engine in engines:
            runner.run(engine.dispose())
        runner.run(stack.aclose())
        runner.close()


@dataclass(frozen=True)
class Measured:
    """Seconds per call (caller → tool → samples), error results per caller, the server's
    tool names, and the organization ids ``list_organizations`` shows each caller."""

    timings: dict[str, dict[str, list[float]]]
    errors: dict[str, int]
    tools: list[str]
    listed: dict[str, list[int]]


async def _measure(targets: dict[str, Target]) -> Measured:
    """Every tool for every caller, round-robin, ``WARM_UP_ROUNDS`` + ``ROUNDS`` rounds."""
    timings: dict[str, dict[str, list[float]]] = {
        caller: {tool: [] for tool in CALLS} for caller in targets
    }
    errors = dict.fromkeys(targets, 0)
    arguments = {tool: itertools.cycle(calls) for tool, calls in CALLS.items()}
    shuffler = random.Random(7)
    async with AsyncExitStack() as stack:
        clients = {
            caller: await stack.enter_async_context(
                Client(target.url, auth=target.token, timeout=120)
            )
            for caller, target in targets.items()
        }
        names = [tool.name for tool in await clients["none"].list_tools()]
        for round_number in range(WARM_UP_ROUNDS + ROUNDS):
            for tool in CALLS:
                call = next(arguments[tool])
                for caller in shuffler.sample(CALLERS, len(CALLERS)):
                    started = time.perf_counter()
                    result = await clients[caller].call_tool(tool, call, raise_on_error=False)
                    elapsed = time.perf_counter() - started
                    errors[caller] += result.is_error
                    if round_number >= WARM_UP_ROUNDS:
                        timings[caller][tool].append(elapsed)
        # What each caller is shown: the measured setups are what they claim to be.
        listed: dict[str, list[int]] = {}
        for caller, client in clients.items():
            result = await client.call_tool("list_organizations", {}, raise_on_error=False)
            assert result.structured_content is not None, result.content
            listed[caller] = [
                o["source"]["record_id"] for o in result.structured_content["organizations"]
            ]
    return Measured(timings, errors, names, listed)


def _percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), cuts[18]


async def _median_s(operation: Callable[[int], Awaitable[object]], rounds: int) -> float:
    """Median seconds of ``await operation(i)`` over ``rounds`` calls (after 5 unmeasured)."""
    for index in range(5):
        await operation(-1 - index)
    samples = []
    for index in range(rounds):
        started = time.perf_counter()
        await operation(index)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _caller(subject: str, group: str) -> Caller:
    return Caller(
        subject=subject,
        client_id="bench-client",
        groups=frozenset({group}),
        roles=frozenset(),
        tenant=None,
        scopes=frozenset(SCOPE.split()),
    )


async def _micro(
    served: Served, tools: list[str], policy_dir: Path
) -> tuple[dict[str, float], dict[str, int]]:
    """In-process medians, seconds: permissions cold/warm per caller, everything, JWT verify;
    and the Casbin ``enforce`` calls of one cold permissions computation per caller."""
    results: dict[str, float] = {}
    enforce_calls: dict[str, int] = {}
    authorizer = await build_authorizer(served.oidc, None)
    try:
        for label, group in (("technician", TECHNICIANS), ("client-readonly", CLIENT_GROUP)):
            known = _caller(f"{label}-known", group)

            async def cold(index: int, label: str = label, group: str = group) -> Permissions:
                return await authorizer.permissions(_caller(f"{label}-{index}", group), tools)

            async def warm(_index: int, known: Caller = known) -> Permissions:
                return await authorizer.permissions(known, tools)

            results[f"permissions cold, {label}"] = await _median_s(cold, MICRO_ROUNDS // 4)
            results[f"permissions warm, {label}"] = await _median_s(warm, MICRO_ROUNDS)
            # Casbin decisions one cold computation makes (counted on this instance only).
            decide = authorizer.enforcer.enforce
            count = itertools.count()

            def counted(
                *request: str,
                decide: Callable[..., bool] = decide,
                count: Iterator[int] = count,
            ) -> bool:
                next(count)
                return decide(*request)

            authorizer.enforcer.enforce = counted
            await authorizer.permissions(_caller(f"{label}-counted", group), tools)
            authorizer.enforcer.enforce = decide
            enforce_calls[label] = next(count)
    finally:
        await authorizer.aclose()
    # The same bindings over a larger policy: pycasbin evaluates the matcher per policy line.
    policy_file = policy_dir / "policy.csv"
    policy_file.write_text(
        "".join(
            f"p, role:custom-{index}, *, {tools[index % len(tools)]}, read, allow\n"
            for index in range(EXTRA_POLICY_LINES)
        )
    )
    rbac = served.oidc.rbac.model_copy(
        update={"policy_source": PolicySource.FILE, "policy_file": policy_file}
    )
    larger = await build_authorizer(served.oidc.model_copy(update={"rbac": rbac}), None)
    try:
        for label, group in (("technician", TECHNICIANS), ("client-readonly", CLIENT_GROUP)):

            async def cold_larger(
                index: int, label: str = label, group: str = group
            ) -> Permissions:
                return await larger.permissions(_caller(f"{label}-{index}", group), tools)

            name = f"permissions cold, {label}, +{EXTRA_POLICY_LINES} policy lines"
            results[name] = await _median_s(cold_larger, 20)
    finally:
        await larger.aclose()
    local = _caller("local", "none")

    async def everything(_index: int) -> Permissions:
        return Permissions.everything(local, tools)

    results["Permissions.everything (mode none)"] = await _median_s(everything, MICRO_ROUNDS)
    provider = build_auth_provider(served.oidc)
    assert isinstance(provider, RemoteAuthProvider)
    verifier = provider.token_verifier
    token = served.targets["technician"].token
    assert token is not None

    async def verify(_index: int) -> object:
        access = await verifier.verify_token(token)
        assert access is not None
        return access

    results["JWT verification (RS256, JWKS cached)"] = await _median_s(verify, MICRO_ROUNDS)
    return results, enforce_calls


def test_access_overhead(  # type: ignore[no-untyped-def]
    benchmark, synced_tenant: Callable[[int], SyncedTenant], tmp_path: Path
) -> None:
    tenant = synced_tenant(ORGANIZATIONS)
    load_before = os.getloadavg()
    with LocalIssuer.serve() as issuer, _serve(tenant, issuer) as served:
        measured = asyncio.run(_measure(served.targets))
        micro, enforce_calls = asyncio.run(_micro(served, measured.tools, tmp_path))
        echo_target = served.targets["none"]

        async def echo_once() -> None:
            async with Client(echo_target.url) as client:
                await client.call_tool("echo", {"text": "ping"})

        benchmark.pedantic(lambda: asyncio.run(echo_once()), rounds=3, iterations=1)
    load_after = os.getloadavg()
    # Every call answered for every caller; the client's listing is its one organization.
    assert measured.errors == dict.fromkeys(CALLERS, 0), measured.errors
    assert measured.listed["client-readonly"] == [served.acme_id]
    assert all(len(measured.listed[c]) == ORGANIZATIONS for c in CALLERS[:3]), measured.listed
    timings = measured.timings

    table: dict[str, dict[str, dict[str, float]]] = {}
    for tool in CALLS:
        base_p50, base_p95 = _percentiles(timings["none"][tool])
        table[tool] = {}
        for caller in CALLERS:
            p50, p95 = _percentiles(timings[caller][tool])
            table[tool][caller] = {
                "p50_ms": round(p50 * 1000, 1),
                "p95_ms": round(p95 * 1000, 1),
                "p50_ratio": round(p50 / base_p50, 2),
                "p95_ratio": round(p95 / base_p95, 2),
                # Same round, same arguments: the median of the differences cancels drift.
                "paired_delta_ms": round(
                    statistics.median(
                        (mine - base) * 1000
                        for mine, base in zip(
                            timings[caller][tool], timings["none"][tool], strict=True
                        )
                    ),
                    1,
                ),
            }
    echo_p50, _ = _percentiles(timings["none"]["echo"])
    micro_rows = {
        name: {"us": round(seconds * 1e6, 1), "of_echo": round(seconds / echo_p50, 4)}
        for name, seconds in micro.items()
    }
    benchmark.extra_info.update(
        organizations=ORGANIZATIONS,
        records=tenant.records,
        calls_per_tool=ROUNDS,
        load_average_before=load_before,
        load_average_after=load_after,
        tools=table,
        in_process=micro_rows,
        enforce_calls_cold=enforce_calls,
        tools_offered=len(measured.tools),
    )
    print(
        f"\n{ORGANIZATIONS} organizations, {tenant.records:,} records; {ROUNDS} calls per tool "
        f"and caller; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print("  p50/p95 ms, x ratio p50/p95 to none, median paired difference to none (ms)")
    print(f"  {'tool':<20}" + "".join(f"{caller:>38}" for caller in CALLERS))
    for tool, row in table.items():
        cells = "".join(
            f"{row[c]['p50_ms']:>7.1f}/{row[c]['p95_ms']:>6.1f} ms"
            f" x{row[c]['p50_ratio']:4.2f}/{row[c]['p95_ratio']:4.2f}"
            f" {row[c]['paired_delta_ms']:+6.1f}"
            for c in CALLERS
        )
        print(f"  {tool:<20}{cells}")
    print(
        f"  in process (median of {MICRO_ROUNDS}; cold {MICRO_ROUNDS // 4}), echo p50 "
        f"{echo_p50 * 1000:.1f} ms:"
    )
    for name, micro_row in micro_rows.items():
        share = micro_row["of_echo"] * 100
        print(f"    {name:<54} {micro_row['us']:>9.1f} us  ({share:6.3f} % of echo)")
    print(
        f"  Casbin enforce calls of one cold computation ({len(measured.tools)} tools): "
        + ", ".join(f"{label} {calls}" for label, calls in enforce_calls.items())
    )
