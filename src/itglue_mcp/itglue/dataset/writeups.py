"""Descriptive documents: network and site overviews, DR plan, escalation list, incident reports.

Same contract as :mod:`~itglue_mcp.itglue.dataset.procedures`. Incident write-ups pick a real
device of the organization (a firewall for an outage, the file server for a full disk…) and
follow the Summary / Timeline / Root cause / Resolution / Follow-up layout::

    [draft.name for draft in incidents(tenant, rng)][:1]  # ['Incident 2026-03-02: Internet ...']
"""

from __future__ import annotations

import random

from itglue_mcp.itglue.dataset.content import Draft, bullets, heading, step, text
from itglue_mcp.itglue.dataset.records import DAY, REFERENCE_NOW, epoch, plain_date
from itglue_mcp.itglue.dataset.tenant import Device, Tenant

__all__ = [
    "disaster_recovery",
    "escalation",
    "history",
    "incidents",
    "network_overview",
    "site_overviews",
]


def network_overview(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """One overview of every site's network."""
    blocks = [
        text(
            f"{tenant.profile.name} has {len(tenant.sites)} location(s). Each has its "
            "own subnet; the firewall is the default gateway."
        )
    ]
    refs = []
    for site in tenant.sites:
        here = [d for d in tenant.devices if d.site is site and d.in_service]
        firewall = next((d for d in here if d.role == "firewall"), None)
        counts = {
            role: sum(1 for d in here if d.role == role) for role in ("switch", "ap", "printer")
        }
        items = [
            f"Subnet {site.plan.subnet.cidr} (mask {site.plan.subnet.mask}), "
            f"gateway {site.plan.gateway}",
            f"DHCP scope {site.plan.dhcp_range}",
            f"{counts['switch']} switch(es), {counts['ap']} access point(s), "
            f"{counts['printer']} printer(s)",
        ]
        if firewall is not None:
            items.insert(
                0,
                f"Firewall {firewall.record.name}: {firewall.model.manufacturer} "
                f"{firewall.model.name} at {firewall.ip}",
            )
            refs.append(firewall.record)
        blocks += [
            heading(site.record.name),
            bullets(str(site.record.attributes["address-1"]), items),
        ]
    return [Draft("Network overview", "Network", blocks, refs)]


def site_overviews(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """A short overview per location, for organizations with several."""
    if len(tenant.sites) < 2:
        return []
    drafts = []
    for site in tenant.sites:
        attributes = site.record.attributes
        servers = [
            d.record.name
            for d in tenant.devices_with("dc", "file", "hypervisor", "nas")
            if d.site is site
        ]
        blocks = [
            text(
                f"{attributes['address-1']}, {attributes['city']}, {attributes['region-name']} "
                f"{attributes['postal-code']}. Main line {attributes['phone']}. "
                f"{site.staff} staff work here."
            ),
            text(
                f"Network {site.plan.subnet.cidr}; on-site servers: {', '.join(servers) or 'none'}."
            ),
        ]
        if attributes["notes"]:
            blocks.append(text(str(attributes["notes"])))
        drafts.append(Draft(f"Site overview — {site.record.name}", "Network", blocks))
    return drafts


def disaster_recovery(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """The disaster recovery plan (restricted)."""
    critical = tenant.devices_with("dc", "file", "sql", "app")
    blocks = [
        heading("Scope"),
        text(
            f"How BrightPath restores {tenant.profile.name}'s IT after the loss of the primary "
            "site or its servers. Recovery time objective: one business day; recovery point "
            "objective: the last nightly backup."
        ),
        heading("Critical systems, in restore order"),
        bullets(
            "Restore these first:", [d.record.name for d in critical] or ["Microsoft 365 (cloud)"]
        ),
        heading("Procedure"),
        step(
            "Declare", "The owner and the BrightPath service manager agree a disaster is declared."
        ),
        step(
            "Restore",
            "Restore domain controllers first from the offsite copy, then file and "
            "application servers.",
        ),
        step("Communicate", "Send status updates to the owner every two hours."),
    ]
    refs = [d.record for d in critical[:4]]
    return [Draft("Disaster recovery plan", None, blocks, refs, restricted=True)]


def escalation(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """After-hours escalation and key contacts."""
    key = tenant.people_with("owner", "it")
    vendors = tenant.people_with("vendor")
    blocks = [
        text(
            "Call these people in order for after-hours emergencies (outage of the whole "
            "office, suspected security incident)."
        ),
        bullets(
            "Client contacts:", [f"{p.record.name}, {p.record.attributes['title']}" for p in key]
        ),
        bullets("Vendors:", [str(p.record.attributes["title"]) for p in vendors]),
    ]
    return [Draft("After-hours escalation and key contacts", None, blocks, [p.record for p in key])]


_Incident = tuple[str, str, str, str]
"""(title, timeline, root cause, resolution) with ``{name}``, ``{ip}``, ``{site}`` placeholders."""

_INCIDENTS: dict[str, _Incident] = {
    "firewall": (
        "Internet outage at {site}",
        "08:05 users report no internet. 08:20 {name} ({ip}) answers on the LAN but the WAN "
        "link is down. 09:40 the ISP restores the circuit.",
        "Fibre cut by road works upstream of the ISP's cabinet.",
        "Waited for the ISP; LTE failover is now being quoted.",
    ),
    "file": (
        "{name} ran out of disk space",
        "07:30 users cannot save files. 07:45 the data volume on {name} ({ip}) is at 100%.",
        "A user copied 400 GB of camera footage to the shared drive.",
        "Moved the footage to the archive share and set a quota on the folder.",
    ),
    "dc": (
        "Replication errors on {name}",
        "Monitoring alert for AD replication failures on {name} ({ip}).",
        "Time drift after the hypervisor host was patched: the VM took its time from the host.",
        "Disabled host time sync for the VM and pointed the PDC emulator at pool.ntp.org.",
    ),
    "ups": (
        "{name} battery failure",
        "02:10 the UPS self-test failed; 02:11 alert e-mail to the service desk.",
        "Battery past its five-year life.",
        "Replacement battery installed the next evening; self-test passed.",
    ),
    "printer": (
        "{name} offline after firmware update",
        "Users at {site} cannot print to {name} ({ip}).",
        "The firmware update reset the static IP address to DHCP.",
        "Set the static address again and disabled automatic firmware updates.",
    ),
    "workstation": (
        "Ransomware alert on {name} (false positive)",
        "EDR quarantined a process on {name} ({ip}) and isolated the machine.",
        "A legitimate backup utility encrypting its own archive triggered the rule.",
        "Confirmed with the vendor, released the machine and added an exclusion.",
    ),
    "laptop": (
        "Lost laptop {name}",
        "The user reported {name} stolen from a car; the ticket was opened the same evening.",
        "Theft. The disk is BitLocker-encrypted and the recovery key is only in IT Glue.",
        "Disabled the device in Entra ID, issued a remote wipe and reset the user's password.",
    ),
    "switch": (
        "Network loop at {site}",
        "09:15 the whole office loses network access; {name} ({ip}) shows 100% CPU.",
        "A desk hub was connected twice to wall ports, creating a loop.",
        "Removed the hub and enabled spanning-tree BPDU guard on all access ports.",
    ),
    "nas": (
        "RAID degraded on {name}",
        "Storage alert from {name} ({ip}): one disk failed in the RAID 6 volume.",
        "Drive failure after four years of use.",
        "Hot-swapped the disk; the rebuild finished overnight without data loss.",
    ),
    "hypervisor": (
        "Host {name} rebooted unexpectedly",
        "03:40 monitoring lost contact with {name} ({ip}) and every guest on it.",
        "A failed memory module; the hardware log shows uncorrectable ECC errors.",
        "Vendor replaced the DIMM under warranty; guests restarted cleanly.",
    ),
}


def _incident(rng: random.Random, device: Device, template: _Incident) -> Draft:
    title, timeline, cause, resolution = template
    values = {
        "name": device.record.name,
        "ip": device.ip or "no address",
        "site": device.site.record.name,
    }
    since = max(epoch(device.record.attributes["created-at"]), REFERENCE_NOW - 700 * DAY)
    when = plain_date(rng.randint(min(since, REFERENCE_NOW - 5 * DAY), REFERENCE_NOW - 5 * DAY))
    blocks = [
        heading("Summary"),
        text(title.format(**values) + f". Ticket #{rng.randint(100000, 999999)}."),
        heading("Timeline"),
        text(timeline.format(**values)),
        heading("Root cause"),
        text(cause.format(**values)),
        heading("Resolution"),
        text(resolution.format(**values)),
        heading("Follow-up"),
        text("Reviewed with the client at the next quarterly business review."),
    ]
    return Draft(f"Incident {when}: {title.format(**values)}", "Incidents", blocks, [device.record])


def incidents(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """Incident write-ups about the organization's own devices, one per kind of device."""
    count = {"small": rng.randint(1, 2), "medium": rng.randint(2, 4), "large": rng.randint(4, 8)}
    drafts = []
    for role in rng.sample(sorted(_INCIDENTS), count[tenant.profile.tier]):
        devices = tenant.devices_with(role)
        if devices:
            drafts.append(_incident(rng, rng.choice(devices), _INCIDENTS[role]))
    return drafts


def history(tenant: Tenant, rng: random.Random) -> list[Draft]:
    """An archived legacy document and an unpublished draft."""
    return [
        Draft(
            "Old VPN setup (before the firewall replacement)",
            "Network",
            [text("Superseded by the current VPN runbook. Kept for reference only.")],
            archived=True,
        ),
        Draft(
            "Draft — Wi-Fi refresh proposal",
            None,
            [text("Replace the oldest access points; survey booked for next quarter.")],
            published=False,
        ),
    ]
