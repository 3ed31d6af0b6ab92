"""The generated pages of the documentation site, by their path under ``docs/``.

The mkdocs hook ``docs/hooks/reference_pages.py`` adds these pages to every build
(``mkdocs build``, ``mkdocs serve``); nothing generated is committed. To look at them without
building the site::

    uv run python -m itglue_mcp.docs /tmp/pages   # writes reference/*.md there
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from itglue_mcp.docs.settings_page import settings_reference_page
from itglue_mcp.docs.tools_page import list_tools, tool_reference_page

__all__ = ["CONFIGURATION_PAGE", "TOOLS_PAGE", "generated_pages", "write_pages"]

CONFIGURATION_PAGE = "reference/configuration.md"
"""Path of the configuration reference under ``docs/``."""

TOOLS_PAGE = "reference/tools.md"
"""Path of the tool reference under ``docs/``."""


def generated_pages() -> dict[str, str]:
    """Every generated page: its path under ``docs/`` → its Markdown.

    Must not be called from a running event loop (it lists the tools with ``asyncio.run``).
    """
    tools = asyncio.run(list_tools())
    return {
        CONFIGURATION_PAGE: settings_reference_page(),
        TOOLS_PAGE: tool_reference_page(tools),
    }


def write_pages(directory: Path) -> list[Path]:
    """Write every generated page under ``directory`` (for reading them without mkdocs).

    Returns:
        The files written.
    """
    written = []
    for relative, content in generated_pages().items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written
