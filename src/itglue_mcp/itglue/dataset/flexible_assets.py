"""Flexible assets of one organization: AD, e-mail, SSL certificates, licences, backups, LANs,
wireless networks and applications.

Tag traits (``{"type": "Configurations", "values": [{"id", "name"}]}``) point at records of the
same organization; Password traits hold secrets; some passwords belong to an asset (resource
type ``FlexibleAsset``) and Tag traits of type ``Passwords`` point at them::

    add_flexible_assets(tenant, key_passwords)
    [a.name for a in tenant.assets][:2]  # ['corp.acmecorp.com', 'Microsoft 365']
"""

from __future__ import annotations

import random
from typing import Any

from itglue_mcp.itglue.dataset.flexible_asset_types import name_key
from itglue_mcp.itglue.dataset.passwords import PasswordFactory, secret
from itglue_mcp.itglue.dataset.records import (
    DAY,
    REFERENCE_NOW,
    Record,
    lifespan,
    plain_date,
    resource_url,
    stamps,
)
from itglue_mcp.itglue.dataset.tenant import Device, Tenant

__all__ = ["add_flexible_assets"]

_APPLICATIONS = (
    ("QuickBooks Enterprise", "Intuit", "24.0", False),
    ("Sage 100", "Sage", "2024.2", True),
    ("Dentrix G7", "Henry Schein One", "7.4", True),
    ("Epicor Kinetic", "Epicor", "2024.1", True),
    ("AutoCAD LT", "Autodesk", "2025", False),
    ("PaperCut MF", "PaperCut", "23.0", True),
    ("LexiCore Case Manager", "LexiCore Software", "11.3", True),
    ("Procore", "Procore Technologies", "SaaS", False),
    ("Microsoft Dynamics GP", "Microsoft", "18.7", True),
    ("Mitel MiVoice Connect", "Mitel", "19.3", True),
)
_SECURITY_SUBSCRIPTIONS = {
    "Fortinet": "FortiGuard Unified Threat Protection",
    "Sophos": "Sophos Xstream Protection",
    "SonicWall": "SonicWall Advanced Protection Service Suite",
    "pfSense": "Netgate TAC Pro",
    "Meraki": "Meraki MX Advanced Security",
}


def _tag(tag_type: str, records: list[Record]) -> dict[str, Any] | None:
    """A Tag trait pointing at ``records``, or ``None`` when there are none."""
    if not records:
        return None
    return {"type": tag_type, "values": [{"id": r.id, "name": r.name} for r in records]}


def _devices(devices: list[Device]) -> list[Record]:
    return [device.record for device in devices]


def _date_around(rng: random.Random, soon: bool) -> str:
    """An expiry date: within 90 days (some already past) when ``soon``, else 3-20 months out."""
    days = rng.randint(-20, 90) if soon else rng.randint(91, 600)
    return plain_date(REFERENCE_NOW + days * DAY)


class _Assets:
    """Creates the assets of one organization."""

    def __init__(self, tenant: Tenant, keys: dict[str, Record]) -> None:
        self.tenant = tenant
        self.keys = keys
        self.rng = tenant.rng("flexible-assets")
        self.factory = PasswordFactory(tenant, self.rng)
        self.types = tenant.account.asset_types

    def make(self, type_name: str, values: dict[str, Any], archived: bool = False) -> Record:
        """Create an asset of ``type_name`` whose traits are ``values`` (by field name)."""
        asset_type = self.types[type_name]
        type_record = asset_type.record
        record_id = self.tenant.account.ids.next("flexible-assets")
        created, updated = lifespan(self.rng, self.tenant.created)
        path = f"assets/{type_record.id}-{name_key(type_name)}/records"
        attributes = {
            **self.tenant.owned(),
            "resource-url": resource_url(self.tenant.organization.id, path, record_id),
            "flexible-asset-type-id": type_record.id,
            "flexible-asset-type-name": type_name,
            "name": str(values[asset_type.fields[0].name]),
            "traits": asset_type.traits(values),
            "archived": archived,
            **stamps(created, updated),
        }
        record = Record("flexible-assets", record_id, attributes, {"related-items": []})
        self.tenant.assets.append(record)
        return record

    def embed(
        self,
        asset: Record,
        name: str,
        category: str,
        username: str | None,
        url: str | None = None,
        style: str = "complex",
    ) -> Record:
        """Create a password whose resource is ``asset`` (category and login as given)."""
        return self.factory.make(
            name, category=category, username=username, url=url, resource=asset, style=style
        )

    def active_directory(self) -> None:
        tenant, rng = self.tenant, self.rng
        dcs = tenant.devices_with("dc")
        asset = self.make(
            "Active Directory",
            {
                "AD Domain Name": tenant.profile.ad_domain,
                "NetBIOS Name": tenant.profile.netbios,
                "Forest Functional Level": rng.choice(
                    ("Windows Server 2012 R2", "Windows Server 2016", "Windows Server 2016")
                ),
                "Domain Controllers": _tag("Configurations", _devices(dcs)),
                "Domain Admin Account": _tag(
                    "Passwords", [self.keys["domain-admin"], self.keys["msp-admin"]]
                ),
                "DSRM Password": secret(rng),
                "Entra Connect Sync": rng.random() < 0.7,
                "Notes": "<p>Password policy: 14 characters, 90-day expiry, 10-try lockout.</p>",
            },
        )
        for dc in dcs:
            tenant.link(asset, dc.record, "Domain controller")

    def email(self) -> None:
        tenant, rng = self.tenant, self.rng
        domain = tenant.profile.domain
        stem = domain.split(".")[0]
        google = rng.random() < 0.15
        values: dict[str, Any] = {
            "Platform": "Google Workspace" if google else "Microsoft 365",
            "Primary Domain": _tag("Domains", tenant.domains[:1]),
            "Tenant Name": domain if google else f"{stem}.onmicrosoft.com",
            "MX Records": "aspmx.l.google.com (1)"
            if google
            else f"{stem}-com.mail.protection.outlook.com (0)",
            "Spam Filtering": rng.choice(
                ("Microsoft Defender", "Mimecast", "Proofpoint Essentials", "Barracuda")
            ),
            "Licensed Mailboxes": tenant.profile.employees + rng.randint(2, 12),
            "Notes": "<p>Shared mailboxes: info@, billing@. Conditional Access requires MFA.</p>",
        }
        asset = self.make("Email", values)
        admin = self.embed(
            asset,
            "Google Workspace Super Admin" if google else "Microsoft 365 Global Admin",
            "Email",
            f"admin@{values['Tenant Name']}",
            "https://admin.google.com" if google else "https://admin.microsoft.com",
        )
        asset.attributes["traits"][name_key("Global Admin")] = _tag("Passwords", [admin])

    def certificates(self) -> None:
        tenant, rng = self.tenant, self.rng
        domain = tenant.profile.domain
        firewalls, rds = tenant.devices_with("firewall"), tenant.devices_with("rds")
        web = tenant.devices_with("app")
        options = [
            (f"vpn.{domain}", firewalls[:1]),
            (f"www.{domain}", []),
            (f"*.{domain}", firewalls[:1]),
        ]
        if rds:
            options.append((f"remote.{domain}", rds))
        if web:
            options.append((f"portal.{domain}", web[:1]))
        chosen = rng.sample(options, rng.randint(1, len(options)))
        for position, (common_name, installed_on) in enumerate(chosen):
            issuer = rng.choice(("DigiCert", "Sectigo", "Let's Encrypt", "GoDaddy", "GlobalSign"))
            expires = _date_around(rng, soon=position == 0 or rng.random() < 0.2)
            host = installed_on[0].record.name if installed_on else "the web host"
            asset = self.make(
                "SSL Certificate",
                {
                    "Common Name": common_name,
                    "Subject Alternative Names": "\n".join(sorted({common_name, domain})),
                    "Issuer": issuer,
                    "Issued On": plain_date(REFERENCE_NOW - rng.randint(30, 330) * DAY),
                    "Expires On": expires,
                    "Auto Renew": issuer == "Let's Encrypt",
                    "Installed On": _tag("Configurations", _devices(installed_on)),
                    "Private Key Password": secret(rng) if rng.random() < 0.5 else None,
                    "Notes": f"<p>CSR generated on {host}.</p>",
                },
            )
            for device in installed_on:
                tenant.link(asset, device.record, "Certificate installed here")

    def licences(self) -> None:
        tenant, rng = self.tenant, self.rng
        profile = tenant.profile
        endpoints = len(tenant.devices_with("workstation", "laptop"))
        servers = tenant.devices_with("dc", "file", "app", "sql", "backup", "rds")
        products = [
            ("Microsoft 365 Business Premium", "Microsoft", profile.employees, [], None),
            (
                _SECURITY_SUBSCRIPTIONS[profile.firewall_brand],
                profile.firewall_brand,
                len(tenant.sites),
                _devices(tenant.devices_with("firewall")),
                self.keys["security-vendor"],
            ),
            ("SentinelOne Complete", "SentinelOne", endpoints + len(servers), [], None),
            (
                "Windows Server 2022 Standard (16-core)",
                "Microsoft",
                max(1, len(servers)),
                _devices(servers),
                None,
            ),
            ("Adobe Acrobat Pro", "Adobe", rng.randint(3, 25), [], None),
            ("Duo MFA", "Cisco Duo", profile.employees, [], None),
            (
                "Veeam Data Platform Foundation",
                "Veeam",
                len(servers),
                _devices(tenant.devices_with("backup")),
                None,
            ),
            ("AutoCAD LT", "Autodesk", rng.randint(2, 8), [], None),
        ]
        keep = products[:2] + rng.sample(products[2:], rng.randint(1, len(products) - 2))
        for product, vendor, seats, devices, login in keep:
            key = "-".join(
                "".join(rng.choice("BCDFGHJKMPQRTVWXY2346789") for _ in range(5)) for _ in range(5)
            )
            self.make(
                "Licensing",
                {
                    "Product": product,
                    "Vendor": vendor,
                    "Seats": seats,
                    "License Key": key,
                    "Renewal Date": _date_around(rng, soon=rng.random() < 0.25),
                    "Licensed Devices": _tag("Configurations", devices),
                    "Vendor Portal Login": _tag("Passwords", [login] if login else []),
                    "Notes": None,
                },
            )

    def backups(self) -> None:
        tenant, rng = self.tenant, self.rng
        targets = tenant.devices_with("backup") or tenant.devices_with("nas")
        if not targets:
            return
        protected = tenant.devices_with("dc", "file", "app", "sql", "rds", "hypervisor")
        jobs = [
            ("Nightly server backup", "Daily 22:00", protected),
            ("Microsoft 365 backup", "Every 4 hours", []),
        ]
        for name, schedule, devices in jobs[: rng.randint(1, 2)]:
            solution = (
                "Veeam Backup & Replication"
                if tenant.devices_with("backup")
                else "Synology Active Backup"
            )
            asset = self.make(
                "Backup",
                {
                    "Backup Name": name,
                    "Solution": solution,
                    "Backup Server": _tag("Configurations", _devices(targets[:1])),
                    "Protected Devices": _tag("Configurations", _devices(devices)),
                    "Schedule": schedule,
                    "Retention Days": rng.choice((14, 30, 30, 60, 90)),
                    "Offsite Copy": rng.random() < 0.7,
                    "Encryption Password": secret(rng, "passphrase"),
                    "Last Test Restore": plain_date(REFERENCE_NOW - rng.randint(5, 200) * DAY),
                    "Notes": "<p>Failure alerts go to the BrightPath service desk.</p>",
                },
            )
            self.embed(
                asset, f"{name} console login", "Backup", f"{tenant.profile.netbios}\\svc-veeam"
            )
            tenant.link(asset, targets[0].record, "Backup target")

    def networks(self) -> None:
        tenant, rng = self.tenant, self.rng
        for site in tenant.sites:
            dcs = [d for d in tenant.devices_with("dc") if d.site is site]
            dhcp = dcs[:1] or [d for d in tenant.devices_with("firewall") if d.site is site]
            dns = ", ".join(str(d.ip) for d in tenant.devices_with("dc")[:2]) or "1.1.1.1, 8.8.8.8"
            asset = self.make(
                "LAN",
                {
                    "Network Name": f"{site.record.name} LAN",
                    "Location": _tag("Locations", [site.record]),
                    "Subnet": site.plan.subnet.cidr,
                    "Gateway": site.plan.gateway,
                    "VLAN": rng.choice((1, 10, 100)),
                    "DHCP Server": _tag("Configurations", _devices(dhcp)),
                    "DHCP Range": site.plan.dhcp_range,
                    "DNS Servers": dns,
                    "Notes": f"<p>Netmask {site.plan.subnet.mask}. Servers and network gear use "
                    "static addresses below .100.</p>",
                },
            )
            for firewall in [d for d in tenant.devices_with("firewall") if d.site is site]:
                tenant.link(asset, firewall.record, "Gateway")
            aps = _devices([d for d in tenant.devices_with("ap") if d.site is site])
            ssids = [
                (f"{tenant.profile.short_name}-Staff", False),
                (f"{tenant.profile.short_name}-Guest", True),
            ]
            for ssid, guest in ssids[: 1 + (rng.random() < 0.7)]:
                personal = guest or rng.random() < 0.6
                wifi = self.make(
                    "Wireless",
                    {
                        "SSID": ssid,
                        "Location": _tag("Locations", [site.record]),
                        "Security": "WPA2-Personal" if personal else "WPA2-Enterprise",
                        "Guest Network": guest,
                        "VLAN": 50 if guest else 20,
                        "Access Points": _tag("Configurations", aps),
                        "Notes": "<p>Guest VLAN isolated from the LAN; capped at 50 Mbps.</p>"
                        if guest
                        else None,
                    },
                )
                if personal:
                    key = self.embed(
                        wifi,
                        f"Wi-Fi {ssid} ({site.record.name})",
                        "Wireless",
                        None,
                        style="passphrase",
                    )
                    wifi.attributes["traits"][name_key("Pre-Shared Key")] = key.attributes[
                        "password"
                    ]

    def applications(self) -> None:
        tenant, rng = self.tenant, self.rng
        app_servers, sql_servers = tenant.devices_with("app"), tenant.devices_with("sql")
        staff = tenant.people_with("employee", "owner", "it")
        for name, vendor, version, on_premises in rng.sample(_APPLICATIONS, rng.randint(2, 5)):
            servers = app_servers[:1] if on_premises else []
            databases = sql_servers[:1] if on_premises else []
            asset = self.make(
                "Application",
                {
                    "Application Name": name,
                    "Vendor": vendor,
                    "Version": version,
                    "Application Server": _tag("Configurations", _devices(servers)),
                    "Database Server": _tag("Configurations", _devices(databases)),
                    "Champion": _tag("Contacts", [rng.choice(staff).record] if staff else []),
                    "Licensed Users": rng.randint(3, max(4, tenant.profile.employees)),
                    "Vendor Support": f"<p>{vendor} support portal; quote the customer number.</p>",
                    "Notes": "<p>The vendor applies updates in a scheduled remote session.</p>",
                },
            )
            admin = self.embed(
                asset,
                f"{name} admin",
                "Web Portal" if not on_premises else "Service Account",
                "admin",
            )
            asset.attributes["traits"][name_key("Admin Login")] = _tag("Passwords", [admin])
            for device in servers + databases:
                tenant.link(asset, device.record, "Hosts this application")


def add_flexible_assets(tenant: Tenant, key_passwords: dict[str, Record]) -> None:
    """Create the organization's flexible assets (``tenant.assets``) and their passwords.

    Args:
        tenant: the organization, with devices, domains and passwords already made.
        key_passwords: the mapping returned by
            :func:`~itglue_mcp.itglue.dataset.credentials.add_passwords`.
    """
    assets = _Assets(tenant, key_passwords)
    if tenant.devices_with("dc"):
        assets.active_directory()
    assets.email()
    assets.certificates()
    assets.licences()
    assets.backups()
    assets.networks()
    assets.applications()
