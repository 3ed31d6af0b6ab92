"""``itglue-mcp demo``: dataset → simulator → sync (store and vector index) → MCP server on
127.0.0.1 behind a development bearer token, all embedded.

The first run generates the small dataset, syncs it in full and embeds every record (the
longest part: minutes on a laptop CPU, shown by a progress bar of the chunks the model embeds,
:data:`~itglue_mcp.sync.progress.INDEX_PHASE`); later runs reuse all of it and sync
incrementally, so a warm start takes seconds and, with nothing changed, embeds nothing and
draws no such bar. The server runs `sync_data` requests in-process, with the same backends
(on Kubernetes the sync worker does). The bearer token is generated once and
kept (mode 0600) beside the data, so MCP client configurations keep working across restarts.
Everything lives under the data directory (``ITGLUE_MCP_DATA_DIR``, default ``./.itglue-mcp``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.console import Console
from rich.markup import escape

from itglue_mcp import __version__
from itglue_mcp.background import serve_in_thread
from itglue_mcp.cli.serve import bind_settings, serve_mcp
from itglue_mcp.cli.simulate import DEFAULT_SIMULATOR_KEY
from itglue_mcp.cli.sync_worker import request_worker
from itglue_mcp.cli.wiring import fail_cleanly, load_settings, open_backends, run_sync
from itglue_mcp.config import AuthMode, AuthSettings, Settings
from itglue_mcp.config.auth import MIN_STATIC_TOKEN_CHARS
from itglue_mcp.observability import configure_logging, configure_tracing, quiet_model_libraries

__all__ = ["DEMO_TOKEN_FILE", "EXAMPLE_QUESTIONS", "demo", "demo_token"]

_console = Console(stderr=True)

DEMO_TOKEN_FILE = "demo-token"
"""The bearer token's file under the data directory (owner read/write only)."""

EXAMPLE_QUESTIONS = (
    "what's the firewall IP at @Acme",
    "how do we reset the Sophos VPN at @Northwind Traders",
    "which domains or certificates expire in the next 90 days at @Acme",
)


def demo_token(data_dir: Path) -> str:
    """The demo's bearer token: read from ``data_dir/demo-token``, created on first use.

    Created with mode 0600 (``secrets.token_urlsafe(32)``, 43 characters); a token file others
    could read is narrowed to 0600 before use, and one holding no usable token (cut short by
    a crash) is written anew.
    """
    path = data_dir / DEMO_TOKEN_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    if path.exists():
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
        token = path.read_text().strip()
        if len(token) >= MIN_STATIC_TOKEN_CHARS:
            return token
        path.unlink()
    token = secrets.token_urlsafe(32)
    # O_EXCL: never write through a file (or link) someone else put there meanwhile.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token + "\n")
    return token


def _dataset(settings: Settings, organizations: int, seed: int) -> Path:
    """The demo dataset directory, generated on first use."""
    from itglue_mcp.itglue.dataset import generate_dataset

    directory = settings.data_dir / "datasets" / f"demo-{organizations}-{seed}"
    if not (directory / "organizations.json").exists():
        with _console.status(f"generating a {organizations}-organization dataset…"):
            generate_dataset(directory, organizations=organizations, seed=seed)
    return directory


def _print_banner(url: str, token: str, token_file: Path) -> None:
    """What to connect with, printed unwrapped so the token and JSON copy as they are."""
    header = f"Bearer {token}"
    client_config = {
        "mcpServers": {"itglue": {"type": "http", "url": url, "headers": {"Authorization": header}}}
    }
    lines = [
        f"MCP endpoint   {url}  (Streamable HTTP, 127.0.0.1 only)",
        f"Bearer token   {token}",
        f"               kept in {token_file}; delete that file for a new one",
        "",
        "MCP client configuration (Claude Desktop, Cursor, …):",
        json.dumps(client_config, indent=2),
        "",
        f'Claude Code    claude mcp add --transport http itglue {url} --header "Authorization: '
        f'{header}"',
        f"Inspector      npx @modelcontextprotocol/inspector  (URL {url}, header "
        f"Authorization: {header})",
        "",
        "Ask the query_documentation tool:",
        *(f'  {{"question": "{question}"}}' for question in EXAMPLE_QUESTIONS),
        "",
        "Ctrl-C stops the demo.",
    ]
    _console.rule("[bold]itglue-mcp demo is ready[/bold]")
    _console.print(escape("\n".join(lines)), soft_wrap=True, highlight=False)
    _console.rule()


def demo(
    orgs: Annotated[int, typer.Option(min=1, help="Organizations in the demo dataset.")] = 10,
    seed: Annotated[int, typer.Option(help="Dataset seed.")] = 7,
    port: Annotated[int, typer.Option(help="Port of the MCP server on 127.0.0.1.")] = 8765,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=65535,
            help="Port of Prometheus /metrics on 127.0.0.1; 0: none (default: settings).",
        ),
    ] = None,
) -> None:
    """Run the whole path on embedded defaults and serve MCP on 127.0.0.1 with a bearer token."""
    from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

    base = load_settings()
    configure_logging(base.log_level)
    # Off unless OTEL_* names a collector, as for `serve`.
    configure_tracing("itglue-mcp", __version__)
    quiet_model_libraries()
    directory = _dataset(base, orgs, seed)
    token = demo_token(base.data_dir)
    simulator = create_app(
        Dataset.load(directory), SimulatorConfig(api_keys={DEFAULT_SIMULATOR_KEY: True})
    )
    with serve_in_thread(simulator) as simulator_url:
        itglue = base.itglue.model_copy(
            update={"api_url": simulator_url, "api_key": SecretStr(DEFAULT_SIMULATOR_KEY)}
        )
        auth = AuthSettings(
            mode=AuthMode.STATIC, static_token=SecretStr(token), static_subject="demo"
        )
        settings = bind_settings(
            base.model_copy(update={"itglue": itglue, "auth": auth}), host="127.0.0.1", port=port
        )
        if metrics_port is not None:
            server = settings.server.model_copy(update={"metrics_port": metrics_port})
            settings = settings.model_copy(update={"server": server})
        url = f"http://127.0.0.1:{port}/mcp"

        async def main() -> None:
            # One set of backends: local-mode Qdrant allows one client per directory.
            async with open_backends(settings) as backends:
                await run_sync(settings, backends)
                # The demo alone runs sync_data's requests in-process (on Kubernetes the
                # sync worker Deployment does): same backends, one sync at a time.
                worker = request_worker(settings, backends, poll_s=1.0)
                await worker.recover()
                requests = asyncio.create_task(worker.serve())
                try:
                    await serve_mcp(
                        settings,
                        backends,
                        on_ready=lambda: _print_banner(url, token, base.data_dir / DEMO_TOKEN_FILE),
                    )
                finally:
                    requests.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await requests

        with fail_cleanly():
            try:
                with contextlib.suppress(KeyboardInterrupt):
                    asyncio.run(main())
            finally:
                # uvicorn handles Ctrl-C itself and returns: say so either way.
                _console.print("demo stopped")
