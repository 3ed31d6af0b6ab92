"""People and server SOPs: onboarding, offboarding, password resets, laptops, patching, backups.

Same contract as :mod:`~itglue_mcp.itglue.dataset.procedures`: each template returns zero or
more :class:`Draft` documents filled with the organization's names::

    [draft.name for draft in onboarding(tenant, rng)]  # ['New employee onboarding']
"""

from __future__ import annotations

import random

from itglue_mcp.itglue.dataset.content import Draft, bullets, gallery, heading, step, text
from itglue_mcp.itglue.dataset.tenant import Tenant

__all__ = [
    "backup_failure",
    "database_maintenance",
    "laptop_deployment",
    "offboarding",
    "onboarding",
    "password_reset",
    "patching",
    "shared_mailbox",
]


def _share(tenant: Tenant) -> str:
    servers = tenant.devices_with("file") or tenant.devices_with("dc")
    return f"\\\\{servers[0].record.name}\\Shared" if servers else "the SharePoint document library"


def _ou(tenant: Tenant) -> str:
    parts = ",".join(f"DC={part}" for part in tenant.profile.ad_domain.split("."))
    return f"OU=Users,OU={tenant.profile.netbios},{parts}"


def onboarding(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """New employee onboarding."""
    profile = tenant.profile
    spares = [
        d for d in tenant.devices if d.record.attributes["configuration-status-name"] == "Inactive"
    ]
    laptop = (
        f"a spare from the IT closet (for example {spares[0].record.name})"
        if spares
        else "a new laptop"
    )
    printers = tenant.devices_with("printer")
    blocks = [
        heading("Before the start date"),
        text(
            "The request comes from the office manager at least three working days ahead with "
            "name, title, start date, location and manager. Do not create accounts from an "
            "e-mail request alone: confirm by phone."
        ),
        heading("Steps"),
        step(
            "Create the AD account",
            f"In Active Directory Users and Computers create the user in "
            f"{_ou(tenant)} with the logon name in the {profile.domain} format used by everyone "
            "else. Set a temporary password and require a change at next logon.",
        ),
        step(
            "Groups",
            'Copy group membership from a colleague in the same role; add "VPN Users" '
            "only if the manager asks for remote access.",
        ),
        step(
            "Microsoft 365",
            "Wait for the next sync (or force one on the Entra Connect server), "
            "then assign a Microsoft 365 Business Premium licence and register MFA.",
        ),
        step(
            "Device",
            f"Prepare {laptop}: join it to {profile.ad_domain} (or Entra ID), install "
            "the standard applications and the RMM agent, and update the configuration's contact "
            "in IT Glue.",
        ),
        step(
            "Drives and printers",
            f"Map {_share(tenant)} as S: through Group Policy and add "
            f"{printers[0].record.name if printers else 'the nearest printer'}.",
        ),
        step("Document", "Create or update the contact in IT Glue with title, location and phone."),
    ]
    refs = [d.record for d in spares[:1] + printers[:1]]
    return [Draft("New employee onboarding", "Onboarding & Offboarding", blocks, refs)]


def offboarding(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Employee offboarding checklist."""
    blocks = [
        text(
            "Start only on written request from an approver. If the departure is not amicable, "
            "disable access before the employee is told."
        ),
        step(
            "Disable the account",
            "Disable the AD account, reset its password and remove it "
            "from all groups except Domain Users. Move it to the Disabled Users OU.",
        ),
        step(
            "Mailbox",
            "Convert the mailbox to a shared mailbox, grant the manager access and "
            "remove the licence.",
        ),
        step(
            "Devices",
            "Collect the laptop and phone, wipe them and set their configuration "
            "status in IT Glue to Inactive (spare) or Decommissioned.",
        ),
        step(
            "Credentials",
            "Rotate any shared passwords the employee knew (Wi-Fi keys, vendor "
            "portals) and update them in IT Glue.",
        ),
        step(
            "Contact", "Change the IT Glue contact type to Former Employee with the leaving date."
        ),
    ]
    return [Draft("Employee offboarding checklist", "Onboarding & Offboarding", blocks)]


def password_reset(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Resetting an Active Directory user's password."""
    dcs = tenant.devices_with("dc")
    dc = dcs[0].record.name if dcs else "the domain controller"
    blocks = [
        step(
            "Verify the caller",
            "Call the user back on the phone number in their IT Glue "
            "contact, or have their manager confirm in the ticket.",
        ),
        step(
            "Reset",
            f"On {dc} open Active Directory Users and Computers, find the user in "
            f'{_ou(tenant)}, choose Reset Password, tick "Unlock the user\'s account" and '
            '"User must change password at next logon".',
        ),
        step(
            "Sync",
            "Passwords sync to Microsoft 365 within two minutes; remote users must "
            "sign in over the VPN once to refresh the cached password on their laptop.",
        ),
        gallery("Reset Password dialog", rng.randint(10**6, 10**7)),
    ]
    refs = [d.record for d in dcs[:1]]
    return [Draft("Active Directory — reset a user's password", "Runbooks", blocks, refs)]


def patching(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Monthly server patching."""
    servers = tenant.devices_with("app", "sql", "rds", "file", "backup") + tenant.devices_with("dc")
    if not servers:
        return []
    day = rng.choice(("second Tuesday", "third Wednesday", "second Thursday"))
    blocks = [
        heading("Schedule"),
        text(
            f"Servers are patched the evening after Microsoft's release, on the {day} at "
            "20:00. The RMM approves updates; a technician watches the reboots."
        ),
        bullets(
            "Reboot order (domain controllers last, one at a time):",
            [d.record.name for d in servers],
        ),
        step("Check backups", "Confirm last night's backup succeeded before patching."),
        step(
            "Patch and reboot",
            "Install updates and reboot in the order above. Wait for each "
            "server to be back before the next one.",
        ),
        step(
            "Verify",
            "Log on to a workstation, open a file on the shared drive and run the "
            "line-of-business application.",
        ),
    ]
    return [Draft("Monthly server patching", "SOPs", blocks, [d.record for d in servers[:4]])]


def backup_failure(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Triage of a failed backup job."""
    targets = tenant.devices_with("backup") + tenant.devices_with("nas")
    jobs = [a for a in tenant.assets if a.attributes["flexible-asset-type-name"] == "Backup"]
    if not targets or not jobs:
        return []
    target = targets[0]
    blocks = [
        text(
            f"Backup alerts for {tenant.profile.name} come from {target.record.name} "
            f"({target.ip}). A single failure is retried automatically; two in a row need action."
        ),
        step("Read the job log", "Open the console and note the failing machine and the error."),
        step(
            "Check the repository",
            "Look at free space on the NAS repository; below 10% the "
            "jobs fail. Remove old restore points only after checking retention with the client.",
        ),
        step(
            "Retry",
            "Retry the failed machines. If a VM snapshot is stuck, consolidate it on the "
            "hypervisor first.",
        ),
        step(
            "Record",
            "Add the outcome to the ticket and update Last Test Restore on the Backup "
            "asset after the next test restore.",
        ),
    ]
    return [Draft("Backup job failure — triage", "Runbooks", blocks, [target.record, jobs[0]])]


def laptop_deployment(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Preparing a new laptop."""
    laptops = tenant.devices_with("laptop")
    model = f"{laptops[0].model.manufacturer} {laptops[0].model.name}" if laptops else "standard"
    blocks = [
        text(
            f"The standard laptop is the {model}. Order through the vendor portal; warranty "
            "is registered automatically against the serial number."
        ),
        step(
            "Enrol",
            "Boot the laptop on the office network and sign in with the user's account "
            "so Autopilot applies the company profile.",
        ),
        step(
            "Encrypt",
            "Check BitLocker is on and store the recovery key in IT Glue as a "
            "password on the laptop's configuration (category BitLocker).",
        ),
        step(
            "Document",
            "Create the configuration in IT Glue with serial number, user and "
            "location, or wait for the RMM sync and then add the contact.",
        ),
    ]
    return [Draft("New laptop deployment", "SOPs", blocks)]


def database_maintenance(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """SQL Server maintenance, one document per SQL server."""
    drafts = []
    for sql in tenant.devices_with("sql"):
        name = sql.record.name
        blocks = [
            text(
                f"{name} ({sql.ip}) runs SQL Server 2019 Standard for the line-of-business "
                "applications. The sa password is in IT Glue; use it only when Windows "
                "authentication is not possible."
            ),
            step(
                "Maintenance plan",
                "Integrity checks on Sunday 02:00, index rebuilds on Saturday "
                "03:00, full backups nightly at 01:00 to the backup repository.",
            ),
            step(
                "Disk space",
                "Keep 20% free on the data and log volumes; shrink nothing without "
                "the vendor's approval.",
            ),
        ]
        drafts.append(
            Draft(f"SQL Server maintenance — {name}", "SOPs", blocks, [sql.record, *sql.passwords])
        )
    return drafts


def shared_mailbox(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Creating a shared mailbox in Microsoft 365."""
    blocks = [
        step(
            "Create",
            "In the Exchange admin center choose Recipients > Mailboxes > Add a "
            f"shared mailbox, with an address on {tenant.profile.domain}.",
        ),
        step("Permissions", "Grant Full Access and Send As to the members the requester named."),
        step("Document", "Add the mailbox and its members to the Email asset notes."),
    ]
    return [Draft("Microsoft 365 — create a shared mailbox", "SOPs", blocks)]
