"""Run an ASGI app with uvicorn on loopback in a background thread.

For the embedded demo (the simulator beside the MCP server) and for tests, which need a real
HTTP endpoint while the calling thread keeps working::

    with serve_in_thread(create_app(dataset, config)) as base_url:
        httpx.get(f"{base_url}/organizations", headers={"x-api-key": "ITG.demo"})

The socket is bound before uvicorn starts, so the port (chosen by the OS when ``port`` is 0) is
known and free; the server stops and the thread is joined when the block exits.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from itglue_mcp.errors import ItglueMcpError

__all__ = ["ServerStartError", "serve_in_thread"]


class ServerStartError(ItglueMcpError):
    """The background server did not start listening within the allowed time."""


@contextmanager
def serve_in_thread(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0, start_timeout_s: float = 10.0
) -> Iterator[str]:
    """Serve ``app`` over HTTP/1.1 until the ``with`` block exits.

    Args:
        app: the ASGI application.
        host: address to bind; keep loopback unless the caller means to expose the app.
        port: TCP port, 0 for any free one.
        start_timeout_s: how long to wait for uvicorn to start listening, in seconds.

    Yields:
        The base URL, e.g. ``"http://127.0.0.1:54321"``.

    Raises:
        ServerStartError: uvicorn did not start in time (or exited while starting).
    """
    # An explicit IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and without it every keep-alive response waits ~40 ms on delayed ACKs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    # No websockets: nothing here needs them, and importing uvicorn's websockets protocol emits
    # deprecation warnings that test suites turn into errors. Lifespan runs when the app has
    # one (the MCP app needs it for its session manager). log_config=None leaves the process's
    # logging alone.
    config = uvicorn.Config(
        app, log_level="warning", ws="none", lifespan="auto", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{bound_port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + start_timeout_s
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise ServerStartError(f"uvicorn did not start on {host}:{bound_port}")
            time.sleep(0.01)
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=start_timeout_s)
        sock.close()
