"""Where the CLI wires concrete backends together from :class:`Settings` (once, at start-up).

Example::

    async with open_store(settings) as store:
        report = await run_sync(settings, store, full=True)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from itglue_mcp.config import Settings
from itglue_mcp.errors import ItglueMcpError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from itglue_mcp.server.services import Services
    from itglue_mcp.sync.engine import SyncReport

__all__ = ["Store", "fail_cleanly", "open_store", "run_sync"]


@dataclass(frozen=True)
class Store:
    """The store's engine and session factory, migrated to the latest schema."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    def services(self) -> Services:
        """The tools' backends over this store (embedded graph, no vector index yet)."""
        from itglue_mcp.graph import SqlGraphStore
        from itglue_mcp.server.services import Services

        return Services(sessions=self.sessions, graph=SqlGraphStore(self.sessions))


@asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[Store]:
    """Open the configured store (SQLite under ``data_dir`` by default), migrating it first."""
    from itglue_mcp.store.database import create_engine, create_session_factory
    from itglue_mcp.store.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    await upgrade(url)
    engine = create_engine(url)
    try:
        yield Store(engine, create_session_factory(engine))
    finally:
        await engine.dispose()


async def run_sync(
    settings: Settings,
    store: Store,
    *,
    full: bool = False,
    organization_id: int | None = None,
    types: Collection[str] | None = None,
) -> SyncReport:
    """Run one sync against the configured IT Glue API, with progress on the terminal.

    Returns:
        The run's report.
    """
    from itglue_mcp.itglue.client import ItglueClient
    from itglue_mcp.sync.engine import SyncEngine
    from itglue_mcp.sync.progress import progress_for_terminal

    async with ItglueClient(settings.itglue) as client:
        with progress_for_terminal() as progress:
            engine = SyncEngine(
                client, store.engine, store.sessions, settings=settings.sync, progress=progress
            )
            return await engine.run(full=full, organization_id=organization_id, types=types)


@contextmanager
def fail_cleanly() -> Iterator[None]:
    """Turn an :class:`ItglueMcpError` into one red line on stderr and exit status 1."""
    try:
        yield
    except ItglueMcpError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
