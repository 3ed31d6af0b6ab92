"""Related items: the links between configurations, passwords, flexible assets and documents.

Modules record links with :meth:`Tenant.link`; :func:`add_related_items` turns each into a
``related-items`` child on both ends (``is-inverse`` false on the side that asked, true on the
other), as ``include=related_items`` returns them. Contacts can be the target of a link but carry
no related items themselves::

    tenant.link(document, firewall, "Referenced in this document")
    add_related_items(tenant)
    firewall.relationships["related-items"][0].attributes["asset-type"]  # 'document'
"""

from __future__ import annotations

from itglue_mcp.itglue.dataset.records import Record
from itglue_mcp.itglue.dataset.tenant import Tenant

__all__ = ["add_related_items"]

ASSET_TYPES = {
    "configurations": "configuration",
    "passwords": "password",
    "flexible-assets": "flexible_asset",
    "documents": "document",
    "contacts": "contact",
}
"""JSON:API type -> the ``asset-type`` value a related item uses for it."""

CARRIERS = ("configurations", "passwords", "flexible-assets", "documents")
"""Types whose records carry ``relationships.related-items``."""


def _attach(tenant: Tenant, owner: Record, other: Record, notes: str | None, inverse: bool) -> None:
    stamp = max(owner.attributes["created-at"], other.attributes["created-at"])
    attributes = {
        "asset-type": ASSET_TYPES[other.type],
        "resource-id": other.id,
        "resource-name": other.name,
        "resource-url": other.url,
        "notes": notes,
        "is-inverse": inverse,
        "created-at": stamp,
        "updated-at": stamp,
    }
    item = Record("related-items", tenant.account.ids.next("related-items"), attributes)
    owner.relationships["related-items"].append(item)


def add_related_items(tenant: Tenant) -> None:
    """Materialise ``tenant.links`` as related items; repeated or self links are skipped.

    Raises:
        ValueError: a link starts from a record type that cannot carry related items.
    """
    seen: set[tuple[tuple[str, int], ...]] = set()
    for record, other, notes in tenant.links:
        if record.type not in CARRIERS:
            raise ValueError(f"{record.type} records cannot carry related items")
        pair = tuple(sorted(((record.type, record.id), (other.type, other.id))))
        if record is other or pair in seen:
            continue
        seen.add(pair)
        _attach(tenant, record, other, notes, inverse=False)
        if other.type in CARRIERS:
            _attach(tenant, other, record, notes, inverse=True)
