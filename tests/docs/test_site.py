"""The documentation site: ``mkdocs build --strict`` passes offline, and the generated
reference pages list every setting and every tool of the code being built."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.config import Settings
from itglue_mcp.graph.sql import SqlGraphStore
from itglue_mcp.server.app import build_server
from itglue_mcp.server.services import Services

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _environment_variables(model: type[BaseModel], prefix: str = "ITGLUE_MCP_") -> list[str]:
    """Every leaf setting of ``model`` as its environment variable (walked here, on purpose
    not through the generator under test)."""
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += _environment_variables(annotation, f"{prefix}{name.upper()}__")
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


async def _tool_names() -> list[str]:
    sessions: async_sessionmaker[AsyncSession] = async_sessionmaker()
    server = build_server(Services(sessions=sessions, graph=SqlGraphStore(sessions)))
    return [tool.name for tool in await server.list_tools()]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built in strict mode into a temporary directory."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


def _text(page: Path) -> str:
    return html.unescape(page.read_text(encoding="utf-8"))


def test_configuration_reference_lists_every_setting(site: Path) -> None:
    page = _text(site / "reference" / "configuration" / "index.html")
    variables = _environment_variables(Settings)
    assert len(variables) > 50
    missing = [name for name in variables if f"<code>{name}</code>" not in page]
    assert missing == []


def test_configuration_reference_marks_the_secret_settings(site: Path) -> None:
    page = _text(site / "reference" / "configuration" / "index.html")
    secrets_section = page.split('id="settings-that-hold-secrets"', 1)[1]
    for name in ("ITGLUE_MCP_ITGLUE__API_KEY", "ITGLUE_MCP_AUTH__PROXY__JWT_SIGNING_KEY"):
        assert f"<code>{name}</code>" in secrets_section
    assert "<code>itglue__api_key</code>" in secrets_section


async def test_tool_reference_lists_every_tool(site: Path) -> None:
    page = _text(site / "reference" / "tools" / "index.html")
    names = await _tool_names()
    assert "query_documentation" in names
    assert "get_password" in names
    missing = [name for name in names if f'id="{name}"' not in page]
    assert missing == []


def test_every_page_of_the_nav_is_built(site: Path) -> None:
    for page in (
        "quickstart",
        "architecture",
        "reference/secrets",
        "guides/identity",
        "guides/identity/entra-id",
        "guides/identity/okta",
        "guides/identity/auth0",
        "guides/identity/keycloak",
        "guides/identity/google",
        "guides/rbac",
        "operations/helm",
        "operations/runbook",
        "operations/observability",
    ):
        assert (site / page / "index.html").is_file(), page


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    """No web fonts, scripts or stylesheets from elsewhere: the site works offline."""
    remote = re.compile(r'<(?:link|script)[^>]+(?:href|src)="(?:https?:)?//', re.IGNORECASE)
    offenders = [
        str(page.relative_to(site))
        for page in site.rglob("*.html")
        if remote.search(page.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert not any(site.rglob("*.woff2"))
