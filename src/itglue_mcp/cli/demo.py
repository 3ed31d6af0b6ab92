"""``itglue-mcp demo``: dataset → simulator → sync → MCP server on 127.0.0.1, all embedded.

The first run generates the small dataset and syncs it in full; later runs reuse both and
sync incrementally, so a warm start takes seconds. Everything lives under the data directory
(``ITGLUE_MCP_DATA_DIR``, default ``./.itglue-mcp``).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.console import Console
from rich.panel import Panel

from itglue_mcp.background import serve_in_thread
from itglue_mcp.cli.serve import serve_mcp
from itglue_mcp.cli.simulate import DEFAULT_SIMULATOR_KEY
from itglue_mcp.cli.wiring import fail_cleanly, open_store, run_sync
from itglue_mcp.config import Settings
from itglue_mcp.observability import configure_logging

__all__ = ["demo"]

_console = Console(stderr=True)


def _dataset(settings: Settings, organizations: int, seed: int) -> Path:
    """The demo dataset directory, generated on first use."""
    from itglue_mcp.itglue.dataset import generate_dataset

    directory = settings.data_dir / "datasets" / f"demo-{organizations}-{seed}"
    if not (directory / "organizations.json").exists():
        with _console.status(f"generating a {organizations}-organization dataset…"):
            generate_dataset(directory, organizations=organizations, seed=seed)
    return directory


def _banner(url: str) -> Panel:
    client_config = {"mcpServers": {"itglue": {"type": "http", "url": url}}}
    lines = [
        f"[bold]MCP endpoint[/bold]  {url}  (Streamable HTTP, no auth: loopback only)",
        "",
        "[bold]MCP client configuration[/bold] (Claude Desktop, Cursor, …):",
        json.dumps(client_config, indent=2),
        "",
        f"[bold]Claude Code[/bold]  claude mcp add --transport http itglue {url}",
        f"[bold]Inspector[/bold]    npx @modelcontextprotocol/inspector  → {url}",
        "",
        "[bold]Try these tool calls[/bold]:",
        '  list_organizations  {"name_contains": "north"}',
        '  get_configuration   {"organization": "Acme Corporation", "name": "ACME-FW01"}',
        '  get_configuration   {"organization": "NW", "name": "DC01"}',
        "",
        "Ctrl-C stops the demo.",
    ]
    return Panel("\n".join(lines), title="itglue-mcp demo is ready", expand=False)


def demo(
    orgs: Annotated[int, typer.Option(min=1, help="Organizations in the demo dataset.")] = 10,
    seed: Annotated[int, typer.Option(help="Dataset seed.")] = 7,
    port: Annotated[int, typer.Option(help="Port of the MCP server on 127.0.0.1.")] = 8765,
) -> None:
    """Run the whole path on embedded defaults and serve MCP on 127.0.0.1."""
    from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

    base = Settings()
    configure_logging(base.log_level)
    directory = _dataset(base, orgs, seed)
    simulator = create_app(
        Dataset.load(directory), SimulatorConfig(api_keys={DEFAULT_SIMULATOR_KEY: True})
    )
    with serve_in_thread(simulator) as simulator_url:
        settings = base.model_copy(
            update={
                "itglue": base.itglue.model_copy(
                    update={"api_url": simulator_url, "api_key": SecretStr(DEFAULT_SIMULATOR_KEY)}
                )
            }
        )

        async def main() -> None:
            async with open_store(settings) as store:
                await run_sync(settings, store)
                url = f"http://127.0.0.1:{port}/mcp"
                await serve_mcp(
                    settings,
                    store,
                    host="127.0.0.1",
                    port=port,
                    on_ready=lambda: _console.print(_banner(url)),
                )

        with fail_cleanly():
            try:
                asyncio.run(main())
            except KeyboardInterrupt:
                _console.print("demo stopped")
