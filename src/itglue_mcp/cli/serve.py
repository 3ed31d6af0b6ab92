"""``itglue-mcp serve`` (Streamable HTTP) and ``itglue-mcp stdio`` (local MCP clients)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated

import structlog
import typer

from itglue_mcp import __version__
from itglue_mcp.cli.wiring import (
    Access,
    Backends,
    fail_cleanly,
    load_settings,
    open_access,
    open_backends,
)
from itglue_mcp.config import Settings
from itglue_mcp.observability import configure_logging, configure_tracing, quiet_model_libraries

if TYPE_CHECKING:
    import uvicorn

    from itglue_mcp.server.services import Services

__all__ = [
    "bind_settings",
    "loaded_objects_frozen",
    "serve",
    "serve_mcp",
    "stdio",
    "stopping_server",
]


def bind_settings(settings: Settings, *, host: str, port: int) -> Settings:
    """``settings`` with ``server.host`` and ``server.port`` set to the actual bind."""
    server = settings.server.model_copy(update={"host": host, "port": port})
    return settings.model_copy(update={"server": server})


def stopping_server(config: uvicorn.Config) -> uvicorn.Server:
    """A uvicorn server for ``config`` whose ``serve()`` simply returns on SIGINT or SIGTERM.

    uvicorn stops on the first signal (a second one forces it) and then raises the signals it
    caught again, so that a program embedding it stops too. Here the program's own code stops
    after ``serve()``: it closes the MCP server's backends (the audit trail, the vector index,
    the store's connections) in order. A SIGINT raised again would cancel that clean-up
    half-way (asyncio turns it into a cancellation of the main task), leaving aiosqlite
    connections to be torn down at interpreter exit with "Task was destroyed but it is
    pending" and SQLAlchemy "Exception closing connection" errors. This server installs the
    same handlers for as long as it serves and raises nothing afterwards; after a second
    signal (stop waiting for requests in flight) it still shuts the app's lifespan down, so
    those requests are cancelled in order rather than abandoned at the event loop's end.
    """
    import uvicorn
    from sse_starlette.sse import AppStatus

    # The MCP SDK streams each POST's answer with sse-starlette, which ends every open stream
    # as soon as uvicorn is told to stop: a tool call in flight lost its answer ("ASGI
    # callable returned without completing response"). This server is stateless and offers
    # no GET stream, so every stream is one answer that ends by itself; uvicorn waits for
    # them (a second Ctrl-C stops waiting).
    AppStatus.disable_automatic_graceful_drain()  # type: ignore[no-untyped-call]

    class _StoppingServer(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            # Signal handlers can only be set from the main thread (tests serve in others).
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            stops = (signal.SIGINT, signal.SIGTERM)
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in stops}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await super().shutdown(sockets)
            if self.force_exit:
                # A second Ctrl-C stops waiting for requests in flight; uvicorn then skips the
                # app's lifespan shutdown, whose task group would have cancelled them in
                # order (their database sessions closed). Run it anyway.
                await self.lifespan.shutdown()

    return _StoppingServer(config)


async def serve_mcp(
    settings: Settings, backends: Backends, *, on_ready: Callable[[], None] | None = None
) -> None:
    """Serve MCP over Streamable HTTP at ``settings.server`` until interrupted, and the
    Prometheus ``/metrics`` on ``server.metrics_port`` (same address; 0: none).

    Args:
        settings: the bind (``server.host``, ``server.port``, ``server.allowed_hosts``) and
            the authentication (``auth``).
        backends: the opened backends (the same ones a sync in this process uses).
        on_ready: called once the socket accepts connections.

    Raises:
        ConfigurationError: the bind address is not allowed in the authentication mode.
    """
    async with open_access(settings, backends.store) as access:
        await _serve_app(settings, backends, access, on_ready)


async def _serve_app(
    settings: Settings,
    backends: Backends,
    access: Access,
    on_ready: Callable[[], None] | None,
) -> None:
    """Run uvicorn over the MCP app until it stops, calling ``on_ready`` once it accepts."""
    import uvicorn

    from itglue_mcp.server.app import build_http_app, build_server

    services = backends.services(access)
    app = build_http_app(build_server(services, settings.auth), settings, audit=services.audit)
    metrics = _metrics_server(settings, services)
    server = stopping_server(
        uvicorn.Config(
            app,
            host=settings.server.host,
            port=settings.server.port,
            log_level="warning",
            ws="none",
            # uvicorn's own formatters would write a second format: its loggers propagate to
            # the root handler configure_logging installed.
            log_config=None,
        )
    )

    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.05)
        # The bound address (a port of 0 in the settings is chosen by the system).
        bound = [sock.getsockname() for srv in server.servers for sock in srv.sockets]
        host, port = bound[0][:2] if bound else (settings.server.host, settings.server.port)
        structlog.get_logger(__name__).info(
            "server.listening", url=f"http://{host}:{port}/mcp", version=__version__
        )
        if on_ready is not None:
            on_ready()

    announcer = asyncio.create_task(announce())
    exporter = None if metrics is None else asyncio.create_task(metrics[0].serve([metrics[1]]))
    try:
        with loaded_objects_frozen():
            await server.serve()
    finally:
        announcer.cancel()
        if exporter is not None and metrics is not None:
            metrics[0].should_exit = True
            await exporter


@contextlib.contextmanager
def loaded_objects_frozen() -> Iterator[None]:
    """While the block runs, every object alive when it began is in the garbage collector's
    permanent generation (:func:`gc.freeze`); they are handed back when it ends.

    Entered once the backends and the app are loaded, before requests come. What is loaded by
    then (the embedding model, the vector index and its in-memory copy, the app) lives as long
    as the server, yet every full collection, which the garbage of requests triggers, would
    traverse it again: at 10 organizations about 700,000 objects and 400 ms a collection, in
    which the event loop serves nothing (benchmarks/README.md). Objects created later are
    collected as usual; unfreezing (and one full collection) at the end lets a process that
    goes on (the demo, a test) collect the server's objects once it drops them.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        # The collection before the freeze counted everything loaded, and CPython waits for a
        # quarter of that count to be promoted before the next full collection: one now
        # counts the generation as it really is, so collection goes on as before serving.
        gc.collect()


def _metrics_server(
    settings: Settings, services: Services
) -> tuple[uvicorn.Server, socket.socket] | None:
    """The ``/metrics`` server on ``server.metrics_port`` with its bound socket; ``None`` when
    the port is 0 or taken (logged: metrics are not worth refusing to serve MCP)."""
    from itglue_mcp.observability.metrics import metrics_server, observe_store
    from itglue_mcp.server.tools.health import check_readiness

    port = settings.server.metrics_port
    if not port:
        return None
    host = settings.server.host
    try:
        sock = socket.create_server((host, port), family=_family(host), reuse_port=False)
    except OSError as exc:
        structlog.get_logger(__name__).warning(
            "metrics.port_unavailable", host=host, port=port, error=exc.strerror
        )
        return None

    async def refresh() -> None:
        readiness = await check_readiness(services)
        observe_store(readiness.last_sync, readiness.index_chunks)

    return metrics_server(host, port, refresh), sock


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: settings).")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port (default: settings).")] = None,
) -> None:
    """Serve the MCP tools over Streamable HTTP at /mcp (stateless)."""
    from itglue_mcp.security import check_bind

    base = load_settings()
    configure_logging(base.log_level)
    configure_tracing("itglue-mcp", __version__)
    quiet_model_libraries()
    settings = bind_settings(
        base,
        host=host or base.server.host,
        port=port if port is not None else base.server.port,
    )

    async def main() -> None:
        async with open_backends(settings) as backends:
            await serve_mcp(settings, backends)

    with fail_cleanly():
        # Refused before the model loads: a wrong bind is a configuration error, not a wait.
        check_bind(settings)
        asyncio.run(main())


def stdio() -> None:
    """Serve the MCP tools over stdio, for a local MCP client that starts this process."""
    from itglue_mcp.server.app import build_server

    settings = load_settings()
    # stdout carries the protocol: logs must go to stderr, as JSON so nothing looks like MCP.
    configure_logging(settings.log_level, json=True)
    configure_tracing("itglue-mcp", __version__)
    quiet_model_libraries()

    async def main() -> None:
        async with (
            open_backends(settings) as backends,
            open_access(settings, backends.store) as access,
        ):
            mcp = build_server(backends.services(access), settings.auth)
            with loaded_objects_frozen():
                await mcp.run_stdio_async(show_banner=False)

    with fail_cleanly():
        asyncio.run(main())
