"""Claims of real identity providers' access tokens mapped to a Caller, one preset each."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from fastmcp.server.auth import AccessToken
from pydantic import SecretStr

from itglue_mcp.config.auth import AuthMode, AuthSettings, ClaimMapping, ClaimsPreset
from itglue_mcp.security.errors import AccessDenied
from itglue_mcp.security.identity import Caller, caller_from_token, local_caller

ISSUED = 1_790_000_000


def _token(claims: dict[str, Any], *, client_id: str = "unknown") -> AccessToken:
    scope = claims.get("scope") or claims.get("scp") or []
    scopes = scope.split() if isinstance(scope, str) else list(scope)
    return AccessToken(
        token="opaque-for-the-test",
        client_id=client_id,
        scopes=scopes,
        expires_at=claims.get("exp"),
        subject=claims.get("sub"),
        claims=claims,
    )


def _oidc(preset: ClaimsPreset, **overrides: Any) -> AuthSettings:
    return AuthSettings(
        mode=AuthMode.OIDC,
        issuer="https://idp.example",
        claims=ClaimMapping(preset=preset, **overrides),
    )


# Microsoft Entra ID v2 access token for a custom API (delegated, user present).
ENTRA_USER = {
    "aud": "api://3f1c2a4e-6b8d-4c1a-9e0f-2b7d5a8c9e10",
    "iss": "https://login.microsoftonline.com/8c3e1b5a-2d4f-4e6a-b7c9-0d1e2f3a4b5c/v2.0",
    "iat": ISSUED,
    "nbf": ISSUED,
    "exp": ISSUED + 3600,
    "aio": "AWQAm/8TAAAA",
    "azp": "c0ffee00-1234-4abc-8def-0123456789ab",
    "azpacr": "0",
    "groups": ["5d6c7b8a-0000-4000-8000-00000000aaaa", "5d6c7b8a-0000-4000-8000-00000000bbbb"],
    "name": "Dana Tech",
    "oid": "11111111-2222-4333-8444-555555555555",
    "preferred_username": "dana@msp.example",
    "rh": "0.AQ4A",
    "roles": ["technician"],
    "scp": "itglue.read itglue.secrets.reveal",
    "sub": "pairwise-9mHq2-E0Bfjz8k4YhVx0sQ",
    "tid": "8c3e1b5a-2d4f-4e6a-b7c9-0d1e2f3a4b5c",
    "uti": "AbCdEf",
    "ver": "2.0",
}

# Entra v1-style app-only token (client credentials): appid, app roles, no user claims.
ENTRA_APP = {
    "aud": "api://3f1c2a4e-6b8d-4c1a-9e0f-2b7d5a8c9e10",
    "iss": "https://sts.windows.net/8c3e1b5a-2d4f-4e6a-b7c9-0d1e2f3a4b5c/",
    "iat": ISSUED,
    "exp": ISSUED + 3600,
    "appid": "d00d0000-aaaa-4bbb-8ccc-dddddddddddd",
    "oid": "99999999-8888-4777-8666-555555555555",
    "roles": ["auditor"],
    "sub": "99999999-8888-4777-8666-555555555555",
    "tid": "8c3e1b5a-2d4f-4e6a-b7c9-0d1e2f3a4b5c",
    "ver": "1.0",
}

OKTA = {
    "ver": 1,
    "jti": "AT.x2Yq",
    "iss": "https://msp.okta.com/oauth2/aus1itglue",
    "aud": "https://mcp.msp.example/mcp",
    "iat": ISSUED,
    "exp": ISSUED + 3600,
    "cid": "0oa1itgluemcp",
    "uid": "00u1dana",
    "scp": ["itglue.read"],
    "auth_time": ISSUED - 10,
    "sub": "dana@msp.example",
    "groups": ["MSP-Helpdesk", "Everyone"],
}

AUTH0 = {
    "https://itglue-mcp/roles": ["technician"],
    "https://itglue-mcp/groups": ["tier2"],
    "iss": "https://msp.eu.auth0.com/",
    "sub": "auth0|6560f00dcafe",
    "aud": ["https://mcp.msp.example/mcp", "https://msp.eu.auth0.com/userinfo"],
    "iat": ISSUED,
    "exp": ISSUED + 86400,
    "scope": "openid profile itglue.read",
    "azp": "Zx1itglueMCPclient",
    "org_id": "org_Riverbend42",
    "roles": ["ignored-not-namespaced"],
}

KEYCLOAK = {
    "exp": ISSUED + 300,
    "iat": ISSUED,
    "jti": "onrtac:5b1c",
    "iss": "https://sso.msp.example/realms/msp",
    "aud": ["https://mcp.msp.example/mcp", "account"],
    "sub": "f2b1c0de-7a6b-4c5d-9e8f-0a1b2c3d4e5f",
    "typ": "Bearer",
    "azp": "itglue-mcp",
    "sid": "a1b2",
    "acr": "1",
    "realm_access": {"roles": ["default-roles-msp", "helpdesk", "offline_access"]},
    "resource_access": {"account": {"roles": ["manage-account"]}},
    "scope": "openid email itglue.read",
    "groups": ["/msp/helpdesk"],
    "preferred_username": "sam",
}

GOOGLE = {
    "iss": "https://accounts.google.com",
    "azp": "1234567890-abc.apps.googleusercontent.com",
    "aud": "1234567890-abc.apps.googleusercontent.com",
    "sub": "110169484474386276334",
    "hd": "msp.example",
    "email": "kim@msp.example",
    "email_verified": True,
    "iat": ISSUED,
    "exp": ISSUED + 3600,
}


@pytest.mark.parametrize(
    ("preset", "claims", "expected"),
    [
        (
            ClaimsPreset.ENTRA,
            ENTRA_USER,
            Caller(
                subject="11111111-2222-4333-8444-555555555555",  # oid, not the pairwise sub
                client_id="c0ffee00-1234-4abc-8def-0123456789ab",
                groups=frozenset(ENTRA_USER["groups"]),
                roles=frozenset({"technician"}),
                tenant="8c3e1b5a-2d4f-4e6a-b7c9-0d1e2f3a4b5c",
                scopes=frozenset({"itglue.read", "itglue.secrets.reveal"}),
            ),
        ),
        (
            ClaimsPreset.ENTRA,
            ENTRA_APP,
            Caller(
                subject="99999999-8888-4777-8666-555555555555",
                client_id="d00d0000-aaaa-4bbb-8ccc-dddddddddddd",  # v1 appid
                groups=frozenset(),
                roles=frozenset({"auditor"}),
                tenant="8c3e1b5a-2d4f-4e6a-b7c9-0d1e2f3a4b5c",
                scopes=frozenset(),
            ),
        ),
        (
            ClaimsPreset.OKTA,
            OKTA,
            Caller(
                subject="dana@msp.example",
                client_id="0oa1itgluemcp",
                groups=frozenset({"MSP-Helpdesk", "Everyone"}),
                roles=frozenset(),
                tenant=None,
                scopes=frozenset({"itglue.read"}),
            ),
        ),
        (
            ClaimsPreset.AUTH0,
            AUTH0,
            Caller(
                subject="auth0|6560f00dcafe",
                client_id="Zx1itglueMCPclient",
                groups=frozenset({"tier2"}),
                roles=frozenset({"technician"}),  # the namespaced claim only
                tenant="org_Riverbend42",
                scopes=frozenset({"openid", "profile", "itglue.read"}),
            ),
        ),
        (
            ClaimsPreset.KEYCLOAK,
            KEYCLOAK,
            Caller(
                subject="f2b1c0de-7a6b-4c5d-9e8f-0a1b2c3d4e5f",
                client_id="itglue-mcp",
                groups=frozenset({"/msp/helpdesk"}),
                roles=frozenset({"default-roles-msp", "helpdesk", "offline_access"}),
                tenant=None,
                scopes=frozenset({"openid", "email", "itglue.read"}),
            ),
        ),
        (
            ClaimsPreset.GOOGLE,
            GOOGLE,
            Caller(
                subject="kim@msp.example",
                client_id="1234567890-abc.apps.googleusercontent.com",
                groups=frozenset(),
                roles=frozenset(),
                tenant="msp.example",
                scopes=frozenset(),
            ),
        ),
        (
            ClaimsPreset.GENERIC,
            {**KEYCLOAK, "roles": ["technician"], "client_id": "svc-reporting"},
            Caller(
                subject="f2b1c0de-7a6b-4c5d-9e8f-0a1b2c3d4e5f",
                client_id="svc-reporting",
                groups=frozenset({"/msp/helpdesk"}),
                roles=frozenset({"technician"}),
                tenant=None,
                scopes=frozenset({"openid", "email", "itglue.read"}),
            ),
        ),
    ],
    ids=["entra-user", "entra-app", "okta", "auth0", "keycloak", "google", "generic"],
)
def test_each_preset_reads_its_providers_claims(
    preset: ClaimsPreset, claims: dict[str, Any], expected: Caller
) -> None:
    assert caller_from_token(_token(claims), _oidc(preset)) == expected


def test_google_uses_the_email_as_subject_only_when_verified() -> None:
    unverified = {**GOOGLE, "email_verified": False}
    caller = caller_from_token(_token(unverified), _oidc(ClaimsPreset.GOOGLE))
    assert caller.subject == "110169484474386276334"


def test_explicit_claim_names_override_the_preset() -> None:
    claims = {
        **KEYCLOAK,
        "resource_access": {"itglue-mcp": {"roles": ["technician"]}},
        "msp_customer": "riverbend",
    }
    auth = _oidc(
        ClaimsPreset.KEYCLOAK,
        roles="resource_access.itglue-mcp.roles",
        tenant="msp_customer",
        subject="preferred_username",
    )
    caller = caller_from_token(_token(claims), auth)
    assert (caller.subject, caller.roles, caller.tenant) == (
        "sam",
        frozenset({"technician"}),
        "riverbend",
    )


def test_a_custom_auth0_namespace_is_read() -> None:
    claims = {**AUTH0, "https://acme.example/roles": ["helpdesk"]}
    auth = _oidc(ClaimsPreset.AUTH0, namespace="https://acme.example/")
    assert caller_from_token(_token(claims), auth).roles == frozenset({"helpdesk"})


def test_malformed_claims_give_no_roles_rather_than_an_error() -> None:
    claims = {"sub": "x", "roles": {"not": "a list"}, "groups": [1, None, "ops"], "tid": 7}
    caller = caller_from_token(_token(claims), _oidc(ClaimsPreset.ENTRA))
    assert (caller.roles, caller.groups, caller.tenant) == (frozenset(), frozenset({"ops"}), None)


@pytest.mark.parametrize("subject", [None, ""])
def test_a_token_without_a_subject_names_no_caller_not_even_its_client(
    subject: str | None,
) -> None:
    claims = {"iss": "https://idp.example", "client_id": "alice", "scope": "itglue.read"}
    if subject is not None:
        claims["sub"] = subject
    with pytest.raises(AccessDenied, match=r"^auth: the access token names no subject"):
        caller_from_token(_token(claims, client_id="alice"), _oidc(ClaimsPreset.GENERIC))


def test_without_a_token_the_caller_is_local_with_everything() -> None:
    auth = AuthSettings()
    caller = caller_from_token(None, auth)
    assert caller == local_caller(auth)
    assert caller.subject == "local"
    assert caller.roles == frozenset({"msp-admin"})
    assert caller.scopes == frozenset({"itglue.read", "itglue.secrets.reveal", "itglue.admin"})


def test_the_static_token_stands_for_its_subject_with_the_static_roles() -> None:
    auth = AuthSettings(
        mode=AuthMode.STATIC,
        static_token=SecretStr(secrets.token_urlsafe(32)),
        static_subject="dev",
        static_roles=["helpdesk"],
    )
    token = AccessToken(
        token="t",
        client_id="itglue-mcp-static-token",
        scopes=auth.static_scopes,
        subject="dev",
        claims={"sub": "dev", "client_id": "itglue-mcp-static-token", "roles": ["msp-admin"]},
    )
    caller = caller_from_token(token, auth)
    assert caller.subject == "dev"
    assert caller.roles == frozenset({"helpdesk"})  # not what the claims say
    assert caller.scopes == frozenset(auth.scopes.names())
