"""The ``search`` tool: records matching words or meaning, with snippets and citations.

Hybrid retrieval (:meth:`~itglue_mcp.query.engine.QueryEngine.search`): exact names first,
then full-text and semantic rankings fused by reciprocal rank, then records linked to the
best hits. Without a vector index it is keyword-only and says so. Snippets are IT Glue free
text and are fenced as untrusted data in the readable text.

Example::

    await client.call_tool("search", {"query": "sophos vpn", "organization": "NW", "limit": 5})
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.query.engine import MAX_SEARCH_LIMIT, MAX_SEARCH_QUERY_LENGTH, QueryEngine
from itglue_mcp.query.results import SearchResults
from itglue_mcp.query.retrieval import SearchableRecordType, SearchMode
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import FreeText, Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_untrusted_values
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = ["DEFAULT_LIMIT", "register", "render_results"]

DEFAULT_LIMIT = 10


def render_results(results: SearchResults) -> str:
    """The readable text of search results; the snippets in one untrusted fence, after them."""
    where = results.organization.name if results.organization else "all organizations"
    lines = [
        f"{len(results.results)} result(s) for {results.query!r} in {where} "
        f"(mode {results.mode}; retrievers: {', '.join(results.retrievers) or 'none'})."
    ]
    if results.note:
        lines.append(f"Note: {results.note}.")
    snippets = []
    for result in results.results:
        found = "+".join(result.found_by)
        similarity = (
            f", similarity {result.semantic_score:.2f}" if result.semantic_score is not None else ""
        )
        lines.append(
            f"{result.rank}. {result.source.name or '-'} ({result.source.record_type}) "
            f"found by {found}, score {result.score:.4f}{similarity}"
        )
        if result.linked_from is not None:
            lines.append(
                f"   linked from {result.linked_from.name or '-'} "
                f"({result.linked_from.record_type} {result.linked_from.record_id}) "
                f"as {result.relation or 'related'}"
            )
        if result.snippet:
            snippets.append((result.source, result.snippet))
        lines.append(f"   {cite(result.source)}")
    if snippets:
        lines.append(quote_untrusted_values(snippets, field="snippet"))
    if not results.results:
        lines.append("No record matches; try other words, another mode or no organization.")
    if results.truncated:
        lines.append(f"… more records match; raise limit (max {MAX_SEARCH_LIMIT}).")
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register ``search`` on ``mcp``, searching through ``services``."""
    engine = QueryEngine(
        services.sessions,
        semantic=services.semantic,
        graph=services.graph,
        directory=services.catalog.directory,
    )

    @mcp.tool(
        name="search",
        annotations={"title": "Search IT Glue", **READ_ONLY},
        output_schema=SearchResults.model_json_schema(),
    )
    async def search(
        query: Annotated[
            FreeText,
            Field(
                max_length=MAX_SEARCH_QUERY_LENGTH,
                description="Words, a name, an IP or a question.",
            ),
        ],
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        record_types: Annotated[
            list[SearchableRecordType] | None,
            Field(
                min_length=1,
                description="Only these record types; omit: all.",
            ),
        ] = None,
        mode: Annotated[
            SearchMode,
            Field(description="hybrid: names, keywords and meaning fused, plus linked records."),
        ] = "hybrid",
        limit: Annotated[
            int,
            Field(
                ge=1,
                le=MAX_SEARCH_LIMIT,
                description="Most results to return.",
            ),
        ] = DEFAULT_LIMIT,
    ) -> ToolResult:
        """Search IT Glue by words and meaning, each result cited: exact names, then keyword
        and semantic matches, then linked records. Snippets are quoted data. For an answer:
        query_documentation."""
        with tool_errors():
            scope = current_scope()
            results = await engine.search(
                query,
                organization=organization,
                record_types=record_types,
                mode=mode,
                limit=limit,
                readable=scope.readable,
                hidden_types=scope.hidden_record_types,
            )
        return ToolResult(
            content=render_results(results), structured_content=structured_content(results)
        )
