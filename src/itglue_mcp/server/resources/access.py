"""Access control of the MCP resources: RBAC-filtered listings and reads, refusals audited.

The access middleware (:mod:`itglue_mcp.server.access`) controls tools; :class:`ResourceAccess`
does the same for the resources, with the same caller, permissions and
:class:`~itglue_mcp.catalog.ReadScope`. Three kinds of resource, each governed by the
permission of the tool that reads the same thing (and, for a record type, by that type not
being hidden from the caller):

- :class:`ScopeResource` — one fixed URI whose content is built from the caller's whole read
  scope (the organization directory, ``itglue://organizations``);
- :class:`OrganizationResource` — a template with one resource per organization
  (``itglue://organizations/{organization_id}/infrastructure.md``), listed for each
  organization the caller may read;
- :class:`RecordResource` — a template with one resource per IT Glue record
  (``itglue://documents/{document_id}``), listed only as its template: an account holds
  thousands of documents, and ``resources/list`` is not paged here, so listing them would
  read a table per call and grow with the tenant; the template, ``search`` and
  ``get_document`` find them.

``resources/list`` and ``resources/templates/list`` show a resource only to a caller it would
admit. ``resources/read`` runs with the caller's permissions and read scope
(:func:`~itglue_mcp.server.access.current_scope`), in one read-only unit of work. A refused
read, a record or organization that does not exist, a malformed id and a URI under a
resource's prefix that no resource describes all answer the same "Resource not found" (MCP
``-32602``): a caller learns nothing of what it may not read. A refusal is audited as a
refused tool call is (:meth:`~itglue_mcp.server.access.AccessMiddleware.record_denial`),
naming the resource's URI or template (never the caller's URI text): a read the caller's
roles do not grant (whatever it names; nothing of the URI recorded), or a read of an
organization's resource or a record the caller may not read (the organization and the
record recorded). An unknown or malformed id is not a refusal and is not recorded.

Example::

    mcp.add_middleware(ResourceAccess(access, services, [DIRECTORY, INFRASTRUCTURE, DOCUMENT]))
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
from itglue_mcp.catalog.records import cite_records
from itglue_mcp.security.identity import Caller
from itglue_mcp.security.rbac import Permissions
from itglue_mcp.server.access import AccessMiddleware, permitted
from itglue_mcp.server.services import Services

__all__ = [
    "ORGANIZATION_ID",
    "UNREADABLE_ORGANIZATION",
    "AnyResource",
    "OrganizationResource",
    "RecordResource",
    "ResourceAccess",
    "ScopeResource",
    "not_found",
]

ORGANIZATION_ID = "{organization_id}"
"""The placeholder of the organization's IT Glue id in an organization resource's template."""

UNREADABLE_ORGANIZATION = "the caller's roles do not grant read on this organization"
"""The audit reason of a refused read of another organization's resource."""


def not_found(uri: str) -> NotFoundError:
    """The one error of every refused or unknown resource (MCP ``-32602``)."""
    return NotFoundError(f"Unknown resource: {uri!r}")


def _refusal(permissions: Permissions, tool: str, record_type: str | None) -> str | None:
    """Why the caller may not read a resource governed by ``tool`` and ``record_type``
    (``None``: it may)."""
    if not permissions.may_call(tool):
        return f"no role of the caller grants read on {tool}"
    if record_type is not None and not permissions.may_see(record_type):
        return f"no role of the caller grants read on {record_type}"
    return None


@dataclass(frozen=True, slots=True)
class ScopeResource:
    """A resource at one fixed URI, built from the caller's whole read scope.

    Attributes:
        uri: the resource's URI.
        tool: the tool whose permission governs it.
        record_type: a JSON:API type the caller must not have hidden (``None``: none).
    """

    uri: str
    tool: str
    record_type: str | None = None

    def refusal(self, permissions: Permissions) -> str | None:
        """Why ``permissions`` do not admit the resource (``None``: they do)."""
        return _refusal(permissions, self.tool, self.record_type)


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

    @property
    def prefix(self) -> str:
        """What every URI of this template starts with."""
        return self.uri_template.partition(ORGANIZATION_ID)[0]

    def uri(self, organization_id: int) -> str:
        """The URI of the resource of one organization."""
        return self.uri_template.replace(ORGANIZATION_ID, str(organization_id))

    def organization_id(self, uri: str) -> int | None:
        """The organization id a URI of this template names (``None``: not of this template,
        or not an IT Glue id)."""
        head, _, tail = self.uri_template.partition(ORGANIZATION_ID)
        matched = re.fullmatch(re.escape(head) + r"([^/]+)" + re.escape(tail), uri)
        return None if matched is None else parse_id(matched.group(1))

    def refusal(self, permissions: Permissions) -> str | None:
        """Why ``permissions`` do not admit the resource (``None``: they do)."""
        return _refusal(permissions, self.tool, None)


@dataclass(frozen=True, slots=True)
class RecordResource:
    """A resource template with one resource per IT Glue record of one type, its id last.

    Attributes:
        prefix: the URI up to the id (``itglue://documents/``).
        variable: the template's variable, the record's IT Glue id (``document_id``).
        record_type: the records' JSON:API type; hidden from the caller, it reads none.
        tool: the tool whose permission governs the resource.
    """

    prefix: str
    variable: str
    record_type: str
    tool: str

    @property
    def uri_template(self) -> str:
        """The RFC 6570 template (``itglue://documents/{document_id}``)."""
        return f"{self.prefix}{{{self.variable}}}"

    def uri(self, record_id: int) -> str:
        """The URI of one record's resource."""
        return f"{self.prefix}{record_id}"

    def record_id(self, uri: str) -> int | None:
        """The record id a URI of this template names (``None``: not an IT Glue id)."""
        return parse_id(uri.removeprefix(self.prefix)) if uri.startswith(self.prefix) else None

    def refusal(self, permissions: Permissions) -> str | None:
        """Why ``permissions`` do not admit the resource (``None``: they do)."""
        return _refusal(permissions, self.tool, self.record_type)


AnyResource = ScopeResource | OrganizationResource | RecordResource
"""A resource :class:`ResourceAccess` controls."""


@dataclass(frozen=True, slots=True)
class _Refused:
    """A refused read, for the audit trail (what was asked, when it exists)."""

    reason: str
    organization_id: int | None = None
    record_type: str | None = None
    record_id: int | None = None


class ResourceAccess(Middleware):
    """RBAC of the server's resources (see the module).

    Args:
        access: the server's access middleware (who the caller is, its permissions, the
            audit of refusals).
        services: the read side (organization directory, units of work, citations).
        resources: the resources the server registered.
    """

    def __init__(
        self, access: AccessMiddleware, services: Services, resources: Sequence[AnyResource]
    ) -> None:
        self._access = access
        self._services = services
        self._resources = tuple(resources)
        self._tools = sorted({resource.tool for resource in self._resources})

    async def _permitted(self, caller: Caller) -> tuple[Permissions, ReadScope]:
        permissions = await self._access.permissions(caller, self._tools)
        scope = await self._services.catalog.scope(
            subject=caller.subject,
            readable=permissions.readable,
            hidden_record_types=permissions.hidden_record_types,
        )
        return permissions, scope

    def _governing(self, uri: str) -> AnyResource | None:
        for resource in self._resources:
            if isinstance(resource, ScopeResource):
                if uri == resource.uri:
                    return resource
            elif uri.startswith(resource.prefix):
                return resource
        return None

    async def on_list_resources(
        self,
        context: MiddlewareContext[mt.ListResourcesRequest],
        call_next: CallNext[mt.ListResourcesRequest, Sequence[Resource]],
    ) -> Sequence[Resource]:
        """The fixed resources the caller may read, and each organization resource of every
        readable organization (by organization name)."""
        listed = await call_next(context)
        permissions, scope = await self._permitted(self._access.caller())
        refused = {
            resource.uri
            for resource in self._resources
            if isinstance(resource, ScopeResource) and resource.refusal(permissions)
        }
        shown = [resource for resource in listed if str(resource.uri) not in refused]
        for resource in self._resources:
            if not isinstance(resource, OrganizationResource) or resource.refusal(permissions):
                continue
            shown += [
                Resource(
                    uri=resource.uri(organization.id),
                    name=f"{organization.name or organization.id} {resource.name}",
                    title=f"{resource.title} of {organization.name or organization.id}",
                    mime_type=resource.mime_type,
                )
                for organization in scope.organizations()
            ]
        return shown

    async def on_list_resource_templates(
        self,
        context: MiddlewareContext[mt.ListResourceTemplatesRequest],
        call_next: CallNext[mt.ListResourceTemplatesRequest, Sequence[ResourceTemplate]],
    ) -> Sequence[ResourceTemplate]:
        """The server's templates, without those the caller may not read."""
        templates = await call_next(context)
        permissions, _ = await self._permitted(self._access.caller())
        refused = {
            resource.uri_template
            for resource in self._resources
            if not isinstance(resource, ScopeResource) and resource.refusal(permissions)
        }
        return [template for template in templates if template.uri_template not in refused]

    async def on_read_resource(
        self,
        context: MiddlewareContext[mt.ReadResourceRequestParams],
        call_next: CallNext[mt.ReadResourceRequestParams, ResourceResult],
    ) -> ResourceResult:
        """Read a resource within the caller's permissions (refusals audited); a URI no
        controlled resource's covers is read as it is.

        Raises:
            NotFoundError: refused, unknown or malformed (one message for all).
        """
        uri = str(context.message.uri)
        resource = self._governing(uri)
        if resource is None:
            return await call_next(context)
        caller = self._access.caller()
        async with self._services.catalog.request():
            permissions, scope = await self._permitted(caller)
            admitted = await self._admit(resource, uri, permissions, scope)
            if isinstance(admitted, ReadScope):
                with permitted(permissions, admitted):
                    return await call_next(context)
        # Recorded after the read-only unit of work: the audit trail writes in its own.
        if admitted is not None:
            await self._access.record_denial(
                caller,
                resource.uri if isinstance(resource, ScopeResource) else resource.uri_template,
                reason=admitted.reason,
                organization_id=admitted.organization_id,
                record_type=admitted.record_type,
                record_id=admitted.record_id,
            )
        raise not_found(uri)

    async def _admit(
        self, resource: AnyResource, uri: str, permissions: Permissions, scope: ReadScope
    ) -> ReadScope | _Refused | None:
        """The scope to read ``uri`` with; else the refusal to audit, or ``None`` when there
        is nothing to refuse (no such organization or record, not an id)."""
        refusal = resource.refusal(permissions)
        if refusal is not None:
            # As a refused tool call: whatever the URI names, nothing of it recorded.
            return _Refused(refusal)
        if isinstance(resource, ScopeResource):
            return scope
        if isinstance(resource, OrganizationResource):
            organization_id = resource.organization_id(uri)
            organization = None if organization_id is None else scope.directory.get(organization_id)
            if organization is None:
                return None
            if scope.may_read(organization.id):
                return dataclasses.replace(scope, organization=organization)
            return _Refused(UNREADABLE_ORGANIZATION, organization_id=organization.id)
        record_id = resource.record_id(uri)
        if record_id is None:
            return None
        # The record's organization, from its citation (no content read): a record of an
        # organization the caller may not read is refused, one that is not stored unknown.
        async with self._services.catalog.reading() as session:
            cited = await cite_records(session, [(resource.record_type, record_id)])
        source = cited.get((resource.record_type, record_id))
        if source is None:
            return None
        owner = source.organization_id
        if scope.readable is None or (owner is not None and scope.may_read(owner)):
            return scope
        return _Refused(
            UNREADABLE_ORGANIZATION,
            organization_id=owner,
            record_type=resource.record_type,
            record_id=record_id,
        )
