"""The dependency diagram: a Mermaid flowchart of the organization's infrastructure.

Nodes are the devices with an infrastructure role (firewalls, routers, hypervisors, servers,
storage) and the LAN, internet-circuit and backup flexible assets. Edges are what IT Glue
records: a related item between two nodes, a Tag trait of an asset linking a node, a backup
protecting a server, and a device's default gateway held by another node (``gateway``) when
nothing else links the device.
Labels are IT Glue names reduced to letters, digits and a few punctuation marks, so no name
can break out of the diagram or the Markdown code block around it.

Example::

    section = diagram(inventory)
    section.mermaid.splitlines()[:2]    # ['flowchart TD', '  c4215440["ACME-HV01<br/>hypervisor"]']
"""

from __future__ import annotations

import re

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.catalog.configurations import configuration_source
from itglue_mcp.catalog.flexible_assets import flexible_asset_source
from itglue_mcp.query.infrastructure.entries import capped, cited
from itglue_mcp.query.infrastructure.inventory import Inventory
from itglue_mcp.query.infrastructure.model import MAX_ENTRIES, DocumentSection
from itglue_mcp.query.infrastructure.network import address_holders
from itglue_mcp.query.infrastructure.roles import (
    DEVICE_ROLES,
    INFRASTRUCTURE_ROLES,
    AssetRole,
    role_label,
    tag_targets,
)

__all__ = ["MAX_NODES", "diagram", "mermaid_label"]

MAX_NODES = MAX_ENTRIES
"""Most nodes drawn (each is cited by one line of the section)."""

_UNSAFE = re.compile(r"[^\w .,:/()+-]+")
_MAX_LABEL = 40
_DRAWN_ASSETS: tuple[AssetRole, ...] = ("internet", "lan", "backup")


def mermaid_label(text: str) -> str:
    """``text`` as a Mermaid label: only letters, digits, spaces and ``.,:/()+-``, at most
    40 characters."""
    label = " ".join(_UNSAFE.sub(" ", text).split())
    return label[:_MAX_LABEL] or "-"


def _node_id(source: SourceRecord) -> str:
    return ("c" if source.record_type == "configurations" else "a") + str(source.record_id)


def diagram(inventory: Inventory) -> DocumentSection:
    """The diagram section: the flowchart, and one cited line per node (see the module)."""
    nodes: dict[str, tuple[SourceRecord, str]] = {}
    for role in DEVICE_ROLES:
        if role in INFRASTRUCTURE_ROLES:
            for view in inventory.of_role(role):
                source = configuration_source(view)
                nodes[_node_id(source)] = (source, role_label(role, 1))
    for asset_role in _DRAWN_ASSETS:
        for asset in inventory.assets_of(asset_role):
            source = flexible_asset_source(asset)
            nodes[_node_id(source)] = (source, asset.flexible_asset_type_name or asset_role)
    dropped = max(0, len(nodes) - MAX_NODES)
    nodes = dict(list(nodes.items())[:MAX_NODES])

    edges: dict[tuple[str, str], str] = {}

    def link(start: str, end: str, label: str) -> None:
        if start in nodes and end in nodes and start != end and (end, start) not in edges:
            edges.setdefault((start, end), label)

    for view_id, items in inventory.device_links.items():
        for item in items:
            link(f"c{view_id}", _node_id(item.source), "related")
    for asset_role in _DRAWN_ASSETS:
        for asset in inventory.assets_of(asset_role):
            for field, (record_type, record_id) in tag_targets(asset, inventory.schema_of(asset)):
                if record_type == "configurations":
                    link(f"a{asset.id}", f"c{record_id}", field.name)
    for server_id, backups in inventory.protected_by.items():
        for backup in backups:
            link(f"a{backup.id}", f"c{server_id}", "protects")

    # A device's gateway is drawn only when nothing recorded links it yet (a virtual
    # server hangs off its hypervisor, not off the firewall as well).
    linked = {end for (start, end) in edges if start.startswith("c")}
    holders = address_holders(inventory)
    for view in inventory.configurations:
        holder = holders.get((view.default_gateway or "").strip())
        if holder is not None and f"c{view.id}" not in linked:
            link(f"c{holder[0].id}", f"c{view.id}", "gateway")
    lines = ["flowchart TD"]
    lines += [
        f'  {node}["{mermaid_label(source.name or node)}<br/>{mermaid_label(kind)}"]'
        for node, (source, kind) in nodes.items()
    ]
    lines += [f"  {a} -->|{mermaid_label(label)}| {b}" for (a, b), label in edges.items()]
    entries = [
        cited(f"{source.name or node} ({kind})", source) for node, (source, kind) in nodes.items()
    ]
    note = f"{dropped} more nodes not drawn (at most {MAX_NODES})." if dropped else ""
    if not nodes:
        return capped("diagram", [], note="Nothing to draw: no infrastructure device or asset.")
    return capped("diagram", entries, note=note, mermaid="\n".join(lines))
