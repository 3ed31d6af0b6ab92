"""Simulator list semantics over real HTTP: sort, documented filters only, OR lists and
escapes, date ranges, include, and the configuration interfaces route."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from itglue_mcp.background import serve_in_thread
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

KEY = "ITG.key"


def _record(rtype: str, rid: str, **attrs: Any) -> dict[str, Any]:
    return {"id": rid, "type": rtype, "attributes": attrs, "relationships": {}}


def _linked(
    record: dict[str, Any], relationships: dict[str, list[tuple[str, str]]]
) -> dict[str, Any]:
    record["relationships"] = {
        name: {"data": [{"type": t, "id": i} for t, i in pairs]}
        for name, pairs in relationships.items()
    }
    return record


def _write(data_dir: Path, name: str, data: list[Any], included: list[Any] | None = None) -> None:
    document: dict[str, Any] = {"data": data, "meta": {}}
    if included is not None:
        document["included"] = included
    (data_dir / name).write_text(json.dumps(document))


def _organization(rid: str, name: str, created: str, updated: str, type_id: int) -> dict[str, Any]:
    return _record(
        "organizations",
        rid,
        name=name,
        **{"created-at": created, "updated-at": updated, "organization-type-id": type_id},
    )


def _configuration(
    rid: str,
    name: str,
    org: int,
    updated: str,
    archived: bool | None,
    relationships: dict[str, list[tuple[str, str]]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    record = _record(
        "configurations",
        rid,
        name=name,
        archived=archived,
        **{"organization-id": org, "updated-at": updated},
        **extra,
    )
    return _linked(record, relationships or {})


def _build(data_dir: Path) -> Path:
    _write(
        data_dir,
        "organizations.json",
        [
            _organization("1", "Acme", "2023-01-01T00:00:00.000Z", "2024-01-10T12:00:00.000Z", 3),
            _organization("2", "Globex", "2023-06-01T00:00:00.000Z", "2024-03-05T08:00:00.000Z", 4),
            _organization(
                "10", "Initech", "2024-02-01T00:00:00.000Z", "2024-03-05T08:00:00.000Z", 3
            ),
            _organization(
                "9", "Acme, Inc.", "2022-01-01T00:00:00.000Z", "2023-12-31T23:59:59.999Z", 5
            ),
        ],
    )
    _write(
        data_dir,
        "configurations.json",
        [
            _configuration(
                "5",
                "web01",
                1,
                "2024-02-01T00:00:00.000Z",
                False,
                relationships={
                    "configuration-interfaces": [
                        ("configuration-interfaces", "101"),
                        ("configuration-interfaces", "102"),
                    ],
                    "related-items": [("related-items", "201")],
                },
                **{"serial-number": "SN-1", "mac-address": "aa:bb:cc:00:00:01"},
            ),
            _configuration(
                "12",
                "db01",
                1,
                "2024-02-03T00:00:00.000Z",
                True,
                relationships={
                    "configuration-interfaces": [("configuration-interfaces", "103")],
                    "related-items": [("related-items", "202")],
                },
                **{"serial-number": "SN-2"},
            ),
            _configuration("100", "Web01", 2, "2024-02-02T00:00:00.000Z", None),
            _configuration("7", "web01", 2, "2024-02-03T00:00:00.000Z", False),
        ],
        included=[
            _record("configuration-interfaces", "101", name="eth0", **{"ip-address": "10.0.0.1"}),
            _record("configuration-interfaces", "102", name="eth1", **{"ip-address": "10.0.0.2"}),
            _record("configuration-interfaces", "103", name="eth0", **{"ip-address": "10.0.0.3"}),
            _record(
                "related-items",
                "201",
                **{"asset-type": "configuration", "resource-id": 12, "is-inverse": False},
            ),
            _record(
                "related-items",
                "202",
                **{"asset-type": "configuration", "resource-id": 5, "is-inverse": True},
            ),
        ],
    )
    _write(
        data_dir,
        "expirations.json",
        [
            _record("expirations", "1", **{"expiration-date": "2024-05-01", "organization-id": 1}),
            _record("expirations", "2", **{"expiration-date": "2024-06-15", "organization-id": 1}),
            _record("expirations", "3", **{"expiration-date": "2025-01-01", "organization-id": 2}),
        ],
    )
    _write(
        data_dir,
        "flexible_asset_types.json",
        [
            _linked(
                _record("flexible-asset-types", "20", name="Wifi", enabled=True),
                {"flexible-asset-fields": [("flexible-asset-fields", "301")]},
            ),
            _record("flexible-asset-types", "21", name="Old", enabled=False),
        ],
        included=[_record("flexible-asset-fields", "301", name="SSID", kind="Text")],
    )
    return data_dir


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dataset = Dataset.load(_build(tmp_path_factory.mktemp("query")))
    with serve_in_thread(create_app(dataset, SimulatorConfig(api_keys={KEY: True}))) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, headers={"x-api-key": KEY}) as http:
        yield http


def _get(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _ids(client: httpx.Client, path: str, **params: Any) -> list[str]:
    return [record["id"] for record in _get(client, path, **params)["data"]]


def _included(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(entry["type"], entry["id"]) for entry in body.get("included", [])]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["1", "2", "9", "10"]),  # numeric, not "1", "10", "2", "9"
        ("id", ["1", "2", "9", "10"]),
        ("-id", ["10", "9", "2", "1"]),
        ("name", ["1", "9", "2", "10"]),
        ("-name", ["10", "2", "9", "1"]),
        ("updated_at", ["9", "1", "2", "10"]),
        ("-updated_at", ["2", "10", "1", "9"]),  # 2 and 10 tie: ascending id breaks it
        ("-updated-at", ["2", "10", "1", "9"]),
        ("-updated_at,-id", ["10", "2", "1", "9"]),
    ],
)
def test_sort(client: httpx.Client, sort: str | None, expected: list[str]) -> None:
    params = {"sort": sort} if sort else {}
    assert _ids(client, "/organizations", **params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter[id]": "2,10"}, ["2", "10"]),
        ({"filter[name]": "Acme"}, ["1"]),  # exact: not "Acme, Inc."
        ({"filter[name]": "acme"}, []),
        ({"filter[name]": "Acme\\, Inc."}, ["9"]),
        ({"filter[name]": "Acme,Globex"}, ["1", "2"]),
        ({"filter[organization_type_id]": "3"}, ["1", "10"]),
        # An unescaped comma splits: "Acme" OR " Inc." OR "Initech".
        (
            {"filter[organization_type_id]": "3,5", "filter[name]": "Acme, Inc.,Initech"},
            ["1", "10"],
        ),
        ({"filter[organization_type_id]": "3,5", "filter[name]": "Initech"}, ["10"]),
        ({"filter[updated_at]": "2024-03-01T00:00:00Z,*"}, ["2", "10"]),
        ({"filter[updated_at]": "*,2024-01-10T12:00:00.000Z"}, ["1", "9"]),
        ({"filter[updated_at]": "2024-01-01,2024-02-01"}, ["1"]),
        ({"filter[created_at]": "2023-01-01T00:00:00.000Z,2023-12-31T00:00:00Z"}, ["1", "2"]),
        ({"filter[bogus]": "1"}, ["1", "2", "9", "10"]),
        ({"filter[organization-type-id]": "3"}, ["1", "2", "9", "10"]),
    ],
)
def test_organization_filters(
    client: httpx.Client, params: dict[str, str], expected: list[str]
) -> None:
    assert _ids(client, "/organizations", **params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter[organization_id]": "1"}, ["5", "12"]),
        ({"filter[organization_id]": "2,1"}, ["5", "7", "12", "100"]),
        ({"filter[archived]": "true"}, ["12"]),
        ({"filter[archived]": "false"}, ["5", "7", "100"]),  # null counts as not archived
        ({"filter[serial_number]": "SN-2"}, ["12"]),
        ({"filter[mac_address]": "aa:bb:cc:00:00:01"}, ["5"]),
        ({"filter[name]": "web01"}, ["5", "7"]),
        # Not documented for configurations: silently ignored, as live tenants do.
        ({"filter[updated_at]": "2030-01-01T00:00:00Z,*"}, ["5", "7", "12", "100"]),
        ({"filter[organization-id]": "1"}, ["5", "7", "12", "100"]),
    ],
)
def test_configuration_filters(
    client: httpx.Client, params: dict[str, str], expected: list[str]
) -> None:
    assert _ids(client, "/configurations", **params) == expected


def test_sort_by_updated_at_on_configurations_breaks_ties_by_id(client: httpx.Client) -> None:
    assert _ids(client, "/configurations", sort="-updated_at") == ["7", "12", "100", "5"]


def test_filters_apply_on_nested_routes_too(client: httpx.Client) -> None:
    path = "/organizations/1/relationships/configurations"

    assert _ids(client, path, **{"filter[archived]": "false"}) == ["5"]
    assert _ids(client, path, **{"filter[organization_id]": "2"}) == []


def test_paging_counts_filtered_records(client: httpx.Client) -> None:
    body = _get(
        client,
        "/configurations",
        **{"filter[name]": "web01", "page[size]": "1", "page[number]": "2"},
    )

    assert [record["id"] for record in body["data"]] == ["7"]
    assert body["meta"]["total-count"] == 2
    assert body["meta"]["total-pages"] == 2
    assert body["meta"]["next-page"] is None


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/configurations", {"filter[archived]": "maybe"}, "filter[archived]"),
        ("/organizations", {"filter[updated_at]": "2024-01-01"}, "filter[updated_at]"),
        ("/organizations", {"filter[updated_at]": "yesterday,*"}, "filter[updated_at]"),
    ],
)
def test_malformed_documented_filters_are_422(
    client: httpx.Client, path: str, params: dict[str, str], named: str
) -> None:
    response = client.get(path, params=params)

    assert response.status_code == 422
    assert named in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter[expiration_date]": "2024-05-01,2024-06-15"}, ["1", "2"]),
        ({"filter[expiration_date]": "2024-06-01,*"}, ["2", "3"]),
        ({"filter[resource_type_name]": "x"}, []),
    ],
)
def test_expiration_filters(
    client: httpx.Client, params: dict[str, str], expected: list[str]
) -> None:
    assert _ids(client, "/expirations", **params) == expected


def test_flexible_asset_type_filters(client: httpx.Client) -> None:
    assert _ids(client, "/flexible_asset_types", **{"filter[enabled]": "true"}) == ["20"]
    assert _ids(client, "/flexible_asset_types", **{"filter[name]": "Old"}) == ["21"]


def test_include_on_list_resolves_relationships_of_the_page(client: httpx.Client) -> None:
    whole = _get(client, "/configurations", include="configuration_interfaces")
    assert _included(whole) == [
        ("configuration-interfaces", "101"),
        ("configuration-interfaces", "102"),
        ("configuration-interfaces", "103"),
    ]
    first = _get(client, "/configurations", include="configuration_interfaces", **{"page[size]": 1})
    assert _included(first) == [
        ("configuration-interfaces", "101"),
        ("configuration-interfaces", "102"),
    ]
    assert first["data"][0]["relationships"]["related-items"]["data"] == [
        {"type": "related-items", "id": "201"}
    ]


def test_include_on_show_returns_only_what_was_requested(client: httpx.Client) -> None:
    plain = _get(client, "/configurations/5")
    assert "included" not in plain
    assert set(plain["data"]["relationships"]) == {"configuration-interfaces", "related-items"}

    related = _get(client, "/configurations/5", include="related_items")
    assert _included(related) == [("related-items", "201")]
    assert related["included"][0]["attributes"]["asset-type"] == "configuration"

    both = _get(client, "/configurations/12", include="related_items,configuration-interfaces")
    assert _included(both) == [("related-items", "202"), ("configuration-interfaces", "103")]


def test_unknown_include_names_are_ignored(client: httpx.Client) -> None:
    body = _get(client, "/configurations/5", include="nonsense")

    assert "included" not in body
    assert body["data"]["id"] == "5"


def test_flexible_asset_type_fields_include(client: httpx.Client) -> None:
    body = _get(client, "/flexible_asset_types", include="flexible_asset_fields")

    assert _included(body) == [("flexible-asset-fields", "301")]


def test_configuration_interfaces_route(client: httpx.Client) -> None:
    path = "/configurations/5/relationships/configuration_interfaces"

    body = _get(client, path)
    assert [record["id"] for record in body["data"]] == ["101", "102"]
    assert body["meta"]["total-count"] == 2
    assert _ids(client, path, **{"filter[ip_address]": "10.0.0.2"}) == ["102"]
    assert _ids(client, path, sort="-id") == ["102", "101"]
    assert _ids(client, "/configurations/100/relationships/configuration_interfaces") == []
    missing = client.get("/configurations/999/relationships/configuration_interfaces")
    assert missing.status_code == 404
