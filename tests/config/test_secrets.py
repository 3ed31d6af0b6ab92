"""Secrets from mounted files (a Kubernetes Secret volume) and the precedence of the sources;
the Vault settings refused before any network call (tests/config/test_vault.py has the server).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from itglue_mcp.config import Settings, VaultSettings
from itglue_mcp.config.secrets import setting_path, vault_settings_from
from itglue_mcp.config.vault_client import VaultKvReader
from itglue_mcp.errors import ConfigurationError

API_KEY = "ITG.from-a-mounted-file-5e1f"
TOKEN = "hvs.never-in-a-message-9c2d7a"


@pytest.fixture(autouse=True)
def _no_stray_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ITGLUE_MCP_* variable of the caller's shell, and no .env, leaks into a test."""
    for name in list(os.environ):
        if name.startswith("ITGLUE_MCP_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def kubernetes_secret_volume(root: Path, files: dict[str, str]) -> Path:
    """A directory laid out as the kubelet mounts a Secret: ``..data`` → a timestamped
    directory holding the files, one symlink per key at the top."""
    volume = root / "secret-volume"
    payload = volume / "..2026_11_22_00_00_00.000000001"
    payload.mkdir(parents=True)
    for name, content in files.items():
        (payload / name).write_text(content)
    (volume / "..data").symlink_to(payload.name)
    for name in files:
        (volume / name).symlink_to(Path("..data") / name)
    return volume


def test_settings_are_read_from_a_kubernetes_secret_volume(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    static_token = "s" * 40
    volume = kubernetes_secret_volume(
        tmp_path,
        {
            "itglue__api_key": API_KEY + "\n",  # `kubectl create secret --from-file` keeps it
            "ITGLUE_MCP_AUTH__STATIC_TOKEN": static_token,
            "redis_url": "redis://:pw@redis:6379/0",
            "database_url": "postgresql://itglue:pw@db/itglue",
        },
    )
    monkeypatch.setenv("ITGLUE_MCP_SECRETS_DIR", str(volume))
    monkeypatch.setenv("ITGLUE_MCP_AUTH__MODE", "static")

    settings = Settings()

    assert settings.itglue.api_key is not None
    assert settings.itglue.api_key.get_secret_value() == API_KEY
    assert settings.auth.static_token is not None
    assert settings.auth.static_token.get_secret_value() == static_token
    assert settings.redis_url is not None
    assert settings.redis_url.get_secret_value() == "redis://:pw@redis:6379/0"
    assert settings.database_url == "postgresql+asyncpg://itglue:pw@db/itglue"
    assert API_KEY not in repr(settings)
    assert static_token not in repr(settings)


def test_files_that_name_no_setting_are_ignored(tmp_path: Path) -> None:
    volume = kubernetes_secret_volume(
        tmp_path, {"itglue__api_key": API_KEY, "ca.crt": "PEM", "itglue": '{"region": "eu"}'}
    )

    settings = Settings(secrets_dir=volume)

    assert settings.itglue.api_key is not None
    assert settings.itglue.api_key.get_secret_value() == API_KEY
    assert settings.itglue.region == "us"  # a group of settings is not one file


def test_precedence_init_environment_files_dotenv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    volume = tmp_path / "files"
    volume.mkdir()
    files = {
        "itglue__api_key": "from-file",
        "itglue__api_url": "http://file.example",
        "log_level": "WARNING",
        "sync__pipeline_depth": "7",
    }
    for name, content in files.items():
        (volume / name).write_text(content)
    (tmp_path / ".env").write_text(
        "ITGLUE_MCP_ITGLUE__API_KEY=from-dotenv\n"
        "ITGLUE_MCP_LOG_LEVEL=DEBUG\n"
        "ITGLUE_MCP_SYNC__CONCURRENT_STREAMS=9\n"
    )
    monkeypatch.setenv("ITGLUE_MCP_SECRETS_DIR", str(volume))
    monkeypatch.setenv("ITGLUE_MCP_ITGLUE__API_KEY", "from-env")

    settings = Settings(itglue={"api_url": "http://init.example"})  # type: ignore[arg-type]

    # init over files for the same setting; env over files; files over .env; .env over default.
    assert settings.itglue.api_url == "http://init.example"
    assert settings.itglue.api_key is not None
    assert settings.itglue.api_key.get_secret_value() == "from-env"
    assert settings.log_level == "WARNING"
    assert settings.sync.pipeline_depth == 7
    assert settings.sync.concurrent_streams == 9


def test_a_secrets_dir_that_is_not_a_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"^secrets_dir: .*missing is not a directory"):
        Settings(secrets_dir=tmp_path / "missing")


def test_two_files_for_one_setting_are_refused(tmp_path: Path) -> None:
    (tmp_path / "itglue__api_key").write_text(API_KEY)
    (tmp_path / "ITGLUE_MCP_ITGLUE__API_KEY").write_text("ITG.other")

    with pytest.raises(ConfigurationError) as caught:
        Settings(secrets_dir=tmp_path)

    assert str(caught.value).startswith("itglue.api_key: set by two files in secrets_dir")
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("itglue__api_key", ("itglue", "api_key")),
        ("ITGLUE_MCP_ITGLUE__API_KEY", ("itglue", "api_key")),
        ("Auth__Static_Token", ("auth", "static_token")),
        ("redis_url", ("redis_url",)),
        ("vault__token", ("vault", "token")),
        ("itglue__apikey", None),
        ("itglue", None),
        ("itglue__api_key__x", None),
        ("", None),
    ],
)
def test_secret_names_map_to_settings_like_variables(
    name: str, path: tuple[str, ...] | None
) -> None:
    assert setting_path(Settings, name) == path


def test_secrets_dir_may_be_named_in_dotenv(tmp_path: Path) -> None:
    volume = kubernetes_secret_volume(tmp_path, {"itglue__api_key": API_KEY})
    (tmp_path / ".env").write_text(f"ITGLUE_MCP_SECRETS_DIR={volume}\n")

    settings = Settings()

    assert settings.itglue.api_key is not None
    assert settings.itglue.api_key.get_secret_value() == API_KEY


def test_an_empty_vault_url_leaves_vault_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITGLUE_MCP_VAULT__URL", "")

    assert Settings().vault.url is None  # no token required, nothing read


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"url": "http://127.0.0.1:9"}, "vault.token: required when vault.auth_method is token"),
        (
            {"url": "http://127.0.0.1:9", "auth_method": "kubernetes", "token": TOKEN},
            "vault.kubernetes_role: required when vault.auth_method is kubernetes",
        ),
        (
            {"url": "http://127.0.0.1:9", "token": TOKEN, "refresh_interval_s": "0"},
            "vault.refresh_interval_s: Input should be greater than 0",
        ),
        (
            {"url": "http://127.0.0.1:9", "token": TOKEN, "auth_method": "ldap"},
            "vault.auth_method: Input should be 'token' or 'kubernetes'",
        ),
        (
            {"url": "vault.example:8200", "token": TOKEN},
            "vault.url: must start with http:// or https://, got 'vault.example:8200'",
        ),
    ],
)
def test_invalid_vault_settings_are_named_without_the_token(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        vault_settings_from(values)
    assert str(caught.value) == message

    # The same through the environment, where Settings() reads them.
    for field, value in values.items():
        monkeypatch.setenv(f"ITGLUE_MCP_VAULT__{field.upper()}", value)
    with pytest.raises(ConfigurationError) as caught:
        Settings()
    assert str(caught.value) == message
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read the service-account token at"), ("\n", "is empty")],
)
def test_the_kubernetes_service_account_token_file_is_read_and_checked(
    tmp_path: Path, content: str | None, message: str
) -> None:
    jwt_path = tmp_path / "token"
    if content is not None:
        jwt_path.write_text(content)
    reader = VaultKvReader(
        VaultSettings(
            url="http://127.0.0.1:9",
            auth_method="kubernetes",  # type: ignore[arg-type]
            kubernetes_role="itglue-mcp",
            kubernetes_jwt_path=jwt_path,
        )
    )

    with pytest.raises(ConfigurationError, match=f"^vault.kubernetes_jwt_path: .*{message}"):
        reader.read()
