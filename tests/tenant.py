"""Test helpers around the simulator: outage switches, a one-call sync run, expected counts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from pydantic import SecretStr
from starlette.types import ASGIApp

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import ItglueSettings, SyncSettings
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.simulator import Dataset
from itglue_mcp.store import count_records
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.sync_state import SyncRun, get_run
from itglue_mcp.sync.engine import SyncEngine, SyncReport
from tests.mcp_http import free_port

API_KEY = "ITG.sync-tests"
SYNCED_TYPES = (
    "organizations",
    "configurations",
    "passwords",
    "flexible-asset-types",
    "flexible-assets",
    "documents",
    "contacts",
    "locations",
    "domains",
    "expirations",
)


class Switchable:
    """ASGI wrapper: 503 to every request while ``down`` (an outage), optional added delay."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.down = False
        self.requests = 0
        self.fail_after: int | None = None
        self.delay_s = 0.0
        # Called with each HTTP scope before the simulator answers (to change the dataset
        # at a precise point of a listing).
        self.before_request: Callable[[Mapping[str, Any]], None] | None = None

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            self.requests += 1
            await asyncio.sleep(self.delay_s)
            if self.before_request is not None:
                self.before_request(scope)
            if self.fail_after is not None and self.requests > self.fail_after:
                self.down = True
            if self.down:
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


class RestartableServer:
    """An ASGI app served over HTTP on one fixed loopback port, stopped and started at will.

    While stopped the port refuses connections: IT Glue unreachable, not answering 5xx.
    ``stop`` and ``start`` block (they join or start uvicorn's thread); call them through
    ``asyncio.to_thread`` from a test's event loop.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._serving: contextlib.ExitStack | None = None

    def start(self) -> None:
        serving = contextlib.ExitStack()
        serving.enter_context(serve_in_thread(self.app, port=self.port))
        self._serving = serving

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.close()
            self._serving = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass
class Simulated:
    """A running simulator: its live dataset, base URL and ASGI app."""

    dataset: Dataset
    url: str
    app: Switchable

    def settings(self, **overrides: object) -> ItglueSettings:
        """Client settings for this simulator: small pages, fast back-off for tests."""
        values: dict[str, object] = {
            "api_url": self.url,
            "api_key": SecretStr(API_KEY),
            "page_size": 250,
            "backoff_initial_s": 0.01,
            "backoff_max_s": 0.05,
            "max_attempts": 3,
            "breaker_failure_threshold": 3,
            "breaker_reset_s": 0.2,
            "breaker_wait_s": 1.0,
        }
        values.update(overrides)
        return ItglueSettings.model_validate(values)


async def run_sync(simulated: Simulated, database_url: str, **options: object) -> SyncReport:
    """One sync run against the simulator into the store at ``database_url``."""
    settings_overrides = options.pop("client", {})
    assert isinstance(settings_overrides, dict)
    engine = create_engine(database_url)
    try:
        async with ItglueClient(simulated.settings(**settings_overrides)) as client:
            sync = SyncEngine(
                client, engine, create_session_factory(engine), settings=SyncSettings()
            )
            return await sync.run(**options)  # type: ignore[arg-type]
    finally:
        await engine.dispose()


async def store_counts(database_url: str) -> dict[str, int]:
    """Records per type held by the store at ``database_url`` (deleted ones excluded)."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return await count_records(session)
    finally:
        await engine.dispose()


async def stored_run(database_url: str, run_id: int) -> SyncRun | None:
    """The sync run record ``run_id`` of the store at ``database_url``."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return await get_run(session, run_id)
    finally:
        await engine.dispose()


def expected_counts(dataset: Dataset) -> dict[str, int]:
    """Records per type that a complete sync must hold (the simulator's live dataset)."""
    return {name: dataset.count(name) for name in SYNCED_TYPES}
