"""Reading one KV version 2 secret from Vault/OpenBao with hvac, errors named by setting.

:class:`VaultKvReader` logs in (token or Kubernetes auth, :mod:`itglue_mcp.config.vault`) and
reads the newest version of ``vault.mount`` / ``vault.path``. Every failure becomes a
:class:`~itglue_mcp.errors.ConfigurationError` whose message starts with the setting to fix
(``vault.url: …``, ``vault.token: …``, ``vault.path: …``) and never holds the Vault token, the
service-account JWT or a secret value. hvac is synchronous (requests): async callers run
:meth:`VaultKvReader.read` in a worker thread.

Example::

    reader = VaultKvReader(settings.vault)
    secret = reader.read()          # KvSecret(version=3, data={"itglue__api_key": "ITG.…"})
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from itglue_mcp.config.vault import VaultAuthMethod, VaultSettings
from itglue_mcp.errors import ConfigurationError

__all__ = ["KvSecret", "VaultKvReader"]

_LOGIN = "logging in"


@dataclass(frozen=True, slots=True)
class KvSecret:
    """One version of a KV version 2 secret.

    Attributes:
        version: the version number Vault gave it (1 for the first write, +1 per write).
        data: the secret's key/value pairs as stored (values may be any JSON type).
    """

    version: int
    data: Mapping[str, Any]

    def __repr__(self) -> str:
        # The values are secrets: only the keys are shown.
        return f"KvSecret(version={self.version}, keys={sorted(self.data)})"


class VaultKvReader:
    """Reads the newest version of one KV version 2 secret, logging in as configured.

    Args:
        settings: ``settings.vault``; ``url`` must be set.

    Raises:
        ConfigurationError: ``vault.url`` is unset.
    """

    def __init__(self, settings: VaultSettings) -> None:
        if settings.url is None:
            raise ConfigurationError("vault.url: not set, so Vault cannot be read")
        self._settings = settings
        self._client: Any = None
        self._credentials: list[str] = []

    @property
    def settings(self) -> VaultSettings:
        """The Vault settings this reader was built from."""
        return self._settings

    def read(self) -> KvSecret:
        """Read the newest version of the secret (logging in first if not yet done).

        With Kubernetes auth, a refused read (the Vault token expired) logs in again once with
        a freshly read JWT and retries.

        Returns:
            The secret's version number and data.

        Raises:
            ConfigurationError: Vault does not answer (``vault.url``), TLS fails
                (``vault.ca_cert``), the login or the read is refused (``vault.token`` or
                ``vault.kubernetes_role``), the JWT file cannot be read
                (``vault.kubernetes_jwt_path``), or there is no such secret (``vault.path``).
        """
        import hvac.exceptions

        if self._client is None:
            self._client = self._login()
        try:
            return self._read_once()
        except (hvac.exceptions.Forbidden, hvac.exceptions.Unauthorized):
            if self._settings.auth_method is not VaultAuthMethod.KUBERNETES:
                raise self._refused() from None
        self.close()
        self._client = self._login()
        try:
            return self._read_once()
        except (hvac.exceptions.Forbidden, hvac.exceptions.Unauthorized):
            raise self._refused() from None

    def close(self) -> None:
        """Close the HTTP session; a later :meth:`read` logs in again."""
        if self._client is not None:
            self._client.adapter.close()
            self._client = None

    # --- internals -------------------------------------------------------------------------

    def _new_client(self, token: str | None) -> Any:
        import hvac

        settings = self._settings
        return hvac.Client(
            url=settings.url,
            token=token,
            verify=settings.tls_verify,
            timeout=settings.timeout_s,
            namespace=settings.namespace,
        )

    def _login(self) -> Any:
        settings = self._settings
        if settings.auth_method is VaultAuthMethod.TOKEN:
            assert settings.token is not None  # VaultSettings refuses token mode without one
            token = settings.token.get_secret_value()
            self._credentials = [token]
            return self._new_client(token)
        jwt = self._service_account_jwt()
        self._credentials = [jwt]
        client = self._new_client(None)
        try:
            with _translated(self, _LOGIN):
                answer = client.auth.kubernetes.login(
                    role=settings.kubernetes_role,
                    jwt=jwt,
                    mount_point=settings.kubernetes_mount,
                    use_token=True,
                )
        except BaseException:
            client.adapter.close()
            raise
        self._credentials.append(str(answer["auth"]["client_token"]))
        return client

    def _service_account_jwt(self) -> str:
        path = self._settings.kubernetes_jwt_path
        try:
            jwt = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(
                f"vault.kubernetes_jwt_path: cannot read the service-account token at {path} "
                f"({error.strerror or type(error).__name__})"
            ) from None
        if not jwt:
            raise ConfigurationError(
                f"vault.kubernetes_jwt_path: the service-account token file {path} is empty"
            )
        return jwt

    def _read_once(self) -> KvSecret:
        settings = self._settings
        with _translated(self, "reading"):
            answer = self._client.secrets.kv.v2.read_secret_version(
                path=settings.path.strip("/"),
                mount_point=settings.mount.strip("/"),
                raise_on_deleted_version=True,
            )
        payload = answer.get("data") if isinstance(answer, Mapping) else None
        data = payload.get("data") if isinstance(payload, Mapping) else None
        metadata = payload.get("metadata") if isinstance(payload, Mapping) else None
        version = metadata.get("version") if isinstance(metadata, Mapping) else None
        if not isinstance(data, Mapping) or not isinstance(version, int):
            raise ConfigurationError(
                f"vault.mount: {settings.location} did not answer as a KV version 2 secret "
                "(is vault.mount a KV version 2 engine?)"
            )
        return KvSecret(version=version, data=dict(data))

    def _refused(self) -> ConfigurationError:
        settings = self._settings
        if settings.auth_method is VaultAuthMethod.KUBERNETES:
            who = f"vault.kubernetes_role: the token of role {settings.kubernetes_role!r}"
        else:
            who = "vault.token: the token"
        return ConfigurationError(
            f"{who} may not read {settings.location} (expired, revoked, or its policy does "
            f"not grant read on {settings.mount.strip('/')}/data/{settings.path.strip('/')})"
        )

    def _scrub(self, text: str) -> str:
        for credential in self._credentials:
            if credential:
                text = text.replace(credential, "***")
        return text


@contextlib.contextmanager
def _translated(reader: VaultKvReader, doing: str) -> Iterator[None]:
    """Turn hvac and transport errors raised in the block into named ConfigurationErrors.

    A refused read (HTTP 401/403) passes through unchanged: the reader decides whether to log
    in again (Kubernetes) or to refuse.
    """
    import hvac.exceptions
    from requests.exceptions import RequestException, SSLError

    settings = reader.settings
    try:
        yield
    except SSLError:
        raise ConfigurationError(
            f"vault.ca_cert: TLS verification of {settings.url} failed while {doing} "
            "(set vault.ca_cert to the CA bundle that signed Vault's certificate)"
        ) from None
    except RequestException as error:
        raise ConfigurationError(
            f"vault.url: Vault at {settings.url} did not answer while {doing} "
            f"{settings.location} ({type(error).__name__})"
        ) from None
    except hvac.exceptions.VaultError as error:
        detail = reader._scrub(", ".join(str(e) for e in (error.errors or [])) or "no detail")
        if doing == _LOGIN:
            raise ConfigurationError(
                f"vault.kubernetes_role: Vault at {settings.url} refused the Kubernetes login "
                f"as role {settings.kubernetes_role!r} at auth mount "
                f"{settings.kubernetes_mount!r} ({type(error).__name__}: {detail})"
            ) from None
        if isinstance(error, hvac.exceptions.Forbidden | hvac.exceptions.Unauthorized):
            raise
        if isinstance(error, hvac.exceptions.InvalidPath):
            raise ConfigurationError(
                f"vault.path: no secret at {settings.location} (or its newest version is "
                "deleted, or vault.mount is not a KV version 2 engine)"
            ) from None
        raise ConfigurationError(
            f"vault.url: Vault at {settings.url} failed {doing} {settings.location} "
            f"({type(error).__name__}: {detail})"
        ) from None
