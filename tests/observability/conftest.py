"""A synced two-organization store served over loopback HTTP with static-token auth, RBAC, an
audit trail and a secret revealer on the IT Glue simulator; spans recorded in memory.

The in-memory tracer provider is installed as the process's provider only for the test that
asks for :func:`spans` (OpenTelemetry allows one provider per process, and other tests must
see none): afterwards the global is unset again and every proxy tracer that cached it
forgets it, so no later test records — or propagates — a span.

Example::

    async def test_x(served: Served, spans: InMemorySpanExporter) -> None:
        await call_tool(served.url, "search", {"query": "firewall"})
        assert "rbac.check" in {span.name for span in spans.get_finished_spans()}
"""

from __future__ import annotations

import gc
import json
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import AuthMode, AuthSettings, ItglueSettings, Settings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.observability.tracing import instrument_engine
from itglue_mcp.security.audit import AuditTrail
from itglue_mcp.security.rate_limit import RevealRateLimiter
from itglue_mcp.security.rbac import build_authorizer
from itglue_mcp.security.reveal import SecretRevealer
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.conftest import _blocking, synced_store
from tests.tenant import API_KEY

TOKEN = secrets.token_urlsafe(32)
READ_ONLY_TOKEN = secrets.token_urlsafe(32)
SUBJECT = "tech@msp.example"
ACCEPT = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18"}


@dataclass(frozen=True)
class Served:
    """The served app: ``url`` with every scope (a technician), ``read_only_url`` with the read
    scope only, for a ``client-readonly`` caller (refused ``get_password``)."""

    url: str
    read_only_url: str
    dataset: Path
    services: Services


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two generated organizations (Acme Corporation, Northwind Traders)."""
    directory = tmp_path_factory.mktemp("observability-dataset")
    generate_dataset(directory, organizations=2, seed=11)
    return directory


@pytest.fixture(scope="module", params=["sqlite"])
def store_url(
    request: pytest.FixtureRequest, dataset_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A SQLite store holding a full sync of :func:`dataset_dir` (audit events go here too)."""
    yield from synced_store(request, dataset_dir, tmp_path_factory)


@pytest.fixture(scope="module")
def itglue_url(dataset_dir: Path) -> Iterator[str]:
    """The IT Glue simulator over the synced tenant (same ids, same password values)."""
    app = create_app(Dataset.load(dataset_dir), SimulatorConfig(api_keys={API_KEY: True}))
    with serve_in_thread(app) as url:
        yield url


def _settings(token: str, scopes: list[str], role: str = "technician") -> Settings:
    return Settings(
        auth=AuthSettings(
            mode=AuthMode.STATIC,
            static_token=SecretStr(token),
            static_subject=SUBJECT,
            static_roles=[role],
            static_scopes=scopes,
        )
    )


@pytest.fixture(scope="module")
def engine(store_url: str) -> Iterator[AsyncEngine]:
    """The served store's engine (no pool: connections belong to the server thread's loop)."""
    engine = create_engine(store_url, null_pool=True)
    yield engine
    _blocking(engine.dispose())


@pytest.fixture(scope="module")
def served(
    store_url: str, itglue_url: str, dataset_dir: Path, engine: AsyncEngine
) -> Iterator[Served]:
    """Two apps over one store: all scopes (``TOKEN``) and read only (``READ_ONLY_TOKEN``)."""
    full = _settings(TOKEN, ["itglue.read", "itglue.secrets.reveal"])
    sessions = create_session_factory(engine)
    trail = AuditTrail(sessions)
    # No kept-alive connections: they would belong to the server thread's event loop.
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    client = ItglueClient(
        ItglueSettings(api_url=itglue_url, api_key=SecretStr(API_KEY)), transport=transport
    )
    revealer = SecretRevealer(
        client, trail, RevealRateLimiter.from_settings(full), reveal_scope=full.auth.scopes.reveal
    )
    authorizer = _blocking(build_authorizer(full, None))
    services = Services(
        sessions=sessions,
        graph=SqlGraphStore(sessions),
        authorizer=authorizer,
        audit=trail,
        revealer=revealer,
    )
    apps = [
        build_http_app(build_server(services, settings.auth), settings, audit=trail)
        for settings in (full, _settings(READ_ONLY_TOKEN, ["itglue.read"], "client-readonly"))
    ]
    try:
        with serve_in_thread(apps[0]) as url, serve_in_thread(apps[1]) as read_only_url:
            yield Served(url, read_only_url, dataset_dir, services)
    finally:
        _blocking(authorizer.aclose())
        _blocking(client.aclose())


@pytest.fixture
def spans(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """Every span ended during the test (fastmcp's, the project's, the store's SQL)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", provider)
    instrument_engine(engine, tracer_provider=provider)
    try:
        yield exporter
    finally:
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

        EngineTracer.remove_all_event_listeners()
        monkeypatch.undo()
        # Tracers fetched while this provider was global stay bound to it: unbind them so
        # later tests record nothing. `type() is`, not isinstance: isinstance reads
        # `__class__`, which some objects (torch's deprecated aliases) answer with a warning.
        for tracer in [o for o in gc.get_objects() if type(o) is trace.ProxyTracer]:
            tracer._real_tracer = None
        provider.shutdown()


def message(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC message of a Streamable HTTP answer (plain JSON or one SSE event)."""
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("text/event-stream"):
        data = [line[5:] for line in response.text.splitlines() if line.startswith("data:")]
        return dict(json.loads(data[-1]))
    return dict(response.json())


def tool_call(
    name: str, arguments: dict[str, Any], meta: dict[str, str] | None = None
) -> dict[str, Any]:
    """A JSON-RPC ``tools/call`` request (``meta`` goes in ``params._meta``)."""
    params: dict[str, Any] = {"name": name, "arguments": arguments}
    if meta is not None:
        params["_meta"] = meta
    return {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params}


@asynccontextmanager
async def mcp_http(url: str, token: str | None = TOKEN) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the MCP endpoint, with the bearer token when given."""
    headers = dict(ACCEPT)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as http:
        yield http
