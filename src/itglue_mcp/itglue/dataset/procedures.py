"""Network runbooks: VPN access resets, firewall firmware, guest Wi-Fi, printers, power outages.

Each template takes the tenant and a generator and returns zero or more :class:`Draft`
documents written with the organization's own hostnames, addresses and password names. The VPN
runbook follows the firewall brand (Sophos Connect, FortiClient, NetExtender, OpenVPN, Meraki
Client VPN)::

    [draft.name for draft in vpn_reset(tenant, rng)]  # ["Sophos VPN — reset a user's VPN access"]
"""

from __future__ import annotations

import random

from itglue_mcp.itglue.dataset.content import Draft, bullets, gallery, heading, step, text
from itglue_mcp.itglue.dataset.tenant import Device, Tenant

__all__ = [
    "firewall_admin",
    "firmware_upgrade",
    "guest_wifi",
    "power_outage",
    "printers",
    "vpn_reset",
]

BRAND_LABELS = {
    "Fortinet": "FortiGate",
    "Sophos": "Sophos",
    "SonicWall": "SonicWall",
    "pfSense": "pfSense",
    "Meraki": "Meraki",
}
"""Firewall brand -> the name technicians use for it in document titles."""

_VPN_STEPS: dict[str, list[tuple[str, str]]] = {
    "Sophos": [
        (
            "Sign in to the firewall",
            'Open {admin_url} and sign in as admin with the password "{password}" from IT Glue.',
        ),
        (
            "Find the user",
            "Go to Authentication > Users and search for the user's logon name. "
            "Users authenticate against {ad} through the AD server object, so the account "
            "must also be enabled and unlocked in Active Directory.",
        ),
        (
            "Check group membership",
            'Open the user and confirm they are in the "VPN Users" '
            "group used by the remote access VPN policy. Add them if missing and save.",
        ),
        (
            "Reset the one-time password",
            "If the user lost their authenticator, open "
            "Authentication > One-time password, find the user's token and delete it. They enrol a "
            "new token at their next sign-in to the user portal.",
        ),
        (
            "Re-issue the VPN profile",
            "Ask the user to sign in to the user portal at https://{wan} "
            "and download a fresh Sophos Connect provisioning file, then import it in Sophos "
            "Connect and remove the old connection.",
        ),
        (
            "Confirm the connection",
            "In Log viewer, filter on Authentication and watch for the "
            "user's login; a working session also shows under Current activities > Remote users.",
        ),
    ],
    "Fortinet": [
        (
            "Sign in to the FortiGate",
            'Open {admin_url} and sign in as admin with the password "{password}" from IT Glue.',
        ),
        (
            "Find the user",
            'Go to User & Authentication > User Groups and open "SSLVPN-Users". '
            "Users come from the LDAP server {ad}; check the account is enabled in Active "
            "Directory.",
        ),
        (
            "Reset the FortiToken",
            "If the user replaced their phone, open User & Authentication > "
            "FortiTokens, select the user's token, choose Revoke, then Reactivate and send the "
            "activation e-mail again.",
        ),
        (
            "Check the portal mapping",
            "Under VPN > SSL-VPN Settings confirm the group maps to the "
            '"full-access" portal and that the listen port is 10443.',
        ),
        (
            "Reconnect FortiClient",
            "Have the user open FortiClient, edit the connection so the "
            "remote gateway is {wan} port 10443, save and connect with their domain password.",
        ),
        ("Confirm the connection", "Check Dashboard > Network > SSL-VPN for the user's session."),
    ],
    "SonicWall": [
        (
            "Sign in to the SonicWall",
            'Open {admin_url} and sign in as admin with the password "{password}" from IT Glue.',
        ),
        (
            "Find the user",
            "Go to Device > Users > Local Users & Groups; domain users are imported "
            'from {ad} through LDAP. Confirm the user is a member of "SSLVPN Services".',
        ),
        (
            "Reset TOTP",
            "If two-factor is enabled, edit the user and clear the one-time password "
            "binding so they can scan a new QR code at next login.",
        ),
        (
            "Reinstall the client",
            "Ask the user to reinstall NetExtender (or Mobile Connect) and "
            "connect to {wan} using domain {netbios}.",
        ),
        ("Confirm the connection", "Monitor > Current Users lists the connected SSL VPN session."),
    ],
    "pfSense": [
        (
            "Sign in to pfSense",
            'Open {admin_url} and sign in as admin with the password "{password}" from IT Glue.',
        ),
        (
            "Check the user",
            "Users authenticate against {ad} via LDAP. Go to Diagnostics > "
            "Authentication, choose the LDAP server and test the user's credentials.",
        ),
        (
            "Re-export the client",
            "Open VPN > OpenVPN > Client Export, find the user's "
            "certificate and download the current Windows installer.",
        ),
        (
            "Revoke an old certificate",
            "If the laptop was lost, revoke the old certificate under "
            "System > Cert. Manager > Certificate Revocation before issuing a new one.",
        ),
        ("Confirm the connection", "Status > OpenVPN shows the user's connected client."),
    ],
    "Meraki": [
        (
            "Open the dashboard",
            'Sign in at {admin_url} with the password "{password}" '
            "from IT Glue and select the {org} network.",
        ),
        (
            "Check the user",
            "Go to Security & SD-WAN > Configure > Client VPN. Users authenticate "
            "against {ad} through the Active Directory setting; confirm the account is enabled.",
        ),
        (
            "Reset the AnyConnect profile",
            "Ask the user to remove the saved connection in Cisco "
            "Secure Client and add {wan} again.",
        ),
        (
            "Confirm the connection",
            "Network-wide > Event log, filter on Client VPN, shows the "
            "user's successful connection.",
        ),
    ],
}


def firewall_admin(tenant: Tenant) -> tuple[Device, str, str] | None:
    """Return the primary firewall, the name of its admin password and its admin URL."""
    firewalls = tenant.devices_with("firewall")
    if not firewalls:
        return None
    firewall = firewalls[0]
    admin = [p for p in firewall.passwords if p.name.endswith("Admin GUI")]
    password = admin[0].name if admin else f"{firewall.record.name} - Admin GUI"
    url = admin[0].attributes["url"] if admin else None
    return firewall, password, str(url or f"https://{firewall.ip}")


def vpn_reset(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """The "<brand> VPN — reset a user's VPN access" runbook."""
    found = firewall_admin(tenant)
    if found is None:
        return []
    firewall, password, admin_url = found
    brand = tenant.profile.firewall_brand
    interfaces = firewall.record.relationships["configuration-interfaces"]
    values = {
        "admin_url": admin_url,
        "password": password,
        "ad": tenant.profile.ad_domain,
        "netbios": tenant.profile.netbios,
        "wan": f"vpn.{tenant.profile.domain} ({interfaces[-1].attributes['ip-address']})",
        "org": tenant.profile.name,
    }
    blocks = [
        heading("When to use this"),
        text(
            f"A {tenant.profile.name} user cannot connect to the remote access VPN on "
            f"{firewall.record.name} ({firewall.ip}), or needs their VPN access reset after a "
            "password change or a new phone.",
            "Verify the caller first: call them back on the number in their IT Glue contact "
            "record before changing anything.",
        ),
        heading("Steps"),
    ]
    blocks += [step(title, detail.format(**values)) for title, detail in _VPN_STEPS[brand]]
    blocks.append(gallery(f"{BRAND_LABELS[brand]} VPN user settings", rng.randint(10**6, 10**7)))
    blocks.append(text("Still failing? Escalate to the network team with the log excerpt."))
    refs = [firewall.record, *[p for p in firewall.passwords if p.name.endswith("Admin GUI")]]
    return [
        Draft(f"{BRAND_LABELS[brand]} VPN — reset a user's VPN access", "Runbooks", blocks, refs)
    ]


def firmware_upgrade(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """The firewall firmware upgrade procedure."""
    found = firewall_admin(tenant)
    if found is None:
        return []
    firewall, password, admin_url = found
    label = BRAND_LABELS[tenant.profile.firewall_brand]
    system = firewall.record.attributes["operating-system-name"]
    owners = tenant.people_with("owner")
    approver = owners[0].record.name if owners else "the client's approver"
    blocks = [
        heading("Overview"),
        text(
            f"{firewall.record.name} is a {firewall.model.name} running {system}. Upgrades are "
            f"done after 19:00 and approved by {approver}. Expect up to ten minutes of outage.",
        ),
        heading("Procedure"),
        step(
            "Read the release notes",
            "Check the supported upgrade path from the running "
            "version; some versions need an intermediate release.",
        ),
        step(
            "Back up the configuration",
            f'Sign in at {admin_url} (password "{password}") '
            "and download a configuration backup. Attach it to this document.",
        ),
        step("Upload and install", "Upload the new image and reboot when prompted."),
        step(
            "Verify",
            "Confirm internet access from a workstation, that site-to-site tunnels "
            "are up and that a remote user can connect to the VPN.",
        ),
        step("Update IT Glue", f"Update the operating system field of {firewall.record.name}."),
    ]
    name = f"{label} firewall — firmware upgrade procedure"
    return [Draft(name, "Network", blocks, [firewall.record])]


def guest_wifi(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Changing the guest Wi-Fi key."""
    guest = [
        a
        for a in tenant.assets
        if a.attributes["flexible-asset-type-name"] == "Wireless"
        and a.attributes["traits"]["guest-network"]
    ]
    if not guest:
        return []
    ssid = guest[0].name
    blocks = [
        text(
            f"The guest network {ssid} key is changed every quarter and whenever the front desk "
            "asks. The current key is stored on the Wireless asset in IT Glue."
        ),
        step(
            "Generate a key",
            "Use a three-word passphrase with a number; avoid characters "
            "that are hard to read aloud.",
        ),
        step(
            "Change it on the controller",
            f"Open the wireless controller, edit {ssid} and "
            "paste the new key. The change applies to all access points within a minute.",
        ),
        step(
            "Update IT Glue",
            "Update the Pre-Shared Key on the Wireless asset and the matching password record.",
        ),
        step("Tell the office", "Send the new key to the office manager for the reception sign."),
    ]
    return [Draft("Guest Wi-Fi — change the network key", "SOPs", blocks, guest[:1], public=True)]


def printers(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Printer troubleshooting, one document per site with printers."""
    drafts = []
    scans = tenant.devices_with("file") or tenant.devices_with("dc")
    share = f"\\\\{scans[0].record.name}\\Scans" if scans else "the scans share"
    for site in tenant.sites:
        devices = [d for d in tenant.devices_with("printer") if d.site is site]
        if not devices:
            continue
        listed = [
            f"{d.record.name} — {d.model.manufacturer} {d.model.name} at {d.ip} "
            f"({d.record.attributes['notes'].split('.')[0]})"
            for d in devices
        ]
        blocks = [
            bullets(f"Printers at {site.record.name}:", listed),
            step(
                "Check it is on the network",
                "Ping the printer's address from a workstation. "
                "If it does not answer, check the network cable and the switch port LED.",
            ),
            step(
                "Open the web page",
                "Browse to http://<printer address> and clear any paper "
                "jam or toner alerts shown on the status page.",
            ),
            step(
                "Scan to folder fails",
                f"Scans go to {share} as the svc-scan account. If the "
                "svc-scan password was changed, update it in the printer's address book.",
            ),
            step(
                "Re-add the printer",
                "On the user's PC remove the printer and add it again by "
                "IP address with the manufacturer's universal driver.",
            ),
        ]
        refs = [d.record for d in devices]
        drafts.append(
            Draft(f"Printer troubleshooting — {site.record.name}", "Runbooks", blocks, refs)
        )
    return drafts


def power_outage(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Shutdown and start-up order during a power outage."""
    ups = tenant.devices_with("ups")
    order = (
        tenant.devices_with("app", "sql", "rds")
        + tenant.devices_with("file", "backup")
        + tenant.devices_with("dc")
        + tenant.devices_with("hypervisor", "nas")
    )
    if not ups or not order:
        return []
    blocks = [
        heading("When the power fails"),
        text(
            f"{ups[0].record.name} gives the server rack roughly 20 minutes. If power is not "
            "back after 10 minutes, shut down in this order; start up in the reverse order."
        ),
        bullets("Shutdown order:", [d.record.name for d in order]),
        step(
            "Shut down the servers",
            "Use a clean operating-system shutdown for each server in "
            "the order above; wait for each one to power off.",
        ),
        step(
            "Power on",
            "When power is stable, start the NAS and hypervisors first, then the "
            "domain controllers, then the rest. Check that file shares and printing work.",
        ),
    ]
    refs = [ups[0].record, *[d.record for d in order[:5]]]
    return [Draft("Power outage — shutdown and start-up order", "Runbooks", blocks, refs)]
