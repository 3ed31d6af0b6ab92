"""Site subnets, address plans and MAC addresses.

Each location gets a private IPv4 subnet and an :class:`AddressPlan` that hands out addresses the
way an MSP would lay them out: the firewall (the gateway) at ``.1`` or the last-but-one address,
switches at ``.2`` to ``.9``, servers in a low static range, access points, printers and UPS cards
in their own small ranges, and workstations from a shuffled DHCP pool. :class:`MacFactory` gives
every interface of the whole dataset a distinct MAC behind a real vendor prefix::

    plan = AddressPlan(Subnet.parse("10.10.10.0/24"), gateway_last=False, rng=rng)
    plan.gateway       # '10.10.10.1'
    plan.take("server")  # '10.10.10.10'
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass

__all__ = ["AddressPlan", "MacFactory", "Subnet", "pick_subnets", "prefix_for"]

_POOLS: dict[str, tuple[int, int]] = {
    "switch": (2, 9),
    "server": (10, 39),
    "ap": (40, 69),
    "printer": (70, 89),
    "ups": (90, 99),
}
"""Static ranges as offsets from the network address (inclusive)."""

DHCP_FIRST = 100
"""Offset of the first DHCP lease; the pool ends five addresses before the broadcast address."""


@dataclass(frozen=True)
class Subnet:
    """An IPv4 network.

    Attributes:
        network: the network address as an integer.
        prefix: the prefix length (22 to 24 here).
    """

    network: int
    prefix: int

    @classmethod
    def parse(cls, cidr: str) -> Subnet:
        """Build from ``"a.b.c.d/p"``.

        Raises:
            ValueError: ``cidr`` is not a valid IPv4 network.
        """
        net = ipaddress.IPv4Network(cidr)
        return cls(int(net.network_address), net.prefixlen)

    @property
    def size(self) -> int:
        """Number of addresses, network and broadcast included."""
        return 1 << (32 - self.prefix)

    @property
    def cidr(self) -> str:
        """The subnet in CIDR notation, e.g. ``10.10.10.0/24``."""
        return f"{ipaddress.IPv4Address(self.network)}/{self.prefix}"

    @property
    def mask(self) -> str:
        """The dotted netmask, e.g. ``255.255.254.0``."""
        return str(ipaddress.IPv4Address((0xFFFFFFFF << (32 - self.prefix)) & 0xFFFFFFFF))

    def address(self, offset: int) -> str:
        """Return the dotted address ``offset`` places after the network address.

        Raises:
            ValueError: the offset falls outside the usable host range.
        """
        if not 0 < offset < self.size - 1:
            raise ValueError(f"offset {offset} is outside {self.cidr}")
        return str(ipaddress.IPv4Address(self.network + offset))


def prefix_for(endpoints: int) -> int:
    """Return the smallest prefix (24, 23 or 22) whose DHCP pool holds ``endpoints`` leases."""
    for prefix in (24, 23, 22):
        if (1 << (32 - prefix)) - 6 - DHCP_FIRST >= endpoints:
            return prefix
    raise ValueError(f"{endpoints} endpoints do not fit a /22 site")


class AddressPlan:
    """Allocates each address of one site's subnet at most once.

    Args:
        subnet: the site's subnet.
        gateway_last: put the firewall/gateway on the last-but-one address instead of ``.1``.
        rng: the organization's generator, used to shuffle the DHCP pool.
    """

    def __init__(self, subnet: Subnet, *, gateway_last: bool, rng: random.Random) -> None:
        self.subnet = subnet
        self.gateway = subnet.address(subnet.size - 2 if gateway_last else 1)
        self._next = {pool: first for pool, (first, _) in _POOLS.items()}
        self._dhcp = list(range(DHCP_FIRST, subnet.size - 5))
        rng.shuffle(self._dhcp)

    @property
    def dhcp_range(self) -> str:
        """The DHCP scope as ``first - last`` dotted addresses."""
        return f"{self.subnet.address(DHCP_FIRST)} - {self.subnet.address(self.subnet.size - 6)}"

    def take(self, pool: str) -> str:
        """Return the next free address of ``pool`` (a static range name or ``"dhcp"``).

        Raises:
            KeyError: unknown pool.
            RuntimeError: the pool is exhausted (the site was sized wrongly).
        """
        if pool == "dhcp":
            if not self._dhcp:
                raise RuntimeError(f"DHCP pool of {self.subnet.cidr} is exhausted")
            return self.subnet.address(self._dhcp.pop())
        offset = self._next[pool]
        if offset > _POOLS[pool][1]:
            raise RuntimeError(f"{pool} range of {self.subnet.cidr} is exhausted")
        self._next[pool] = offset + 1
        return self.subnet.address(offset)


def pick_subnets(
    rng: random.Random, prefixes: list[int], first: Subnet | None = None
) -> list[Subnet]:
    """Choose non-overlapping private subnets for one organization's sites.

    Third octets are spaced ten apart and aligned down to the prefix, so a /22 never overlaps its
    neighbour. Different organizations may well reuse the same ranges (192.168.1.0/24 is common).

    Args:
        rng: the organization's generator.
        prefixes: the prefix length each site needs (see :func:`prefix_for`), one per site.
        first: a fixed subnet for the first site; the others follow it in the same range.
    """
    if first is not None:
        octets = first.cidr.split(".")
        head, start = f"{octets[0]}.{octets[1]}", int(octets[2])
        prefixes = [first.prefix, *prefixes[1:]]
    else:
        family = rng.choice(("10", "10", "172", "192"))
        if family == "10":
            head = f"10.{rng.randint(0, 60)}"
        elif family == "172":
            head = f"172.{rng.randint(16, 31)}"
        else:
            head = "192.168"
        start = rng.choice((0, 1, 10, 20, 50, 100))
    subnets = []
    for index, prefix in enumerate(prefixes):
        block = 1 << (24 - prefix)
        third = (start + 10 * index) // block * block
        subnets.append(Subnet.parse(f"{head}.{third}.0/{prefix}"))
    return subnets


_MAC_MULTIPLIER = 0x9E3779  # odd, so sequence -> NIC part is a bijection modulo 2**24
_MAC_OFFSET = 0x5A17C3


class MacFactory:
    """Gives out MAC addresses that never repeat within a dataset.

    The NIC-specific half is a bijective scramble of a running sequence number, so addresses look
    random yet stay unique for the first 16.7 million interfaces whatever the vendor prefix.
    """

    def __init__(self) -> None:
        self._sequence = 0

    def next(self, oui: str) -> str:
        """Return ``AA:BB:CC:DD:EE:FF`` with the vendor prefix ``oui`` (``"AA:BB:CC"``).

        Raises:
            RuntimeError: more than 2**24 addresses were requested.
        """
        if self._sequence >= 1 << 24:
            raise RuntimeError("MAC address space exhausted")
        nic = (self._sequence * _MAC_MULTIPLIER + _MAC_OFFSET) & 0xFFFFFF
        self._sequence += 1
        return f"{oui}:{nic >> 16:02X}:{(nic >> 8) & 0xFF:02X}:{nic & 0xFF:02X}"
