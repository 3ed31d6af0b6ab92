"""The FastMCP server: tools wired to the store, health routes, Streamable HTTP app.

Stateless Streamable HTTP (any replica answers any request) with DNS-rebinding protection
(Host/Origin checked against the bind address and ``server.allowed_hosts``).

Example::

    mcp = build_server(Services(sessions=sessions, graph=SqlGraphStore(sessions)))
    app = build_http_app(mcp, settings)   # ASGI app serving /mcp, /healthz, /readyz
"""

from __future__ import annotations

import structlog
from fastmcp import FastMCP
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from itglue_mcp import __version__
from itglue_mcp.config import Settings
from itglue_mcp.server.services import Services
from itglue_mcp.server.tools import (
    answers,
    configurations,
    dependencies,
    documents,
    expirations,
    health,
    network,
    organizations,
    passwords,
    search,
)
from itglue_mcp.store import sync_state

__all__ = ["INSTRUCTIONS", "TOOL_MODULES", "build_http_app", "build_server"]

_log = structlog.get_logger(__name__)

# One module per domain; each registers its tools on the server.
TOOL_MODULES = (
    answers,
    search,
    organizations,
    configurations,
    network,
    passwords,
    documents,
    dependencies,
    expirations,
    health,
)

INSTRUCTIONS = (
    "Answers questions about the MSP's IT Glue documentation: organizations (customers) and "
    "their configurations (devices) with IP addresses and interfaces. Every result cites the "
    "IT Glue record it came from; say so when a tool finds nothing instead of guessing."
)


def build_server(services: Services) -> FastMCP:
    """A FastMCP server with the read tools and ``/healthz`` ``/readyz`` routes.

    ``/readyz`` answers 200 once the store is reachable and a sync has succeeded, 503
    otherwise (with the reason), so Kubernetes sends no traffic to an empty replica.
    """
    mcp = FastMCP(
        "itglue-mcp", instructions=INSTRUCTIONS, version=__version__, mask_error_details=True
    )
    for module in TOOL_MODULES:
        module.register(mcp, services)

    @mcp.custom_route("/healthz", methods=["GET"], include_in_schema=False)
    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @mcp.custom_route("/readyz", methods=["GET"], include_in_schema=False)
    async def readyz(_request: Request) -> JSONResponse:
        try:
            async with services.sessions() as session:
                await session.execute(text("SELECT 1"))
                last = await sync_state.latest_run(session, status=sync_state.RunStatus.SUCCEEDED)
        except Exception as exc:  # whatever failed, the replica must not take traffic
            _log.warning("readyz.store_unreachable", error_type=type(exc).__name__)
            return JSONResponse({"status": "not ready", "reason": "store unreachable"}, 503)
        if last is None:
            return JSONResponse({"status": "not ready", "reason": "no sync has succeeded"}, 503)
        return JSONResponse({"status": "ready", "last_sync_finished_at": str(last.finished_at)})

    return mcp


def build_http_app(mcp: FastMCP, settings: Settings) -> Starlette:
    """The ASGI app: Streamable HTTP at ``/mcp`` (stateless) plus the custom routes."""
    port = settings.server.port
    hosts = [*settings.server.allowed_hosts, f"{settings.server.host}:{port}"]
    return mcp.http_app(
        path="/mcp",
        stateless_http=True,
        host_origin_protection=True,
        allowed_hosts=hosts,
    )
