"""Build one ``configurations`` record with its ``configuration-interfaces``.

:class:`DeviceSpec` says what a device is (role, name, model, status, user);
:meth:`DeviceBuilder.build` turns it into a record with realistic interfaces (firewall LAN on
the gateway address and a WAN in a documentation range, management controllers on servers, DHCP
leases on workstations), unique MACs, a serial in the manufacturer's style, install and warranty
dates and OS notes::

    device = DeviceBuilder(tenant, rng).build(site, DeviceSpec("firewall", "ACME-FW01", model))
    device.record.relationships["configuration-interfaces"][0].attributes["ip-address"]
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from itglue_mcp.itglue.dataset.catalog import Model, serial_number
from itglue_mcp.itglue.dataset.records import (
    DAY,
    REFERENCE_NOW,
    YEAR,
    Record,
    last_update,
    plain_date,
    resource_url,
    stamps,
    timestamp,
)
from itglue_mcp.itglue.dataset.tenant import Device, Person, Site, Tenant

__all__ = ["DeviceBuilder", "DeviceSpec"]

WAN_BLOCKS = ("203.0.113", "198.51.100", "192.0.2")
"""RFC 5737 documentation ranges used for firewall WAN addresses."""

_FIREWALL_PORTS = {
    "Fortinet": ("port1", "wan1"),
    "Sophos": ("Port1 (LAN)", "Port2 (WAN)"),
    "SonicWall": ("X0", "X1"),
    "Netgate": ("igc1 (LAN)", "igc0 (WAN)"),
    "Cisco Meraki": ("LAN", "Internet 1"),
}
_MANAGEMENT = {"Dell Inc.": "iDRAC", "HPE": "iLO", "Lenovo": "XClarity Controller"}
_TYPES = {
    "hypervisor": "Hypervisor Host",
    "firewall": "Firewall",
    "switch": "Switch",
    "ap": "Wireless Access Point",
    "printer": "Printer",
    "nas": "NAS",
    "ups": "UPS",
    "workstation": "Managed Workstation",
    "laptop": "Laptop",
}
_POOLS = {"switch": "switch", "ap": "ap", "printer": "printer", "ups": "ups", "nas": "server"}
_BUILDS = {
    "Windows 11 Pro": (("23H2", "22631"), ("24H2", "26100")),
    "Windows 10 Pro": (("22H2", "19045"),),
    "Windows Server 2019 Standard": (("1809", "17763"),),
    "Windows Server 2022 Standard": (("21H2", "20348"),),
    "Windows Server 2022 Datacenter": (("21H2", "20348"),),
    "Windows Server 2025 Standard": (("24H2", "26100"),),
}


@dataclass(frozen=True)
class DeviceSpec:
    """What a configuration is before it gets addresses and dates.

    Attributes:
        role: see :class:`~itglue_mcp.itglue.dataset.tenant.Device`.
        name: configuration name (and hostname, unless the model names itself).
        model: hardware model.
        status: ``Active``, ``Inactive`` or ``Decommissioned``.
        virtual: a virtual machine (no warranty, virtual NIC).
        user: the contact using it (workstations and laptops).
        notes: free-text notes.
        system: operating system overriding the model's choices (legacy servers).
        asset_tag: the organization's asset tag, if it tags this device.
    """

    role: str
    name: str
    model: Model
    status: str = "Active"
    virtual: bool = False
    user: Person | None = None
    notes: str | None = None
    system: str | None = None
    asset_tag: str | None = None


def _layout(
    spec: DeviceSpec, system: str | None, rng: random.Random
) -> list[tuple[str, str | None]]:
    """Return ``(interface name, address pool)`` pairs; the first interface is the primary."""
    role, model = spec.role, spec.model
    if role == "firewall":
        lan, wan = _FIREWALL_PORTS[model.manufacturer]
        return [(lan, "gateway"), (wan, "wan")]
    if role in _POOLS:
        name = {
            "switch": "Management VLAN",
            "ap": "eth0",
            "printer": "Ethernet",
            "ups": "Network Management Card",
            "nas": "LAN 1",
        }[role]
        return [(name, _POOLS[role])] + ([("LAN 2", None)] if role == "nas" else [])
    if role in ("workstation", "laptop"):
        wired = "en0" if model.manufacturer == "Apple" else "Ethernet"
        if role == "workstation":
            return [(wired, "dhcp")]
        dock = [("Ethernet (dock)", None)] if rng.random() < 0.3 else []
        return [("Wi-Fi", "dhcp"), *dock]
    if spec.virtual:
        return [("Ethernet0" if model.manufacturer.startswith("VMware") else "Ethernet", "server")]
    management = [(_MANAGEMENT[model.manufacturer], "server")]
    if role == "hypervisor" and system is not None and system.startswith("VMware"):
        return [("vmk0 (Management)", "server"), ("vmnic1 (VM traffic)", None), *management]
    if role == "hypervisor":
        return [("Management", "server"), ("vSwitch External", None), *management]
    return [("Ethernet 1", "server"), ("Ethernet 2", None), *management]


def _hostname(spec: DeviceSpec, mac: str) -> str:
    tail = mac.replace(":", "")
    if spec.role == "printer" and spec.model.manufacturer == "HP":
        return f"NPI{tail[-6:]}"
    if spec.role == "printer" and spec.model.manufacturer == "Brother":
        return f"BRN{tail}"
    if spec.role == "ups" and spec.model.manufacturer == "APC":
        return f"apc{tail[-6:]}"
    return spec.name


def _os_notes(system: str | None, rng: random.Random, in_service: bool) -> str | None:
    if system is None or not in_service or rng.random() < 0.25:
        return None
    patched = plain_date(REFERENCE_NOW - rng.randint(1, 45) * DAY)
    if system in _BUILDS:
        version, build = rng.choice(_BUILDS[system])
        revision = rng.randint(1000, 6000)
        notes = f"Version {version} (OS build {build}.{revision}). Last patched {patched}."
        if system == "Windows 10 Pro":
            notes += " Extended Security Updates licence applied."
        return notes
    return f"Firmware/OS current as of {patched}."


class DeviceBuilder:
    """Builds the configurations of one organization.

    Args:
        tenant: the organization.
        rng: its configurations generator.
    """

    def __init__(self, tenant: Tenant, rng: random.Random) -> None:
        self._tenant = tenant
        self._rng = rng
        lookups = tenant.account.lookups
        self._types = lookups.configuration_types
        self._kinds = lookups.kinds
        self._statuses = lookups.configuration_statuses

    def _interfaces(
        self, spec: DeviceSpec, site: Site, system: str | None, times: tuple[int, int]
    ) -> tuple[list[Record], str | None]:
        """Build the interfaces; return them and the default gateway of the device."""
        rng, tenant = self._rng, self._tenant
        in_network = spec.status != "Decommissioned" and not (
            spec.status == "Inactive" and spec.role in ("workstation", "laptop")
        )
        gateway: str | None = site.plan.gateway if in_network else None
        interfaces = []
        oui = rng.choice(spec.model.ouis)
        created, updated = times
        for position, (name, pool) in enumerate(_layout(spec, system, rng)):
            notes = None
            address: str | None = None
            if in_network and pool == "gateway":
                address = site.plan.gateway
                notes = f"LAN gateway for {site.plan.subnet.cidr}"
            elif in_network and pool == "wan":
                block = rng.choice(WAN_BLOCKS)
                address, gateway = f"{block}.{rng.randint(2, 254)}", f"{block}.1"
                notes = f"Static IP from Metro Fiber Networks; upstream gateway {gateway}"
            elif in_network and pool is not None:
                address = site.plan.take(pool)
            record_id = tenant.account.ids.next("configuration-interfaces")
            attributes = {
                "configuration-id": 0,
                "name": name,
                "ip-address": address,
                "mac-address": tenant.account.macs.next(oui),
                "primary": position == 0,
                "notes": notes,
                **stamps(created, last_update(rng, created, updated)),
            }
            interfaces.append(Record("configuration-interfaces", record_id, attributes))
        return interfaces, gateway

    def build(self, site: Site, spec: DeviceSpec) -> Device:
        """Create the configuration, append it to ``tenant.devices`` and return it."""
        rng, tenant = self._rng, self._tenant
        in_service = spec.status == "Active"
        age = (rng.randint(5, 9) if spec.status == "Decommissioned" else 0) * YEAR
        installed = REFERENCE_NOW - age - rng.randint(20, 6 * 365) * DAY
        created = min(max(tenant.created, installed) + rng.randint(0, 3 * DAY), REFERENCE_NOW)
        updated = last_update(rng, created)
        system = spec.system or (rng.choice(spec.model.systems) if spec.model.systems else None)
        interfaces, gateway = self._interfaces(spec, site, system, (created, updated))
        record_id = tenant.account.ids.next("configurations")
        for interface in interfaces:
            interface.attributes["configuration-id"] = record_id
        primary = interfaces[0].attributes
        warranty = None
        if spec.model.warranty_years and not spec.virtual and rng.random() < 0.88:
            end = (
                installed + rng.choice(spec.model.warranty_years) * YEAR + rng.randint(0, 20) * DAY
            )
            warranty = plain_date(end)
        type_name = _TYPES.get(spec.role, "Virtual Server" if spec.virtual else "Managed Server")
        status = self._statuses[spec.status]
        user = spec.user.record if spec.user is not None else None
        attributes: dict[str, Any] = {
            **tenant.owned(),
            "resource-url": resource_url(tenant.organization.id, "configurations", record_id),
            "name": spec.name,
            "hostname": _hostname(spec, str(primary["mac-address"])),
            "primary-ip": primary["ip-address"],
            "default-gateway": gateway,
            "mac-address": primary["mac-address"],
            "serial-number": serial_number(spec.model, rng, str(primary["mac-address"])),
            "asset-tag": spec.asset_tag,
            "configuration-type-id": self._types[type_name].id,
            "configuration-type-name": type_name,
            "configuration-type-kind": self._kinds[type_name],
            "configuration-status-id": status.id,
            "configuration-status-name": status.name,
            "manufacturer-name": spec.model.manufacturer,
            "model-name": spec.model.name,
            "operating-system-name": system,
            "operating-system-notes": _os_notes(system, rng, in_service),
            "location-id": site.record.id,
            "location-name": site.record.name,
            "contact-id": None if user is None else user.id,
            "contact-name": None if user is None else user.name,
            "notes": spec.notes,
            "warranty-expires-at": warranty,
            "installed-at": timestamp(installed),
            "archived": spec.status == "Decommissioned" and rng.random() < 0.5,
            **stamps(created, updated),
        }
        relationships = {"configuration-interfaces": interfaces, "related-items": []}
        record = Record("configurations", record_id, attributes, relationships)
        device = Device(record, spec.role, site, spec.model, in_service)
        tenant.devices.append(device)
        return device
