"""The one place where errors become MCP tool errors.

Domain errors carry messages written for the caller (they name the field and what was wrong,
and never a secret); anything else is masked by FastMCP (``mask_error_details``) and logged.
Arguments the tool's schema refuses come back, through :class:`ArgumentErrors`, as one line
per problem naming the argument and the rule (``limit: must be at most 25``): never
pydantic's multi-line text with its documentation URL, nor the value that was refused.

Example::

    with tool_errors():
        organization = await resolve_organization(session, ref)

    mcp.add_middleware(ArgumentErrors())
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import mcp_types as mt
from fastmcp.exceptions import ToolError, ValidationError
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.tools.base import ToolResult
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails

from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.server.arguments import pattern_rule

__all__ = ["ArgumentErrors", "argument_problems", "tool_errors"]

# Most problems listed for one call; the rest are counted.
_MAX_PROBLEMS = 5
# Longest argument path echoed (an unexpected argument's name is the caller's text).
_MAX_FIELD = 64


@contextmanager
def tool_errors() -> Iterator[None]:
    """Re-raise :class:`ItglueMcpError` and ``ValueError`` as :class:`ToolError` (same text)."""
    try:
        yield
    except (ItglueMcpError, ValueError) as exc:
        raise ToolError(str(exc)) from None


def _field(location: tuple[int | str, ...]) -> str:
    """``("record_types", 2)`` as ``record_types[2]``; ``()`` as ``arguments``."""
    if not location:
        return "arguments"
    name = str(location[0])
    for part in location[1:]:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    printable = "".join(ch if ch.isprintable() else "?" for ch in name)
    return printable[:_MAX_FIELD]


def _rule(error: ErrorDetails) -> str:
    """What ``error`` says was wrong, in words, without the refused value."""
    kind = error["type"]
    context: dict[str, Any] = dict(error.get("ctx") or {})
    if kind in ("missing", "missing_argument"):
        return "required"
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        return "not an argument of this tool"
    if kind == "string_pattern_mismatch":
        return pattern_rule(str(context.get("pattern", "")))
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {context.get('max_length')} characters"
    if kind == "too_long":
        return f"must have at most {context.get('max_length')} items"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {context.get('le', context.get('lt'))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {context.get('ge', context.get('gt'))}"
    message = error["msg"]
    return (message[:1].lower() + message[1:])[:200]


def argument_problems(error: PydanticValidationError) -> str:
    """``error`` as one line per problem: ``<argument>: <rule>``, no URL and no input."""
    details = error.errors(include_url=False, include_input=False)
    lines = list(dict.fromkeys(f"{_field(d['loc'])}: {_rule(d)}" for d in details))
    if len(lines) > _MAX_PROBLEMS:
        lines = [*lines[:_MAX_PROBLEMS], f"… and {len(lines) - _MAX_PROBLEMS} more problems"]
    return "\n".join(lines) or "arguments: invalid"


class ArgumentErrors(Middleware):
    """Rewrites a ``tools/call`` refused by the tool's argument schema as
    :func:`argument_problems` (still a FastMCP ``ValidationError``: a tool error result)."""

    async def on_call_tool(
        self,
        context: MiddlewareContext[mt.CallToolRequestParams],
        call_next: CallNext[mt.CallToolRequestParams, ToolResult],
    ) -> ToolResult:
        """Run the call; a schema refusal is re-raised with one line per problem."""
        try:
            return await call_next(context)
        except ValidationError as error:
            cause = error.__cause__
            if not isinstance(cause, PydanticValidationError):
                raise
            raise ValidationError(argument_problems(cause)) from None
