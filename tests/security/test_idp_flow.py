"""Tokens from a real OIDC provider (npm ``oidc-provider``) open our MCP server in mode ``oidc``.

The provider (``identity_provider``, tests/security/conftest.py) issues RS256 JWT access tokens
for the resource a client names (RFC 8707). Our server, served on loopback over a synced store
with ``auth.issuer`` = the provider and ``auth.audience`` = its own ``/mcp`` URL, must accept
a token from the authorization-code + PKCE flow and one from client_credentials, called
through the fastmcp Client over Streamable HTTP, and refuse a token the same provider minted
for another resource (401, RFC 6750 ``invalid_token``). The provider's ``groups`` claim then
decides, through the RBAC bindings, what a caller reads (a client company's user: its own
organization only) and whether a reveal is allowed, and the audit trail names the IdP's subject
and client id. Opaque tokens of a second provider are checked by its introspection endpoint.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from joserfc import jwt
from joserfc.jwk import KeySet
from mcp.shared.exceptions import MCPError

from tests.idp.oidc_provider import ACCOUNT_GROUPS, ALL_SCOPES, SERVICE_GROUPS, IdentityProvider
from tests.mcp_http import INITIALIZE, MCP_HEADERS, free_port
from tests.security.conftest import (
    ACME,
    ServedOidc,
    group_bindings,
    organization_names,
    serve_oidc,
)

# One dialect is enough here: what is tested is the token, not the store.
pytestmark = pytest.mark.parametrize("synced_url", ["sqlite"], indirect=True)


async def list_organizations(mcp_url: str, token: str) -> list[str]:
    """Organization names the ``list_organizations`` tool gives the bearer of ``token``."""
    async with Client(mcp_url, auth=token) as client:
        result = await client.call_tool("list_organizations", {})
    assert result.structured_content is not None
    return sorted(org["source"]["name"] for org in result.structured_content["organizations"])


def verified_claims(identity_provider: IdentityProvider, token: str) -> dict[str, Any]:
    """The token's claims after checking its signature against the provider's JWKS."""
    keys = KeySet.import_key_set(httpx.get(identity_provider.jwks_uri, timeout=5).json())
    decoded = jwt.decode(token, keys, algorithms=["RS256"])
    assert decoded.header["typ"] == "at+jwt"  # RFC 9068 section 2.1
    return dict(decoded.claims)


async def test_the_code_flow_token_calls_a_tool(
    identity_provider: IdentityProvider,
    oidc_server: str,
    dataset_dir: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    resource = f"{oidc_server}/mcp"
    token = await identity_provider.authorization_code_token("alice", ALL_SCOPES, resource)

    claims = verified_claims(identity_provider, token)
    assert claims["iss"] == identity_provider.issuer
    assert claims["aud"] == resource
    assert claims["sub"] == "alice"
    assert set(claims["scope"].split()) == set(ALL_SCOPES)
    assert claims["groups"] == list(ACCOUNT_GROUPS["alice"])

    assert await list_organizations(resource, token) == organization_names(dataset_dir)
    captured = capfd.readouterr()
    assert token not in captured.out + captured.err + caplog.text  # the server never logs it


async def test_consent_to_fewer_scopes_gives_a_narrower_token(
    identity_provider: IdentityProvider, oidc_server: str
) -> None:
    resource = f"{oidc_server}/mcp"
    token = await identity_provider.authorization_code_token(
        "bob", ALL_SCOPES, resource, granted=["itglue.read"]
    )

    claims = verified_claims(identity_provider, token)
    assert claims["scope"] == "itglue.read"
    assert claims["groups"] == list(ACCOUNT_GROUPS["bob"])


async def test_the_client_credentials_token_calls_a_tool(
    identity_provider: IdentityProvider, oidc_server: str, dataset_dir: Path
) -> None:
    resource = f"{oidc_server}/mcp"
    token = await identity_provider.client_credentials_token(["itglue.read"], resource)

    claims = verified_claims(identity_provider, token)
    assert claims["sub"] == claims["client_id"] == identity_provider.service_client_id
    assert claims["aud"] == resource
    assert claims["scope"] == "itglue.read"
    assert claims["groups"] == list(SERVICE_GROUPS)

    assert await list_organizations(resource, token) == organization_names(dataset_dir)


async def test_a_token_for_another_resource_is_refused(
    identity_provider: IdentityProvider, oidc_server: str
) -> None:
    other = f"http://127.0.0.1:{free_port()}/mcp"
    token = await identity_provider.authorization_code_token("alice", ALL_SCOPES, other)
    assert verified_claims(identity_provider, token)["aud"] == other  # genuine, just not ours

    async with httpx.AsyncClient(base_url=oidc_server, headers=MCP_HEADERS) as http:
        refused = await http.post(
            "/mcp", json=INITIALIZE, headers={"Authorization": f"Bearer {token}"}
        )
        missing = await http.post("/mcp", json=INITIALIZE)
    with pytest.raises(MCPError):
        await list_organizations(f"{oidc_server}/mcp", token)

    assert refused.status_code == 401
    challenge = refused.headers["www-authenticate"]
    assert challenge.lower().startswith("bearer ")
    assert 'error="invalid_token"' in challenge
    assert "resource_metadata=" in challenge
    assert token not in refused.text + challenge
    assert missing.status_code == 401
    assert "resource_metadata=" in missing.headers["www-authenticate"]


async def test_a_client_company_user_reads_only_their_organization(
    identity_provider: IdentityProvider, oidc_server: str
) -> None:
    resource = f"{oidc_server}/mcp"
    token = await identity_provider.authorization_code_token("carol", ["itglue.read"], resource)

    assert verified_claims(identity_provider, token)["groups"] == list(ACCOUNT_GROUPS["carol"])
    assert await list_organizations(resource, token) == [ACME]


@pytest.fixture(scope="module")
def introspecting_server(
    synced_url: str,
    opaque_identity_provider: IdentityProvider,
    dataset_dir: Path,
    audit_store_url: str,
    itglue_simulator: str,
) -> Iterator[str]:
    """Our server checking the opaque tokens of ``opaque_identity_provider`` by introspection."""
    for served in serve_oidc(
        synced_url,
        opaque_identity_provider,
        group_bindings(dataset_dir),
        audit_url=audit_store_url,
        itglue_url=itglue_simulator,
    ):
        yield served.url


async def test_opaque_tokens_are_checked_by_introspection_at_the_provider(
    opaque_identity_provider: IdentityProvider, introspecting_server: str
) -> None:
    resource = f"{introspecting_server}/mcp"
    idp = opaque_identity_provider
    carol = await idp.authorization_code_token("carol", ["itglue.read"], resource)
    service = await idp.client_credentials_token(["itglue.read"], resource)
    elsewhere = await idp.client_credentials_token(
        ["itglue.read"], f"http://127.0.0.1:{free_port()}/mcp"
    )
    assert carol.count(".") == 0  # opaque: not a JWT

    assert await list_organizations(resource, carol) == [ACME]  # groups from introspection
    async with httpx.AsyncClient(base_url=introspecting_server, headers=MCP_HEADERS) as http:
        for token in (elsewhere, service):
            # The provider's introspection of a client-credentials token names no sub: no
            # caller is made up from its client_id (RFC 9068 §2.2), the token is refused.
            refused = await http.post(
                "/mcp", json=INITIALIZE, headers={"Authorization": f"Bearer {token}"}
            )
            assert refused.status_code == 401
            assert 'error="invalid_token"' in refused.headers["www-authenticate"]


def a_password_with_a_value(dataset_dir: Path) -> dict[str, Any]:
    """A password record of the generated tenant holding a value (the simulator serves it)."""
    records = json.loads((dataset_dir / "passwords.json").read_text())["data"]
    return next(record for record in records if record["attributes"].get("password"))


async def test_reveal_is_decided_by_the_idp_groups_and_audited_under_the_idp_identity(
    identity_provider: IdentityProvider,
    oidc_served: ServedOidc,
    dataset_dir: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = a_password_with_a_value(dataset_dir)
    value = record["attributes"]["password"]
    asked = {"name": str(record["id"]), "reveal": True}
    scopes = ["itglue.read", "itglue.secrets.reveal"]
    alice = await identity_provider.authorization_code_token("alice", scopes, oidc_served.resource)
    bob = await identity_provider.authorization_code_token("bob", scopes, oidc_served.resource)
    before = len(await oidc_served.audit_events())

    async with Client(oidc_served.resource, auth=alice) as client:  # technician
        revealed = await client.call_tool("get_password", asked)
    async with Client(oidc_served.resource, auth=bob) as client:  # helpdesk
        with pytest.raises(ToolError) as refused:
            await client.call_tool("get_password", asked)

    assert revealed.structured_content is not None
    assert revealed.structured_content["revealed"]["password"] == value
    assert value not in str(refused.value)
    events = (await oidc_served.audit_events())[before:]
    decisions = [(event.subject, event.decision.value, event.tool) for event in events]
    assert decisions == [("alice", "allow", "get_password"), ("bob", "deny", "get_password")]
    organization = int(record["attributes"]["organization-id"])
    assert [event.organization_id for event in events] == [organization, organization]
    assert events[0].record_id == int(record["id"])
    assert events[0].client_id == verified_claims(identity_provider, alice)["client_id"]
    assert events[1].client_id == verified_claims(identity_provider, bob)["client_id"]
    captured = capfd.readouterr()
    logged = captured.out + captured.err + caplog.text + repr(events)
    for secret in (value, alice, bob):
        assert secret not in logged


async def test_the_protected_resource_metadata_names_the_provider_exactly(
    identity_provider: IdentityProvider, oidc_server: str
) -> None:
    async with httpx.AsyncClient(base_url=oidc_server) as http:
        missing = await http.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
        challenge = missing.headers["www-authenticate"]
        metadata_url = challenge.split('resource_metadata="')[1].split('"')[0]
        metadata = (await http.get(metadata_url)).json()
    assert metadata["resource"] == f"{oidc_server}/mcp"
    # RFC 9728 section 2: issuer identifiers, compared as strings (RFC 8414 section 3.3)
    assert metadata["authorization_servers"] == [identity_provider.issuer]
