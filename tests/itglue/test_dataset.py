"""The dataset generator's contract: arguments, determinism, file format, referential integrity."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from itglue_mcp.itglue import dataset as dataset_module
from itglue_mcp.itglue.dataset import (
    DEFAULT_SEED,
    DEFAULT_SMALL_ORGANIZATIONS,
    DatasetSummary,
    generate_dataset,
)

FILES = {
    "organizations.json": "organizations",
    "configurations.json": "configurations",
    "passwords.json": "passwords",
    "flexible_asset_types.json": "flexible-asset-types",
    "flexible_assets.json": "flexible-assets",
    "documents.json": "documents",
    "contacts.json": "contacts",
    "locations.json": "locations",
    "domains.json": "domains",
    "expirations.json": "expirations",
    "configuration_types.json": "configuration-types",
    "configuration_statuses.json": "configuration-statuses",
    "password_categories.json": "password-categories",
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FIELDS = {"warranty-expires-at", "expires-on", "expiration-date"}


def _load(directory: Path) -> dict[str, dict[str, Any]]:
    return {name: json.loads((directory / name).read_text("utf-8")) for name in FILES}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[DatasetSummary, dict[str, Any]]:
    out = tmp_path_factory.mktemp("dataset")
    summary = generate_dataset(out, organizations=DEFAULT_SMALL_ORGANIZATIONS, seed=DEFAULT_SEED)
    return summary, _load(out)


@pytest.fixture(scope="module")
def files(generated: tuple[DatasetSummary, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return generated[1]


@pytest.fixture(scope="module")
def index(files: dict[str, dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Every top-level record by (type, numeric id)."""
    return {(r["type"], int(r["id"])): r for doc in files.values() for r in doc["data"]}


def test_public_api_is_exported() -> None:
    assert sorted(dataset_module.__all__) == [
        "DEFAULT_SEED",
        "DEFAULT_SMALL_ORGANIZATIONS",
        "DatasetSummary",
        "generate_dataset",
    ]
    assert (DEFAULT_SMALL_ORGANIZATIONS, DEFAULT_SEED) == (10, 7)


@pytest.mark.parametrize("count", [0, -3])
def test_fewer_than_one_organization_is_refused(tmp_path: Path, count: int) -> None:
    with pytest.raises(ValueError, match="organizations"):
        generate_dataset(tmp_path, organizations=count, seed=1)
    assert list(tmp_path.iterdir()) == []


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    generate_dataset(tmp_path / "a", organizations=3, seed=11)
    generate_dataset(tmp_path / "b", organizations=3, seed=11)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_different_seed_gives_a_different_tenant(tmp_path: Path) -> None:
    generate_dataset(tmp_path / "a", organizations=3, seed=11)
    generate_dataset(tmp_path / "b", organizations=3, seed=12)
    a, b = _load(tmp_path / "a"), _load(tmp_path / "b")
    assert a["configurations.json"] != b["configurations.json"]
    assert a["passwords.json"] != b["passwords.json"]


def test_an_organization_does_not_depend_on_the_organizations_after_it(tmp_path: Path) -> None:
    generate_dataset(tmp_path / "short", organizations=2, seed=5)
    generate_dataset(tmp_path / "long", organizations=4, seed=5)
    short, long = _load(tmp_path / "short"), _load(tmp_path / "long")
    org_ids = {r["id"] for r in short["organizations.json"]["data"]}
    for name in ("configurations.json", "passwords.json", "documents.json", "contacts.json"):
        kept = [r for r in long[name]["data"] if str(r["attributes"]["organization-id"]) in org_ids]
        assert kept == short[name]["data"], name


def test_summary_counts_what_the_files_hold(
    generated: tuple[DatasetSummary, dict[str, Any]],
) -> None:
    summary, files = generated
    assert summary.organizations == DEFAULT_SMALL_ORGANIZATIONS
    assert dict(summary.records) == {kind: len(files[name]["data"]) for name, kind in FILES.items()}
    assert summary.total_records == sum(len(doc["data"]) for doc in files.values())
    included = Counter(i["type"] for doc in files.values() for i in doc.get("included", []))
    assert dict(summary.included) == dict(included)
    assert set(included) == {"configuration-interfaces", "related-items", "flexible-asset-fields"}


def test_every_file_is_a_json_api_list_document(files: dict[str, dict[str, Any]]) -> None:
    for name, kind in FILES.items():
        document = files[name]
        assert set(document) <= {"data", "included", "meta"}, name
        assert document["meta"] == {
            "current-page": 1,
            "next-page": None,
            "prev-page": None,
            "total-pages": 1,
            "total-count": len(document["data"]),
        }
        assert document["data"], name
        ids = [r["id"] for r in document["data"]]
        assert len(set(ids)) == len(ids), f"duplicate ids in {name}"
        keys = {frozenset(r["attributes"]) for r in document["data"]}
        assert len(keys) == 1, f"{name}: records of one type have different attribute keys"
        for record in document["data"]:
            assert record["type"] == kind
            assert set(record) == {"id", "type", "attributes", "relationships"}
            assert re.fullmatch(r"[1-9][0-9]{6,9}", record["id"]), record["id"]


def test_timestamps_and_dates_use_the_api_formats(files: dict[str, dict[str, Any]]) -> None:
    for document in files.values():
        for record in document["data"] + document.get("included", []):
            attributes = record["attributes"]
            assert TIMESTAMP.match(attributes["created-at"]), record["type"]
            assert attributes["updated-at"] >= attributes["created-at"]
            assert attributes["updated-at"] <= "2026-11-01T00:00:00.000Z"
            for key in DATE_FIELDS & set(attributes):
                assert attributes[key] is None or DATE.match(attributes[key]), key


def test_every_relationship_resolves_to_exactly_one_included_entry(
    files: dict[str, dict[str, Any]],
) -> None:
    for name, document in files.items():
        included = Counter((i["type"], i["id"]) for i in document.get("included", []))
        assert all(count == 1 for count in included.values()), name
        referenced = Counter(
            (ref["type"], ref["id"])
            for record in document["data"]
            for relationship in record["relationships"].values()
            for ref in relationship["data"]
        )
        assert referenced == included, name


def test_children_point_back_at_their_parent(files: dict[str, dict[str, Any]]) -> None:
    configurations = files["configurations.json"]
    interfaces = {
        i["id"]: i for i in configurations["included"] if i["type"] == "configuration-interfaces"
    }
    for record in configurations["data"]:
        refs = record["relationships"]["configuration-interfaces"]["data"]
        assert refs, record["attributes"]["name"]
        for ref in refs:
            assert interfaces[ref["id"]]["attributes"]["configuration-id"] == int(record["id"])
    types = files["flexible_asset_types.json"]
    fields = {i["id"]: i for i in types["included"]}
    for record in types["data"]:
        for ref in record["relationships"]["flexible-asset-fields"]["data"]:
            assert fields[ref["id"]]["attributes"]["flexible-asset-type-id"] == int(record["id"])


_FOREIGN_KEYS = {
    "organization-id": "organizations",
    "location-id": "locations",
    "contact-id": "contacts",
    "configuration-type-id": "configuration-types",
    "configuration-status-id": "configuration-statuses",
    "password-category-id": "password-categories",
    "flexible-asset-type-id": "flexible-asset-types",
    "parent-id": "organizations",
}
_NAMES = {
    "organization-id": "organization-name",
    "location-id": "location-name",
    "contact-id": "contact-name",
    "configuration-type-id": "configuration-type-name",
    "configuration-status-id": "configuration-status-name",
    "password-category-id": "password-category-name",
    "flexible-asset-type-id": "flexible-asset-type-name",
}


def test_foreign_keys_and_derived_names_match_existing_records(
    files: dict[str, dict[str, Any]], index: dict[tuple[str, int], dict[str, Any]]
) -> None:
    for document in files.values():
        for record in document["data"]:
            attributes = record["attributes"]
            for key, kind in _FOREIGN_KEYS.items():
                if attributes.get(key) is None:
                    continue
                target = index[(kind, attributes[key])]
                if key in _NAMES:
                    assert attributes[_NAMES[key]] == target["attributes"]["name"], key
                owner = attributes.get("organization-id")
                if owner is not None and "organization-id" in target["attributes"]:
                    assert target["attributes"]["organization-id"] == owner, key


_RESOURCE_TYPES = {
    "Configuration": "configurations",
    "FlexibleAsset": "flexible-assets",
    "Domain": "domains",
}
_ASSET_TYPES = {
    "configuration": "configurations",
    "password": "passwords",
    "flexible_asset": "flexible-assets",
    "document": "documents",
    "contact": "contacts",
}


def test_resource_links_point_at_records_of_the_same_organization(
    files: dict[str, dict[str, Any]], index: dict[tuple[str, int], dict[str, Any]]
) -> None:
    def check(owner: dict[str, Any], kind: str, record_id: int, name: str | None) -> None:
        target = index[(kind, record_id)]["attributes"]
        assert target["organization-id"] == owner["attributes"]["organization-id"]
        if name is not None:
            assert target["name"] == name

    for password in files["passwords.json"]["data"]:
        attributes = password["attributes"]
        if attributes["resource-type"] is not None:
            kind = _RESOURCE_TYPES[attributes["resource-type"]]
            check(password, kind, attributes["resource-id"], attributes["cached-resource-name"])
    for expiration in files["expirations.json"]["data"]:
        attributes = expiration["attributes"]
        kind = _RESOURCE_TYPES[attributes["resource-type-name"]]
        check(expiration, kind, attributes["resource-id"], attributes["resource-name"])
    for name in ("configurations.json", "passwords.json", "flexible_assets.json", "documents.json"):
        items = {
            i["id"]: i for i in files[name].get("included", []) if i["type"] == "related-items"
        }
        for record in files[name]["data"]:
            for ref in record["relationships"]["related-items"]["data"]:
                item = items[ref["id"]]["attributes"]
                check(
                    record,
                    _ASSET_TYPES[item["asset-type"]],
                    item["resource-id"],
                    item["resource-name"],
                )


def test_related_items_come_in_pairs_with_an_inverse_side(files: dict[str, dict[str, Any]]) -> None:
    links: Counter[tuple[Any, ...]] = Counter()
    for name in ("configurations.json", "passwords.json", "flexible_assets.json", "documents.json"):
        items = {i["id"]: i["attributes"] for i in files[name].get("included", [])}
        for record in files[name]["data"]:
            for ref in record["relationships"]["related-items"]["data"]:
                item = items[ref["id"]]
                if item["asset-type"] != "contact":
                    here = (record["type"], int(record["id"]))
                    ends = sorted([here, (_ASSET_TYPES[item["asset-type"]], item["resource-id"])])
                    links[(*ends[0], *ends[1], item["is-inverse"])] += 1
    forward = {key[:-1] for key in links if not key[-1]}
    inverse = {key[:-1] for key in links if key[-1]}
    assert forward, "no related items"
    assert forward == inverse


def test_tag_traits_point_at_records_of_the_same_organization(
    files: dict[str, dict[str, Any]], index: dict[tuple[str, int], dict[str, Any]]
) -> None:
    tag_types = {
        "Configurations": "configurations",
        "Passwords": "passwords",
        "Contacts": "contacts",
        "Locations": "locations",
        "Domains": "domains",
    }
    seen: Counter[str] = Counter()
    for asset in files["flexible_assets.json"]["data"]:
        for value in asset["attributes"]["traits"].values():
            if isinstance(value, dict):
                for tagged in value["values"]:
                    target = index[(tag_types[value["type"]], tagged["id"])]["attributes"]
                    assert target["name"] == tagged["name"]
                    assert target["organization-id"] == asset["attributes"]["organization-id"]
                    seen[value["type"]] += 1
    assert set(seen) == set(tag_types)


def test_flexible_asset_traits_follow_their_type_schema(files: dict[str, dict[str, Any]]) -> None:
    types = files["flexible_asset_types.json"]
    fields = {i["id"]: i["attributes"] for i in types["included"]}
    kinds = {f["kind"] for f in fields.values()}
    assert kinds == {
        "Text",
        "Textbox",
        "Number",
        "Date",
        "Checkbox",
        "Select",
        "Tag",
        "Password",
        "Header",
        "Upload",
    }
    schema = {
        int(t["id"]): [
            fields[ref["id"]] for ref in t["relationships"]["flexible-asset-fields"]["data"]
        ]
        for t in types["data"]
    }
    assert {t["attributes"]["name"] for t in types["data"]} == {
        "SSL Certificate",
        "Licensing",
        "Active Directory",
        "Email",
        "Backup",
        "LAN",
        "Wireless",
        "Application",
    }
    for asset in files["flexible_assets.json"]["data"]:
        type_fields = schema[asset["attributes"]["flexible-asset-type-id"]]
        expected = [f["name-key"] for f in type_fields if f["kind"] != "Header"]
        assert list(asset["attributes"]["traits"]) == expected
        for spec in type_fields:
            value = asset["attributes"]["traits"].get(spec["name-key"])
            if spec["kind"] == "Tag" and value is not None:
                assert value["type"] == spec["tag-type"]
            if spec["kind"] == "Select" and value is not None:
                assert value in spec["default-value"].split("\n")


def test_a_failed_run_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "organizations.json").write_text("previous", "utf-8")

    def explode(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("itglue_mcp.itglue.dataset.generator.add_expirations", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        generate_dataset(tmp_path, organizations=2, seed=3)
    assert [p.name for p in tmp_path.iterdir()] == ["organizations.json"]
    assert (tmp_path / "organizations.json").read_text("utf-8") == "previous"


def test_a_successful_run_leaves_only_the_list_files(tmp_path: Path) -> None:
    generate_dataset(tmp_path, organizations=1, seed=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
