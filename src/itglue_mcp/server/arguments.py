"""The argument types every tool shares: bounded in the schema, so a bad call stops there.

Each string argument has a length range and refuses control characters (NUL above all, which
PostgreSQL cannot store or compare); free text (a question, a search) may hold tabs and line
breaks. Each IT Glue id and count has a range that fits a signed 64-bit column. A tool
annotates its parameters with these types and adds its own ``description``::

    name: Annotated[Reference, Field(description="Configuration name or IT Glue id.")]
    record_id: Annotated[ItglueId | None, Field(description="IT Glue id of the record.")] = None
    question: Annotated[FreeText, Field(max_length=2000, description="The question.")]

:func:`acceptable_reference` tells the access middleware, which reads the ``organization``
argument before the tool's schema is checked, whether the schema will accept it.
"""

from __future__ import annotations

from typing import Annotated, TypeGuard

from pydantic import Field, TypeAdapter, ValidationError

from itglue_mcp.catalog.ids import MAX_ID

__all__ = [
    "CONTROL_CHARACTER_PATTERNS",
    "FREE_TEXT_PATTERN",
    "MAX_REFERENCE_LENGTH",
    "REFERENCE_PATTERN",
    "FreeText",
    "ItglueId",
    "Reference",
    "acceptable_reference",
    "pattern_rule",
]

MAX_REFERENCE_LENGTH = 255
"""Longest reference (an organization, a record's name or id) a tool accepts."""

REFERENCE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
"""A reference: no control character (C0 or DEL)."""

FREE_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
"""Free text: no control character but tab, line feed and carriage return."""

CONTROL_CHARACTER_PATTERNS = frozenset({REFERENCE_PATTERN, FREE_TEXT_PATTERN})
"""The patterns that only refuse control characters: enforced, not listed in ``tools/list``
(:func:`~itglue_mcp.server.tool_schemas.compact_input_schema`)."""

_RULES = {
    REFERENCE_PATTERN: "must not contain control characters",
    FREE_TEXT_PATTERN: "must not contain control characters other than tabs and line breaks",
}

Reference = Annotated[
    str, Field(min_length=1, max_length=MAX_REFERENCE_LENGTH, pattern=REFERENCE_PATTERN)
]
"""A name, short name or IT Glue id the caller typed (1 to 255 characters, one line)."""

FreeText = Annotated[str, Field(min_length=1, pattern=FREE_TEXT_PATTERN)]
"""Text in plain language; the tool bounds its length (``Field(max_length=…)``)."""

ItglueId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An IT Glue id: 1 to 2**63 - 1."""

_REFERENCE: TypeAdapter[str] = TypeAdapter(Reference)


def acceptable_reference(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a :data:`Reference` the schema accepts (a string, bounded, one line)."""
    if not isinstance(value, str):
        return False
    try:
        _REFERENCE.validate_python(value)
    except ValidationError:
        return False
    return True


def pattern_rule(pattern: str) -> str:
    """The rule a string argument broke, in words, when it did not match ``pattern``."""
    return _RULES.get(pattern, "has characters that are not allowed")
