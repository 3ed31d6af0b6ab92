"""The one place where itglue-mcp errors become MCP tool errors.

Domain errors carry messages written for the caller (they name the field and what was wrong,
and never a secret); anything else is masked by FastMCP (``mask_error_details``) and logged.

Example::

    with tool_errors():
        organization = await resolve_organization(session, ref)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastmcp.exceptions import ToolError

from itglue_mcp.errors import ItglueMcpError

__all__ = ["tool_errors"]


@contextmanager
def tool_errors() -> Iterator[None]:
    """Re-raise :class:`ItglueMcpError` and ``ValueError`` as :class:`ToolError` (same text)."""
    try:
        yield
    except (ItglueMcpError, ValueError) as exc:
        raise ToolError(str(exc)) from None
