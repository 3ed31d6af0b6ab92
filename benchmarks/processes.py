"""Servers as their own processes, for the benchmarks that measure a server from outside.

``server_process`` starts a command and yields its pid once a URL answers 200; the two servers
the benchmarks start that way are ``itglue-mcp serve`` over a data directory
(``serve_command``) and ``BARE_SERVER``, a FastMCP server with one echo tool and nothing else::

    port = free_port()
    command = [sys.executable, "-c", BARE_SERVER, str(port)]
    with server_process(command, port, "/healthz", {}) as pid:
        ...  # http://127.0.0.1:{port}/mcp answers echo
        print(rss_mib(pid))
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

BARE_SERVER = """
import sys, uvicorn
from fastmcp import FastMCP
from starlette.responses import PlainTextResponse
mcp = FastMCP("baseline")
@mcp.tool(name="echo")
def echo(text: str) -> str:
    return text
@mcp.custom_route("/healthz", methods=["GET"])
async def healthz(request):
    return PlainTextResponse("ok")
uvicorn.run(mcp.http_app(path="/mcp", stateless_http=True), host="127.0.0.1",
            port=int(sys.argv[1]), log_level="warning")
"""
"""``python -c BARE_SERVER PORT``: a bare FastMCP server (stateless Streamable HTTP at
``/mcp``, one tool ``echo(text)``, ``/healthz``) under uvicorn on 127.0.0.1."""

READY_TIMEOUT_S = 180


def serve_command(port: int) -> list[str]:
    """``python -m itglue_mcp serve`` on 127.0.0.1:``port`` (ready at ``/readyz``)."""
    return [sys.executable, "-m", "itglue_mcp", "serve", "--host", "127.0.0.1", "--port", str(port)]


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def _wait_ready(process: subprocess.Popen[bytes], errors: IO[bytes], url: str) -> None:
    """Return once ``url`` answers 200; fail with the process's stderr if it exits first."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if process.poll() is not None:
            errors.seek(0)
            raise AssertionError(errors.read().decode(errors="replace"))
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        assert time.monotonic() < deadline, f"{url} did not answer 200 in time"
        time.sleep(0.2)


@contextmanager
def server_process(
    command: list[str], port: int, ready_path: str, env: dict[str, str]
) -> Iterator[int]:
    """Start a server process (``env`` over this process's environment); yield its pid once
    ``http://127.0.0.1:{port}{ready_path}`` answers 200, and terminate it on exit."""
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(
            command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=errors
        ) as process,
    ):
        try:
            _wait_ready(process, errors, f"http://127.0.0.1:{port}{ready_path}")
            yield process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)
