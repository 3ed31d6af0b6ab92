"""``itglue-mcp sync-worker``: run the syncs asked for with ``sync_data``, as they come.

Polls the store's sync request queue every ``--poll-interval`` seconds and runs each request
with the same wiring as ``itglue-mcp sync`` (client, store, vector index), progress as log
lines. SIGTERM or Ctrl-C stops it; a sync cut short that way is recorded as failed and
resumed by the next sync of the same scope. On Kubernetes it is a one-replica Deployment
beside the sync CronJob (the store's sync lock keeps them from overlapping); the demo runs
the same loop in-process (:func:`request_worker`).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer

from itglue_mcp import __version__
from itglue_mcp.cli.wiring import fail_cleanly, load_settings, open_backends, run_sync
from itglue_mcp.observability import configure_logging, configure_tracing, quiet_model_libraries

if TYPE_CHECKING:
    from itglue_mcp.cli.wiring import Backends
    from itglue_mcp.config import Settings
    from itglue_mcp.sync.engine import SyncReport
    from itglue_mcp.sync.worker import SyncWorker

__all__ = ["request_worker", "sync_worker"]


def request_worker(settings: Settings, backends: Backends, *, poll_s: float) -> SyncWorker:
    """The worker running queued sync requests over ``backends`` (progress as log lines).

    Raises:
        ValueError: ``poll_s`` is not above 0.
    """
    from itglue_mcp.sync.progress import LogProgress
    from itglue_mcp.sync.worker import SyncWorker

    def runner(
        *,
        full: bool,
        organization_id: int | None,
        on_start: Callable[[int], Awaitable[None]],
    ) -> Awaitable[SyncReport]:
        return run_sync(
            settings,
            backends,
            full=full,
            organization_id=organization_id,
            on_start=on_start,
            progress=LogProgress(),
        )

    return SyncWorker(backends.store.sessions, runner, poll_s=poll_s)


def sync_worker(
    poll_interval: Annotated[
        float,
        typer.Option(min=0.1, max=300.0, help="Seconds between looks at an empty queue."),
    ] = 2.0,
) -> None:
    """Run the syncs queued by the sync_data tool, one at a time, until stopped."""
    settings = load_settings()
    configure_logging(settings.log_level)
    configure_tracing("itglue-mcp-sync", __version__)
    quiet_model_libraries()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None  # main() runs as asyncio.run's task
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, task.cancel)
        async with open_backends(settings) as backends:
            worker = request_worker(settings, backends, poll_s=poll_interval)
            await worker.recover()
            await worker.serve()

    with fail_cleanly():
        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            typer.echo("sync worker stopped", err=True)
