"""Sync tools: ``sync_data`` queues a sync now, ``sync_status`` follows it.

Freshness on demand, for administrators: both tools need the admin scope in the token (a
tool of :data:`~itglue_mcp.server.step_up.ADMIN_TOOLS`: 403 ``insufficient_scope`` without
it) and the Casbin ``sync`` action — in the organization named, or in every organization for
an account-wide sync (built-in: ``msp-admin`` only). A refusal is audited.

The serving replicas never sync: ``sync_data`` queues a request in the store and the sync
worker (``itglue-mcp sync-worker``; in the demo, a task beside the server) starts it within
seconds. One sync runs at a time: a request while a sync runs, or while another request is
queued, is refused with the run (or request) in progress named. The MCP Tasks extension is not
used: FastMCP 4.1.6 ships only its extension hook, the runtime (``fastmcp-tasks``) would run
the sync inside the serving process; the request id is the handle instead.

Example::

    sync_data(organization="Acme")        # → request 5 queued
    sync_status(request=5)                # → running, run 12 … → succeeded, 40 records
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, cast

from fastmcp import FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.tools.base import ToolResult
from pydantic import BaseModel, Field

from itglue_mcp.catalog import SourceRecord
from itglue_mcp.catalog.organizations import organization_source
from itglue_mcp.catalog.sync_status import RequestStatus, error_kind, written
from itglue_mcp.security.audit import AuditDecision
from itglue_mcp.security.rbac import Action, Permissions
from itglue_mcp.server.access import current_permissions, current_scope, denial_message
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import SCOPE_FIELD

__all__ = ["SYNC_TOOLS", "SyncQueued", "SyncRequestResult", "register"]

SYNC_TOOLS = frozenset({"sync_data", "sync_status"})
"""The tools of this module: both need the admin scope (``server.step_up.ADMIN_TOOLS``)."""

_State = Literal["queued", "running", "succeeded", "failed"]

DENIED_SYNC = "no role of the caller grants sync here"
"""The audit reason of a call refused for want of the ``sync`` action."""


class SyncQueued(BaseModel):
    """What ``sync_data`` returns: the request queued, and the organization it syncs."""

    request_id: int
    source: SourceRecord | None = Field(None, description="Absent: all.")


class SyncRequestResult(BaseModel):
    """A sync request: what was asked, where it stands, what its run did."""

    request_id: int
    state: _State
    full: bool
    organization_id: int | None = Field(None, description="Absent: all.")
    requested_at: datetime
    finished_at: datetime | None = None
    run_id: int | None = None
    records: int | None = Field(None, description="Written by the run so far.")
    error: str | None = Field(None, description="Kind of failure.")


async def _require_sync(
    services: Services, permissions: Permissions, organization_id: int | None, tool: str
) -> None:
    """Refuse (and audit) a caller without the ``sync`` action in ``organization_id``
    (``None``: every organization)."""
    authorizer = services.authorizer
    caller = permissions.caller
    if authorizer is None or await authorizer.allowed(caller, organization_id, tool, Action.SYNC):
        return
    if services.audit is not None:
        await services.audit.record(
            caller,
            tool=tool,
            decision=AuditDecision.DENY,
            organization_id=organization_id,
            reason=DENIED_SYNC,
        )
    raise ToolError(denial_message(tool))


def _result(status: RequestStatus) -> SyncRequestResult:
    request, run = status.request, status.run
    return SyncRequestResult(
        request_id=request.id,
        state=cast(_State, str(request.status)),
        full=request.full,
        organization_id=request.organization_id,
        requested_at=request.requested_at,
        finished_at=request.finished_at,
        run_id=request.run_id,
        records=None if run is None else written(run)[0],
        error=None if run is None else error_kind(run),
    )


def _what(source: SourceRecord | None) -> str:
    if source is None:
        return "the whole account"
    return f"{source.name} (IT Glue id {source.record_id})"


def _render_queued(result: SyncQueued, full: bool) -> str:
    lines = [
        f"Sync request {result.request_id} queued: {_what(result.source)}, "
        f"{'full' if full else 'incremental'}. The sync worker starts it within seconds; "
        f"follow it with sync_status(request={result.request_id})."
    ]
    if result.source is not None:
        lines.append(cite(result.source))
    return "\n".join(lines)


def _render(result: SyncRequestResult, source: SourceRecord | None) -> str:
    mode = "full" if result.full else "incremental"
    lines = [f"Sync request {result.request_id} ({_what(source)}, {mode}): {result.state}."]
    if result.run_id is not None:
        lines.append(
            f"Run {result.run_id}: {result.records} records written"
            + (f"; failed ({result.error})" if result.error else "")
        )
    times = [
        f"{label} {value.isoformat(timespec='seconds')}"
        for label, value in (("requested", result.requested_at), ("finished", result.finished_at))
        if value is not None
    ]
    lines.append(", ".join(times))
    if source is not None:
        lines.append(cite(source))
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register ``sync_data`` and ``sync_status`` on ``mcp``, over ``services``."""

    @mcp.tool(
        name="sync_data",
        # MCP ToolAnnotations defaults: not read-only, open world; it destroys nothing.
        annotations={"title": "Sync now", "destructiveHint": False},
        output_schema=SyncQueued.model_json_schema(),
    )
    async def sync_data(
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        full: Annotated[bool, Field(description="Relist all, mark deletions.")] = False,
    ) -> ToolResult:
        """Admin: sync IT Glue now (one sync at a time); follow it with sync_status."""
        with tool_errors():
            permissions = current_permissions()
            org = current_scope().organization
            organization_id = None if org is None else org.id
            await _require_sync(services, permissions, organization_id, "sync_data")
            request = await services.catalog.sync.request_sync(
                organization_id=organization_id,
                full=full,
                requested_by=permissions.caller.subject,
            )
        queued = SyncQueued(
            request_id=request.id, source=None if org is None else organization_source(org)
        )
        return ToolResult(
            content=_render_queued(queued, full), structured_content=structured_content(queued)
        )

    @mcp.tool(
        name="sync_status",
        annotations={"title": "Sync status", "readOnlyHint": True, "openWorldHint": False},
        output_schema=SyncRequestResult.model_json_schema(),
    )
    async def sync_status(
        request: Annotated[
            int | None, Field(ge=1, description="From sync_data; omit: the newest.")
        ] = None,
    ) -> ToolResult:
        """Admin: a sync request's state and what its run wrote."""
        with tool_errors():
            permissions = current_permissions()
            status = await services.catalog.sync.request_status(request)
            if status is None:
                # Who may not follow syncs learns nothing, not even that there is none.
                await _require_sync(services, permissions, None, "sync_status")
                raise ToolError(
                    "request: no sync request "
                    + ("was made yet" if request is None else f"has id {request}")
                )
            organization_id = status.request.organization_id
            await _require_sync(services, permissions, organization_id, "sync_status")
        view = None if organization_id is None else current_scope().directory.get(organization_id)
        result = _result(status)
        return ToolResult(
            content=_render(result, None if view is None else organization_source(view)),
            structured_content=structured_content(result),
        )
