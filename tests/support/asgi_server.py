"""Serve any ASGI app over real HTTP on loopback for the length of a ``with`` block.

Tests use it to talk to the IT Glue simulator, tiny Starlette apps standing in for misbehaving
servers, or the MCP server itself, through a real socket and a real HTTP stack (uvicorn + h11)
instead of an in-memory transport. The port is chosen by the kernel (bind to port 0) and the
bound socket is handed to uvicorn, so parallel tests never race for a port.

Example::

    with serve_asgi(create_app(dataset, SimulatorConfig())) as base_url:
        response = httpx.get(f"{base_url}/organizations", headers={"x-api-key": "ITG.good"})
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

__all__ = ["serve_asgi"]


@contextmanager
def serve_asgi(app: ASGIApp, *, startup_timeout_s: float = 10.0) -> Iterator[str]:
    """Run ``app`` with uvicorn on ``127.0.0.1`` in a daemon thread.

    Args:
        app: any ASGI application; its lifespan runs if it has one.
        startup_timeout_s: how long to wait for the server to accept connections.

    Yields:
        The base URL, ``http://127.0.0.1:<port>`` (no trailing slash).

    Raises:
        RuntimeError: if the server stops or does not start within ``startup_timeout_s``.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        http="h11",
        ws="none",  # no websockets import: its deprecation warnings would fail the test run
        lifespan="auto",
        log_config=None,  # leave the test process's logging (and caplog) alone
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"asgi-server-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the ASGI server stopped during start-up")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the ASGI server did not start within {startup_timeout_s} s")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
