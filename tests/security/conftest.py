"""A real OpenID Connect provider for the auth tests, and our MCP server trusting it.

``identity_provider`` is the npm package ``oidc-provider`` run with Node.js on loopback for the
whole session (:mod:`tests.idp.oidc_provider`: dynamic registration, PKCE S256, resource
indicators, RS256 JWT access tokens with the account's ``groups``); ``opaque_identity_provider``
is a second one issuing opaque tokens, checked by introspection. Accounts: alice
(``msp-technicians``), bob (``msp-helpdesk``), carol (``client-acme``), dave (``msp-admins``);
the client_credentials service account carries ``msp-automation``. A missing Node.js or
``node_modules`` FAILS these tests with a message saying to run ``npm ci``.

``oidc_served`` (``oidc_server``: its base URL) serves our MCP app in mode ``oidc`` trusting
``identity_provider`` (``auth.issuer``; ``auth.audience`` = its own ``/mcp`` URL) over the
synced store ``synced_url`` on loopback, with RBAC binding the provider's groups to roles
(:func:`group_bindings`), an audit trail in a store of its own, and secret reveal from the IT
Glue simulator serving the same tenant.

Example::

    async def test_read(identity_provider, oidc_server):
        resource = f"{oidc_server}/mcp"
        token = await identity_provider.authorization_code_token("alice", ["itglue.read"], resource)
        async with Client(resource, auth=token) as client: ...
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import AuthMode, AuthSettings, ServerSettings, Settings
from itglue_mcp.config.rbac import RbacSettings
from itglue_mcp.config.settings import ItglueSettings
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.itglue.client import ItglueClient
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.security.audit import AuditTrail
from itglue_mcp.security.rate_limit import RevealRateLimiter
from itglue_mcp.security.rbac import build_authorizer
from itglue_mcp.security.reveal import SecretRevealer
from itglue_mcp.server.app import build_http_app, build_server
from itglue_mcp.server.services import Services
from itglue_mcp.store.audit import AuditEvent, list_audit_events
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.migrate import upgrade
from tests.conftest import _blocking
from tests.idp.oidc_provider import IdentityProvider, start_provider
from tests.mcp_http import free_port
from tests.tenant import API_KEY

ACME = "Acme Corporation"
"""The generated organization whose people (group ``client-acme``) may read it alone."""


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdentityProvider]:
    """The OIDC provider issuing JWT access tokens, on loopback for the session."""
    with start_provider(tmp_path_factory.mktemp("idp"), token_format="jwt") as provider:
        yield provider


@pytest.fixture(scope="session")
def opaque_identity_provider(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[IdentityProvider]:
    """A second OIDC provider issuing opaque access tokens (checked by introspection)."""
    with start_provider(tmp_path_factory.mktemp("idp-opaque"), token_format="opaque") as provider:
        yield provider


def organization_ids(dataset_dir: Path) -> dict[str, int]:
    """Ids of the generated tenant's organizations (``dataset_dir``) by name."""
    records = json.loads((dataset_dir / "organizations.json").read_text())["data"]
    return {record["attributes"]["name"]: int(record["id"]) for record in records}


def organization_names(dataset_dir: Path) -> list[str]:
    """Names of the generated tenant's organizations (``dataset_dir``), sorted."""
    return sorted(organization_ids(dataset_dir))


def group_bindings(dataset_dir: Path) -> dict[str, list[str]]:
    """RBAC bindings of the provider's groups: technicians, helpdesk, admins, the service
    account (helpdesk) and Acme's own people (``client-readonly`` of Acme Corporation)."""
    acme = organization_ids(dataset_dir)[ACME]
    return {
        "msp-technicians": ["technician"],
        "msp-helpdesk": ["helpdesk"],
        "msp-admins": ["msp-admin"],
        "msp-automation": ["helpdesk"],
        "client-acme": [f"client-readonly@{acme}"],
    }


def oidc_settings(
    identity_provider: IdentityProvider, port: int, bindings: dict[str, list[str]]
) -> Settings:
    """Settings of our server on ``127.0.0.1:port`` trusting ``identity_provider`` (by JWKS,
    or by introspection when it issues opaque tokens), with the RBAC group ``bindings``."""
    public_url = f"http://127.0.0.1:{port}"
    introspection: dict[str, object] = {}
    if identity_provider.token_format == "opaque":
        introspection = {
            "introspection_url": identity_provider.introspection_endpoint,
            "introspection_client_id": identity_provider.introspection_client_id,
            "introspection_client_secret": SecretStr(identity_provider.introspection_client_secret),
        }
    auth = AuthSettings.model_validate(
        {
            "mode": AuthMode.OIDC,
            "issuer": identity_provider.issuer,
            "audience": f"{public_url}/mcp",
            **introspection,
        }
    )
    return Settings(
        public_url=public_url,
        server=ServerSettings(host="127.0.0.1", port=port),
        auth=auth,
        rbac=RbacSettings(bindings=bindings),
    )


@dataclass(frozen=True)
class ServedOidc:
    """Our server in mode ``oidc``: its base URL and the store its audit events go to."""

    url: str
    audit: AuditTrail
    audit_sessions: async_sessionmaker[AsyncSession]

    @property
    def resource(self) -> str:
        """The MCP endpoint, which is also the resource indicator and audience."""
        return f"{self.url}/mcp"

    async def audit_events(self) -> list[AuditEvent]:
        """Every audit event recorded so far, oldest first."""
        async with self.audit_sessions() as session:
            return await list_audit_events(session)


def serve_oidc(
    database_url: str,
    identity_provider: IdentityProvider,
    bindings: dict[str, list[str]],
    *,
    audit_url: str,
    itglue_url: str,
) -> Iterator[ServedOidc]:
    """Our MCP app in mode ``oidc`` with RBAC, audit trail and secret reveal, on loopback.

    Args:
        database_url: the synced store the tools read.
        identity_provider: the provider whose tokens are accepted.
        bindings: ``rbac.bindings`` (the provider's groups → roles).
        audit_url: a migrated store for the audit events.
        itglue_url: the IT Glue simulator reveals fetch values from (API key ``API_KEY``).
    """
    port = free_port()
    settings = oidc_settings(identity_provider, port, bindings)
    engine = create_engine(database_url, null_pool=True)
    audit_engine = create_engine(audit_url, null_pool=True)
    sessions = create_session_factory(engine)
    audit_sessions = create_session_factory(audit_engine)
    authorizer = _blocking(build_authorizer(settings, sessions))
    audit = AuditTrail(audit_sessions)
    # No kept-alive connections: they would belong to the server thread's loop, gone by the time
    # the client is closed here.
    itglue = ItglueClient(
        ItglueSettings(api_url=itglue_url, api_key=SecretStr(API_KEY)),
        transport=httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
    )
    limiter = RevealRateLimiter.from_settings(settings)
    revealer = SecretRevealer(itglue, audit, limiter, reveal_scope=settings.auth.scopes.reveal)
    services = Services(
        sessions=sessions,
        graph=SqlGraphStore(sessions),
        authorizer=authorizer,
        audit=audit,
        revealer=revealer,
    )
    app = build_http_app(build_server(services, settings.auth), settings)
    try:
        with serve_in_thread(app, port=port) as url:
            yield ServedOidc(url=url, audit=audit, audit_sessions=audit_sessions)
    finally:
        _blocking(authorizer.aclose())
        _blocking(limiter.aclose())
        _blocking(itglue.aclose())
        _blocking(engine.dispose())
        _blocking(audit_engine.dispose())


@pytest.fixture(scope="module")
def itglue_simulator(dataset_dir: Path) -> Iterator[str]:
    """The IT Glue simulator over ``dataset_dir`` (the tenant ``synced_url`` holds)."""
    app = create_app(Dataset.load(dataset_dir), SimulatorConfig(api_keys={API_KEY: True}))
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def audit_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite store of the module's audit events."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('audit') / 'audit.db'}"
    _blocking(upgrade(url))
    return url


@pytest.fixture(scope="module")
def oidc_served(
    synced_url: str,
    identity_provider: IdentityProvider,
    dataset_dir: Path,
    audit_store_url: str,
    itglue_simulator: str,
) -> Iterator[ServedOidc]:
    """Our server trusting ``identity_provider`` over the synced store, reveals from the
    simulator, audit events in ``audit_store_url``."""
    yield from serve_oidc(
        synced_url,
        identity_provider,
        group_bindings(dataset_dir),
        audit_url=audit_store_url,
        itglue_url=itglue_simulator,
    )


@pytest.fixture(scope="module")
def oidc_server(oidc_served: ServedOidc) -> str:
    """Base URL of :func:`oidc_served` (``/mcp`` is the endpoint)."""
    return oidc_served.url
