"""Serving the MCP app with secret reveal for a test: RBAC, audit trail and a revealer over
the IT Glue simulator, behind a static token; and reading back what the audit store holds.

Example::

    async with serving_reveal(store_url, audit_url, live_itglue, roles=["technician"]) as url:
        ...
    events = await audit_events(audit_url)
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from limits.aio.storage import MemoryStorage
from pydantic import SecretStr
from sqlalchemy import select

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import AuthMode, AuthSettings, ItglueSettings, Settings
from itglue_mcp.config.audit import AuditSettings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.security.audit import AuditTrail
from itglue_mcp.security.rate_limit import RevealRateLimiter
from itglue_mcp.security.rbac import build_authorizer
from itglue_mcp.security.reveal import SecretRevealer
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.audit import AuditEvent, list_audit_events
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.models import metadata
from tests.tenant import API_KEY

__all__ = [
    "ALL_SCOPES",
    "REVEAL_TOKEN",
    "TRACE_ID",
    "audit_events",
    "serving_reveal",
    "stored_text",
]

REVEAL_TOKEN = secrets.token_urlsafe(32)
ALL_SCOPES = ["itglue.read", "itglue.secrets.reveal", "itglue.admin"]
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"


@asynccontextmanager
async def serving_reveal(
    store_url: str,
    audit_store_url: str,
    itglue_url: str,
    *,
    roles: list[str],
    scopes: list[str] = ALL_SCOPES,
    rate: str = "10/minute",
) -> AsyncIterator[str]:
    """The MCP app in static-token mode with RBAC, audit trail and revealer; yields its URL."""
    settings = Settings(
        auth=AuthSettings(
            mode=AuthMode.STATIC,
            static_token=SecretStr(REVEAL_TOKEN),
            static_subject="tech@msp.example",
            static_roles=roles,
            static_scopes=scopes,
        ),
        audit=AuditSettings(reveal_rate_limit=rate),
    )
    engine = create_engine(store_url, null_pool=True)
    audit_engine = create_engine(audit_store_url, null_pool=True)
    sessions = create_session_factory(engine)
    trail = AuditTrail(create_session_factory(audit_engine))
    itglue_settings = ItglueSettings(api_url=itglue_url, api_key=SecretStr(API_KEY))
    # No kept-alive connections: they would belong to the server thread's event loop.
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    client = ItglueClient(itglue_settings, transport=transport)
    revealer = SecretRevealer(
        client,
        trail,
        RevealRateLimiter(settings.audit.reveal_limit(), MemoryStorage()),
        reveal_scope=settings.auth.scopes.reveal,
    )
    authorizer = await build_authorizer(settings, None)
    services = Services(
        sessions=sessions,
        graph=SqlGraphStore(sessions),
        authorizer=authorizer,
        audit=trail,
        revealer=revealer,
    )
    app = build_http_app(build_server(services, settings.auth), settings, audit=trail)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        await client.aclose()
        await authorizer.aclose()
        await engine.dispose()
        await audit_engine.dispose()


async def audit_events(url: str) -> list[AuditEvent]:
    engine = create_engine(url, null_pool=True)
    try:
        async with create_session_factory(engine)() as session:
            return await list_audit_events(session)
    finally:
        await engine.dispose()


async def stored_text(url: str) -> str:
    """Every value of every table of the store at ``url``, as text."""
    engine = create_engine(url, null_pool=True)
    parts: list[str] = []
    try:
        async with create_session_factory(engine)() as session:
            for table in metadata.sorted_tables:
                rows = (await session.execute(select(table))).all()
                parts.extend(repr(tuple(row)) for row in rows)
    finally:
        await engine.dispose()
    return "\n".join(parts)


def a_secret(directory: Path) -> dict[str, Any]:
    """A password entry of the tenant in ``directory`` holding a value, linked to a
    configuration."""
    passwords = json.loads((directory / "passwords.json").read_text())["data"]
    return next(
        p
        for p in passwords
        if p["attributes"].get("password") and p["attributes"]["resource-type"] == "Configuration"
    )
