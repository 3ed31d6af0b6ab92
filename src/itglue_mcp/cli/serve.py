"""``itglue-mcp serve`` (Streamable HTTP) and ``itglue-mcp stdio`` (local MCP clients)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from typing import Annotated

import typer

from itglue_mcp.cli.wiring import Store, fail_cleanly, open_store
from itglue_mcp.config import Settings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.observability import configure_logging

__all__ = ["serve", "serve_mcp", "stdio"]


def _require_loopback(host: str) -> None:
    """Refuse a non-loopback bind: this server has no authentication yet.

    Raises:
        ConfigurationError: naming ``server.host``.
    """
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigurationError(
            f"server.host: {host!r} is not a loopback address; without authentication the "
            "MCP server only binds to 127.0.0.1, ::1 or localhost"
        )


async def serve_mcp(
    settings: Settings,
    store: Store,
    *,
    host: str,
    port: int,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve MCP over Streamable HTTP until interrupted.

    Args:
        settings: settings (allowed hosts).
        store: the opened store.
        host: bind address (loopback only for now).
        port: TCP port.
        on_ready: called once the socket accepts connections.

    Raises:
        ConfigurationError: ``host`` is not a loopback address.
    """
    import uvicorn

    from itglue_mcp.server.app import build_http_app, build_server

    _require_loopback(host)
    server_settings = settings.server.model_copy(update={"host": host, "port": port})
    app = build_http_app(
        build_server(store.services()), settings.model_copy(update={"server": server_settings})
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", ws="none")
    )

    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.05)
        if on_ready is not None:
            on_ready()

    announcer = asyncio.create_task(announce())
    try:
        await server.serve()
    finally:
        announcer.cancel()


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: settings).")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port (default: settings).")] = None,
) -> None:
    """Serve the MCP tools over Streamable HTTP at /mcp (stateless)."""
    settings = Settings()
    configure_logging(settings.log_level)

    async def main() -> None:
        async with open_store(settings) as store:
            await serve_mcp(
                settings,
                store,
                host=host or settings.server.host,
                port=port if port is not None else settings.server.port,
            )

    with fail_cleanly():
        asyncio.run(main())


def stdio() -> None:
    """Serve the MCP tools over stdio, for a local MCP client that starts this process."""
    from itglue_mcp.server.app import build_server

    settings = Settings()
    # stdout carries the protocol: logs must go to stderr, as JSON so nothing looks like MCP.
    configure_logging(settings.log_level, json=True)

    async def main() -> None:
        async with open_store(settings) as store:
            await build_server(store.services()).run_stdio_async(show_banner=False)

    with fail_cleanly():
        asyncio.run(main())
