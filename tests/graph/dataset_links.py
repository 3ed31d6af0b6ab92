"""The links a graph backend must find, read straight from a generated dataset's JSON files.

An oracle independent of the backend's SQL: related items from the records'
``relationships["related-items"]`` and ``included`` entries, and the links held in attributes
(password and expiration resources, configuration and contact locations, configuration
contacts, flexible-asset Tag traits), each recorded from both ends with the relation named
from that end. Also a breadth-first walk over these links, for expected depths.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itglue_mcp.graph import LEAF_TYPES, RecordRef, Relation

# IT Glue API facts: related item asset types, resource type names, Tag trait types.
ASSET_TYPES = {
    "configuration": "configurations",
    "password": "passwords",
    "flexible_asset": "flexible-assets",
    "document": "documents",
    "contact": "contacts",
}
RESOURCE_TYPES = {
    "Configuration": "configurations",
    "FlexibleAsset": "flexible-assets",
    "Domain": "domains",
}
TAG_TYPES = {
    "Configurations": "configurations",
    "Passwords": "passwords",
    "Contacts": "contacts",
    "Locations": "locations",
    "Domains": "domains",
    "Documents": "documents",
}
_KEPT = frozenset({
    "name", "organization-id", "organization-name", "resource-url", "location-id", "contact-id",
    "resource-type", "resource-type-name", "resource-id", "description", "expiration-date",
    "archived",
})  # fmt: skip
FILES = {
    "configurations": "configurations.json",
    "passwords": "passwords.json",
    "flexible-assets": "flexible_assets.json",
    "documents": "documents.json",
    "contacts": "contacts.json",
    "locations": "locations.json",
    "domains": "domains.json",
    "expirations": "expirations.json",
}


@dataclass
class DatasetGraph:
    """Records (type/id → attributes) and links (record → {(other, relation)})."""

    records: dict[RecordRef, dict[str, Any]] = field(default_factory=dict, repr=False)
    links: dict[RecordRef, set[tuple[RecordRef, str]]] = field(
        default_factory=lambda: defaultdict(set), repr=False
    )
    notes: dict[tuple[RecordRef, RecordRef], str | None] = field(default_factory=dict, repr=False)

    def add(self, source: RecordRef, target: RecordRef, relation: Relation) -> None:
        self.links[source].add((target, relation.value))
        self.links[target].add((source, relation.inverse.value))

    def organization(self, ref: RecordRef) -> int:
        return int(self.records[ref]["organization-id"])

    def by_name(self, record_type: str, name: str) -> list[RecordRef]:
        return [
            ref
            for ref, attributes in self.records.items()
            if ref.record_type == record_type and attributes.get("name") == name
        ]

    def depths(
        self, start: RecordRef, depth: int, organization_ids: Collection[int] | None = None
    ) -> dict[RecordRef, int]:
        """Shortest link distances from ``start`` up to ``depth``; leaf types not walked through."""
        found = {start: 0}
        queue = deque([start])
        while queue:
            ref = queue.popleft()
            if found[ref] == depth or (ref != start and ref.record_type in LEAF_TYPES):
                continue
            for other, _ in sorted(self.links[ref]):
                if other in found:
                    continue
                if (
                    organization_ids is not None
                    and self.organization(other) not in organization_ids
                ):
                    continue
                found[other] = found[ref] + 1
                queue.append(other)
        return found


def load_graph(directory: Path) -> DatasetGraph:
    """The records and links of the dataset in ``directory``."""
    graph = DatasetGraph()
    documents = {kind: json.loads((directory / name).read_text()) for kind, name in FILES.items()}
    included = {
        item["id"]: item["attributes"]
        for document in documents.values()
        for item in document.get("included", [])
        if item["type"] == "related-items"
    }
    for kind, document in documents.items():
        for record in document["data"]:
            graph.records[RecordRef(kind, int(record["id"]))] = _public(record["attributes"])
    for ref, attributes in graph.records.items():
        _attribute_links(graph, ref, attributes)
    for kind, document in documents.items():
        for record in document["data"]:
            ref = RecordRef(kind, int(record["id"]))
            for pointer in record.get("relationships", {}).get("related-items", {}).get("data", []):
                item = included[pointer["id"]]
                target = RecordRef(ASSET_TYPES[item["asset-type"]], int(item["resource-id"]))
                graph.add(ref, target, Relation.RELATED_ITEM)
                graph.notes[(ref, target)] = item["notes"]
    return graph


def _public(attributes: dict[str, Any]) -> dict[str, Any]:
    """The attributes the tests read; never a password value or a Password-kind trait."""
    kept = {key: value for key, value in attributes.items() if key in _KEPT}
    if isinstance(attributes.get("traits"), dict):
        kept["traits"] = {
            key: value
            for key, value in attributes["traits"].items()
            if isinstance(value, dict) and value.get("type") in TAG_TYPES
        }
    return kept


def _attribute_links(graph: DatasetGraph, ref: RecordRef, attributes: dict[str, Any]) -> None:
    kind = ref.record_type
    if kind == "passwords" and attributes.get("resource-id"):
        target = RecordRef(RESOURCE_TYPES[attributes["resource-type"]], attributes["resource-id"])
        graph.add(ref, target, Relation.PASSWORD_FOR)
    if kind == "expirations":
        target = RecordRef(
            RESOURCE_TYPES[attributes["resource-type-name"]], attributes["resource-id"]
        )
        graph.add(ref, target, Relation.EXPIRATION_OF)
    if kind in ("configurations", "contacts") and attributes.get("location-id"):
        graph.add(ref, RecordRef("locations", attributes["location-id"]), Relation.LOCATED_AT)
    if kind == "configurations" and attributes.get("contact-id"):
        graph.add(ref, RecordRef("contacts", attributes["contact-id"]), Relation.CONTACT)
    if kind == "flexible-assets":
        for value in (attributes.get("traits") or {}).values():
            if isinstance(value, dict) and value.get("type") in TAG_TYPES:
                for tagged in value["values"]:
                    target = RecordRef(TAG_TYPES[value["type"]], int(tagged["id"]))
                    graph.add(ref, target, Relation.TAGS)
