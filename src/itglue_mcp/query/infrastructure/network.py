"""The network section: LANs and subnets, gateways, firewalls and their WAN addresses,
other network devices, internet circuits and wireless networks.

Subnets come from the LAN flexible assets; the private IPv4 /24 networks the devices' own
addresses fall in are added when no LAN asset covers them (an account without a LAN type
still shows its address plan, each line counting the devices and citing a sample). A
firewall's WAN address is one on an interface named like a WAN port (``wan1``, ``WAN 1``,
``X1 (WAN)``, ``outside``, ``untrust``) or any address it holds outside RFC 1918
(loopback and link-local aside).

Example::

    section = network(inventory)
    [e.text for e in section.entries][:2]
    # ['LAN: HQ LAN (LAN); Subnet: 10.10.10.0/24; Gateway: 10.10.10.1', 'Gateway 10.10.10.1: …']
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict

from itglue_mcp.catalog.configurations import ConfigurationView, configuration_source
from itglue_mcp.query.infrastructure.entries import (
    capped,
    cited,
    joined,
    listing,
    sample,
    where_placed,
)
from itglue_mcp.query.infrastructure.inventory import Inventory
from itglue_mcp.query.infrastructure.model import SAMPLE_SOURCES, DocumentEntry, DocumentSection
from itglue_mcp.query.infrastructure.roles import role_label
from itglue_mcp.query.infrastructure.sections import asset_entry

__all__ = ["address_holders", "addresses", "network", "wan_addresses"]

_WAN_NAME = re.compile(r"(?<![a-z])(wan|internet|isp|outside|untrust)", re.IGNORECASE)
# RFC 1918 private networks: the address plan inside a site (subnets are inferred from these).
_PRIVATE = tuple(
    ipaddress.IPv4Network(network) for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").split("/")[0].strip())
    except ValueError:
        return None


def addresses(view: ConfigurationView) -> list[tuple[str | None, str]]:
    """``(interface name or None for the primary IP, address)`` of every address the
    configuration holds, primary IP first, each address once."""
    found: dict[str, str | None] = {}
    if _address(view.primary_ip):
        found[str(_address(view.primary_ip))] = None
    for interface in view.interfaces:
        parsed = _address(interface.ip_address)
        if parsed is not None:
            found.setdefault(str(parsed), interface.name)
    return [(name, address) for address, name in found.items()]


def _private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return isinstance(address, ipaddress.IPv4Address) and any(address in n for n in _PRIVATE)


def _public(text: str) -> bool:
    """Whether an address is reached from outside the site: neither RFC 1918, loopback nor
    link-local (documentation ranges count as public: examples stand for real WAN blocks)."""
    address = ipaddress.ip_address(text)
    return not (_private(address) or address.is_loopback or address.is_link_local)


def wan_addresses(view: ConfigurationView) -> list[tuple[str | None, str]]:
    """The configuration's WAN addresses (see the module)."""
    return [
        (name, address)
        for name, address in addresses(view)
        if (name and _WAN_NAME.search(name)) or _public(address)
    ]


def address_holders(inventory: Inventory) -> dict[str, tuple[ConfigurationView, str | None]]:
    """Address → the device holding it (devices with an infrastructure role first) and the
    interface it is on."""
    ordered = sorted(inventory.configurations, key=lambda v: v.id not in inventory.role_of)
    holders: dict[str, tuple[ConfigurationView, str | None]] = {}
    for view in ordered:
        for name, address in addresses(view):
            holders.setdefault(address, (view, name))
    return holders


def _lan_networks(inventory: Inventory) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for asset in inventory.assets_of("lan"):
        for value in asset.traits.values():
            if isinstance(value, str) and "/" in value:
                try:
                    networks.append(ipaddress.ip_network(value.strip(), strict=False))
                except ValueError:
                    continue
    return networks


def _inferred_subnets(inventory: Inventory) -> list[DocumentEntry]:
    documented = _lan_networks(inventory)
    by_network: dict[ipaddress.IPv4Network, list[ConfigurationView]] = defaultdict(list)
    for view in inventory.configurations:
        for _, text in addresses(view):
            address = ipaddress.ip_address(text)
            if (
                isinstance(address, ipaddress.IPv4Address)
                and _private(address)
                and not any(address in network for network in documented)
            ):
                network = ipaddress.IPv4Network(f"{address}/24", strict=False)
                if view not in by_network[network]:
                    by_network[network].append(view)
    return [
        cited(
            f"Subnet {network} (from device addresses; no LAN asset documents it): "
            f"{len(views)} configuration{'s' if len(views) != 1 else ''} ({sample(views)})",
            *map(configuration_source, views[:SAMPLE_SOURCES]),
        )
        for network, views in sorted(by_network.items())
    ]


def _gateways(inventory: Inventory) -> list[DocumentEntry]:
    users: dict[str, list[ConfigurationView]] = defaultdict(list)
    for view in inventory.configurations:
        parsed = _address(view.default_gateway)
        if parsed is not None:
            users[str(parsed)].append(view)
    holders = address_holders(inventory)
    entries = []
    for gateway, views in sorted(users.items(), key=lambda item: -len(item[1])):
        holder = holders.get(gateway)
        held = ""
        sources = list(map(configuration_source, views[:SAMPLE_SOURCES]))
        if holder is not None:
            device, interface = holder
            held = f"held by {device.name or device.id}" + (f" ({interface})" if interface else "")
            sources.insert(0, configuration_source(device))
        entries.append(
            cited(
                joined(
                    f"Gateway {gateway}",
                    held,
                    f"default gateway of {len(views)} configuration"
                    f"{'s' if len(views) != 1 else ''} ({sample(views)})",
                ),
                *sources,
            )
        )
    return entries


def _firewall(view: ConfigurationView) -> DocumentEntry:
    wan = wan_addresses(view)
    others = [pair for pair in addresses(view) if pair not in wan]

    def listed(pairs: list[tuple[str | None, str]]) -> str:
        return ", ".join(f"{address} ({name})" if name else address for name, address in pairs)

    made = " ".join(part for part in (view.manufacturer_name, view.model_name) if part)
    return cited(
        joined(
            f"Firewall {view.name or view.id}",
            made,
            view.operating_system_name,
            f"WAN {listed(wan)}" if wan else "no WAN address recorded",
            f"other addresses {listed(others)}" if others else None,
            where_placed(view),
        ),
        configuration_source(view),
    )


def network(inventory: Inventory) -> DocumentSection:
    """The network section (see the module)."""
    entries = [asset_entry(inventory, asset) for asset in inventory.assets_of("lan")]
    entries += _inferred_subnets(inventory)
    entries += _gateways(inventory)
    entries += [_firewall(view) for view in inventory.of_role("firewall")]
    for role in ("router", "switch", "wireless access point"):
        views = inventory.of_role(role)
        if views:
            title = f"{len(views)} {role_label(role, len(views))}"
            entries.append(listing(title, [configuration_source(view) for view in views]))
    entries += [asset_entry(inventory, asset) for asset in inventory.assets_of("internet")]
    entries += [asset_entry(inventory, asset) for asset in inventory.assets_of("wireless")]
    note = "" if entries else "No network is documented: no LAN, firewall or device address."
    return capped("network", entries, note=note)
