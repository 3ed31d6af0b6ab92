"""The sections of an infrastructure document that list records: overview, contacts,
locations, servers, device counts, backups, licences, domains and certificates, password
entries and gaps. (The network is :mod:`.network`'s, the diagram :mod:`.diagram`'s.)

Each builder takes the :class:`~.inventory.Inventory` and returns one
:class:`~.model.DocumentSection` whose every line cites the records it states.

Example::

    section = servers(inventory)
    section.entries[0].text      # 'ACME-HV01 (hypervisor): Hypervisor Host; VMware ESXi 8.0; …'
"""

from __future__ import annotations

from collections import Counter, defaultdict

from itglue_mcp.catalog.citations import SourceRecord, source_of
from itglue_mcp.catalog.configurations import ConfigurationView, configuration_source
from itglue_mcp.catalog.domains import domain_source
from itglue_mcp.catalog.flexible_assets import AssetWithTraits, flexible_asset_source
from itglue_mcp.catalog.passwords import PasswordView, password_source
from itglue_mcp.catalog.people import postal_address
from itglue_mcp.query.infrastructure.entries import (
    capped,
    cited,
    expiry,
    joined,
    listing,
    sample,
    where_placed,
)
from itglue_mcp.query.infrastructure.inventory import Inventory
from itglue_mcp.query.infrastructure.model import (
    SAMPLE_SOURCES,
    DocumentEntry,
    DocumentSection,
)
from itglue_mcp.query.infrastructure.roles import (
    DEVICE_ROLES,
    SERVER_ROLES,
    role_label,
    tag_targets,
    trait_facts,
)

__all__ = [
    "asset_entry",
    "backups",
    "contacts",
    "device_counts",
    "domains_and_certificates",
    "gaps",
    "licenses",
    "locations",
    "overview",
    "passwords",
    "servers",
]

_ROLE_ORDER = (*DEVICE_ROLES, "other device")
# How many devices each gap lists before it only counts.
_GAP_LISTED = 25


def overview(inventory: Inventory) -> DocumentSection:
    """The organization, its primary location, its records per type and its devices by role."""
    org = inventory.organization
    entries = [
        cited(
            joined(
                org.name or str(org.id),
                org.short_name and f"short name {org.short_name}",
                org.organization_type_name and f"type {org.organization_type_name}",
                org.organization_status_name and f"status {org.organization_status_name}",
            ),
            inventory.source,
        )
    ]
    primary = next((place for place in inventory.profile.locations if place.primary), None)
    if primary is not None:
        entries.append(
            cited(
                f"Primary location: {primary.name or '-'}"
                + (f", {primary.city}" if primary.city else ""),
                source_of("locations", primary),
            )
        )
    counts = {
        kind: n
        for kind, n in sorted(inventory.profile.record_counts.items())
        if n and kind != "organizations"
    }
    if counts:
        listed = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        entries.append(cited(f"Records in IT Glue: {listed}", inventory.source))
    by_role: dict[str, list[ConfigurationView]] = defaultdict(list)
    for view in inventory.configurations:
        by_role[inventory.role_of.get(view.id) or "other device"].append(view)
    for role, views in sorted(by_role.items(), key=lambda item: _ROLE_ORDER.index(item[0])):
        entries.append(
            cited(
                f"{len(views)} {role_label(role, len(views))} ({sample(views)})",
                *map(configuration_source, views[:SAMPLE_SOURCES]),
            )
        )
    return capped("overview", entries)


def contacts(inventory: Inventory) -> DocumentSection:
    """The contacts marked important, with title, type, first e-mail address and phone."""
    entries = []
    for person in inventory.profile.contacts:
        email = next((p.value for p in person.emails if p.value), None)
        phone = next((p.value for p in person.phones if p.value), None)
        entries.append(
            cited(
                joined(person.name, person.title, person.contact_type_name, email, phone),
                source_of("contacts", person),
            )
        )
    note = "" if entries else "No contact of this organization is marked important in IT Glue."
    return capped("contacts", entries, note=note)


def locations(inventory: Inventory) -> DocumentSection:
    """The locations, primary first, with address, phone and how many devices each holds."""
    held = Counter(view.location_id for view in inventory.configurations)
    entries = []
    for place in inventory.profile.locations:
        address = postal_address(place)
        devices = held.get(place.id, 0)
        entries.append(
            cited(
                joined(
                    f"{place.name or '-'}{' (primary)' if place.primary else ''}",
                    address,
                    place.phone,
                    f"{devices} configuration{'s' if devices != 1 else ''}",
                ),
                source_of("locations", place),
            )
        )
    note = "" if entries else "No location is recorded."
    return capped("locations", entries, note=note)


def _device_line(view: ConfigurationView, role: str) -> str:
    made = " ".join(part for part in (view.manufacturer_name, view.model_name) if part)
    return joined(
        f"{view.name or view.id} ({role_label(role, 1)})",
        view.configuration_type_name,
        view.operating_system_name,
        view.primary_ip and f"IP {view.primary_ip}",
        made,
        where_placed(view),
        view.configuration_status_name,
    )


def servers(inventory: Inventory) -> DocumentSection:
    """Hypervisors, servers and storage, each with what is linked to it (what runs on it,
    its documents and flexible assets) and the backups that protect it."""
    entries = []
    for role in ("hypervisor", "server", "nas"):
        for view in inventory.of_role(role):
            linked: dict[str, list[SourceRecord]] = defaultdict(list)
            for item in inventory.device_links.get(view.id, ()):
                linked[item.source.record_type].append(item.source)
            details = [listing(f"related {kind}", sources) for kind, sources in linked.items()]
            details += [
                cited(f"backed up by: {backup.name or '-'}", flexible_asset_source(backup))
                for backup in inventory.protected_by.get(view.id, ())
            ]
            entries.append(
                cited(_device_line(view, role), configuration_source(view), details=details)
            )
    note = "" if entries else "No server, hypervisor or storage device is recorded."
    return capped("servers", entries, note=note)


def device_counts(inventory: Inventory) -> DocumentSection:
    """Configurations without an infrastructure role (workstations, printers…), counted by
    configuration type; each line cites a sample of the devices it counts."""
    by_type: dict[str, list[ConfigurationView]] = defaultdict(list)
    for view in inventory.configurations:
        if view.id not in inventory.role_of:
            by_type[view.configuration_type_name or "no type"].append(view)
    entries = [
        cited(
            f"{kind}: {len(views)} ({sample(views)})",
            *map(configuration_source, views[:SAMPLE_SOURCES]),
        )
        for kind, views in sorted(by_type.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    return capped("device_counts", entries, note="" if entries else "No other device is recorded.")


def asset_entry(inventory: Inventory, asset: AssetWithTraits, *extra: str) -> DocumentEntry:
    """A flexible asset's line (type, short traits, ``extra``), its expiration cited too, and
    one sub-line per readable record a Tag trait links."""
    schema = inventory.schema_of(asset)
    expiration = inventory.expirations.get(("flexible-assets", asset.id))
    tagged: dict[str, list[SourceRecord]] = defaultdict(list)
    for field, key in tag_targets(asset, schema):
        if key in inventory.tagged:
            tagged[field.name].append(inventory.tagged[key])
    details = [listing(name, sources) for name, sources in tagged.items()]
    sources = [flexible_asset_source(asset)]
    if expiration is not None:
        sources.append(expiration.source)
    text = joined(
        f"{asset.name or asset.id} ({asset.flexible_asset_type_name or 'flexible asset'})",
        *(fact for fact in trait_facts(asset, schema) if fact.split(": ", 1)[1] != asset.name),
        expiry(expiration),
        *extra,
    )
    return cited(text, *sources, details=details)


def backups(inventory: Inventory) -> DocumentSection:
    """The backup flexible assets, each with the records its Tags link, then the servers it
    protects through a related item (the rule: ``catalog.inventory.protecting_backups``)."""
    entries = []
    for asset in inventory.assets_of("backup"):
        entry = asset_entry(inventory, asset)
        tagged = {key for _, key in tag_targets(asset, inventory.schema_of(asset))}
        protected = [
            view
            for view in inventory.of_role(*SERVER_ROLES)
            if asset.id in {backup.id for backup in inventory.protected_by.get(view.id, ())}
            and ("configurations", view.id) not in tagged
        ]
        if protected:
            sources = [configuration_source(view) for view in protected]
            entry.with_detail(listing("protects (related items)", sources))
        entries.append(entry)
    note = "" if entries else "No backup is documented (no flexible asset of a backup type)."
    return capped("backups", entries, note=note)


def licenses(inventory: Inventory) -> DocumentSection:
    """The licence flexible assets with their seats, renewal and expiry."""
    entries = [asset_entry(inventory, asset) for asset in inventory.assets_of("license")]
    note = "" if entries else "No licence is documented (no flexible asset of a licence type)."
    return capped("licenses", entries, note=note)


def domains_and_certificates(inventory: Inventory) -> DocumentSection:
    """The domains with registrar and expiry, then the certificate flexible assets."""
    entries = []
    for domain in inventory.domains:
        expiration = inventory.expirations.get(("domains", domain.id))
        when = expiry(expiration) or (domain.expires_on and f"expires {domain.expires_on}")
        sources = [domain_source(domain), *([expiration.source] if expiration else [])]
        entries.append(
            cited(
                joined(
                    f"{domain.name or domain.id} (domain)",
                    domain.registrar_name and f"registrar {domain.registrar_name}",
                    when or None,
                ),
                *sources,
            )
        )
    entries += [asset_entry(inventory, asset) for asset in inventory.assets_of("certificate")]
    note = "" if entries else "No domain or certificate is recorded."
    return capped("domains_and_certificates", entries, note=note)


def _password_line(entry: PasswordView) -> DocumentEntry:
    return cited(
        joined(
            entry.name or str(entry.id),
            entry.password_category_name,
            entry.username and f"username {entry.username}",
            f"for {entry.linked.name or entry.linked.id}" if entry.linked else None,
            entry.url,
            f"value changed {entry.password_updated_at.date().isoformat()}"
            if entry.password_updated_at
            else None,
        ),
        password_source(entry),
    )


def passwords(inventory: Inventory) -> DocumentSection:
    """The password entries as metadata (name, category, username, what it belongs to, URL,
    when its value last changed; never a value): each one of the organization, its
    infrastructure devices and flexible assets; those of other devices (workstations'
    local administrators…) counted by category, citing a sample."""
    if inventory.passwords is None:
        return capped("passwords", [], note="Password entries are not shown to your role.")
    listed, counted = [], defaultdict(list)
    for entry in inventory.passwords:
        device = (
            entry.linked.id if entry.linked and entry.resource_type == "Configuration" else None
        )
        if device is not None and device not in inventory.role_of:
            counted[entry.password_category_name or "no category"].append(entry)
        else:
            listed.append(_password_line(entry))
    for category, entries in sorted(counted.items(), key=lambda item: -len(item[1])):
        names = ", ".join(entry.name or str(entry.id) for entry in entries[:SAMPLE_SOURCES])
        listed.append(
            cited(
                f"{category}: {len(entries)} entries of other devices (e.g. {names}"
                f"{'…' if len(entries) > SAMPLE_SOURCES else ''})",
                *map(password_source, entries[:SAMPLE_SOURCES]),
            )
        )
    total = inventory.profile.record_counts.get("passwords", 0)
    unread = total - len(inventory.passwords)
    note = (
        f"{unread} more entries not read (at most {len(inventory.passwords)})."
        if unread > 0
        else ""
    )
    if not listed:
        note = "No password entry is recorded."
    return capped("passwords", listed, note=note)


def _gap(inventory: Inventory, text: str, views: list[ConfigurationView]) -> DocumentEntry:
    """A counted gap citing the organization, its first devices listed and cited below it."""
    listed = views[:_GAP_LISTED]
    more = f" ({len(views) - len(listed)} more not listed)" if len(views) > len(listed) else ""
    return cited(
        f"{text}: {len(views)}{more}",
        inventory.source,
        details=[cited(view.name or str(view.id), configuration_source(view)) for view in listed],
    )


def gaps(inventory: Inventory) -> DocumentSection:
    """What the documentation lacks: servers no backup protects, devices without a serial
    number, devices without a location (each device cited, the first few listed)."""
    entries = []
    unprotected = [
        view for view in inventory.of_role(*SERVER_ROLES) if view.id not in inventory.protected_by
    ]
    if unprotected:
        entries.append(_gap(inventory, "Servers no backup flexible asset protects", unprotected))
    no_serial = [
        view for view in inventory.configurations if not (view.serial_number or "").strip()
    ]
    if no_serial:
        entries.append(_gap(inventory, "Devices without a serial number", no_serial))
    unplaced = [view for view in inventory.configurations if view.location_id is None]
    if unplaced:
        entries.append(_gap(inventory, "Devices without a location", unplaced))
    note = (
        ""
        if entries
        else (
            "No gap found: a backup protects every server; every device has a serial number "
            "and a location."
        )
    )
    return capped("gaps", entries, note=note)
