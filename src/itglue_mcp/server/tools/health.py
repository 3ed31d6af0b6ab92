"""The ``health`` tool, and the readiness check ``/readyz`` shares with it.

A replica is *ready* when the store answers, the vector index answers (when one is
configured) and a sync has succeeded at least once — before that, every tool would say "no
data" for data that exists. The ``health`` tool reports the same facts and more (versions,
counts, the embedding model, records still waiting for the vector index) so an assistant or an
operator can tell why answers look thin. Failures are named by kind, never by message: a
driver message may quote a URL with credentials. A caller limited to some organizations sees
the counts of those organizations only, and no account-wide totals (records a sync wrote,
vectors held), which would tell it how much the other organizations hold.

Example::

    readiness = await check_readiness(services)
    status = 200 if readiness.ready else 503
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import BaseModel, Field

from itglue_mcp import __version__
from itglue_mcp.catalog import ReadScope
from itglue_mcp.catalog.health import SyncRun
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY

__all__ = [
    "HealthReport",
    "IndexHealth",
    "LastSync",
    "Readiness",
    "StoreHealth",
    "check_readiness",
    "health_report",
    "register",
    "render_health",
]

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether this replica should take traffic.

    Attributes:
        ready: store reachable, vector index reachable (if configured), a sync succeeded.
        reason: why not, for people and probes (``None`` when ready).
        last_sync: the newest successful sync run, when the store answered.
        index_chunks: chunks in the vector index; ``None`` without one or when unreachable.
    """

    ready: bool
    reason: str | None
    last_sync: SyncRun | None = None
    index_chunks: int | None = None


async def check_readiness(services: Services) -> Readiness:
    """Probe the store, then the vector index, then whether a sync has succeeded.

    Never raises: a failing backend makes the replica not ready, with the reason.
    """
    try:
        last = await services.catalog.health.last_sync()
    except Exception as exc:  # whatever failed, the replica must not take traffic
        _log.warning("readiness.store_unreachable", error_type=type(exc).__name__)
        return Readiness(False, "store unreachable")
    chunks: int | None = None
    if services.semantic is not None:
        try:
            chunks = await services.semantic.index.count()
        except Exception as exc:  # same: an index that fails cannot serve semantic search
            _log.warning("readiness.index_unreachable", error_type=type(exc).__name__)
            return Readiness(False, "vector index unreachable", last)
    if last is None:
        return Readiness(False, "no sync has succeeded", None, chunks)
    return Readiness(True, None, last, chunks)


class StoreHealth(BaseModel):
    """The SQL store."""

    dialect: str | None = Field(description="sqlite or postgresql; null when unreachable.")
    reachable: bool
    error: str | None = Field(None, description="Kind of failure when unreachable.")


class LastSync(BaseModel):
    """The newest successful sync run."""

    run_id: int
    mode: str = Field(description="full or incremental.")
    finished_at: datetime | None
    records: int | None = Field(
        description="Records the run created or updated, over every type; null for a caller "
        "limited to some organizations."
    )
    deleted: int | None = Field(
        description="Records the run marked deleted; null for a caller limited to some "
        "organizations."
    )


class IndexHealth(BaseModel):
    """The vector index behind semantic search."""

    configured: bool = Field(description="Whether this server has a vector index at all.")
    reachable: bool | None = Field(description="null when not configured.")
    model: str | None = Field(description="Embedding model that embeds records and questions.")
    chunks: int | None = Field(description="Chunks (vectors) the index holds.")
    pending_records: int | None = Field(
        description="Records whose changed text the next sync still has to embed."
    )


class HealthReport(BaseModel):
    """What the ``health`` tool returns."""

    version: str
    ready: bool = Field(description="Ready to answer; else see reason.")
    reason: str | None = None
    store: StoreHealth
    last_sync: LastSync | None = Field(description="Absent before the first successful sync.")
    record_counts: dict[str, int] = Field(
        description="Per JSON:API type, in organizations you may read."
    )
    organization_sync: dict[str, int] = Field(description="Readable organizations per sync state.")
    semantic_search: bool = Field(description="Else keywords only.")
    index: IndexHealth


def _last_sync(run: SyncRun | None, *, totals: bool = True) -> LastSync | None:
    if run is None:
        return None
    counters = run.counts.values()
    return LastSync(
        run_id=run.id,
        mode=str(run.mode),
        finished_at=run.finished_at,
        records=sum(c.get("created", 0) + c.get("updated", 0) for c in counters)
        if totals
        else None,
        deleted=sum(c.get("deleted", 0) for c in counters) if totals else None,
    )


async def health_report(services: Services, scope: ReadScope | None = None) -> HealthReport:
    """Everything the ``health`` tool reports; backends that fail are reported, not raised.

    See :mod:`itglue_mcp.catalog.sync_status` for the sync states.

    Record counts come from :class:`~itglue_mcp.catalog.health.StoreHealthReader`, kept per
    data generation: a call reads no table whole. Organizations per sync state come from one
    grouped query over the sync runs (:meth:`SyncStatusService.state_counts`).

    Args:
        services: the backends probed.
        scope: the caller's read scope; when it may not read every organization, record
            counts cover its organizations only and account-wide totals are left out (null).
            ``None``: every organization (an operator's view).
    """
    readable = None if scope is None or scope.readable is None else sorted(scope.readable)
    restricted = readable is not None
    readiness = await check_readiness(services)
    store = StoreHealth(dialect=None, reachable=False, error=None)
    counts: dict[str, int] = {}
    states: dict[str, int] = {}
    pending: int | None = None
    try:
        figures = await services.catalog.health.figures(organization_ids=readable)
        counts = figures.record_counts
        if scope is not None:
            counts = {kind: n for kind, n in counts.items() if scope.may_see(kind)}
        pending = figures.pending_records
        views = (
            scope.organizations()
            if scope is not None
            else (await services.catalog.directory.snapshot()).readable(None)
        )
        states = await services.catalog.sync.state_counts([view.id for view in views])
        store = StoreHealth(dialect=figures.dialect, reachable=True)
    except Exception as exc:  # reported in the result: health must answer when sick
        store = StoreHealth(dialect=None, reachable=False, error=type(exc).__name__)
    semantic = services.semantic
    index_reachable = None if semantic is None else readiness.index_chunks is not None
    index = IndexHealth(
        configured=semantic is not None,
        reachable=index_reachable,
        model=None if semantic is None else semantic.embedder.name,
        chunks=None if restricted else readiness.index_chunks,
        pending_records=pending if semantic is not None and not restricted else None,
    )
    return HealthReport(
        version=__version__,
        ready=readiness.ready,
        reason=readiness.reason,
        store=store,
        last_sync=_last_sync(readiness.last_sync, totals=not restricted),
        record_counts=counts,
        organization_sync=states,
        semantic_search=bool(index_reachable),
        index=index,
    )


def render_health(report: HealthReport) -> str:
    """The readable text of a health report."""
    state = "ready" if report.ready else f"NOT READY ({report.reason})"
    store = (
        f"{report.store.dialect}, reachable"
        if report.store.reachable
        else f"unreachable ({report.store.error})"
    )
    lines = [f"itglue-mcp {report.version}: {state}", f"Store: {store}"]
    if report.last_sync is None:
        lines.append("Last successful sync: none yet")
    else:
        sync = report.last_sync
        lines.append(
            f"Last successful sync: run {sync.run_id} ({sync.mode}) finished "
            f"{sync.finished_at.isoformat() if sync.finished_at else '-'}"
            + (
                f", {sync.records} records written, {sync.deleted} marked deleted"
                if sync.records is not None
                else ""
            )
        )
    held = ", ".join(f"{kind} {count}" for kind, count in sorted(report.record_counts.items()))
    lines.append(f"Records held: {held or 'none'}")
    synced = ", ".join(f"{state} {count}" for state, count in report.organization_sync.items())
    lines.append(f"Organizations by sync state: {synced or 'none'}")
    index = report.index
    if not index.configured:
        lines.append("Semantic search: off (no vector index configured; keyword search only)")
    elif not index.reachable:
        lines.append("Semantic search: off (vector index unreachable; keyword search only)")
    elif index.chunks is None:
        lines.append(f"Semantic search: on ({index.model})")
    else:
        lines.append(
            f"Semantic search: on ({index.model}, {index.chunks} chunks, "
            f"{index.pending_records} records waiting to be embedded)"
        )
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the ``health`` tool on ``mcp``, probing ``services``."""

    @mcp.tool(
        name="health",
        annotations={"title": "Server health", **READ_ONLY},
        output_schema=HealthReport.model_json_schema(),
    )
    async def health() -> ToolResult:
        """Whether this IT Glue knowledge base is ready and fresh: store, last sync (when,
        mode, records), records per type, semantic search. Use when answers look empty or
        stale."""
        with tool_errors():
            report = await health_report(services, current_scope())
        return ToolResult(
            content=render_health(report), structured_content=structured_content(report)
        )
