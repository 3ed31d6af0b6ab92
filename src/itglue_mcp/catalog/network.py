"""Where an address lives: configurations, their interfaces and flexible assets by IP address,
network (CIDR), MAC address or serial number, and how addresses are parsed.

The lookups are the store's (:mod:`itglue_mcp.store.network`, SQL candidates checked in
Python with :mod:`ipaddress`); configurations are resolved by reference in
:mod:`~itglue_mcp.catalog.configurations`.

Example::

    network = parse_network("10.10.10.0/24")
    async with reading(sessions) as session:
        matches = await configurations_in_network(session, network, organization_ids={7})
"""

from itglue_mcp.store.interfaces import interface_for_mac
from itglue_mcp.store.network import (
    AddressMatch,
    FlexibleAssetTraits,
    KindRule,
    Network,
    addresses_of,
    configurations_by_mac,
    configurations_by_serial,
    configurations_in_network,
    configurations_of_kind,
    find_flexible_assets,
    flexible_assets_with_text,
    normalize_mac,
    parse_address,
    parse_network,
)

__all__ = [
    "AddressMatch",
    "FlexibleAssetTraits",
    "KindRule",
    "Network",
    "addresses_of",
    "configurations_by_mac",
    "configurations_by_serial",
    "configurations_in_network",
    "configurations_of_kind",
    "find_flexible_assets",
    "flexible_assets_with_text",
    "interface_for_mac",
    "normalize_mac",
    "parse_address",
    "parse_network",
]
