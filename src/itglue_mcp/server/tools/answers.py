"""The ``query_documentation`` tool: a question in plain language, a grounded answer out.

The answer engine (:class:`~itglue_mcp.query.engine.QueryEngine`) resolves the organization,
reads what the question asks for and answers only from IT Glue records: facts and quoted
passages each carry their citation, and when nothing supports an answer the result says
"no data" and suggests what does exist. The structured content is the
:class:`~itglue_mcp.query.answer.Answer`; the text renders it for the assistant, with every
passage of IT Glue free text fenced as untrusted data.

Example::

    await client.call_tool("query_documentation",
                           {"question": "how do we reset the Sophos VPN at @Northwind Traders"})
"""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.query.answer import Answer
from itglue_mcp.query.engine import QueryEngine
from itglue_mcp.query.retrieval import SearchableRecordType
from itglue_mcp.query.scope import MAX_QUESTION_LENGTH
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import FreeText, Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_excerpt
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY

__all__ = ["register", "render_answer"]


def render_answer(answer: Answer) -> str:
    """The readable text of an answer: message, facts and excerpts with citations, or the
    suggestions of a "no data" answer. IT Glue free text is fenced (``quote_excerpt``)."""
    scope = answer.organization.name if answer.organization else "all organizations"
    lines = [
        answer.message,
        f"(status {answer.status}, intent {answer.intent}, organization {scope}, "
        f"confidence {answer.confidence:.2f})",
    ]
    if answer.facts:
        lines.append("Facts:")
        for fact in answer.facts:
            lines.append(f"- {fact.label}: {fact.value} (confidence {fact.confidence:.2f})")
            lines.append(f"  {cite(fact.source)}")
    if answer.excerpts:
        lines.append("Passages quoted from IT Glue:")
        previous = None
        for excerpt in answer.excerpts:
            # Consecutive passages of one record share its citation line.
            if excerpt.source != previous:
                lines.append(cite(excerpt.source))
                previous = excerpt.source
            lines.append(quote_excerpt(excerpt))
    if answer.sources:
        lines.append("Sources:")
        lines.extend(f"- {cite(source)}" for source in answer.sources)
    if answer.suggestions:
        lines.append("What IT Glue does hold:")
        lines.extend(f"- {suggestion}" for suggestion in answer.suggestions)
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register ``query_documentation`` on ``mcp``, answering through ``services``."""
    engine = QueryEngine(
        services.sessions,
        semantic=services.semantic,
        graph=services.graph,
        directory=services.catalog.directory,
    )

    @mcp.tool(
        name="query_documentation",
        annotations={"title": "Ask IT Glue a question", **READ_ONLY},
        output_schema=Answer.model_json_schema(),
    )
    async def query_documentation(
        question: Annotated[
            FreeText,
            Field(
                max_length=MAX_QUESTION_LENGTH,
                description='In plain language; name the organization in it ("Acme\'s DC", @acme).',
            ),
        ],
        organization: Annotated[
            Reference | None,
            Field(
                description="IT Glue id, name or short name; omit: the one named, else all.",
            ),
        ] = None,
        include_types: Annotated[
            list[SearchableRecordType] | None,
            Field(min_length=1, description="Cite only these record types; omit: all."),
        ] = None,
    ) -> ToolResult:
        """Answer a question from IT Glue records, each cited: runbook passages (quoted
        data) for how-to, else facts. no_data: nothing supports an answer; suggestions say
        what exists. Never guess beyond the result."""
        with tool_errors():
            scope = current_scope()
            answer = await engine.answer(
                question,
                organization,
                readable=scope.readable,
                hidden_types=scope.hidden_record_types,
                include_types=include_types,
            )
        return ToolResult(
            content=render_answer(answer), structured_content=structured_content(answer)
        )
