"""Settings: environment names, URL normalisation, and the README's generated table."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from itglue_mcp.config import AuthMode, AuthSettings, Settings
from itglue_mcp.config.auth import MIN_STATIC_TOKEN_CHARS
from itglue_mcp.config.reference import settings_reference

README = Path(__file__).parents[2] / "README.md"


def test_nested_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ITGLUE_MCP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ITGLUE_MCP_ITGLUE__API_KEY", "ITG.abc")
    monkeypatch.setenv("ITGLUE_MCP_ITGLUE__REGION", "eu")

    settings = Settings()

    assert settings.itglue.base_url == "https://api.eu.itglue.com"
    assert settings.itglue.api_key is not None
    assert "ITG.abc" not in repr(settings)
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'itglue.db'}"


def test_database_url_gets_the_async_driver() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1/itglue")
    assert settings.effective_database_url == "postgresql+asyncpg://postgres@127.0.0.1/itglue"


def test_an_unsupported_database_driver_is_named() -> None:
    with pytest.raises(ValidationError, match="database_url: driver must be"):
        Settings(database_url="mysql://root@localhost/itglue")


def test_page_size_above_the_api_maximum_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITGLUE_MCP_ITGLUE__PAGE_SIZE", "5000")
    with pytest.raises(ValidationError, match="page_size"):
        Settings()


def test_readme_configuration_table_is_generated_from_settings() -> None:
    text = README.read_text()
    start = text.index("<!-- settings-reference:start -->\n") + len(
        "<!-- settings-reference:start -->\n"
    )
    end = text.index("<!-- settings-reference:end -->")
    assert text[start:end] == settings_reference(), (
        "README is stale: paste `uv run python -m itglue_mcp.config.reference` between the markers"
    )


def test_index_and_auth_settings_nest_under_their_prefixes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token = "t" * MIN_STATIC_TOKEN_CHARS
    monkeypatch.setenv("ITGLUE_MCP_INDEX__QDRANT_URL", "http://qdrant:6334")
    monkeypatch.setenv("ITGLUE_MCP_INDEX__RECORD_TYPES", '["documents", "passwords"]')
    monkeypatch.setenv("ITGLUE_MCP_AUTH__MODE", "static")
    monkeypatch.setenv("ITGLUE_MCP_AUTH__STATIC_TOKEN", token)
    monkeypatch.setenv("ITGLUE_MCP_AUTH__STATIC_SCOPES", '["itglue:read", "itglue:reveal"]')

    settings = Settings()

    assert settings.index.qdrant_url == "http://qdrant:6334"
    assert settings.index.local_path(tmp_path) is None
    assert settings.index.record_types == ["documents", "passwords"]
    assert settings.auth.mode is AuthMode.STATIC
    assert settings.auth.static_scopes == ["itglue:read", "itglue:reveal"]
    assert token not in repr(settings)


def test_defaults_are_embedded_and_unauthenticated(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)

    assert settings.auth.mode is AuthMode.NONE
    assert settings.index.local_path(settings.data_dir) == tmp_path / "qdrant"
    assert Path(settings.index.model).name == "model"


@pytest.mark.parametrize(
    ("token", "message"),
    [(None, "auth.static_token: required"), ("changeme", "auth.static_token: must be at least")],
)
def test_a_static_mode_without_a_real_token_is_refused(token: str | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AuthSettings(mode="static", static_token=token)  # type: ignore[arg-type]
