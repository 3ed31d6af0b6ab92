"""The resource ``itglue://organizations``: the organizations the caller may read, as JSON.

Each organization with its IT Glue id, name, short name, IT Glue link (its citation) and the
URI of its infrastructure document (when the caller may read that); the document template
(``itglue://documents/{document_id}``) when the caller may read documents. Built from the
cached organization directory (:mod:`itglue_mcp.catalog.organizations`, reread only when a
sync moves the data generation), never a table read per call; one entry per readable
organization (about 250 bytes each: 250 KB at 1,000), by name.

JSON rather than Markdown: this is a list a client or an assistant looks up, not prose; JSON
names every field, needs no escaping rule for IT Glue names (a name holding ``*``, ``|`` or
``[`` cannot turn into Markdown emphasis, a table cell or a link), and a client shows it as
it is. The names are IT Glue data (``"untrusted": true``); a fence marker in one is defused.

Example (as a client reads it)::

    [content] = await client.read_resource("itglue://organizations")
    json.loads(content.text)["organizations"][0]["infrastructure"]
"""

from __future__ import annotations

from typing import Literal

from fastmcp import FastMCP
from pydantic import BaseModel, Field

from itglue_mcp.catalog.organizations import OrganizationView
from itglue_mcp.server.access import current_permissions, current_scope
from itglue_mcp.server.rendering import finish
from itglue_mcp.server.resources.access import ScopeResource
from itglue_mcp.server.resources.documents import DOCUMENT
from itglue_mcp.server.resources.infrastructure import INFRASTRUCTURE
from itglue_mcp.server.services import Services

__all__ = ["DIRECTORY", "DirectoryEntry", "OrganizationDirectoryContent", "register"]

DIRECTORY = ScopeResource(
    uri="itglue://organizations", tool="list_organizations", record_type="organizations"
)


class DirectoryEntry(BaseModel):
    """One organization of the directory."""

    id: int = Field(description="Its IT Glue id.")
    name: str | None = None
    short_name: str | None = None
    resource_url: str | None = Field(default=None, description="Its page in IT Glue.")
    infrastructure: str | None = Field(
        default=None, description="The URI of its infrastructure document resource."
    )


class OrganizationDirectoryContent(BaseModel):
    """The directory resource's content (``null`` fields left out)."""

    organizations: list[DirectoryEntry]
    documents: str | None = Field(
        default=None, description="The document resource template (by IT Glue id)."
    )
    # Always true: names are IT Glue data, never instructions.
    untrusted: Literal[True] = True


def _entry(view: OrganizationView, infrastructure: bool) -> DirectoryEntry:
    return DirectoryEntry(
        id=view.id,
        name=view.name,
        short_name=view.short_name,
        resource_url=view.resource_url,
        infrastructure=INFRASTRUCTURE.uri(view.id) if infrastructure else None,
    )


def register(mcp: FastMCP, services: Services) -> None:
    """Register the organization directory resource on ``mcp``."""
    del services  # the directory comes with the read scope ResourceAccess built

    @mcp.resource(
        DIRECTORY.uri,
        name="organizations",
        title="IT Glue organizations",
        description=(
            "The organizations you may read (IT Glue id, name, short name, IT Glue link), "
            "each with its infrastructure document's URI, as JSON."
        ),
        mime_type="application/json",
    )
    async def organization_directory() -> str:
        permissions, scope = current_permissions(), current_scope()
        infrastructure = INFRASTRUCTURE.refusal(permissions) is None
        content = OrganizationDirectoryContent(
            organizations=[_entry(view, infrastructure) for view in scope.organizations()],
            documents=DOCUMENT.uri_template if DOCUMENT.refusal(permissions) is None else None,
        )
        return finish(content.model_dump_json(exclude_none=True, indent=2))
