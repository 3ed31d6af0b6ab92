"""Account-wide flexible asset types and their field schemas.

Eight types an MSP typically defines (SSL Certificate, Licensing, Active Directory, Email, Backup,
LAN, Wireless, Application). Each becomes a ``flexible-asset-types`` record whose
``relationships.flexible-asset-fields`` point at ``flexible-asset-fields`` entries in the same
file's ``included``. :meth:`AssetType.traits` turns values keyed by field name into the
``traits`` object keyed by ``name-key``::

    types = build_asset_types(ids, rng)
    types["Wireless"].traits({"SSID": "Acme-Corp"})["ssid"]  # 'Acme-Corp'
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from itglue_mcp.itglue.dataset.lookups import ACCOUNT_CREATED
from itglue_mcp.itglue.dataset.records import YEAR, IdAllocator, Record, lifespan, stamps

__all__ = ["AssetType", "FieldSpec", "build_asset_types", "name_key"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a flexible asset type (see the module docstring)."""

    name: str
    kind: str
    required: bool = False
    show_in_list: bool = False
    tag_type: str | None = None
    options: tuple[str, ...] = ()
    expiration: bool = False
    hint: str | None = None


def _f(name: str, kind: str, **options: Any) -> FieldSpec:
    return FieldSpec(name, kind, **options)


ASSET_TYPE_SPECS: dict[str, tuple[str, str, tuple[FieldSpec, ...]]] = {
    "SSL Certificate": (
        "fa-lock",
        "Public and internal TLS certificates and where they are installed.",
        (
            _f("Common Name", "Text", required=True, show_in_list=True),
            _f("Subject Alternative Names", "Textbox", hint="One name per line"),
            _f(
                "Issuer",
                "Select",
                show_in_list=True,
                options=("DigiCert", "Sectigo", "Let's Encrypt", "GoDaddy", "GlobalSign"),
            ),
            _f("Issued On", "Date"),
            _f("Expires On", "Date", required=True, show_in_list=True, expiration=True),
            _f("Auto Renew", "Checkbox"),
            _f("Installed On", "Tag", tag_type="Configurations"),
            _f("Private Key Password", "Password"),
            _f("Certificate File", "Upload"),
            _f("Notes", "Textbox"),
        ),
    ),
    "Licensing": (
        "fa-key",
        "Software subscriptions, seat counts and renewal dates.",
        (
            _f("Product", "Text", required=True, show_in_list=True),
            _f("Vendor", "Text", show_in_list=True),
            _f("Seats", "Number", show_in_list=True),
            _f("License Key", "Password"),
            _f("Renewal Date", "Date", show_in_list=True, expiration=True),
            _f("Licensed Devices", "Tag", tag_type="Configurations"),
            _f("Vendor Portal Login", "Tag", tag_type="Passwords"),
            _f("Notes", "Textbox"),
        ),
    ),
    "Active Directory": (
        "fa-sitemap",
        "The Windows domain: controllers, functional level, break-glass accounts.",
        (
            _f("AD Domain Name", "Text", required=True, show_in_list=True),
            _f("NetBIOS Name", "Text", show_in_list=True),
            _f(
                "Forest Functional Level",
                "Select",
                options=("Windows Server 2012 R2", "Windows Server 2016", "Windows Server 2025"),
            ),
            _f("Domain Controllers", "Tag", tag_type="Configurations"),
            _f("Credentials", "Header"),
            _f("Domain Admin Account", "Tag", tag_type="Passwords"),
            _f("DSRM Password", "Password"),
            _f("Entra Connect Sync", "Checkbox"),
            _f("Notes", "Textbox"),
        ),
    ),
    "Email": (
        "fa-envelope",
        "Mail platform, tenant and filtering.",
        (
            _f(
                "Platform",
                "Select",
                required=True,
                show_in_list=True,
                options=("Microsoft 365", "Google Workspace", "Exchange Server"),
            ),
            _f("Primary Domain", "Tag", tag_type="Domains", show_in_list=True),
            _f("Tenant Name", "Text"),
            _f("MX Records", "Textbox"),
            _f(
                "Spam Filtering",
                "Select",
                options=("Microsoft Defender", "Mimecast", "Proofpoint Essentials", "Barracuda"),
            ),
            _f("Licensed Mailboxes", "Number"),
            _f("Global Admin", "Tag", tag_type="Passwords"),
            _f("Notes", "Textbox"),
        ),
    ),
    "Backup": (
        "fa-hdd-o",
        "Backup jobs, targets, retention and restore tests.",
        (
            _f("Backup Name", "Text", required=True, show_in_list=True),
            _f(
                "Solution",
                "Select",
                show_in_list=True,
                options=(
                    "Veeam Backup & Replication",
                    "Datto SIRIS",
                    "Acronis Cyber Protect",
                    "Synology Active Backup",
                ),
            ),
            _f("Backup Server", "Tag", tag_type="Configurations"),
            _f("Protected Devices", "Tag", tag_type="Configurations"),
            _f("Schedule", "Text"),
            _f("Retention Days", "Number"),
            _f("Offsite Copy", "Checkbox"),
            _f("Encryption Password", "Password"),
            _f("Last Test Restore", "Date"),
            _f("Notes", "Textbox"),
        ),
    ),
    "LAN": (
        "fa-exchange",
        "One site network: subnet, gateway, DHCP and DNS.",
        (
            _f("Network Name", "Text", required=True, show_in_list=True),
            _f("Location", "Tag", tag_type="Locations", show_in_list=True),
            _f("Subnet", "Text", show_in_list=True),
            _f("Gateway", "Text"),
            _f("VLAN", "Number"),
            _f("DHCP Server", "Tag", tag_type="Configurations"),
            _f("DHCP Range", "Text"),
            _f("DNS Servers", "Text"),
            _f("Notes", "Textbox"),
        ),
    ),
    "Wireless": (
        "fa-wifi",
        "Wireless networks and the access points that broadcast them.",
        (
            _f("SSID", "Text", required=True, show_in_list=True),
            _f("Location", "Tag", tag_type="Locations", show_in_list=True),
            _f("Security", "Select", options=("WPA2-Personal", "WPA2-Enterprise", "WPA3-Personal")),
            _f("Pre-Shared Key", "Password"),
            _f("Guest Network", "Checkbox", show_in_list=True),
            _f("VLAN", "Number"),
            _f("Access Points", "Tag", tag_type="Configurations"),
            _f("Notes", "Textbox"),
        ),
    ),
    "Application": (
        "fa-cubes",
        "Line-of-business applications, their servers and owners.",
        (
            _f("Application Name", "Text", required=True, show_in_list=True),
            _f("Vendor", "Text", show_in_list=True),
            _f("Version", "Text"),
            _f("Application Server", "Tag", tag_type="Configurations"),
            _f("Database Server", "Tag", tag_type="Configurations"),
            _f("Admin Login", "Tag", tag_type="Passwords"),
            _f("Champion", "Tag", tag_type="Contacts"),
            _f("Licensed Users", "Number"),
            _f("Vendor Support", "Textbox"),
            _f("Notes", "Textbox"),
        ),
    ),
}
"""Type name -> (icon, description, fields in order)."""


def name_key(name: str) -> str:
    """Return the field's ``name-key``: lower case, runs of other characters turned into ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class AssetType:
    """A flexible asset type record with its field specs.

    Attributes:
        record: the ``flexible-asset-types`` record (fields in its relationships).
        fields: the field specs in order.
    """

    record: Record
    fields: tuple[FieldSpec, ...]

    def traits(self, values: dict[str, Any]) -> dict[str, Any]:
        """Return ``traits`` by ``name-key``: one entry per non-Header field, ``None`` if unset.

        Raises:
            KeyError: ``values`` names a field the type does not have.
        """
        known = {spec.name for spec in self.fields}
        unknown = sorted(set(values) - known)
        if unknown:
            raise KeyError(f"{self.record.name} has no field {unknown[0]!r}")
        return {
            name_key(spec.name): values.get(spec.name)
            for spec in self.fields
            if spec.kind != "Header"
        }

    def expiration_fields(self) -> list[FieldSpec]:
        """The Date fields whose value IT Glue tracks as an expiration."""
        return [spec for spec in self.fields if spec.expiration]


def build_asset_types(ids: IdAllocator, rng: random.Random) -> dict[str, AssetType]:
    """Create the account's flexible asset types with their ``flexible-asset-fields`` children.

    Args:
        ids: the dataset's id allocator.
        rng: the account-level generator (only timestamps are drawn from it).

    Returns:
        Asset types keyed by name, in :data:`ASSET_TYPE_SPECS` order.
    """
    types = {}
    for type_name, (icon, description, specs) in ASSET_TYPE_SPECS.items():
        created, updated = lifespan(rng, ACCOUNT_CREATED, ACCOUNT_CREATED + YEAR)
        type_id = ids.next("flexible-asset-types")
        fields = []
        for order, spec in enumerate(specs, start=1):
            field_created, field_updated = lifespan(rng, created, updated)
            attributes = {
                "order": order,
                "name": spec.name,
                "name-key": name_key(spec.name),
                "kind": spec.kind,
                "hint": spec.hint,
                "tag-type": spec.tag_type,
                "required": spec.required,
                "show-in-list": spec.show_in_list,
                "use-for-title": order == 1,
                "expiration": spec.expiration,
                "default-value": "\n".join(spec.options) if spec.options else None,
                "flexible-asset-type-id": type_id,
                **stamps(field_created, field_updated),
            }
            fields.append(
                Record("flexible-asset-fields", ids.next("flexible-asset-fields"), attributes)
            )
        attributes = {
            "name": type_name,
            "description": description,
            "icon": icon,
            "enabled": True,
            "show-in-menu": True,
            **stamps(created, updated),
        }
        record = Record(
            "flexible-asset-types", type_id, attributes, {"flexible-asset-fields": fields}
        )
        types[type_name] = AssetType(record, specs)
    return types
