"""Contacts: staff (with an owner and an on-site IT contact), former staff and vendor reps.

Staff e-mail addresses follow one format per organization on its own domain; work phones share
the site's main line with an extension::

    add_contacts(tenant)
    tenant.people_with("owner")[0].record.attributes["contact-emails"][0]["value"]
"""

from __future__ import annotations

import random
import re
from typing import Any

from itglue_mcp.itglue.dataset.locations import phone_number
from itglue_mcp.itglue.dataset.records import (
    DAY,
    REFERENCE_NOW,
    Record,
    lifespan,
    plain_date,
    resource_url,
    stamps,
)
from itglue_mcp.itglue.dataset.tenant import Person, Site, Tenant
from itglue_mcp.itglue.dataset.vocabulary import FIRST_NAMES, JOB_TITLES, LAST_NAMES

__all__ = ["add_contacts"]

_EMAIL_FORMATS = ("{first}.{last}", "{f}{last}", "{first}{l}", "{first}.{last}")
_OWNER_TITLES = ("Owner", "President", "CEO", "Managing Partner", "Practice Owner")
_IT_TITLES = ("Office Manager", "IT Coordinator", "Operations Manager", "Practice Administrator")
_VENDORS = (
    ("Metro Fiber Networks", "metrofibernet.com", "Business Account Manager", "Internet circuit"),
    (
        "CopyPro Business Systems",
        "copyprobiz.com",
        "Service Coordinator",
        "Copier lease and service",
    ),
    (
        "LexiCore Software",
        "lexicoresoftware.com",
        "Support Engineer",
        "Line-of-business application",
    ),
    ("Tri-County Electric", "tricountyelectric.com", "Project Manager", "Electrician"),
    ("Apex Security Systems", "apexsecuritysys.com", "Technician", "Alarm and camera system"),
    ("Summit Voice", "summitvoice.com", "Customer Success Manager", "Hosted phone system"),
)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


class _Mailboxes:
    """Hands out unique addresses on one domain in the organization's format."""

    def __init__(self, domain: str, template: str) -> None:
        self._domain = domain
        self._template = template
        self._used: set[str] = set()

    def address(self, first: str, last: str) -> str:
        local = self._template.format(
            first=_slug(first), last=_slug(last), f=_slug(first)[:1], l=_slug(last)[:1]
        )
        candidate, number = local, 2
        while candidate in self._used:
            candidate, number = f"{local}{number}", number + 1
        self._used.add(candidate)
        return f"{candidate}@{self._domain}"


def _record(
    tenant: Tenant,
    rng: random.Random,
    site: Site,
    person: dict[str, Any],
) -> Record:
    record_id = tenant.account.ids.next("contacts")
    created, updated = lifespan(rng, tenant.created)
    attributes = {
        **tenant.owned(),
        "resource-url": resource_url(tenant.organization.id, "contacts", record_id),
        "name": f"{person['first']} {person['last']}",
        "first-name": person["first"],
        "last-name": person["last"],
        "title": person["title"],
        "contact-type-name": person["type"],
        "location-id": site.record.id,
        "location-name": site.record.name,
        "important": person["important"],
        "notes": person["notes"],
        "contact-emails": [{"value": person["email"], "primary": True, "label-name": "Work"}],
        "contact-phones": person["phones"],
        **stamps(created, updated),
    }
    return Record("contacts", record_id, attributes, {})


def _staff_phones(rng: random.Random, site: Site, extension: int) -> list[dict[str, Any]]:
    phones: list[dict[str, Any]] = [
        {
            "value": site.record.attributes["phone"],
            "extension": str(extension),
            "primary": True,
            "label-name": "Work",
        }
    ]
    if rng.random() < 0.6:
        phones.append(
            {
                "value": phone_number(rng, site.area_code),
                "extension": None,
                "primary": False,
                "label-name": "Mobile",
            }
        )
    return phones


def add_contacts(tenant: Tenant) -> None:
    """Create the organization's contacts (``tenant.people``), staff first, vendors last."""
    rng = tenant.rng("contacts")
    template = rng.choice(_EMAIL_FORMATS)
    mailboxes = _Mailboxes(tenant.profile.domain, template)
    extension = 100 + rng.randint(0, 10) * 10
    for site in tenant.sites:
        former = max(0, site.staff // 20 + rng.randint(-1, 1))
        for index in range(site.staff + former):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            role = "employee"
            if site is tenant.sites[0] and index < 2:
                role = ("owner", "it")[index]
            elif index >= site.staff:
                role = "former"
            title = {
                "owner": rng.choice(_OWNER_TITLES),
                "it": rng.choice(_IT_TITLES),
            }.get(role, rng.choice(JOB_TITLES))
            notes = None
            if role == "owner":
                notes = "Approves purchases over $1,000 and after-hours work. Prefers text."
            elif role == "former":
                left = plain_date(REFERENCE_NOW - rng.randint(10, 700) * DAY)
                notes = f"Left the company {left}; mailbox converted to shared, licence removed."
            extension += 1
            person = {
                "first": first,
                "last": last,
                "title": title,
                "type": {"former": "Former Employee", "owner": "Approver", "it": "IT Contact"}.get(
                    role, "Employee"
                ),
                "important": role in ("owner", "it"),
                "notes": notes,
                "email": mailboxes.address(first, last),
                "phones": _staff_phones(rng, site, extension),
            }
            tenant.people.append(Person(_record(tenant, rng, site, person), site, role))
    primary = tenant.sites[0]
    for company, domain, title, service in rng.sample(_VENDORS, rng.randint(2, len(_VENDORS))):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        person = {
            "first": first,
            "last": last,
            "title": f"{title}, {company}",
            "type": "Vendor",
            "important": False,
            "notes": f"{service}. Account #{rng.randint(10000, 99999)}-{rng.randint(100, 999)}.",
            "email": f"{_slug(first)}.{_slug(last)}@{domain}",
            "phones": [
                {
                    "value": phone_number(rng, rng.choice(("800", "888", primary.area_code))),
                    "extension": None,
                    "primary": True,
                    "label-name": "Work",
                }
            ],
        }
        tenant.people.append(Person(_record(tenant, rng, primary, person), primary, "vendor"))
