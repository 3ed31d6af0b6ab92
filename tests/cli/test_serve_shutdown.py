"""Ctrl-C stops the MCP server and then lets the command close its backends in order.

The server runs in a child Python process (signals reach only the main thread of the process
they are sent to): :func:`serve_mcp` over a migrated SQLite store and a local vector index fed
by a hash embedder (no model to load), as ``serve`` and ``demo`` wire it. The child sets the
default SIGINT handler first, as a terminal would leave it (a background job of a
non-interactive shell starts with SIGINT ignored).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.idp.oidc_provider import REPO_ROOT
from tests.mcp_http import MCP_HEADERS, free_port

SERVER = textwrap.dedent(
    """
    import asyncio, signal, sys
    from pathlib import Path

    signal.signal(signal.SIGINT, signal.default_int_handler)

    from itglue_mcp.cli.serve import serve_mcp
    from itglue_mcp.cli.wiring import Backends, open_store
    from itglue_mcp.config import IndexSettings, ServerSettings, Settings
    from itglue_mcp.observability import configure_logging
    from tests.sync.indexed import HashEmbedder, open_local_index

    configure_logging("INFO", json=True)  # logs on stderr: stdout says how far it got

    async def main(data_dir: Path, port: int) -> None:
        settings = Settings(
            data_dir=data_dir,
            server=ServerSettings(host="127.0.0.1", port=port, metrics_port=0),
        )
        async with open_store(settings) as store:
            index = await open_local_index(data_dir / "index")
            try:
                embedder = HashEmbedder(delay_s=float(sys.argv[3]))  # seconds per embedding
                backends = Backends(store, embedder, index, IndexSettings())
                await serve_mcp(settings, backends, on_ready=lambda: print("ready", flush=True))
                print("stopped", flush=True)
            finally:
                await index.close()
        print("closed", flush=True)

    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
    """
)


def serve_until_ctrl_c(
    data_dir: Path, *, presses: int = 1, embed_delay_s: float = 0.0, during: str | None = None
) -> tuple[list[str], str, int, httpx.Response | None]:
    """Start the server, optionally start a ``search`` call (``during``: its query), press
    Ctrl-C ``presses`` times; returns stdout lines after "ready", stderr, the exit status and
    the call's response."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "ITGLUE_MCP_LOG_LEVEL": "WARNING"}
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(data_dir), str(port), str(embed_delay_s)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers: list[httpx.Response] = []
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # blocks until the server accepts (or the child dies)
        if first == "ready\n":
            caller = None
            if during is not None:
                call = {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": "search", "arguments": {"query": during}},
                }
                url = f"http://127.0.0.1:{port}/mcp"

                def ask() -> None:
                    answers.append(httpx.post(url, json=call, headers=MCP_HEADERS, timeout=30))

                caller = threading.Thread(target=ask)
                caller.start()
                time.sleep(embed_delay_s / 2)  # the call is waiting for its embedding
            for _ in range(presses):
                process.send_signal(signal.SIGINT)
                time.sleep(0.05)
            if caller is not None:
                caller.join(timeout=30)
        else:
            process.kill()
        rest, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert first == "ready\n", stderr
    return rest.splitlines(), stderr, process.returncode, answers[0] if answers else None


@pytest.mark.parametrize("presses", [1, 2], ids=["ctrl-c", "ctrl-c-twice"])
def test_ctrl_c_stops_the_server_and_the_backends_close_quietly(
    tmp_path: Path, presses: int
) -> None:
    """A second Ctrl-C (uvicorn: stop waiting for requests) still ends quietly."""
    printed, stderr, status, _ = serve_until_ctrl_c(tmp_path, presses=presses)

    listening = [json.loads(line) for line in stderr.splitlines() if '"server.listening"' in line]
    assert len(listening) == 1  # serve says where it listens
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/mcp", listening[0]["url"])
    # The clean-up after serve_mcp ran to its end: nothing cancelled it half-way.
    assert printed == ["stopped", "closed"], stderr
    assert status == 0
    assert "Traceback" not in stderr and "Task was destroyed" not in stderr, stderr


def test_a_tool_call_in_flight_gets_its_answer_before_the_server_stops(tmp_path: Path) -> None:
    printed, stderr, status, answer = serve_until_ctrl_c(
        tmp_path, embed_delay_s=2.0, during="vpn reset"
    )

    assert answer is not None and answer.status_code == 200
    assert "0 result(s) for 'vpn reset'" in answer.text  # the whole answer, not a cut stream
    assert printed == ["stopped", "closed"] and status == 0
    assert "without completing response" not in stderr, stderr
