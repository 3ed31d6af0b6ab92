"""Where the CLI wires concrete backends together from :class:`Settings` (once, at start-up).

:func:`open_backends` opens everything a command needs, once per process: the store (migrated
first), the embedding model and the vector index (qdrant-client local mode under the data
directory unless ``index.qdrant_url`` names a server). Local mode locks its directory for one
client, so a process that both syncs and serves (the demo) must pass the same
:class:`Backends` to both.

Example::

    async with open_backends(settings) as backends:
        report = await run_sync(settings, backends, full=True)
        async with open_access(settings, backends.store) as access:
            mcp = build_server(backends.services(access), settings.auth)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.console import Console

from itglue_mcp.config import Settings
from itglue_mcp.errors import ConfigurationError, ItglueMcpError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from itglue_mcp.config import IndexSettings
    from itglue_mcp.index import Indexer, QdrantVectorIndex, SentenceTransformerEmbedder
    from itglue_mcp.index.search import SemanticSearch
    from itglue_mcp.security.audit import AuditTrail
    from itglue_mcp.security.rbac import Authorizer
    from itglue_mcp.security.reveal import SecretRevealer
    from itglue_mcp.server.services import Services
    from itglue_mcp.sync.engine import SyncReport
    from itglue_mcp.sync.progress import SyncProgress

__all__ = [
    "Access",
    "Backends",
    "Store",
    "fail_cleanly",
    "load_settings",
    "open_access",
    "open_backends",
    "open_store",
    "run_sync",
]


@dataclass(frozen=True)
class Access:
    """Access control of one serving process: the RBAC policy, the audit trail, and the
    secret revealer (``None`` without an IT Glue API key)."""

    authorizer: Authorizer
    audit: AuditTrail
    revealer: SecretRevealer | None = None


@dataclass(frozen=True)
class Store:
    """The store's engine and session factory, migrated to the latest schema."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    def services(
        self, semantic: SemanticSearch | None = None, access: Access | None = None
    ) -> Services:
        """The tools' backends over this store: the embedded graph, ``semantic`` search
        when given (keyword-only retrieval without it), and ``access`` control when given
        (without it every caller may do everything)."""
        from itglue_mcp.graph import SqlGraphStore
        from itglue_mcp.server.services import Services

        return Services(
            sessions=self.sessions,
            graph=SqlGraphStore(self.sessions),
            semantic=semantic,
            authorizer=None if access is None else access.authorizer,
            audit=None if access is None else access.audit,
            revealer=None if access is None else access.revealer,
        )


@dataclass(frozen=True)
class Backends:
    """Every backend of one process: the store, the embedding model, the vector index.

    Attributes:
        store: the SQL store.
        embedder: the model (already loaded) that embeds records and questions.
        index: the open vector index; closed by :func:`open_backends` on exit.
        index_settings: chunking and batch sizes of the index.
    """

    store: Store
    embedder: SentenceTransformerEmbedder
    index: QdrantVectorIndex
    index_settings: IndexSettings

    def services(self, access: Access | None = None) -> Services:
        """The tools' backends: the store, the embedded graph, semantic search, and
        ``access`` control when given (:func:`open_access`)."""
        from itglue_mcp.index.search import SemanticSearch

        return self.store.services(
            SemanticSearch(self.embedder, self.index, settings=self.index_settings), access
        )

    def indexer(self) -> Indexer:
        """What the sync feeds the vector index through."""
        from itglue_mcp.index import Indexer

        return Indexer(
            self.embedder,
            self.index,
            settings=self.index_settings,
            records_per_batch=self.index_settings.records_per_batch,
        )


@asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[Store]:
    """Open the configured store (SQLite under ``data_dir`` by default), migrating it first."""
    from itglue_mcp.observability.tracing import instrument_engine
    from itglue_mcp.store.database import create_engine, create_session_factory
    from itglue_mcp.store.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    await upgrade(url)
    engine = create_engine(url)
    instrument_engine(engine)  # SQL spans when tracing is on (configure_tracing)
    try:
        yield Store(engine, create_session_factory(engine))
    finally:
        await engine.dispose()


@asynccontextmanager
async def open_access(settings: Settings, store: Store) -> AsyncIterator[Access]:
    """Load the RBAC policy (``settings.rbac``; its reload watchers run until exit) and open
    the audit trail on ``store`` and, with an IT Glue API key, the secret revealer.

    Raises:
        ConfigurationError: a policy source is missing or holds a bad line.
    """
    from itglue_mcp.security.audit import AuditTrail
    from itglue_mcp.security.rbac import build_authorizer
    from itglue_mcp.security.reveal import open_revealer

    authorizer = await build_authorizer(settings, store.sessions)
    audit = AuditTrail(store.sessions)
    try:
        async with open_revealer(settings, audit) as revealer:
            yield Access(authorizer, audit, revealer)
    finally:
        await authorizer.aclose()


@asynccontextmanager
async def open_backends(settings: Settings) -> AsyncIterator[Backends]:
    """Open the store, load the embedding model and open the vector index.

    The model loads in a worker thread (importing torch takes seconds) while the store is
    migrated and opened; the index opens once the model states its dimension.

    Raises:
        StoreError: the store cannot be migrated or reached.
        EmbedderError: the model cannot be loaded.
        VectorIndexError: the index cannot be opened (a local directory held by another
            process, a server that does not answer, vectors of another dimension).
    """
    from itglue_mcp.index import QdrantVectorIndex, SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder.from_settings(settings.index)
    loading = asyncio.create_task(embedder.load())
    try:
        async with open_store(settings) as store:
            await loading
            index = await QdrantVectorIndex.open(
                settings.index, dimension=embedder.dimension, data_dir=settings.data_dir
            )
            try:
                yield Backends(store, embedder, index, settings.index)
            finally:
                await index.close()
    finally:
        if not loading.done():
            # The store failed first: let the thread finish, its outcome no longer matters.
            with suppress(Exception):
                await loading


async def run_sync(
    settings: Settings,
    backends: Backends,
    *,
    full: bool = False,
    organization_id: int | None = None,
    types: Collection[str] | None = None,
    on_start: Callable[[int], Awaitable[None]] | None = None,
    progress: SyncProgress | None = None,
) -> SyncReport:
    """Run one sync against the configured IT Glue API, indexing included.

    Args:
        settings: the IT Glue API, sync and index settings.
        backends: the opened backends.
        full, organization_id, types: as :meth:`~itglue_mcp.sync.engine.SyncEngine.run`.
        on_start: called with the run's id once it is recorded (the sync worker).
        progress: where progress goes; default: the terminal (log lines when not one).

    Returns:
        The run's report.
    """
    from itglue_mcp.config.vault_refresh import rotating_api_key
    from itglue_mcp.itglue.client import ItglueClient
    from itglue_mcp.sync.engine import SyncEngine
    from itglue_mcp.sync.progress import progress_for_terminal

    store = backends.store
    # A key rotated in Vault during a long sync is used from the next request on.
    async with (
        rotating_api_key(settings) as api_key,
        ItglueClient(settings.itglue, api_key=api_key) as client,
    ):
        with nullcontext(progress) if progress else progress_for_terminal() as shown:
            engine = SyncEngine(
                client,
                store.engine,
                store.sessions,
                settings=settings.sync,
                progress=shown,
                indexer=backends.indexer(),
                index_settings=settings.index,
            )
            return await engine.run(
                full=full, organization_id=organization_id, types=types, on_start=on_start
            )


def load_settings() -> Settings:
    """The settings from the environment, ``.env``, mounted files and Vault.

    A setting that cannot work ends the command with one red line per problem on stderr
    (exit status 1), naming the setting and what was wrong; the value given is never echoed,
    since it may be a secret.
    """
    with fail_cleanly():
        try:
            return Settings()
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.errors(include_url=False, include_input=False)
            ]
            raise ConfigurationError("invalid settings\n  " + "\n  ".join(problems)) from None


@contextmanager
def fail_cleanly() -> Iterator[None]:
    """Turn an :class:`ItglueMcpError` into one red line on stderr and exit status 1."""
    try:
        yield
    except ItglueMcpError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
