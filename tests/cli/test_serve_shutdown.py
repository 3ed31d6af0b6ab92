"""Ctrl-C stops the MCP server and then lets the command close its backends in order.

The server runs in a child Python process (signals reach only the main thread of the process
they are sent to): :func:`serve_mcp` over a migrated SQLite store and a local vector index fed
by a hash embedder (no model to load), as ``serve`` and ``demo`` wire it. The child sets the
default SIGINT handler first, as a terminal would leave it (a background job of a
non-interactive shell starts with SIGINT ignored).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.idp.oidc_provider import REPO_ROOT
from tests.mcp_http import free_port

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

    configure_logging("WARNING", json=True)  # logs on stderr: stdout says how far it got

    async def main(data_dir: Path, port: int) -> None:
        settings = Settings(
            data_dir=data_dir,
            server=ServerSettings(host="127.0.0.1", port=port, metrics_port=0),
        )
        async with open_store(settings) as store:
            index = await open_local_index(data_dir / "index")
            try:
                backends = Backends(store, HashEmbedder(), index, IndexSettings())
                await serve_mcp(settings, backends, on_ready=lambda: print("ready", flush=True))
                print("stopped", flush=True)
            finally:
                await index.close()
        print("closed", flush=True)

    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
    """
)


@pytest.mark.parametrize("presses", [1, 2], ids=["ctrl-c", "ctrl-c-twice"])
def test_ctrl_c_stops_the_server_and_the_backends_close_quietly(
    tmp_path: Path, presses: int
) -> None:
    """A second Ctrl-C (uvicorn: stop waiting for requests) still ends quietly."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "ITGLUE_MCP_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(tmp_path), str(free_port())],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # blocks until the server accepts (or the child dies)
        if first == "ready\n":
            for _ in range(presses):
                process.send_signal(signal.SIGINT)
                time.sleep(0.05)
        else:
            process.kill()
        rest, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert first == "ready\n", stderr

    # The clean-up after serve_mcp ran to its end: nothing cancelled it half-way.
    assert rest.splitlines() == ["stopped", "closed"], stderr
    assert process.returncode == 0
    assert "Traceback" not in stderr and "Task was destroyed" not in stderr, stderr
