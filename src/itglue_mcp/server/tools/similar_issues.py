"""The ``find_similar_issues`` tool: the same problem documented in other organizations, by fix.

Argument handling and rendering only: :func:`~itglue_mcp.query.similar_issues.
find_similar_issues` searches every organization the caller may read in one retrieval, keeps
the records above the relevance floor and groups them by the fix they describe (rules in its
module docstring). Every record is cited with its organization; fix passages are IT Glue free
text, quoted in one untrusted fence.

Example (as an assistant calls it)::

    find_similar_issues(issue_description="RAID degraded after a disk failed on the NAS")
    find_similar_issues(issue_description="printer offline", exclude_organization="Acme", limit=5)
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.catalog.errors import OrganizationResolutionError
from itglue_mcp.query.handlers import EngineContext
from itglue_mcp.query.retrieval import HybridRetriever
from itglue_mcp.query.similar_issues import (
    DEFAULT_LIMIT,
    MAX_DESCRIPTION_LENGTH,
    MAX_LIMIT,
    SimilarIssues,
    find_similar_issues,
)
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import FreeText, Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_untrusted_values
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY

__all__ = ["register", "render_similar_issues"]


def render_similar_issues(found: SimilarIssues) -> str:
    """The readable text: the message, then each fix group's records (organization and
    citation), then every fix passage in one untrusted fence."""
    lines = [found.message]
    fixes = []
    for number, group in enumerate(found.groups, start=1):
        organizations = dict.fromkeys(hit.source.organization_name or "-" for hit in group)
        lines.append(f"Fix {number} ({', '.join(organizations)}):")
        for hit in group:
            lines.append(f"  - confidence {hit.confidence:.2f}: {cite(hit.source)}")
            fixes.append((hit.source, hit.fix))
    if fixes:
        lines.append(quote_untrusted_values(fixes, field="fix"))
    if found.truncated:
        lines.append(f"… more records describe it; raise limit (max {MAX_LIMIT}).")
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register ``find_similar_issues`` on ``mcp``, reading through ``services``."""
    context = EngineContext(
        sessions=services.sessions,
        retriever=HybridRetriever(services.sessions, semantic=services.semantic),
        semantic=services.semantic,
        graph=services.graph,
    )

    @mcp.tool(
        name="find_similar_issues",
        annotations={"title": "Find similar issues", **READ_ONLY},
        output_schema=SimilarIssues.model_json_schema(),
    )
    async def find_similar_issues_tool(
        issue_description: Annotated[
            FreeText,
            Field(max_length=MAX_DESCRIPTION_LENGTH, description="The problem."),
        ],
        exclude_organization: Annotated[
            Reference | None, Field(description="Organization (id or name) to leave out.")
        ] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIMIT, description="Most records.")
        ] = DEFAULT_LIMIT,
    ) -> ToolResult:
        """Documents and notes of all readable organizations on the same problem, cited,
        grouped by fix (fix passages sharing >= 65% of words), or none."""
        with tool_errors():
            scope = current_scope()
            excluded = None
            organization_ids = scope.readable
            if exclude_organization is not None:
                try:
                    excluded = scope.resolve(exclude_organization)
                except (OrganizationResolutionError, ValueError) as error:
                    # The resolver names the field "organization"; this one is different.
                    problem = str(error).removeprefix("organization")
                    raise ValueError(f"exclude_organization{problem}") from None
                organization_ids = frozenset(
                    view.id for view in scope.organizations() if view.id != excluded.id
                )
            found = await find_similar_issues(
                context,
                issue_description,
                organization_ids=organization_ids,
                excluded=None if excluded is None else excluded.name,
                hidden_types=scope.hidden_record_types,
                limit=limit,
            )
        return ToolResult(
            content=render_similar_issues(found), structured_content=structured_content(found)
        )
