"""What a record is to an infrastructure document: a device's role, a flexible asset's role,
and a flexible asset's traits as short facts and linked records.

A configuration's role is the first of :data:`DEVICE_ROLES` whose rule in
:data:`~itglue_mcp.query.network.KIND_RULES` (the one home of configuration kinds) it meets;
the others are counted by type. A flexible asset's role comes from its type's name, because
every MSP names its types itself ("Backup" or "Backup Job", "Wireless" or "Wi-Fi", "Licensing"
or "Software Licence"): the first of :data:`ASSET_ROLES` whose words the name holds.

Example::

    device_role(firewall_view)                # 'firewall'
    asset_role("Software Licence")            # 'license'
    trait_facts(asset, schema)                # ['Seats: 12', 'Renewal: 2027-01-31']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from itglue_mcp.catalog.configurations import ConfigurationView
from itglue_mcp.catalog.flexible_assets import AssetField, AssetTypeSchema, AssetWithTraits
from itglue_mcp.query.network import KIND_RULES

__all__ = [
    "ASSET_ROLES",
    "DEVICE_ROLES",
    "INFRASTRUCTURE_ROLES",
    "SERVER_ROLES",
    "AssetRole",
    "asset_role",
    "device_role",
    "role_label",
    "tag_targets",
    "trait_facts",
]

DEVICE_ROLES = (
    "firewall",
    "router",
    "switch",
    "wireless access point",
    "hypervisor",
    "server",
    "nas",
)
"""Configuration kinds the document describes one by one, in the order a device is tested."""

SERVER_ROLES = frozenset({"hypervisor", "server"})
"""Roles a backup is expected to protect."""

INFRASTRUCTURE_ROLES = frozenset({"firewall", "router", "hypervisor", "server", "nas"})
"""Roles drawn in the dependency diagram (switches and access points are counted, not drawn)."""

AssetRole = Literal["wireless", "backup", "license", "certificate", "internet", "lan"]

ASSET_ROLES: dict[AssetRole, tuple[str, ...]] = {
    "wireless": ("wireless", "wi-fi", "wifi", "wlan", "ssid"),
    "backup": ("backup", "backups"),
    "license": ("license", "licenses", "licence", "licences", "licensing", "subscription"),
    "certificate": ("certificate", "certificates", "ssl", "tls"),
    "internet": ("isp", "circuit", "internet", "wan"),
    "lan": ("lan", "lans", "subnet", "subnets", "vlan", "network", "networks"),
}
"""Flexible asset role → words of a type name that give it (tested in this order)."""

# Trait kinds that are no short fact: secrets (never stored anyway), free text, files, headings.
_NOT_FACTS = frozenset({"password", "textbox", "upload", "header", "tag"})
_MAX_FACT = 80
# IT Glue's Tag ``type`` values are the plural record names ("Configurations", "Passwords").
_TAG_TYPES = {
    "configurations": "configurations",
    "passwords": "passwords",
    "locations": "locations",
    "contacts": "contacts",
    "domains": "domains",
    "documents": "documents",
    "organizations": "organizations",
}


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


_LABELS = {
    "switch": ("switch", "switches"),
    "nas": ("NAS", "NAS devices"),
}


def role_label(role: str, count: int) -> str:
    """The role's name for ``count`` devices: ``firewall``, ``switches``, ``NAS devices``."""
    singular, plural = _LABELS.get(role, (role, f"{role}s"))
    return singular if count == 1 else plural


def device_role(view: ConfigurationView) -> str | None:
    """The first of :data:`DEVICE_ROLES` the configuration is of, else ``None``."""
    return next((role for role in DEVICE_ROLES if KIND_RULES[role].matches(view)), None)


def asset_role(type_name: str | None) -> AssetRole | None:
    """The role of a flexible asset type by its name (see the module), else ``None``."""
    name = type_name or ""
    for role, words in ASSET_ROLES.items():
        if any(_has_word(name, word) for word in words):
            return role
    return None


def _fact(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = " ".join(str(value).split())
    if not text:
        return None
    return text if len(text) <= _MAX_FACT else text[: _MAX_FACT - 1] + "…"


def trait_facts(asset: AssetWithTraits, schema: AssetTypeSchema | None) -> list[str]:
    """``"<field>: <value>"`` for each filled short field of the asset, in the type's order:
    no free text, no Tag (see :func:`tag_targets`), never a Password-kind field."""
    if schema is None:
        return []
    facts = []
    for field in schema.fields:
        if (field.kind or "").lower() in _NOT_FACTS:
            continue
        value = _fact(asset.traits.get(field.name_key))
        if value is not None:
            facts.append(f"{field.name}: {value}")
    return facts


def tag_targets(
    asset: AssetWithTraits, schema: AssetTypeSchema | None
) -> Iterator[tuple[AssetField, tuple[str, int]]]:
    """Each record a Tag trait of the asset links, as ``(field, (JSON:API type, id))``."""
    if schema is None:
        return
    for field in schema.fields:
        value = asset.traits.get(field.name_key)
        if (field.kind or "").lower() != "tag" or not isinstance(value, Mapping):
            continue
        record_type = _TAG_TYPES.get(str(value.get("type") or field.tag_type or "").lower())
        if record_type is None:
            continue
        for target in value.get("values") or ():
            if isinstance(target, Mapping) and isinstance(target.get("id"), int):
                yield field, (record_type, target["id"])
