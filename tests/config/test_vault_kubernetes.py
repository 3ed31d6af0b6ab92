"""Kubernetes auth against a real OpenBao and a stand-in Kubernetes TokenReview API.

OpenBao's Kubernetes auth method asks the Kubernetes API (TokenReview) whether the pod's
service-account JWT is valid; no Kubernetes runs here, so a small HTTP app on loopback answers
TokenReview for one JWT. Everything on our side (reading the JWT file, hvac's login, the Vault
token, the re-login when it expires, error messages) is real; what a real API server and kubelet
do (signature checks, projected-token rotation) is not exercised.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import Settings
from itglue_mcp.config.vault_client import VaultKvReader
from itglue_mcp.config.vault_refresh import SecretRefresher
from itglue_mcp.errors import ConfigurationError
from tests.config.openbao import OpenBao, assert_no_secret


def _unsigned_jwt(claims: Mapping[str, Any]) -> str:
    def part(value: Mapping[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'k'})}.{part(claims)}.{part({'sig': 0})}"


SERVICE_ACCOUNT = {
    "iss": "kubernetes/serviceaccount",
    "sub": "system:serviceaccount:itglue:itglue-mcp",
    "kubernetes.io/serviceaccount/namespace": "itglue",
    "kubernetes.io/serviceaccount/service-account.name": "itglue-mcp",
    "kubernetes.io/serviceaccount/service-account.uid": "5d1b6c3e-uid",
}


@dataclass
class TokenReviewApi:
    """A stand-in for the Kubernetes API's TokenReview endpoint.

    Attributes:
        url: its base URL (OpenBao's ``kubernetes_host``).
        valid: the JWTs it calls authenticated (as the service account itglue/itglue-mcp).
        reviewed: every JWT it was asked about, in order.
    """

    url: str
    valid: set[str]
    reviewed: list[str]

    def issue(self) -> str:
        """A new valid JWT, as the kubelet writes when it rotates a projected token."""
        jwt = _unsigned_jwt({**SERVICE_ACCOUNT, "jti": secrets.token_hex(8)})
        self.valid.add(jwt)
        return jwt


@pytest.fixture(scope="session")
def kubernetes_auth(openbao: OpenBao) -> Iterator[TokenReviewApi]:
    valid: set[str] = set()
    reviewed: list[str] = []

    async def token_review(request: Request) -> JSONResponse:
        token = (await request.json())["spec"]["token"]
        reviewed.append(token)
        status: dict[str, Any] = {"authenticated": token in valid}
        if token in valid:
            status["user"] = {
                "username": SERVICE_ACCOUNT["sub"],
                "uid": SERVICE_ACCOUNT["kubernetes.io/serviceaccount/service-account.uid"],
                "groups": ["system:serviceaccounts"],
            }
        return JSONResponse(
            {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "status": status},
            status_code=201,
        )

    app = Starlette(
        routes=[
            Route("/apis/authentication.k8s.io/v1/tokenreviews", token_review, methods=["POST"])
        ]
    )
    with serve_in_thread(app) as url:
        root = openbao.root()
        root.sys.enable_auth_method("kubernetes")
        root.write_data(
            "auth/kubernetes/config",
            data={
                "kubernetes_host": url,
                "disable_local_ca_jwt": True,
                "kubernetes_ca_cert": _self_signed_pem(),
            },
        )
        root.sys.create_or_update_policy(
            "itglue-mcp-read", 'path "secret/data/itglue-mcp/*" { capabilities = ["read"] }'
        )
        root.write_data(
            "auth/kubernetes/role/itglue-mcp",
            data={
                "bound_service_account_names": "itglue-mcp",
                "bound_service_account_namespaces": "itglue",
                "token_policies": "itglue-mcp-read",
                "token_ttl": "1h",
            },
        )
        yield TokenReviewApi(url, valid, reviewed)


def _self_signed_pem() -> str:
    """A CA certificate for the auth config (required; unused over plain HTTP)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "stand-in kubernetes CA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _kubernetes_env(monkeypatch: pytest.MonkeyPatch, jwt_file: Path, role: str) -> None:
    """Switch the Vault settings of ``vault_env`` from the root token to Kubernetes auth."""
    monkeypatch.delenv("ITGLUE_MCP_VAULT__TOKEN")
    monkeypatch.setenv("ITGLUE_MCP_VAULT__AUTH_METHOD", "kubernetes")
    monkeypatch.setenv("ITGLUE_MCP_VAULT__KUBERNETES_ROLE", role)
    monkeypatch.setenv("ITGLUE_MCP_VAULT__KUBERNETES_JWT_PATH", str(jwt_file))


def test_kubernetes_auth_logs_in_with_the_service_account_jwt(
    openbao: OpenBao,
    kubernetes_auth: TokenReviewApi,
    vault_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    openbao.write(vault_env, {"itglue__api_key": "ITG.from-kubernetes-login"})
    jwt = kubernetes_auth.issue()
    jwt_file = tmp_path / "token"
    jwt_file.write_text(jwt + "\n")
    _kubernetes_env(monkeypatch, jwt_file, "itglue-mcp")

    settings = Settings()

    assert settings.itglue.api_key == SecretStr("ITG.from-kubernetes-login")
    assert kubernetes_auth.reviewed[-1] == jwt


def test_an_expired_kubernetes_login_is_renewed_with_a_fresh_jwt(
    openbao: OpenBao,
    kubernetes_auth: TokenReviewApi,
    vault_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    openbao.write(vault_env, {"itglue__api_key": "ITG.v1"})
    jwt_file = tmp_path / "token"
    jwt_file.write_text(kubernetes_auth.issue())
    _kubernetes_env(monkeypatch, jwt_file, "itglue-mcp")
    refresher = SecretRefresher(VaultKvReader(Settings().vault))
    assert refresher.refresh()
    logins = len(kubernetes_auth.reviewed)

    # The kubelet rotates the projected token; every Vault token of the Kubernetes auth mount
    # is revoked, which is what an expired login looks like to the next read.
    rotated_jwt = kubernetes_auth.issue()
    jwt_file.write_text(rotated_jwt)
    openbao.root().sys.revoke_prefix("auth/kubernetes/")
    openbao.write(vault_env, {"itglue__api_key": "ITG.v2"})

    assert refresher.refresh()
    assert refresher.current("itglue.api_key") == SecretStr("ITG.v2")
    assert kubernetes_auth.reviewed[logins:] == [rotated_jwt]


@pytest.mark.parametrize("case", ["unknown role", "rejected jwt"])
def test_a_refused_kubernetes_login_is_named_without_the_jwt(
    openbao: OpenBao,
    kubernetes_auth: TokenReviewApi,
    vault_env: str,
    tmp_path: Path,
    case: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jwt = (
        kubernetes_auth.issue()
        if case == "unknown role"
        else _unsigned_jwt({**SERVICE_ACCOUNT, "jti": secrets.token_hex(8)})  # not valid
    )
    jwt_file = tmp_path / "token"
    jwt_file.write_text(jwt)
    _kubernetes_env(
        monkeypatch, jwt_file, "no-such-role" if case == "unknown role" else "itglue-mcp"
    )

    with pytest.raises(ConfigurationError) as caught:
        Settings()

    message = str(caught.value)
    assert message.startswith("vault.kubernetes_role: Vault at ")
    assert "refused the Kubernetes login" in message
    assert_no_secret(message, jwt, openbao.root_token)
