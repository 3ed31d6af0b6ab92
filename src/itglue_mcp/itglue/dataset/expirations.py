"""Expirations derived from warranties, domain registrations and expiring asset fields.

IT Glue computes these itself; the dataset writes them as the ``/expirations`` endpoint would
return them: one per configuration warranty (archived configurations excluded), per domain and
per filled expiration field of a flexible asset (SSL ``Expires On``, licence ``Renewal Date``)::

    add_expirations(tenant)
    tenant.expirations[0].attributes["resource-type-name"]  # 'Configuration'
"""

from __future__ import annotations

from itglue_mcp.itglue.dataset.flexible_asset_types import name_key
from itglue_mcp.itglue.dataset.records import Record, resource_url
from itglue_mcp.itglue.dataset.tenant import Tenant

__all__ = ["add_expirations"]


def _expiration(tenant: Tenant, resource: Record, kind: str, description: str, date: str) -> None:
    record_id = tenant.account.ids.next("expirations")
    attributes = {
        **tenant.owned(),
        "resource-url": resource_url(tenant.organization.id, "expirations", record_id),
        "description": description,
        "expiration-date": date,
        "resource-id": resource.id,
        "resource-type-name": kind,
        "resource-name": resource.name,
        "created-at": resource.attributes["created-at"],
        "updated-at": resource.attributes["updated-at"],
    }
    tenant.expirations.append(Record("expirations", record_id, attributes, {}))


def add_expirations(tenant: Tenant) -> None:
    """Create the organization's ``expirations`` records (``tenant.expirations``)."""
    for device in tenant.devices:
        attributes = device.record.attributes
        if attributes["warranty-expires-at"] and not attributes["archived"]:
            warranty = str(attributes["warranty-expires-at"])
            _expiration(tenant, device.record, "Configuration", "Warranty expiration", warranty)
    for domain in tenant.domains:
        expires = str(domain.attributes["expires-on"])
        _expiration(tenant, domain, "Domain", "Domain registration expiration", expires)
    asset_types = tenant.account.asset_types
    for asset in tenant.assets:
        if asset.attributes["archived"]:
            continue
        asset_type = asset_types[str(asset.attributes["flexible-asset-type-name"])]
        for spec in asset_type.expiration_fields():
            value = asset.attributes["traits"][name_key(spec.name)]
            if value:
                description = f"{asset_type.record.name}: {spec.name}"
                _expiration(tenant, asset, "FlexibleAsset", description, str(value))
