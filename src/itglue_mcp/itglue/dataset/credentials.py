"""Which credentials an organization has: per-device passwords and organization-level logins.

Devices get the credentials a technician would store (firewall admin GUI and VPN keys, switch,
printer and UPS web logins, iDRAC/iLO, hypervisor root, SQL ``sa``, local administrator,
BitLocker or FileVault recovery keys); the organization gets registrar, ISP, vendor-portal,
line-of-business portal and Active Directory service-account logins. The returned mapping names
the few passwords flexible assets point at::

    key_passwords = add_passwords(tenant)
    key_passwords["domain-admin"].attributes["username"]  # 'ACME\\Administrator'
"""

from __future__ import annotations

import random

from itglue_mcp.itglue.dataset.domains import REGISTRARS
from itglue_mcp.itglue.dataset.passwords import PasswordFactory
from itglue_mcp.itglue.dataset.records import Record
from itglue_mcp.itglue.dataset.tenant import Device, Tenant

__all__ = ["add_passwords"]

_FIREWALL_ADMIN = {
    "Fortinet": ("admin", "https://{ip}"),
    "Sophos": ("admin", "https://{ip}:4444"),
    "SonicWall": ("admin", "https://{ip}"),
    "Netgate": ("admin", "https://{ip}"),
    "Cisco Meraki": ("it@{domain}", "https://dashboard.meraki.com"),
}
_VENDOR_PORTALS = {
    "Fortinet": ("FortiCloud / FortiCare support", "https://support.fortinet.com"),
    "Sophos": ("Sophos Central", "https://central.sophos.com"),
    "SonicWall": ("MySonicWall", "https://www.mysonicwall.com"),
    "pfSense": ("Netgate support portal", "https://portal.netgate.com"),
    "Meraki": ("Meraki Dashboard organization admin", "https://dashboard.meraki.com"),
}
_HARDWARE_PORTALS = {
    "Dell Inc.": ("Dell TechDirect", "https://tdm.dell.com"),
    "HPE": ("HPE Support Center", "https://support.hpe.com"),
    "Lenovo": ("Lenovo Premier Support", "https://pcsupport.lenovo.com"),
}
_OUT_OF_BAND = {
    "Dell Inc.": ("iDRAC", "root"),
    "HPE": ("iLO", "Administrator"),
    "Lenovo": ("XCC", "USERID"),
}
_WEB_PORTALS = (
    ("ADP Workforce Now", "https://workforcenow.adp.com"),
    ("QuickBooks Online", "https://qbo.intuit.com"),
    ("Zoom admin", "https://zoom.us/signin"),
    ("Dropbox Business admin", "https://www.dropbox.com/login"),
    ("Bank of America CashPro", "https://cashproonline.bankofamerica.com"),
    ("UPS shipping account", "https://www.ups.com/lasso/login"),
    ("Adobe Admin Console", "https://adminconsole.adobe.com"),
    ("DocuSign admin", "https://admin.docusign.com"),
)
_WIRELESS_CONTROLLERS = {
    "Ubiquiti": ("UniFi Site Manager", "https://unifi.ui.com"),
    "HPE Aruba": ("Aruba Instant On portal", "https://portal.arubainstanton.com"),
    "Ruckus": ("Ruckus Unleashed master AP", None),
}


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(length))


class _DeviceCredentials:
    """Per-device password rules for one organization."""

    def __init__(self, tenant: Tenant, factory: PasswordFactory, rng: random.Random) -> None:
        self.tenant = tenant
        self.factory = factory
        self.rng = rng
        short = tenant.profile.short_name.lower()
        self.local_admin = rng.choice(("Administrator", f"{short}admin", "bpadmin", "itadmin"))
        self.laps = rng.random() < 0.4

    def local(self, device: Device) -> None:
        mac = device.model.manufacturer == "Apple"
        notes = "Managed by Windows LAPS; rotates every 30 days." if self.laps and not mac else None
        username = "bpadmin" if mac else f".\\{self.local_admin}"
        self.factory.for_device(
            device, "Local Administrator", category="Local Admin", username=username, notes=notes
        )

    def add(self, device: Device) -> None:
        rng, factory, role, ip = self.rng, self.factory, device.role, device.ip
        maker = device.model.manufacturer
        if role == "firewall":
            username, url = _FIREWALL_ADMIN[maker]
            factory.for_device(
                device,
                "Admin GUI",
                category="Network Device",
                username=username.format(domain=self.tenant.profile.domain),
                url=url.format(ip=ip),
                notes="Super-admin account; MFA not supported on the local login.",
            )
            if len(self.tenant.sites) > 1 or rng.random() < 0.5:
                factory.for_device(
                    device,
                    "IPsec VPN pre-shared key",
                    category="Remote Access",
                    username=None,
                    notes="Site-to-site tunnel between the offices.",
                    style="passphrase",
                )
        elif role in ("switch", "ap", "printer", "ups") and ip is not None:
            controller = maker in ("Ubiquiti", "Cisco Meraki") or (
                role == "ap" and maker != "Fortinet"
            )
            chance = {"switch": 0.85, "ap": 0.15, "printer": 0.5, "ups": 0.7}[role]
            if not controller and rng.random() < chance:
                label = {
                    "switch": "Admin",
                    "ap": "Local admin",
                    "printer": "Embedded web server",
                    "ups": "Network Management Card",
                }[role]
                username = {"APC": "apc", "HPE Aruba": "manager"}.get(maker, "admin")
                scheme = "http" if role == "printer" else "https"
                factory.for_device(
                    device,
                    label,
                    category="Network Device",
                    username=username,
                    url=f"{scheme}://{ip}",
                )
        elif role == "nas" and ip is not None:
            port = 5001 if maker == "Synology" else 8080
            factory.for_device(
                device,
                "Admin",
                category="Backup",
                username=f"{self.tenant.profile.short_name.lower()}admin",
                url=f"https://{ip}:{port}",
                notes="2-step verification enabled for this account.",
            )
        elif role in ("workstation", "laptop"):
            self.endpoint(device)
        elif ip is not None or role == "legacy":
            self.server(device)

    def endpoint(self, device: Device) -> None:
        rng, factory = self.rng, self.factory
        if device.role == "laptop" and device.model.manufacturer == "Apple":
            factory.for_device(
                device,
                "FileVault Recovery Key",
                category="BitLocker",
                username=None,
                style="recovery",
            )
        elif device.role == "laptop":
            key_id = f"{_hex(rng, 8)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 12)}"
            factory.for_device(
                device,
                "BitLocker Recovery Key",
                category="BitLocker",
                username=None,
                notes=f"Recovery key ID: {key_id}. Escrowed to Entra ID as well.",
                style="bitlocker",
            )
        if rng.random() < 0.8:
            self.local(device)

    def server(self, device: Device) -> None:
        rng, factory, role = self.rng, self.factory, device.role
        interfaces = device.record.relationships["configuration-interfaces"]
        maker = device.model.manufacturer
        if maker in _OUT_OF_BAND and len(interfaces) > 2:
            label, username = _OUT_OF_BAND[maker]
            address = interfaces[-1].attributes["ip-address"]
            factory.for_device(
                device,
                label,
                category="Out-of-Band Management",
                username=username,
                url=None if address is None else f"https://{address}",
            )
        system = str(device.record.attributes["operating-system-name"] or "")
        if role == "hypervisor" and system.startswith("VMware"):
            factory.for_device(
                device,
                "ESXi root",
                category="Hypervisor",
                username="root",
                url=f"https://{device.ip}/ui",
            )
        elif role not in ("dc",) and rng.random() < 0.7:
            self.local(device)
        if role == "sql":
            factory.for_device(
                device,
                "SQL sa",
                category="Database",
                username="sa",
                notes="SQL authentication is enabled only for the line-of-business application.",
            )
        if role == "backup":
            factory.for_device(
                device,
                "Veeam console",
                category="Backup",
                username=f"{self.tenant.profile.netbios}\\svc-veeam",
            )


def _organization_passwords(
    tenant: Tenant, factory: PasswordFactory, rng: random.Random
) -> dict[str, Record]:
    profile = tenant.profile
    netbios, domain = profile.netbios, profile.domain
    keys = {
        "domain-admin": factory.make(
            "Domain Administrator (break glass)",
            category="Active Directory",
            username=f"{netbios}\\Administrator",
            folder="Infrastructure",
            notes="Sealed copy in the office safe. Use only if the BrightPath admin accounts fail.",
        ),
        "msp-admin": factory.make(
            "BrightPath admin account",
            category="Active Directory",
            username=f"{netbios}\\bp-admin",
            folder="Infrastructure",
        ),
    }
    services = [
        ("svc-scan", "Scan-to-folder account used by the copiers.", True),
        ("svc-veeam", "Veeam service account.", bool(tenant.devices_with("backup"))),
        ("svc-sql", "SQL Server service account.", bool(tenant.devices_with("sql"))),
        ("svc-entraconnect", "Entra Connect Sync directory account.", rng.random() < 0.7),
    ]
    for account, notes, present in services:
        if present:
            factory.make(
                f"Service account {account}",
                category="Service Account",
                username=f"{netbios}\\{account}",
                folder="Service Accounts",
                notes=notes,
            )
    for registrar in sorted({str(d.attributes["registrar-name"]) for d in tenant.domains}):
        factory.make(
            f"{registrar} account",
            category="Domain Registrar",
            username=f"it@{domain}",
            url=REGISTRARS[registrar],
            folder="Vendor Portals",
        )
    factory.make(
        "Metro Fiber Networks customer portal",
        category="Vendor Portal",
        username=f"{rng.randint(8000000, 8999999)}",
        url="https://my.metrofibernet.com",
        folder="Vendor Portals",
    )
    label, url = _VENDOR_PORTALS[profile.firewall_brand]
    keys["security-vendor"] = factory.make(
        label, category="Vendor Portal", username=f"it@{domain}", url=url, folder="Vendor Portals"
    )
    servers = tenant.devices_with("hypervisor", "dc")
    if servers and servers[0].model.manufacturer in _HARDWARE_PORTALS:
        label, url = _HARDWARE_PORTALS[servers[0].model.manufacturer]
        factory.make(
            label,
            category="Vendor Portal",
            username=f"it@{domain}",
            url=url,
            folder="Vendor Portals",
        )
    makers = sorted(
        {d.model.manufacturer for d in tenant.devices_with("ap")} & set(_WIRELESS_CONTROLLERS)
    )
    for maker in makers:
        label, controller_url = _WIRELESS_CONTROLLERS[maker]
        factory.make(label, category="Network Device", username=f"it@{domain}", url=controller_url)
    for label, url in rng.sample(_WEB_PORTALS, rng.randint(2, 5)):
        factory.make(label, category="Web Portal", username=f"office@{domain}", url=url)
    if rng.random() < 0.3:
        factory.make(
            "Old ISP portal (cancelled)",
            category="Vendor Portal",
            username=f"it@{domain}",
            notes="Service cancelled; kept for the final invoice dispute.",
            archived=True,
        )
    return keys


def add_passwords(tenant: Tenant) -> dict[str, Record]:
    """Create device and organization-level passwords (``tenant.passwords``).

    Returns:
        Passwords flexible assets refer to, by role: ``domain-admin``, ``msp-admin`` and
        ``security-vendor``.
    """
    rng = tenant.rng("passwords")
    factory = PasswordFactory(tenant, rng)
    devices = _DeviceCredentials(tenant, factory, rng)
    for device in tenant.devices:
        devices.add(device)
    return _organization_passwords(tenant, factory, rng)
