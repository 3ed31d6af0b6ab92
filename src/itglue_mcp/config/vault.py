"""Settings of the Vault/OpenBao secret source: where settings secrets are read from.

Nested into :class:`itglue_mcp.config.Settings` as ``vault`` (``ITGLUE_MCP_VAULT__…``). Vault is
off unless ``vault.url`` is set, in the environment (``ITGLUE_MCP_VAULT__URL``), ``.env`` or as
an init argument: the Vault source reads its own settings before any value it would supply.
One KV v2 secret (``vault.mount`` / ``vault.path``) holds settings under their
environment-style names without the prefix (``itglue__api_key``, ``auth__static_token``,
``redis_url``); see :mod:`itglue_mcp.config.secrets`.

Two ways to log in:

- ``token``: a Vault token (``vault.token``), for development and CI.
- ``kubernetes``: the pod's service-account JWT (``vault.kubernetes_jwt_path``) exchanged for a
  Vault token under ``vault.kubernetes_role`` at the Kubernetes auth mount; the JWT is re-read
  at every login because projected service-account tokens are rotated by the kubelet.

Example::

    vault = VaultSettings(
        url="https://vault.msp.example:8200",
        path="itglue-mcp/prod",
        auth_method="kubernetes",
        kubernetes_role="itglue-mcp",
    )
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

__all__ = ["DEFAULT_KUBERNETES_JWT_PATH", "VaultAuthMethod", "VaultSettings"]

# Where the kubelet mounts the pod's service-account token (Kubernetes docs: "Configure Service
# Accounts for Pods", projected volume `kube-api-access-*`).
DEFAULT_KUBERNETES_JWT_PATH = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")


class VaultAuthMethod(StrEnum):
    """How itglue-mcp logs in to Vault."""

    TOKEN = "token"
    """A Vault token given in ``vault.token`` (development, CI)."""
    KUBERNETES = "kubernetes"
    """The pod's service-account JWT exchanged under ``vault.kubernetes_role`` (in cluster)."""


class VaultSettings(BaseModel):
    """Where settings secrets are read from in Vault/OpenBao (KV version 2)."""

    url: Annotated[
        str | None,
        Field(
            description=(
                "Vault/OpenBao address (https://vault.example:8200). Unset = Vault is not read. "
                "Set in the environment or .env, not in Vault or secrets_dir."
            )
        ),
    ] = None
    mount: Annotated[
        str, Field(min_length=1, description="Mount point of the KV version 2 secrets engine.")
    ] = "secret"
    path: Annotated[
        str,
        Field(
            min_length=1,
            description=(
                "Path of the secret under the mount; its keys are setting names such as "
                "itglue__api_key."
            ),
        ),
    ] = "itglue-mcp"
    auth_method: Annotated[
        VaultAuthMethod,
        Field(description="token: vault.token; kubernetes: the pod's service-account JWT."),
    ] = VaultAuthMethod.TOKEN
    token: Annotated[
        SecretStr | None, Field(description="Vault token of auth method token (development).")
    ] = None
    kubernetes_role: Annotated[
        str | None, Field(description="Vault role to log in as with auth method kubernetes.")
    ] = None
    kubernetes_mount: Annotated[
        str, Field(min_length=1, description="Mount point of Vault's Kubernetes auth method.")
    ] = "kubernetes"
    kubernetes_jwt_path: Annotated[
        Path,
        Field(description="File holding the pod's service-account JWT (re-read at each login)."),
    ] = DEFAULT_KUBERNETES_JWT_PATH
    refresh_interval_s: Annotated[
        float,
        Field(
            gt=0,
            description=(
                "Seconds between re-reads of the secret; a new version (rotation) replaces the "
                "IT Glue API key without a restart."
            ),
        ),
    ] = 300.0
    namespace: Annotated[
        str | None,
        Field(
            description="Vault Enterprise / OpenBao namespace (X-Vault-Namespace); unset = root."
        ),
    ] = None
    ca_cert: Annotated[
        Path | None,
        Field(description="PEM bundle of the CA that signed Vault's TLS certificate."),
    ] = None
    verify_tls: Annotated[
        bool,
        Field(description="Verify Vault's TLS certificate (turn off only against a dev server)."),
    ] = True
    timeout_s: Annotated[
        float, Field(gt=0, description="Timeout of one request to Vault, seconds.")
    ] = 10.0

    @field_validator("url")
    @classmethod
    def _empty_url_is_unset(cls, value: str | None) -> str | None:
        """``ITGLUE_MCP_VAULT__URL=`` (empty) leaves Vault off, as an unset variable does."""
        value = (value or "").strip()
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"vault.url: must start with http:// or https://, got {value!r}")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _credentials_for_the_method(self) -> VaultSettings:
        """Refuse an enabled Vault whose auth method lacks what it logs in with."""
        if self.url is None:
            return self
        if self.auth_method is VaultAuthMethod.TOKEN and (
            self.token is None or not self.token.get_secret_value()
        ):
            raise ValueError("vault.token: required when vault.auth_method is token")
        if self.auth_method is VaultAuthMethod.KUBERNETES and not self.kubernetes_role:
            raise ValueError("vault.kubernetes_role: required when vault.auth_method is kubernetes")
        return self

    @property
    def location(self) -> str:
        """``mount/path`` of the secret, as shown in messages (never a credential)."""
        return f"{self.mount.strip('/')}/{self.path.strip('/')}"

    @property
    def tls_verify(self) -> bool | str:
        """What the HTTP client verifies Vault's certificate with: a CA bundle path or a flag."""
        if self.ca_cert is not None:
            return str(self.ca_cert)
        return self.verify_tls
