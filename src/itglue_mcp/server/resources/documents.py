"""The resource template ``itglue://documents/{document_id}``: one IT Glue document as text,
the same text the ``get_document`` tool writes (:func:`~itglue_mcp.server.tools.documents.
render_document`) at its largest ``max_chars`` (50,000 characters; a longer document says
where it was cut) with up to 50 related records.

The text is ``text/plain``, not Markdown: the document's content is fenced as quoted IT Glue
data (``<itglue-data untrusted="true">``), and a Markdown viewer would take the fence for an
HTML tag and hide it. The citation (the document's id, organization and IT Glue link) is the
second line.

Documents are not listed one by one (see :mod:`.access`): the template is listed, and the
directory (``itglue://organizations``) names it. A document whose organization the caller may
not read, or that does not exist, is "Resource not found" alike.

Example (as a client reads it)::

    await client.read_resource("itglue://documents/5530012")
"""

from __future__ import annotations

from fastmcp import FastMCP

from itglue_mcp.catalog.documents import get_document
from itglue_mcp.query.documents import document_content
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.rendering import finish
from itglue_mcp.server.resources.access import RecordResource, not_found
from itglue_mcp.server.services import Services
from itglue_mcp.server.tools.documents import MAX_CHARS, MAX_RELATED, render_document

__all__ = ["DOCUMENT", "register"]

DOCUMENT = RecordResource(
    prefix="itglue://documents/",
    variable="document_id",
    record_type="documents",
    tool="get_document",
)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the document resource template on ``mcp``."""

    @mcp.resource(
        DOCUMENT.uri_template,
        name="document",
        title="IT Glue document",
        description=(
            "One IT Glue document (runbook, SOP) by its IT Glue id, as the get_document tool "
            "writes it: cited, content quoted as data, up to 50,000 characters."
        ),
        mime_type="text/plain",
    )
    async def document(document_id: int) -> str:
        # ResourceAccess admitted the read: the document is of an organization in the scope.
        scope = current_scope()
        async with services.catalog.reading() as session:
            view = await get_document(session, document_id, organization_ids=scope.organization_ids)
        if view is None:  # deleted since it was admitted
            raise not_found(DOCUMENT.uri(document_id))
        content = await document_content(
            services.graph,
            view,
            organization_ids=scope.organization_ids,
            max_chars=MAX_CHARS,
            related_limit=MAX_RELATED,
            hidden_types=scope.hidden_record_types,
        )
        # Outside a tool call FencedText does not run: the text is finished here.
        return finish(render_document(content))
