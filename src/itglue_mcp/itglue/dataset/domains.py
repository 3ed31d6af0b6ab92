"""Domains: the organization's primary domain and a few secondary ones, with registrars.

Most registrations renew months away; some fall due within 90 days of the reference now and a
few have lapsed, so expiration questions have answers::

    add_domains(tenant)
    tenant.domains[0].name  # 'acmecorp.com'
"""

from __future__ import annotations

from itglue_mcp.itglue.dataset.records import (
    DAY,
    REFERENCE_NOW,
    Record,
    lifespan,
    plain_date,
    resource_url,
    stamps,
)
from itglue_mcp.itglue.dataset.tenant import Tenant

__all__ = ["add_domains"]

REGISTRARS = {
    "GoDaddy": "https://sso.godaddy.com",
    "Namecheap": "https://www.namecheap.com/myaccount/login",
    "Cloudflare Registrar": "https://dash.cloudflare.com/login",
    "Network Solutions": "https://www.networksolutions.com/my-account/login",
    "Squarespace Domains": "https://account.squarespace.com",
    "Tucows": "https://www.tucowsdomains.com",
}
"""Registrar name -> its customer login page."""

_NOTES = (
    "Auto-renew on; DNS hosted at Cloudflare.",
    "DNS at the registrar. MX points to Microsoft 365; SPF, DKIM and DMARC (p=quarantine) set.",
    "Parked; redirects to the primary website.",
    "Auto-renew OFF - client pays the renewal invoice directly.",
    "Registered by the previous IT provider; transfer pending.",
    None,
)


def add_domains(tenant: Tenant) -> None:
    """Create 1 to 4 ``domains`` records; the first is the organization's primary domain."""
    rng = tenant.rng("domains")
    primary = tenant.profile.domain
    stem = primary.split(".")[0]
    candidates = [f"{stem}.net", f"{stem}.org", f"get{stem}.com", f"{stem}online.com", f"{stem}.us"]
    candidates = [name for name in candidates if name != primary]
    names = [primary, *rng.sample(candidates, rng.randint(0, 3))]
    registrar = rng.choice(list(REGISTRARS))
    for index, name in enumerate(names):
        roll = rng.random()
        if roll < 0.05:
            days = -rng.randint(1, 25)
        elif roll < 0.25:
            days = rng.randint(1, 90)
        else:
            days = rng.randint(91, 720)
        record_id = tenant.account.ids.next("domains")
        created, updated = lifespan(rng, tenant.created)
        attributes = {
            **tenant.owned(),
            "resource-url": resource_url(tenant.organization.id, "domains", record_id),
            "name": name,
            "registrar-name": registrar
            if index == 0 or rng.random() < 0.7
            else rng.choice(list(REGISTRARS)),
            "expires-on": plain_date(REFERENCE_NOW + days * DAY),
            "notes": _NOTES[1] if index == 0 else rng.choice(_NOTES),
            **stamps(created, updated),
        }
        tenant.domains.append(Record("domains", record_id, attributes, {}))
