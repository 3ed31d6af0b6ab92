"""Settings: environment names, URL normalisation, and the README's generated table."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from itglue_mcp.config import Settings
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
