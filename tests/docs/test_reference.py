"""The page generators of ``itglue_mcp.docs``: Markdown escaping, type names, page content."""

from __future__ import annotations

from itglue_mcp.config import Settings
from itglue_mcp.docs import (
    ToolSpec,
    settings_reference_page,
    settings_rows,
    tool_reference_page,
)
from itglue_mcp.docs.markdown import cell, code, text
from itglue_mcp.docs.settings_page import type_name
from itglue_mcp.docs.tools_page import schema_type


def test_text_escapes_markup_outside_code_spans_only() -> None:
    assert text("RS*, PS* for <namespace>") == r"RS\*, PS\* for &lt;namespace&gt;"
    assert text("run `a_b <c>` now") == "run `a_b <c>` now"
    assert text("reST ``quotes``") == "reST `quotes`"


def test_cell_escapes_pipes_once_and_joins_lines() -> None:
    assert cell("a | b\nc") == r"a \| b c"
    assert cell(r"already \| escaped") == r"already \| escaped"
    assert cell("`x|y`") == "`x|y`"


def test_code_quotes_backticks() -> None:
    assert code("plain") == "`plain`"
    assert code("a`b") == "`` a`b ``"


def test_type_names_read_like_prose() -> None:
    fields = Settings.model_fields
    assert type_name(fields["data_dir"].annotation) == "path"
    assert type_name(fields["redis_url"].annotation) == "secret string"
    region = {row.variable: row for row in settings_rows()}["ITGLUE_MCP_ITGLUE__REGION"]
    assert region.value_type == "one of `us`, `eu`, `au`"


def test_settings_rows_cover_the_readme_table() -> None:
    from itglue_mcp.config.reference import settings_reference

    readme = settings_reference()
    rows = settings_rows()
    assert [row.variable for row in rows] == [
        line.split("`")[1] for line in readme.splitlines()[2:] if line.startswith("| `")
    ]
    by_name = {row.variable: row for row in rows}
    assert by_name["ITGLUE_MCP_ITGLUE__API_KEY"].secret
    assert by_name["ITGLUE_MCP_ITGLUE__API_KEY"].source_key == "itglue__api_key"
    assert by_name["ITGLUE_MCP_AUTH__CLOCK_SKEW_S"].value_type == "integer, ≥ 0, ≤ 300"
    assert by_name["ITGLUE_MCP_AUTH__ALGORITHMS"].value_type == "list of string (JSON), non-empty"


def test_settings_page_groups_by_section() -> None:
    page = settings_reference_page()
    assert "## `auth.proxy`" in page
    assert "## Settings that hold secrets" in page
    assert page.index("## General") < page.index("## `itglue`") < page.index("## `vault`")


def test_schema_types() -> None:
    assert schema_type({"type": "integer", "minimum": 1, "maximum": 100}) == "integer, ≥ 1, ≤ 100"
    nullable = {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 9}, {"type": "null"}]}
    assert schema_type(nullable) == "string, 1 to 9 characters or null"
    listing = {"type": "array", "items": {"type": "object", "title": "PasswordDetail"}}
    assert schema_type(listing) == "list of PasswordDetail"
    assert schema_type({"enum": ["a", "b"]}) == 'one of `"a"`, `"b"`'
    counts = {"type": "object", "title": "Counts", "additionalProperties": {"type": "integer"}}
    assert schema_type(counts) == "object of string → integer"


def test_tool_page_shows_parameters_result_and_scopes() -> None:
    tool = ToolSpec(
        name="get_password",
        title="Get a password entry",
        description="Find a password entry.\n\nThe value only with <reveal>.",
        input_schema={
            "type": "object",
            "properties": {"reveal": {"type": "boolean", "default": False, "description": "x"}},
        },
        output_schema={
            "type": "object",
            "properties": {"passwords": {"type": "array", "items": {"title": "PasswordDetail"}}},
        },
        annotations={"read_only_hint": True},
    )
    page = tool_reference_page([tool])
    assert "## `get_password`" in page
    assert "`itglue.secrets.reveal` (with `reveal: true`)" in page
    assert "| `reveal` | boolean | no | `false` | x |" in page
    assert "| `passwords` | list of PasswordDetail |" in page
    assert "&lt;reveal&gt;" in page
    assert '??? abstract "Output schema (JSON)"' in page


def test_all_lists_the_public_names_defined_here() -> None:
    import importlib
    import inspect
    import pkgutil

    import itglue_mcp.docs as package

    names = ["itglue_mcp.docs"] + [
        info.name
        for info in pkgutil.walk_packages(package.__path__, "itglue_mcp.docs.")
        if not info.name.endswith("__main__")
    ]
    for name in names:
        module = importlib.import_module(name)
        exported = set(module.__all__)
        assert [item for item in exported if not hasattr(module, item)] == [], name
        defined = {
            item
            for item, value in vars(module).items()
            if not item.startswith("_")
            and (inspect.isclass(value) or inspect.isfunction(value))
            and getattr(value, "__module__", None) == name
        }
        assert sorted(defined - exported) == [], name
