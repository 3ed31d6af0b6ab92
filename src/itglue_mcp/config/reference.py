"""The settings reference: one Markdown table row per environment variable, from ``Settings``.

The README's configuration table is this output, so it cannot drift from the code (a test
compares them). Regenerate with ``uv run python -m itglue_mcp.config.reference``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from itglue_mcp.config.settings import Settings

__all__ = ["PREFIX", "reference_rows", "settings_reference"]

PREFIX = "ITGLUE_MCP_"


def _default(field: FieldInfo) -> str:
    extra = field.json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("reference_default"), str):
        # Defaults computed per install (a package path) are named, not printed.
        return str(extra["reference_default"])
    value: Any = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, SecretStr):
        return "(secret)"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list):
        # Lists are read from the environment as JSON: show them as such.
        return f"`{json.dumps(value)}`" if value else "[]"
    return f"`{value}`"


def reference_rows(
    model: type[BaseModel] = Settings, prefix: str = PREFIX
) -> Iterator[tuple[str, str, str]]:
    """One ``(variable, default, description)`` per setting of ``model``, nested models
    flattened with ``__`` as the environment reads them; all three are Markdown (variable and
    default quoted as code, ``|`` escaped in the description)."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from reference_rows(annotation, f"{prefix}{name.upper()}__")
            continue
        description = (field.description or "").replace("|", "\\|")
        yield f"`{prefix}{name.upper()}`", _default(field), description


def settings_reference() -> str:
    """The Markdown table of every setting: variable, default, description."""
    lines = ["| variable | default | description |", "|---|---|---|"]
    lines.extend(f"| {name} | {default} | {text} |" for name, default, text in reference_rows())
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(settings_reference())
