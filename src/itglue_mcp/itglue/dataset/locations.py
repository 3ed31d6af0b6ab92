"""Locations: addresses, phones and each site's private subnet.

The first location is the primary one (headquarters); every location gets its own subnet sized
for its staff, laid out by :class:`~itglue_mcp.itglue.dataset.network.AddressPlan`::

    add_locations(tenant)
    tenant.sites[0].plan.subnet.cidr  # '10.10.10.0/24' for Acme
"""

from __future__ import annotations

import random

from itglue_mcp.itglue.dataset.network import AddressPlan, Subnet, pick_subnets, prefix_for
from itglue_mcp.itglue.dataset.records import Record, lifespan, resource_url, stamps
from itglue_mcp.itglue.dataset.tenant import Site, Tenant
from itglue_mcp.itglue.dataset.vocabulary import CITIES, STREET_NAMES, STREET_SUFFIXES, City

__all__ = ["add_locations", "phone_number"]

ENDPOINTS_PER_STAFF = 1.2
"""Upper bound of workstations plus laptops per person, used to size DHCP pools."""

_PRIMARY_NAMES = ("Headquarters", "Main Office", "Corporate Office", "{city} Office")
_BRANCH_NAMES = ("{city} Office", "{city} Branch", "{city} Warehouse", "{city} Satellite Office")
_NOTES = (
    "Network closet behind reception; rack key in the office manager's desk.",
    "ISP: Metro Fiber Networks 1 Gbps fiber, static /29. Circuit ID MFN-{n}.",
    "Server room on the 2nd floor, badge access only. Alarm panel by the rear door.",
    "Building management handles the HVAC in the server room - call the front desk.",
    None,
    None,
)


def _staff_split(rng: random.Random, staff: int, sites: int) -> list[int]:
    if sites == 1:
        return [staff]
    primary = staff * rng.randint(45, 70) // 100
    weights = [rng.randint(1, 3) for _ in range(sites - 1)]
    rest = staff - primary
    shares = [rest * weight // sum(weights) for weight in weights]
    shares[-1] += rest - sum(shares)
    return [primary, *shares]


def _postal_code(rng: random.Random, city: City) -> str:
    if city.country == "Canada":
        letter = rng.choice("ABCEGHJKLMNPRSTVXY")
        return f"{city.postal} {rng.randint(1, 9)}{letter}{rng.randint(0, 9)}"
    return f"{city.postal}{rng.randint(0, 99):02d}"


def phone_number(rng: random.Random, area_code: str) -> str:
    """Return a fictional North American number in the reserved ``555-01xx`` block."""
    return f"({area_code}) 555-01{rng.randint(0, 99):02d}"


def add_locations(tenant: Tenant) -> None:
    """Create the organization's locations and their address plans (``tenant.sites``)."""
    rng = tenant.rng("locations")
    profile = tenant.profile
    cities = rng.sample(CITIES, profile.site_count)
    staff = _staff_split(rng, profile.employees, profile.site_count)
    prefixes = [prefix_for(int(count * ENDPOINTS_PER_STAFF) + 10) for count in staff]
    fixed = None if profile.primary_subnet is None else Subnet.parse(profile.primary_subnet)
    subnets = pick_subnets(rng, prefixes, fixed)
    for index, (city, subnet, count) in enumerate(zip(cities, subnets, staff, strict=True)):
        template = rng.choice(_PRIMARY_NAMES if index == 0 else _BRANCH_NAMES)
        created, updated = lifespan(rng, tenant.created)
        record_id = tenant.account.ids.next("locations")
        note = rng.choice(_NOTES)
        attributes = {
            **tenant.owned(),
            "resource-url": resource_url(tenant.organization.id, "locations", record_id),
            "name": template.format(city=city.city),
            "primary": index == 0,
            "address-1": f"{rng.randint(10, 9900)} {rng.choice(STREET_NAMES)} "
            f"{rng.choice(STREET_SUFFIXES)}",
            "address-2": rng.choice((None, None, f"Suite {rng.randint(1, 9)}00", "Floor 2")),
            "city": city.city,
            "postal-code": _postal_code(rng, city),
            "region-name": city.region,
            "country-name": city.country,
            "phone": phone_number(rng, city.area_code),
            "notes": None if note is None else note.format(n=rng.randint(100000, 999999)),
            **stamps(created, updated),
        }
        gateway_last = profile.primary_subnet is None and rng.random() < 0.25
        plan = AddressPlan(subnet, gateway_last=gateway_last, rng=rng)
        tenant.sites.append(
            Site(Record("locations", record_id, attributes, {}), plan, count, city.area_code)
        )
