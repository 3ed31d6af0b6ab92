"""mkdocs hook: add the generated reference pages to every build.

The configuration reference and the tool reference are rendered from the code being
documented (``itglue_mcp.docs``) each time the site is built or served; they are never
committed, so they cannot drift from ``Settings`` or the registered tools.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from itglue_mcp.docs import generated_pages


def on_files(files: Files, config: Any) -> Files:
    """Add each generated page as a Markdown file of the site."""
    for path, content in generated_pages().items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files
