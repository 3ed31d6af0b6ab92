"""Everything an infrastructure document says about one organization, read once per request.

:func:`read_inventory` reads the organization's profile (locations, important contacts, record
counts), its live configurations, flexible assets, domains, password entries (metadata), the
expirations of its licences, certificates and domains, the related items of its
infrastructure devices and flexible assets, and the records its flexible assets' Tag traits
link; all through :mod:`itglue_mcp.catalog`, within the request's :class:`ReadScope`. The
sections (:mod:`.sections`, :mod:`.network`, :mod:`.diagram`) only compute from it.

Example::

    inventory = await read_inventory(session, scope, acme, today=date(2026, 12, 6))
    inventory.role_of[hv01.id], inventory.protected_by[hv01.id]   # 'hypervisor', [nightly]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.configurations import ConfigurationView
from itglue_mcp.catalog.domains import DomainView, organization_domains
from itglue_mcp.catalog.flexible_assets import AssetTypeSchema, AssetWithTraits
from itglue_mcp.catalog.inventory import (
    LinkedSource,
    linked_sources,
    organization_assets,
    organization_configurations,
    organization_passwords,
    protecting_backups,
    readable_sources,
)
from itglue_mcp.catalog.organizations import OrganizationView, organization_source
from itglue_mcp.catalog.passwords import PasswordView
from itglue_mcp.catalog.people import OrganizationProfile, organization_profile
from itglue_mcp.catalog.scope import ReadScope
from itglue_mcp.query.expirations import MAX_LIMIT, ExpirationItem, find_expirations
from itglue_mcp.query.infrastructure.model import MAX_ENTRIES
from itglue_mcp.query.infrastructure.roles import (
    INFRASTRUCTURE_ROLES,
    SERVER_ROLES,
    AssetRole,
    asset_role,
    device_role,
    tag_targets,
)

__all__ = ["MAX_ASSETS", "MAX_CONFIGURATIONS", "MAX_PASSWORDS", "Inventory", "read_inventory"]

MAX_CONFIGURATIONS = 20_000
"""Most configurations of one organization read (the largest generated one holds ~700)."""
MAX_ASSETS = 5_000
"""Most flexible assets of one organization read."""
MAX_PASSWORDS = 20_000
"""Most password entries of one organization read (metadata only)."""

_EXPIRING_KINDS = ("license", "ssl certificate", "domain")


@dataclass(frozen=True)
class Inventory:
    """One organization's records as the document uses them.

    Attributes:
        organization: the organization, and ``source`` its citation.
        profile: its locations (primary first), important contacts and record counts.
        configurations: its live configurations by name; ``role_of`` maps a configuration
            id to its role (:data:`~.roles.DEVICE_ROLES`), when it has one.
        schemas: flexible asset type id → its fields.
        assets: its live flexible assets by name; ``asset_roles`` maps an asset id to its role.
        domains: its live domains by name.
        passwords: its live password entries (at most :data:`MAX_PASSWORDS`); ``None`` when
            the caller may not see password entries.
        expirations: ``(JSON:API type, id)`` of an expiring record → its expiration.
        device_links: related items of the devices with an infrastructure role, by id.
        asset_links: related items of the flexible assets, by id.
        tagged: citations of the readable records the assets' Tag traits link.
        protected_by: server id → the backup flexible assets that protect it (the one rule:
            :func:`itglue_mcp.catalog.inventory.protecting_backups`).
    """

    organization: OrganizationView
    source: SourceRecord
    profile: OrganizationProfile
    configurations: list[ConfigurationView]
    role_of: Mapping[int, str]
    schemas: Mapping[int, AssetTypeSchema]
    assets: list[AssetWithTraits]
    asset_roles: Mapping[int, AssetRole]
    domains: list[DomainView]
    passwords: list[PasswordView] | None
    expirations: Mapping[tuple[str, int], ExpirationItem]
    device_links: Mapping[int, tuple[LinkedSource, ...]]
    asset_links: Mapping[int, tuple[LinkedSource, ...]]
    tagged: Mapping[tuple[str, int], SourceRecord]
    protected_by: Mapping[int, list[AssetWithTraits]]

    def of_role(self, *roles: str) -> list[ConfigurationView]:
        """The configurations of these roles, by name."""
        return [view for view in self.configurations if self.role_of.get(view.id) in roles]

    def assets_of(self, role: AssetRole) -> list[AssetWithTraits]:
        """The flexible assets of this role, by name."""
        return [asset for asset in self.assets if self.asset_roles.get(asset.id) == role]

    def schema_of(self, asset: AssetWithTraits) -> AssetTypeSchema | None:
        """The fields of the asset's type."""
        return self.schemas.get(asset.flexible_asset_type_id or 0)


async def read_inventory(
    session: AsyncSession, scope: ReadScope, organization: OrganizationView, *, today: date
) -> Inventory:
    """The inventory of one organization the caller may read (see the module).

    Raises:
        StoreError: the store failed.
    """
    org_id = organization.id
    profile = await organization_profile(
        session, scope, org_id, max_locations=MAX_ENTRIES, max_contacts=MAX_ENTRIES
    )
    configurations = await organization_configurations(
        session, scope, org_id, limit=MAX_CONFIGURATIONS
    )
    roles = {view.id: role for view in configurations if (role := device_role(view))}
    schemas, assets = await organization_assets(session, scope, org_id, limit=MAX_ASSETS)
    by_type = {schema.id: schema for schema in schemas}
    asset_roles = {
        asset.id: role
        for asset in assets
        if (role := asset_role(asset.flexible_asset_type_name)) is not None
    }
    devices = [view_id for view_id, role in roles.items() if role in INFRASTRUCTURE_ROLES]
    device_links = await linked_sources(session, scope, "configurations", devices)
    asset_links = await linked_sources(session, scope, "flexible-assets", list(asset_roles))
    tag_keys = {
        key
        for asset in assets
        if asset.id in asset_roles
        for _, key in tag_targets(asset, by_type.get(asset.flexible_asset_type_id or 0))
    }
    tagged = await readable_sources(session, scope, tag_keys)
    domains = (
        await organization_domains(session, organization_ids=[org_id], limit=MAX_ENTRIES + 1)
        if scope.may_see("domains") and scope.may_read(org_id)
        else []
    )
    passwords = await organization_passwords(session, scope, org_id, limit=MAX_PASSWORDS)
    expirations: dict[tuple[str, int], ExpirationItem] = {}
    if scope.may_see("expirations") and scope.may_read(org_id):
        report = await find_expirations(
            session,
            start=None,
            end=None,
            kinds=_EXPIRING_KINDS,
            organization_ids=[org_id],
            limit=MAX_LIMIT,
            today=today,
        )
        for item in report.expirations:
            if item.resource is not None:
                # Soonest first: a record's latest expiration is the one in force.
                expirations[item.resource.record_type, item.resource.record_id] = item
    protection = await protecting_backups(session, scope, org_id)
    by_id = {asset.id: asset for asset in assets}
    protected_by = {
        view.id: [by_id[backup_id] for backup_id in protection[view.id] if backup_id in by_id]
        for view in configurations
        if roles.get(view.id) in SERVER_ROLES and view.id in protection
    }
    return Inventory(
        organization=organization,
        source=organization_source(organization),
        profile=profile,
        configurations=configurations,
        role_of=roles,
        schemas=by_type,
        assets=assets,
        asset_roles=asset_roles,
        domains=[domain for domain in domains if not domain.archived],
        passwords=passwords,
        expirations=expirations,
        device_links=device_links,
        asset_links=asset_links,
        tagged=tagged,
        protected_by={server: backups for server, backups in protected_by.items() if backups},
    )
