"""Generated pages of the documentation site: the configuration and tool references.

The site (``mkdocs.yml``, ``docs/``) renders these pages at build time through the hook
``docs/hooks/reference_pages.py``, so they always describe the code being built.

Example::

    pages = generated_pages()        # {"reference/configuration.md": "...", ...}
"""

from itglue_mcp.docs.reference import CONFIGURATION_PAGE, TOOLS_PAGE, generated_pages, write_pages
from itglue_mcp.docs.settings_page import SettingRow, settings_reference_page, settings_rows
from itglue_mcp.docs.tools_page import ToolSpec, list_tools, tool_reference_page

__all__ = [
    "CONFIGURATION_PAGE",
    "TOOLS_PAGE",
    "SettingRow",
    "ToolSpec",
    "generated_pages",
    "list_tools",
    "settings_reference_page",
    "settings_rows",
    "tool_reference_page",
    "write_pages",
]
