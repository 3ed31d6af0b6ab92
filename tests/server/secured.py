"""The MCP app with access control, served on loopback for the enforcement tests.

Callers are bearer tokens of a fastmcp :class:`StaticTokenVerifier` whose claims carry IdP
``roles`` and ``groups`` (mapped by :func:`~itglue_mcp.security.identity.caller_from_token`
with the generic claim preset); the policy is the built-in roles plus ``rbac.bindings`` from
settings (a real Casbin enforcer, :func:`~itglue_mcp.security.rbac.build_authorizer`); denials
go to a real audit trail in a private SQLite store. The secret revealer's IT Glue endpoint is
a closed loopback port: these tests only exercise reveals that policy refuses before any call.

Example::

    tokens = {"tok-a": caller_claims("alice", groups=["Client A"])}
    for url in serve_secured_app(store_url, audit_url, tokens, {"group:Client A": [...]}):
        async with Client(f"{url}/mcp", auth="tok-a") as client: ...
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastmcp.server.auth.providers.jwt import StaticTokenVerifier
from pydantic import SecretStr

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import AuthSettings, Settings
from itglue_mcp.config.rbac import PolicySource, RbacSettings
from itglue_mcp.config.settings import ItglueSettings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.security.audit import AuditTrail
from itglue_mcp.security.rate_limit import RevealRateLimiter
from itglue_mcp.security.rbac import build_authorizer
from itglue_mcp.security.reveal import SecretRevealer
from itglue_mcp.server.app import build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.database import create_engine, create_session_factory
from tests.conftest import _blocking

__all__ = ["caller_claims", "serve_client_readonly_app", "serve_secured_app"]

SCOPES = ["itglue.read", "itglue.secrets.reveal"]


def caller_claims(
    subject: str, *, roles: list[str] | None = None, groups: list[str] | None = None
) -> dict[str, Any]:
    """The claims a static token stands for: subject, client id, scopes, roles, groups."""
    return {
        "sub": subject,
        "client_id": f"client-of-{subject}",
        "scopes": SCOPES,
        "roles": roles or [],
        "groups": groups or [],
    }


def serve_secured_app(
    database_url: str,
    audit_url: str,
    tokens: dict[str, dict[str, Any]],
    bindings: dict[str, list[str]],
    policy_file: Path | None = None,
) -> Iterator[str]:
    """Serve the access-controlled MCP app over ``database_url``; yields the base URL.

    Args:
        database_url: the synced store the tools read.
        audit_url: the store audit events are written to.
        tokens: bearer token → its claims (:func:`caller_claims`).
        bindings: ``rbac.bindings`` (IdP group/role → roles).
        policy_file: policy lines (roles of the test's own) beside the built-in roles.
    """
    engine = create_engine(database_url, null_pool=True)
    audit_engine = create_engine(audit_url, null_pool=True)
    sessions = create_session_factory(engine)
    source = PolicySource.BUILTIN if policy_file is None else PolicySource.FILE
    rbac = RbacSettings(bindings=bindings, policy_source=source, policy_file=policy_file)
    settings = Settings(rbac=rbac)
    authorizer = _blocking(build_authorizer(settings, None))
    audit = AuditTrail(create_session_factory(audit_engine))
    itglue = ItglueClient(
        ItglueSettings(api_url="http://127.0.0.1:9", api_key=SecretStr("not-a-real-key"))
    )
    revealer = SecretRevealer(
        itglue,
        audit,
        RevealRateLimiter.from_settings(settings),
        reveal_scope=settings.auth.scopes.reveal,
    )
    services = Services(
        sessions=sessions,
        graph=SqlGraphStore(sessions),
        authorizer=authorizer,
        audit=audit,
        revealer=revealer,
    )
    # Claims are mapped with the generic preset (roles, groups), as in mode oidc.
    mcp = build_server(services, AuthSettings())
    mcp.auth = StaticTokenVerifier(tokens=tokens)
    app = mcp.http_app(path="/mcp", stateless_http=True)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        _blocking(authorizer.aclose())
        _blocking(itglue.aclose())
        asyncio.run(engine.dispose())
        asyncio.run(audit_engine.dispose())


def serve_client_readonly_app(
    database_url: str,
    audit_dir: Path,
    sqlite_template_file: Path,
    tokens: dict[str, dict[str, Any]],
    bindings: dict[str, list[str]],
) -> Iterator[str]:
    """:func:`serve_secured_app` with its audit trail in a fresh SQLite file under
    ``audit_dir``, copied from the migrated template: the module fixture of the tool tests
    that check a client-readonly caller."""
    audit = audit_dir / "audit.db"
    shutil.copyfile(sqlite_template_file, audit)
    yield from serve_secured_app(database_url, f"sqlite+aiosqlite:///{audit}", tokens, bindings)
