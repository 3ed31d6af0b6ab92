"""The resource ``itglue://organizations/{organization_id}/infrastructure.md``: an
organization's infrastructure document as Markdown, the same document
``document_infrastructure`` returns (:mod:`itglue_mcp.server.tools.infrastructure`).

Reads and listings are kept to the organizations the caller may read by
:class:`~itglue_mcp.server.resources.access.ResourceAccess`.

Example (as a client reads it)::

    await client.read_resource("itglue://organizations/2104801/infrastructure.md")
"""

from __future__ import annotations

from fastmcp import FastMCP

from itglue_mcp.query.expirations import today_utc
from itglue_mcp.query.infrastructure import build_document
from itglue_mcp.server.access import current_scope
from itglue_mcp.server.rendering import finish
from itglue_mcp.server.resources.access import ORGANIZATION_ID, OrganizationResource
from itglue_mcp.server.services import Services
from itglue_mcp.server.tools.infrastructure import render_markdown

__all__ = ["INFRASTRUCTURE", "register"]

INFRASTRUCTURE = OrganizationResource(
    uri_template=f"itglue://organizations/{ORGANIZATION_ID}/infrastructure.md",
    name="infrastructure.md",
    title="Infrastructure document",
    tool="document_infrastructure",
    mime_type="text/markdown",
)


def register(mcp: FastMCP, services: Services) -> None:
    """Register the infrastructure document's resource template on ``mcp``."""

    @mcp.resource(
        INFRASTRUCTURE.uri_template,
        name=INFRASTRUCTURE.name,
        title=INFRASTRUCTURE.title,
        description=(
            "The infrastructure document of one organization, from the synced IT Glue data "
            "(as the document_infrastructure tool writes it); every line cites its records."
        ),
        mime_type=INFRASTRUCTURE.mime_type,
    )
    async def infrastructure_document(organization_id: int) -> str:
        # ResourceAccess admitted the read: the scope names this organization.
        del organization_id
        scope = current_scope()
        assert scope.organization is not None
        async with services.catalog.reading() as session:
            document = await build_document(session, scope, scope.organization, today=today_utc())
        # Outside a tool call FencedText does not run: the text is finished here.
        return finish(render_markdown(document))
