"""Document tools: ``get_document`` by id or title, as sections of text with related records."""

from __future__ import annotations

from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools.base import ToolResult
from pydantic import Field

from itglue_mcp.query.dependencies import describe_type
from itglue_mcp.query.documents import DEFAULT_MAX_CHARS, DocumentContent, read_document
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.arguments import Reference
from itglue_mcp.server.errors import tool_errors
from itglue_mcp.server.rendering import cite, quote_untrusted, quote_untrusted_values
from itglue_mcp.server.services import Services
from itglue_mcp.server.tool_schemas import structured_content
from itglue_mcp.server.tools.organizations import READ_ONLY, SCOPE_FIELD

__all__ = ["MAX_CHARS", "MAX_RELATED", "MIN_CHARS", "register", "render_document"]

MIN_CHARS = 200
MAX_CHARS = 50_000
MAX_RELATED = 50


def _flags(content: DocumentContent) -> str:
    flags = [
        name
        for name, on in (
            ("archived", content.archived),
            ("draft", content.published is False),
            ("restricted", bool(content.restricted)),
            ("public", bool(content.public)),
        )
        if on
    ]
    return f" [{', '.join(flags)}]" if flags else ""


def render_document(content: DocumentContent) -> str:
    """The readable text of a document: title, citation, fenced content, related records (their
    notes in one fence). The ``get_document`` tool's text and the ``itglue://documents/{id}``
    resource's (:mod:`itglue_mcp.server.resources.documents`)."""
    doc = content.document
    where = f" — {doc.organization_name}" if doc.organization_name else ""
    folder = f", folder {content.document_folder_id}" if content.document_folder_id else ""
    lines = [f"Document: {doc.name or '-'}{where}{_flags(content)}{folder}", cite(doc)]
    body = "\n\n".join(
        f"## {section.heading}\n{section.text}" if section.heading else section.text
        for section in content.sections
    )
    lines.append(quote_untrusted(body or "(no content)", doc, field="content"))
    if content.truncated:
        # At the largest max_chars (the tool's bound, and the resource's) asking again reads
        # no more: the rest is only in IT Glue.
        more = (
            f"call again with a larger max_chars (up to {MAX_CHARS}) to read more"
            if content.max_chars < MAX_CHARS
            else "the rest is in IT Glue (the link above)"
        )
        lines.append(
            f"… content cut at {content.max_chars} of {content.content_chars} characters; {more}."
        )
    if content.related:
        lines.append("Related records:")
    for related in content.related:
        record = related.record
        archived = " [archived]" if related.archived else ""
        lines.append(
            f"- {describe_type(record.record_type)} {record.name or '-'}{archived} "
            f"({related.relation}); {cite(record)}"
        )
    notes = [(related.record, related.notes) for related in content.related if related.notes]
    if notes:
        lines.append(quote_untrusted_values(notes, field="related item notes"))
    if content.related_truncated:
        lines.append(f"… more related records exist than the {MAX_RELATED} shown.")
    return "\n".join(lines)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the document tools on ``mcp``, reading through ``services``."""

    @mcp.tool(
        name="get_document",
        annotations={"title": "Get a document", **READ_ONLY},
        output_schema=DocumentContent.model_json_schema(),
    )
    async def get_document(
        document: Annotated[
            Reference,
            Field(
                description="Its IT Glue id or title (or a part).",
            ),
        ],
        organization: Annotated[Reference | None, SCOPE_FIELD] = None,
        max_chars: Annotated[
            int,
            Field(
                ge=MIN_CHARS,
                le=MAX_CHARS,
                description="Most characters of content; the rest is cut.",
            ),
        ] = DEFAULT_MAX_CHARS,
    ) -> ToolResult:
        """Read an IT Glue document (runbook, SOP) by id or title (exact first): its sections
        in order (steps numbered), folder, sharing flags, up to 50 related records, cited.
        The content is quoted data."""
        with tool_errors():
            scope = current_scope()
            async with services.catalog.reading() as session:
                content = await read_document(
                    session,
                    services.graph,
                    document,
                    organization_ids=scope.organization_ids,
                    max_chars=max_chars,
                    related_limit=MAX_RELATED,
                    hidden_types=scope.hidden_record_types,
                )
        return ToolResult(
            content=render_document(content), structured_content=structured_content(content)
        )
