"""Organization profiles (name, size, naming scheme) and ``organizations`` records.

The first organizations are fixed anchors the demo and evaluation rely on (Acme Corporation,
Northwind Traders, the MSP itself, and two near-duplicates of the anchors); the rest get
realistic, unique names built from word lists, with an occasional near-duplicate of an earlier
name. A profile depends only on the seed, its index and the names taken before it::

    names = NameRegistry()
    profile = plan_profile(0, seed=7, names=names)
    profile.name, profile.short_name  # ('Acme Corporation', 'ACME')
"""

from __future__ import annotations

import html
import random
import re

from itglue_mcp.itglue.dataset.catalog import FIREWALL_BRANDS
from itglue_mcp.itglue.dataset.lookups import ACCOUNT_CREATED
from itglue_mcp.itglue.dataset.records import (
    BASE_URL,
    DAY,
    REFERENCE_NOW,
    YEAR,
    Record,
    lifespan,
    plain_date,
    stamps,
)
from itglue_mcp.itglue.dataset.tenant import OrgProfile, Tenant
from itglue_mcp.itglue.dataset.vocabulary import (
    INDUSTRY_SUFFIXES,
    LAST_NAMES,
    NEAR_DUPLICATE_SUFFIXES,
    PLACE_WORDS,
    SURNAME_FIRM_SUFFIXES,
)

__all__ = ["NameRegistry", "add_quick_notes", "organization_record", "plan_profile"]

ANCHORS: dict[int, OrgProfile] = {
    0: OrgProfile(0, "Acme Corporation", "ACME", "acmecorp.com", "medium", 120, 2, "prefix",
                  "Fortinet", primary_subnet="10.10.10.0/24"),
    1: OrgProfile(1, "Northwind Traders", "NW", "northwindtraders.com", "medium", 95, 2, "prefix",
                  "Sophos", primary_subnet="192.168.20.0/24"),
    2: OrgProfile(2, "BrightPath Technology Partners", "BP", "brightpathtech.com", "small", 28, 1,
                  "prefix", "Meraki", organization_type="Internal", primary=True),
    5: OrgProfile(5, "Northwind Logistics", "NWL", "northwindlogistics.com", "small", 40, 1,
                  "bare", "SonicWall", parent_index=1),
    8: OrgProfile(8, "Acme Manufacturing", "AMFG", "acmemfg.com", "medium", 140, 2, "prefix",
                  "SonicWall"),
}  # fmt: skip
"""Fixed organizations by index; they exist whenever the dataset is large enough to reach them."""

TIER_PATTERN = ("medium", "medium", "small", "large", "medium", "small", "medium", "large",
                "small", "medium")  # fmt: skip
"""Size tier by ``index % 10``: three small, five medium and two large in every ten."""

_EMPLOYEES = {"small": (15, 50), "medium": (80, 200), "large": (250, 650)}
_SITES = {"small": (1, 1, 1, 2), "medium": (1, 2, 2, 3), "large": (3, 4, 4)}
_STOP_WORDS = {"&", "llp", "co.", "co", "the", "of", "and", "group", "inc", "company", "associates"}
_ALERTS = (
    "Do not reboot servers during business hours (7am-7pm) without the office manager's approval.",
    "Block-hours agreement: log all time against the current block.",
    "Contract renewal pending - check with the account manager before quoting projects.",
    "Medical practice: HIPAA. Never copy patient data off site.",
    "After-hours work requires a ticket approved by the owner.",
)


class NameRegistry:
    """Names, short names and domains already used, so every organization's are unique."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        for anchor in ANCHORS.values():
            self.claim(anchor.name, anchor.short_name, anchor.domain)
        self.bases: list[tuple[int, str]] = []

    def free(self, *values: str) -> bool:
        """Tell whether none of ``values`` is used yet (case-insensitive)."""
        return all(value.lower() not in self._taken for value in values)

    def claim(self, *values: str) -> None:
        """Mark ``values`` as used."""
        self._taken.update(value.lower() for value in values)


def _base_word(name: str) -> str:
    """Return the distinctive start of a name ("Cedar Ridge", "Acme") for near-duplicates."""
    for place in PLACE_WORDS:
        if name.startswith(f"{place} "):
            return place
    return name.split()[0].rstrip(",")


def _short_name(name: str, names: NameRegistry) -> str:
    words = [w for w in re.split(r"[\s,]+", name) if w and w.lower() not in _STOP_WORDS]
    initials = "".join(w[0] for w in words if w[0].isalpha()).upper()
    first = re.sub(r"[^A-Za-z]", "", words[0]).upper()[:6]
    for candidate in (initials, first):
        if len(candidate) >= 2 and names.free(candidate):
            return candidate
    number = 2
    while not names.free(f"{initials[:4]}{number}"):
        number += 1
    return f"{initials[:4]}{number}"


def _domain(name: str, names: NameRegistry) -> str:
    words = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in name.split()]
    words = [w for w in words if w and w not in _STOP_WORDS]
    stem = "".join(words[:2])
    for candidate in (f"{stem}.com", f"{stem}.net", f"{stem}.co", f"{stem}hq.com"):
        if names.free(candidate):
            return candidate
    number = 2
    while not names.free(f"{stem}{number}.com"):
        number += 1
    return f"{stem}{number}.com"


def _invent_name(rng: random.Random, names: NameRegistry) -> tuple[str, int | None]:
    """Return a fresh organization name and, for a near-duplicate, the index it echoes."""
    while True:
        roll = rng.random()
        echoed = None
        if roll < 0.12 and names.bases:
            echoed, base = rng.choice(names.bases)
            name = f"{base} {rng.choice(NEAR_DUPLICATE_SUFFIXES)}"
        elif roll < 0.3:
            first, second, third = rng.sample(LAST_NAMES, 3)
            name = rng.choice(
                (
                    f"{first} & {second} LLP",
                    f"{first} {rng.choice(SURNAME_FIRM_SUFFIXES)}",
                    f"{first}, {second} & {third}",
                )
            )
        else:
            name = f"{rng.choice(PLACE_WORDS)} {rng.choice(INDUSTRY_SUFFIXES)}"
        if names.free(name):
            return name, echoed


def plan_profile(index: int, *, seed: int, names: NameRegistry) -> OrgProfile:
    """Decide organization ``index``'s identity and size.

    Args:
        index: 0-based position in the dataset.
        seed: the dataset seed.
        names: names taken by organizations ``0 .. index-1``; the new ones are claimed.

    Returns:
        The anchor profile for anchor indexes, otherwise an invented one.
    """
    rng = random.Random(f"{seed}:{index}:profile")
    if index in ANCHORS:
        profile = ANCHORS[index]
    else:
        tier = TIER_PATTERN[index % len(TIER_PATTERN)]
        name, echoed = _invent_name(rng, names)
        short_name = _short_name(name, names)
        domain = _domain(name, names)
        names.claim(name, short_name, domain)
        bare = index % 5 in (3, 4) if index < 10 else rng.random() < 0.3
        inactive = rng.random() < 0.05
        profile = OrgProfile(
            index=index,
            name=name,
            short_name=short_name,
            domain=domain,
            tier=tier,
            employees=rng.randint(*_EMPLOYEES[tier]),
            site_count=rng.choice(_SITES[tier]),
            naming="bare" if bare else "prefix",
            firewall_brand=rng.choice(FIREWALL_BRANDS),
            organization_status="Inactive" if inactive else "Active",
            parent_index=echoed if echoed is not None and rng.random() < 0.4 else None,
        )
    if profile.organization_type == "Customer":
        names.bases.append((index, _base_word(profile.name)))
    return profile


def organization_record(
    profile: OrgProfile, *, record_id: int, parent_id: int | None, rng: random.Random
) -> tuple[Record, int]:
    """Build the ``organizations`` record (quick notes are filled in by :func:`add_quick_notes`).

    Args:
        profile: the organization's profile.
        record_id: its id.
        parent_id: id of the parent organization, if any.
        rng: the organization's generator.

    Returns:
        The record and the epoch second it was created.
    """
    if profile.primary:
        not_before, not_after = ACCOUNT_CREATED, ACCOUNT_CREATED + 30 * DAY
    else:
        not_before, not_after = REFERENCE_NOW - 3 * YEAR, REFERENCE_NOW - 120 * DAY
    created, _ = lifespan(rng, not_before, not_after)
    _, updated = lifespan(rng, created)
    sites = "one location" if profile.site_count == 1 else f"{profile.site_count} locations"
    description = (
        f"{profile.name}: about {profile.employees} staff across {sites}. "
        f"Managed by BrightPath since {plain_date(created)[:4]}."
    )
    if profile.primary:
        description = "BrightPath's own infrastructure (internal)."
    attributes = {
        "name": profile.name,
        "short-name": profile.short_name,
        "description": description,
        "alert": rng.choice(_ALERTS) if rng.random() < 0.2 else None,
        "quick-notes": None,
        "organization-type-name": profile.organization_type,
        "organization-status-name": profile.organization_status,
        "primary": profile.primary,
        "parent-id": parent_id,
        "resource-url": f"{BASE_URL}/{record_id}",
        **stamps(created, updated),
    }
    return Record("organizations", record_id, attributes, {}), created


def add_quick_notes(tenant: Tenant) -> None:
    """Fill ``quick-notes`` with the main line, key contacts and firewall, as technicians do."""
    site = tenant.sites[0]
    lines = [f"Main line: {site.record.attributes['phone']}"]
    for person in tenant.people_with("owner", "it"):
        label = "Owner / approver" if person.role == "owner" else "On-site IT contact"
        lines.append(f"{label}: {person.record.name}")
    lines += [f"Firewall: {fw.record.name} ({fw.ip})" for fw in tenant.devices_with("firewall")[:1]]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    tenant.organization.attributes["quick-notes"] = body
