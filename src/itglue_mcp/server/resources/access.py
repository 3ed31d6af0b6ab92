"""Access control of the resources that belong to one organization (``itglue://organizations/
{id}/…``): RBAC-filtered listings and reads.

The access middleware (:mod:`itglue_mcp.server.access`) controls tools; :class:`ResourceAccess`
does the same for the resources an :class:`OrganizationResource` describes, with the same
caller, permissions and :class:`~itglue_mcp.catalog.ReadScope`:

- ``resources/list`` gains one resource per organization the caller may read, for each
  organization resource whose tool the caller may call; ``resources/templates/list`` shows
  an organization resource's template only to a caller who may call its tool;
- ``resources/read`` of such a URI runs with the caller's permissions and a read scope naming
  that organization (:func:`~itglue_mcp.server.access.current_scope`), in one read-only unit
  of work. An organization the caller may not read, one that does not exist, a malformed id
  and a tool the caller may not call all answer the same "Resource not found" (MCP
  ``-32602``): a caller learns nothing of what it may not read. So does any other URI under
  an organization resource's prefix (``itglue://organizations/…``): a resource there that is
  not described here is refused, not served unchecked.

A resource is the same read as its tool, so one permission (the tool's) governs both.

Example::

    mcp.add_middleware(ResourceAccess(access, services, [INFRASTRUCTURE]))
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

import mcp_types as mt
from fastmcp.exceptions import NotFoundError
from fastmcp.resources.base import Resource, ResourceResult
from fastmcp.resources.template import ResourceTemplate
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext

from itglue_mcp.catalog import ReadScope
from itglue_mcp.catalog.ids import parse_id
from itglue_mcp.security.rbac import Permissions
from itglue_mcp.server.access import AccessMiddleware, permitted
from itglue_mcp.server.services import Services

__all__ = ["ORGANIZATION_ID", "OrganizationResource", "ResourceAccess"]

ORGANIZATION_ID = "{organization_id}"
"""The placeholder of the organization's IT Glue id in an organization resource's template."""


@dataclass(frozen=True, slots=True)
class OrganizationResource:
    """A resource template with one resource per organization.

    Attributes:
        uri_template: the RFC 6570 template, holding :data:`ORGANIZATION_ID` once.
        name: the template's name; a listed resource is named ``<organization> <name>``.
        title: what a client shows; a listed resource's is ``<title> of <organization>``.
        tool: the tool whose permission governs the resource.
        mime_type: the content's media type.
    """

    uri_template: str
    name: str
    title: str
    tool: str
    mime_type: str

    def uri(self, organization_id: int) -> str:
        """The URI of the resource of one organization."""
        return self.uri_template.replace(ORGANIZATION_ID, str(organization_id))

    def organization_id(self, uri: str) -> int | None:
        """The organization id a URI of this template names (``None``: not of this template,
        or not an IT Glue id)."""
        head, _, tail = self.uri_template.partition(ORGANIZATION_ID)
        matched = re.fullmatch(re.escape(head) + r"([^/]+)" + re.escape(tail), uri)
        return None if matched is None else parse_id(matched.group(1))


class ResourceAccess(Middleware):
    """RBAC of the organization resources (see the module).

    Args:
        access: the server's access middleware (who the caller is, its permissions).
        services: the read side (organization directory, units of work).
        resources: the organization resources the server registered.
    """

    def __init__(
        self,
        access: AccessMiddleware,
        services: Services,
        resources: Sequence[OrganizationResource],
    ) -> None:
        self._access = access
        self._services = services
        self._resources = tuple(resources)

    async def _permitted(self) -> tuple[Permissions, ReadScope]:
        caller = self._access.caller()
        tools = sorted({resource.tool for resource in self._resources})
        permissions = await self._access.permissions(caller, tools)
        scope = await self._services.catalog.scope(
            subject=caller.subject,
            readable=permissions.readable,
            hidden_record_types=permissions.hidden_record_types,
        )
        return permissions, scope

    async def on_list_resources(
        self,
        context: MiddlewareContext[mt.ListResourcesRequest],
        call_next: CallNext[mt.ListResourcesRequest, Sequence[Resource]],
    ) -> Sequence[Resource]:
        """The server's resources, and each organization resource of every readable
        organization (by organization name)."""
        listed = list(await call_next(context))
        permissions, scope = await self._permitted()
        for resource in self._resources:
            if not permissions.may_call(resource.tool):
                continue
            listed += [
                Resource(
                    uri=resource.uri(organization.id),
                    name=f"{organization.name or organization.id} {resource.name}",
                    title=f"{resource.title} of {organization.name or organization.id}",
                    mime_type=resource.mime_type,
                )
                for organization in scope.organizations()
            ]
        return listed

    async def on_list_resource_templates(
        self,
        context: MiddlewareContext[mt.ListResourceTemplatesRequest],
        call_next: CallNext[mt.ListResourceTemplatesRequest, Sequence[ResourceTemplate]],
    ) -> Sequence[ResourceTemplate]:
        """The server's templates, without the organization resources whose tool the caller
        may not call."""
        templates = await call_next(context)
        permissions, _ = await self._permitted()
        refused = {
            resource.uri_template
            for resource in self._resources
            if not permissions.may_call(resource.tool)
        }
        return [template for template in templates if template.uri_template not in refused]

    async def on_read_resource(
        self,
        context: MiddlewareContext[mt.ReadResourceRequestParams],
        call_next: CallNext[mt.ReadResourceRequestParams, ResourceResult],
    ) -> ResourceResult:
        """Read an organization resource within the caller's permissions (others as they are).

        Raises:
            NotFoundError: the URI names an organization the caller may not read, or none,
                or the caller may not call the resource's tool.
        """
        uri = str(context.message.uri)
        found = [
            (resource, organization_id)
            for resource in self._resources
            if (organization_id := resource.organization_id(uri)) is not None
        ]
        matches_template = any(
            uri.startswith(resource.uri_template.partition(ORGANIZATION_ID)[0])
            for resource in self._resources
        )
        if not found:
            if matches_template:
                raise NotFoundError(f"Unknown resource: {uri!r}")
            return await call_next(context)
        resource, organization_id = found[0]
        async with self._services.catalog.request():
            permissions, scope = await self._permitted()
            organization = scope.directory.get(organization_id)
            if (
                organization is None
                or not scope.may_read(organization_id)
                or not permissions.may_call(resource.tool)
            ):
                raise NotFoundError(f"Unknown resource: {uri!r}")
            with permitted(permissions, dataclasses.replace(scope, organization=organization)):
                return await call_next(context)
