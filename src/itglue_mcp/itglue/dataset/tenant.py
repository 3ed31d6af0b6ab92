"""The in-memory model of one organization while its records are being generated.

:class:`Account` holds what all organizations share (id allocator, MAC factory, lookup tables,
flexible asset types); :class:`Tenant` collects one organization's records as each module adds
them, with the extra facts later modules need (a site's subnet, a device's role and IP)::

    tenant = Tenant(account, profile, organization_record, created=...)
    firewall = tenant.devices_with("firewall")[0]
    firewall.record.attributes["primary-ip"]
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from itglue_mcp.itglue.dataset.catalog import Model
from itglue_mcp.itglue.dataset.flexible_asset_types import AssetType
from itglue_mcp.itglue.dataset.lookups import Lookups
from itglue_mcp.itglue.dataset.network import AddressPlan, MacFactory
from itglue_mcp.itglue.dataset.records import IdAllocator, Record

__all__ = ["Account", "Device", "OrgProfile", "Person", "Site", "Tenant"]


@dataclass(frozen=True)
class OrgProfile:
    """Who an organization is, decided before any of its records exist.

    Attributes:
        index: position in the dataset (0-based).
        name: organization name, unique in the dataset.
        short_name: short name, unique; also the hostname prefix when ``naming`` is ``"prefix"``.
        domain: primary e-mail/web domain, unique.
        tier: ``"small"``, ``"medium"`` or ``"large"``.
        employees: staff count (drives contacts and endpoints).
        site_count: number of locations (1 to 4).
        naming: ``"prefix"`` (``ACME-DC01``) or ``"bare"`` (``DC01``).
        firewall_brand: one of :data:`~itglue_mcp.itglue.dataset.catalog.FIREWALL_BRANDS`.
        organization_type: ``organization-type-name``.
        organization_status: ``organization-status-name``.
        primary_subnet: fixed CIDR for the first site (anchor organizations), else ``None``.
        parent_index: index of the parent organization, if any.
        primary: whether this is the MSP's own organization.
    """

    index: int
    name: str
    short_name: str
    domain: str
    tier: str
    employees: int
    site_count: int
    naming: str
    firewall_brand: str
    organization_type: str = "Customer"
    organization_status: str = "Active"
    primary_subnet: str | None = None
    parent_index: int | None = None
    primary: bool = False

    @property
    def ad_domain(self) -> str:
        """The Active Directory DNS domain, e.g. ``corp.acmecorp.com`` or ``nw.local``."""
        if self.index % 3 == 1:
            return f"{self.short_name.lower()}.local"
        return f"corp.{self.domain}"

    @property
    def netbios(self) -> str:
        """The NetBIOS domain name (the short name in capitals)."""
        return self.short_name.upper()

    def hostname(self, role_code: str, number: int) -> str:
        """Return a server or network device name such as ``ACME-DC01`` or ``DC01``."""
        base = f"{role_code}{number:02d}"
        return f"{self.short_name}-{base}" if self.naming == "prefix" else base


@dataclass
class Account:
    """State shared by every organization of one dataset.

    Attributes:
        seed: the dataset seed.
        ids: id allocator.
        macs: MAC factory.
        lookups: configuration types, statuses and password categories.
        asset_types: flexible asset types by name.
    """

    seed: int
    ids: IdAllocator
    macs: MacFactory
    lookups: Lookups
    asset_types: dict[str, AssetType]


@dataclass
class Site:
    """A location with its network.

    Attributes:
        record: the ``locations`` record.
        plan: the site's address plan (subnet, gateway, pools).
        staff: people working there.
        area_code: telephone area code of its city.
    """

    record: Record
    plan: AddressPlan
    staff: int
    area_code: str


@dataclass
class Person:
    """A contact.

    Attributes:
        record: the ``contacts`` record.
        site: where they work (vendors are attached to the primary site).
        role: ``"employee"``, ``"owner"``, ``"it"``, ``"former"`` or ``"vendor"``.
    """

    record: Record
    site: Site
    role: str


@dataclass
class Device:
    """A configuration with the facts other modules need.

    Attributes:
        record: the ``configurations`` record.
        role: ``dc``, ``file``, ``app``, ``sql``, ``backup``, ``legacy``, ``hypervisor``,
            ``firewall``, ``switch``, ``ap``, ``printer``, ``nas``, ``ups``, ``workstation`` or
            ``laptop``.
        site: its location.
        model: its hardware model.
        in_service: ``False`` for inactive or decommissioned devices.
        passwords: passwords whose resource is this configuration.
    """

    record: Record
    role: str
    site: Site
    model: Model
    in_service: bool
    passwords: list[Record] = field(default_factory=list)

    @property
    def ip(self) -> str | None:
        """The ``primary-ip``."""
        value = self.record.attributes["primary-ip"]
        return None if value is None else str(value)


@dataclass
class Tenant:
    """One organization's records under construction.

    Attributes:
        account: shared dataset state.
        profile: the organization's profile.
        organization: its ``organizations`` record.
        created: epoch seconds when it was added to IT Glue; child records are not older.
        sites, people, devices: locations, contacts and configurations with their facts.
        passwords, assets, documents, domains, expirations: the other top-level records.
        links: ``(record, other, notes)`` pairs that become related items at the end.
    """

    account: Account
    profile: OrgProfile
    organization: Record
    created: int
    sites: list[Site] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    passwords: list[Record] = field(default_factory=list)
    assets: list[Record] = field(default_factory=list)
    documents: list[Record] = field(default_factory=list)
    domains: list[Record] = field(default_factory=list)
    expirations: list[Record] = field(default_factory=list)
    links: list[tuple[Record, Record, str | None]] = field(default_factory=list)

    def rng(self, topic: str) -> random.Random:
        """Return a generator for one topic of this organization (independent of other topics)."""
        return random.Random(f"{self.account.seed}:{self.profile.index}:{topic}")

    def owned(self) -> dict[str, Any]:
        """Return the ``organization-id`` / ``organization-name`` attribute pair."""
        return {
            "organization-id": self.organization.id,
            "organization-name": self.organization.name,
        }

    def devices_with(self, *roles: str) -> list[Device]:
        """In-service devices whose role is one of ``roles``, in creation order."""
        return [device for device in self.devices if device.role in roles and device.in_service]

    def people_with(self, *roles: str) -> list[Person]:
        """Contacts whose role is one of ``roles``, in creation order."""
        return [person for person in self.people if person.role in roles]

    def link(self, record: Record, other: Record, notes: str | None = None) -> None:
        """Ask for a related item between ``record`` and ``other`` (made by the related module)."""
        self.links.append((record, other, notes))

    def top_level(self) -> list[Record]:
        """Every top-level record of the organization, the organization first."""
        return [
            self.organization,
            *(site.record for site in self.sites),
            *(person.record for person in self.people),
            *(device.record for device in self.devices),
            *self.passwords,
            *self.assets,
            *self.documents,
            *self.domains,
            *self.expirations,
        ]
