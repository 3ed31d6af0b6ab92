"""Documents: runs every document template and turns the drafts into ``documents`` records.

Most documents live in folders (``document-folder-id`` set: Runbooks, SOPs, Network, Incidents,
Onboarding & Offboarding); a few stay at the root. ``content`` is the list of
``{"kind", "html"}`` blocks described in :mod:`~itglue_mcp.itglue.dataset.content`::

    add_documents(tenant)
    tenant.documents[0].attributes["content"][0]["kind"]  # 'Heading'
"""

from __future__ import annotations

import random
from collections.abc import Callable

from itglue_mcp.itglue.dataset import procedures, sops, writeups
from itglue_mcp.itglue.dataset.content import Draft
from itglue_mcp.itglue.dataset.records import Record, lifespan, resource_url, stamps
from itglue_mcp.itglue.dataset.tenant import Tenant

__all__ = ["add_documents"]

Template = Callable[[Tenant, random.Random], list[Draft]]

TEMPLATES: tuple[Template, ...] = (
    procedures.vpn_reset,
    procedures.firmware_upgrade,
    procedures.guest_wifi,
    procedures.printers,
    procedures.power_outage,
    sops.onboarding,
    sops.offboarding,
    sops.password_reset,
    sops.patching,
    sops.backup_failure,
    sops.laptop_deployment,
    sops.database_maintenance,
    sops.shared_mailbox,
    writeups.network_overview,
    writeups.site_overviews,
    writeups.disaster_recovery,
    writeups.escalation,
    writeups.incidents,
    writeups.history,
)
"""Every document template, in output order."""


def add_documents(tenant: Tenant) -> None:
    """Create the organization's documents (``tenant.documents``) and link what they mention."""
    rng = tenant.rng("documents")
    folders: dict[str, int] = {}
    for template in TEMPLATES:
        for draft in template(tenant, rng):
            folder_id = None
            if draft.folder is not None:
                if draft.folder not in folders:
                    folders[draft.folder] = tenant.account.ids.next("document-folders")
                folder_id = folders[draft.folder]
            record_id = tenant.account.ids.next("documents")
            created, updated = lifespan(rng, tenant.created)
            attributes = {
                **tenant.owned(),
                "resource-url": resource_url(tenant.organization.id, "docs", record_id),
                "name": draft.name,
                "document-folder-id": folder_id,
                "public": draft.public,
                "restricted": draft.restricted,
                "archived": draft.archived,
                "published": draft.published,
                "content": draft.blocks,
                **stamps(created, updated),
            }
            record = Record("documents", record_id, attributes, {"related-items": []})
            tenant.documents.append(record)
            for ref in draft.refs:
                tenant.link(record, ref, "Referenced in this document")
