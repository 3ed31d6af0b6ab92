"""The configuration reference page: every ``ITGLUE_MCP_*`` variable, grouped by section.

Variables, defaults and descriptions come from :mod:`itglue_mcp.config.reference` (the code
behind the README's table), so the site and the README cannot disagree; this module adds what
a reference page needs beyond that table: each setting's type and constraints, the section
(sub-model) it belongs to with that model's summary, and the key under which a mounted
Secret file or the Vault secret supplies it.

Example::

    rows = settings_rows()
    page = settings_reference_page()     # Markdown
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from itglue_mcp.config.reference import PREFIX, reference_rows
from itglue_mcp.config.secrets import setting_path
from itglue_mcp.config.settings import Settings
from itglue_mcp.docs.markdown import cell, code, text

__all__ = ["SettingRow", "settings_reference_page", "settings_rows", "type_name"]

_SCALARS: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    Path: "path",
    SecretStr: "secret string",
}


@dataclass(frozen=True, slots=True)
class SettingRow:
    """One environment variable of the reference.

    Attributes:
        variable: ``ITGLUE_MCP_AUTH__MODE``.
        path: the field path in :class:`~itglue_mcp.config.Settings`, ``("auth", "mode")``.
        value_type: the value's type and constraints, in words (``integer, ≥ 1``).
        default: as :mod:`itglue_mcp.config.reference` shows it (Markdown).
        description: the field's description (Markdown, table-cell safe).
        secret: whether the value is a secret (``SecretStr``), never shown nor logged.
        section: the settings model holding the field.
    """

    variable: str
    path: tuple[str, ...]
    value_type: str
    default: str
    description: str
    secret: bool
    section: type[BaseModel]

    @property
    def source_key(self) -> str:
        """The name of this setting as a mounted file or a Vault key: ``auth__mode``."""
        return "__".join(self.path)


def _constraints(metadata: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            found += _constraints(item.metadata)
        elif isinstance(item, annotated_types.Ge):
            found.append(f"≥ {item.ge}")
        elif isinstance(item, annotated_types.Gt):
            found.append(f"> {item.gt}")
        elif isinstance(item, annotated_types.Le):
            found.append(f"≤ {item.le}")
        elif isinstance(item, annotated_types.Lt):
            found.append(f"< {item.lt}")
        elif isinstance(item, annotated_types.MinLen) and item.min_length > 0:
            found.append("non-empty" if item.min_length == 1 else f"length ≥ {item.min_length}")
        elif isinstance(item, annotated_types.MaxLen):
            found.append(f"length ≤ {item.max_length}")
        elif isinstance(getattr(item, "pattern", None), str):
            found.append(f"matching {code(item.pattern)}")
    return found


def type_name(annotation: Any) -> str:
    """A settings annotation in words: ``string``, ``one of `us`, `eu`, `au```, ``list of string``.

    ``X | None`` reads as ``X`` (the default column says ``unset``); ``Annotated`` constraints
    are added after a comma (``integer, ≥ 1``). Lists and objects are read from the environment
    as JSON; :func:`settings_rows` says so.
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        limits = _constraints(annotation.__metadata__)
        return ", ".join([type_name(args[0]), *limits])
    if origin is types.UnionType or origin is typing.Union:
        kept = [type_name(arg) for arg in args if arg is not type(None)]
        return " or ".join(kept)
    if origin is typing.Literal:
        return "one of " + ", ".join(code(str(arg)) for arg in args)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"object of {type_name(args[0])} → {type_name(args[1])}"
    if inspect.isclass(annotation) and issubclass(annotation, Enum):
        return "one of " + ", ".join(code(str(member.value)) for member in annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    return getattr(annotation, "__name__", str(annotation))


def _is_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    return any(_is_secret(arg) for arg in typing.get_args(annotation))


def _field(path: tuple[str, ...]) -> tuple[type[BaseModel], FieldInfo]:
    """The settings model holding the field at ``path``, and the field."""
    model: type[BaseModel] = Settings
    for part in path[:-1]:
        nested = model.model_fields[part].annotation
        if not (inspect.isclass(nested) and issubclass(nested, BaseModel)):
            raise TypeError(f"{'.'.join(path)}: {part} is not a settings group")
        model = nested
    return model, model.model_fields[path[-1]]


def settings_rows() -> list[SettingRow]:
    """Every environment variable of :class:`~itglue_mcp.config.Settings`, in model order.

    Raises:
        LookupError: a variable of the README table names no single setting (the two walks
            over the model disagree).
    """
    rows: list[SettingRow] = []
    for quoted, default, description in reference_rows(Settings, PREFIX):
        variable = quoted.strip("`")
        path = setting_path(Settings, variable)
        if path is None:
            raise LookupError(f"{variable}: names no single setting")
        section, field = _field(path)
        described = type_name(field.annotation)
        if typing.get_origin(field.annotation) in (list, dict):
            described += " (JSON)"
        limits = _constraints(field.metadata)
        rows.append(
            SettingRow(
                variable=variable,
                path=path,
                value_type=", ".join([described, *limits]),
                default=default,
                description=description,
                secret=_is_secret(field.annotation),
                section=section,
            )
        )
    return rows


def _summary(model: type[BaseModel]) -> str:
    doc = inspect.getdoc(model) or ""
    # Docstrings quote code reStructuredText-style (``x``); Markdown quotes it with one backtick.
    return doc.split("\n\n", 1)[0].replace("\n", " ").replace("``", "`")


def _section_title(row: SettingRow) -> str:
    parent = row.path[:-1]
    if not parent:
        return "General"
    return ".".join(parent)


_INTRO = """\
# Configuration reference

Every setting of itglue-mcp is an environment variable with the prefix `ITGLUE_MCP_`;
settings of a section are nested with a double underscore (`ITGLUE_MCP_AUTH__PROXY__CLIENT_ID`
is `auth.proxy.client_id`). A `.env` file in the working directory is read too. Lists and
objects are written as JSON (`ITGLUE_MCP_AUTH__ALGORITHMS='["RS256","ES256"]'`).

The same setting can come from a mounted file or a Vault/OpenBao secret, under the
**source key**: the variable name without the prefix, in lower case (`itglue__api_key`). See
[Secrets and their sources](secrets.md) for where each source is read and which one wins.

This page is generated from the `Settings` model when the site is built
(`itglue_mcp.docs`); the README's table comes from the same code
(`uv run python -m itglue_mcp.config.reference`).
"""


def _secrets_table(rows: list[SettingRow]) -> list[str]:
    lines = [
        "## Settings that hold secrets",
        "",
        "These are never printed, logged or traced. Give them through a mounted Secret or "
        "Vault in production rather than plain environment variables.",
        "",
        "| variable | source key (file / Vault) |",
        "|---|---|",
    ]
    lines += [f"| {code(row.variable)} | {code(row.source_key)} |" for row in rows if row.secret]
    return [*lines, ""]


def settings_reference_page(rows: list[SettingRow] | None = None) -> str:
    """The configuration reference as one Markdown page.

    Args:
        rows: the settings to describe; default :func:`settings_rows`.
    """
    rows = settings_rows() if rows is None else rows
    lines = [_INTRO]
    sections: dict[str, list[SettingRow]] = {}
    for row in rows:
        sections.setdefault(_section_title(row), []).append(row)
    for title, members in sections.items():
        heading = title if title == "General" else code(title)
        lines += [f"## {heading}", "", text(_summary(members[0].section)), ""]
        lines += ["| variable | type | default | description |", "|---|---|---|---|"]
        for row in members:
            lines.append(
                f"| {code(row.variable)} | {cell(row.value_type)} | {row.default} "
                f"| {cell(row.description)} |"
            )
        lines.append("")
    lines += _secrets_table(rows)
    return "\n".join(lines)
