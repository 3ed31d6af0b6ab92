"""Simulator routes over real HTTP: auth, route table, 404s, paging, documents and flexible
asset quirks, and live mutations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from itglue_mcp.background import serve_in_thread
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

KEY = "ITG.full"
OTHER_KEY = "ITG.readonly"


def _record(rtype: str, rid: str, **attributes: Any) -> dict[str, Any]:
    return {"id": rid, "type": rtype, "attributes": attributes, "relationships": {}}


def _write(data_dir: Path, name: str, data: list[dict[str, Any]]) -> None:
    (data_dir / name).write_text(json.dumps({"data": data, "meta": {"total-count": len(data)}}))


def _build(data_dir: Path) -> Path:
    _write(
        data_dir,
        "organizations.json",
        [_record("organizations", rid, name=f"Org {rid}") for rid in ("1", "2", "3")],
    )
    _write(
        data_dir,
        "configurations.json",
        [
            _record("configurations", rid, name=f"cfg-{rid}", **{"organization-id": org})
            for rid, org in (("5", 1), ("12", 1), ("100", 2), ("7", 3), ("8", 1))
        ],
    )
    _write(
        data_dir,
        "passwords.json",
        [_record("passwords", "50", name="admin", **{"organization-id": 1})],
    )
    _write(data_dir, "flexible_asset_types.json", [_record("flexible-asset-types", "20", name="T")])
    _write(
        data_dir,
        "flexible_assets.json",
        [
            _record(
                "flexible-assets", "30", **{"flexible-asset-type-id": 20, "organization-id": 1}
            ),
            _record(
                "flexible-assets", "31", **{"flexible-asset-type-id": 21, "organization-id": 2}
            ),
            _record(
                "flexible-assets", "32", **{"flexible-asset-type-id": 20, "organization-id": 2}
            ),
        ],
    )
    _write(
        data_dir,
        "documents.json",
        [
            _record(
                "documents",
                rid,
                name=f"doc-{rid}",
                **{"organization-id": org, "document-folder-id": folder},
            )
            for rid, org, folder in (("40", 1, None), ("41", 1, 9), ("42", 2, None), ("43", 1, 8))
        ],
    )
    for name, rtype in (
        ("contacts.json", "contacts"),
        ("locations.json", "locations"),
        ("domains.json", "domains"),
        ("expirations.json", "expirations"),
    ):
        _write(
            data_dir,
            name,
            [
                _record(rtype, "60", name="one", **{"organization-id": 1}),
                _record(rtype, "61", name="two", **{"organization-id": 2}),
            ],
        )
    _write(
        data_dir, "configuration_types.json", [_record("configuration-types", "1", name="Server")]
    )
    _write(data_dir, "password_categories.json", [_record("password-categories", "1", name="AD")])
    _write(
        data_dir,
        "configuration_statuses.json",
        [_record("configuration-statuses", str(i), name=f"s{i}") for i in range(1, 1202)],
    )
    return data_dir


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("routes"))


@pytest.fixture(scope="module")
def base_url(data_dir: Path) -> Iterator[str]:
    config = SimulatorConfig(api_keys={KEY: True, OTHER_KEY: False})
    with serve_in_thread(create_app(Dataset.load(data_dir), config)) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, headers={"x-api-key": KEY}) as http:
        yield http


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [record["id"] for record in response.json()["data"]]


def _assert_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/vnd.api+json"
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert errors[0]["status"] == str(status)
    assert errors[0]["title"]
    detail: dict[str, Any] = errors[0]
    return detail


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-api-key": "ITG.unknown"}, {"x-api-key": ""}],
    ids=["missing", "unknown", "empty"],
)
def test_missing_or_unknown_key_is_401(base_url: str, headers: dict[str, str]) -> None:
    response = httpx.get(f"{base_url}/organizations", headers=headers)

    error = _assert_error(response, 401)
    assert error["title"] == "Unauthorized"
    assert "ITG.unknown" not in response.text


def test_a_key_without_password_access_still_reads(client: httpx.Client) -> None:
    response = client.get("/organizations", headers={"x-api-key": OTHER_KEY})

    assert _ids(response) == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("path", "rtype", "ids"),
    [
        ("/organizations", "organizations", ["1", "2", "3"]),
        ("/configurations", "configurations", ["5", "7", "8", "12", "100"]),
        ("/passwords", "passwords", ["50"]),
        ("/flexible_asset_types", "flexible-asset-types", ["20"]),
        ("/contacts", "contacts", ["60", "61"]),
        ("/locations", "locations", ["60", "61"]),
        ("/domains", "domains", ["60", "61"]),
        ("/expirations", "expirations", ["60", "61"]),
        ("/configuration_types", "configuration-types", ["1"]),
        ("/password_categories", "password-categories", ["1"]),
    ],
)
def test_list_routes(client: httpx.Client, path: str, rtype: str, ids: list[str]) -> None:
    response = client.get(path)

    assert response.headers["content-type"] == "application/vnd.api+json"
    assert _ids(response) == ids
    body = response.json()
    assert {record["type"] for record in body["data"]} == {rtype}
    assert body["meta"]["total-count"] == len(ids)
    assert "included" not in body


@pytest.mark.parametrize(
    ("path", "rtype"),
    [
        ("/organizations/2", "organizations"),
        ("/configurations/100", "configurations"),
        ("/passwords/50", "passwords"),
        ("/flexible_asset_types/20", "flexible-asset-types"),
        ("/flexible_assets/31", "flexible-assets"),
        ("/documents/41", "documents"),
        ("/contacts/61", "contacts"),
        ("/locations/61", "locations"),
        ("/domains/61", "domains"),
        ("/expirations/61", "expirations"),
    ],
)
def test_show_routes_answer_one_object(client: httpx.Client, path: str, rtype: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["type"] == rtype
    assert data["id"] == path.rsplit("/", 1)[1]
    assert data["relationships"] == {}


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/99",
        "/configurations/6",
        "/documents/1",
        "/flexible_assets/30x",
        "/passwords/51",
    ],
)
def test_show_of_unknown_id_is_404(client: httpx.Client, path: str) -> None:
    _assert_error(client.get(path), 404)


@pytest.mark.parametrize(
    ("segment", "ids_org1"),
    [
        ("configurations", ["5", "8", "12"]),
        ("passwords", ["50"]),
        ("documents", ["40"]),
        ("contacts", ["60"]),
        ("locations", ["60"]),
        ("domains", ["60"]),
        ("expirations", ["60"]),
    ],
)
def test_nested_organization_routes(
    client: httpx.Client, segment: str, ids_org1: list[str]
) -> None:
    assert _ids(client.get(f"/organizations/1/relationships/{segment}")) == ids_org1
    _assert_error(client.get(f"/organizations/99/relationships/{segment}"), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/documents",
        "/organizations/1/relationships/flexible_assets",
        "/no_such_thing",
        "/organizations/1/relationships/nothing",
        "/configuration_interfaces",
    ],
)
def test_routes_the_api_lacks_are_404(client: httpx.Client, path: str) -> None:
    _assert_error(client.get(path), 404)


def test_other_methods_are_refused(client: httpx.Client) -> None:
    _assert_error(client.post("/organizations", json={"data": {}}), 405)


def test_paging_meta_and_links(client: httpx.Client) -> None:
    first = client.get("/configurations", params={"page[size]": 2, "sort": "name"}).json()
    assert [r["id"] for r in first["data"]] == ["100", "12"]  # names compare as strings
    assert first["meta"] == {
        "current-page": 1,
        "next-page": 2,
        "prev-page": None,
        "total-pages": 3,
        "total-count": 5,
    }
    assert "page%5Bnumber%5D=2" in first["links"]["next"]
    assert "sort=name" in first["links"]["next"]
    assert "page%5Bnumber%5D=3" in first["links"]["last"]

    seen: list[str] = []
    url: str | None = "/configurations?page[size]=2"
    pages = 0
    while url is not None:
        body = client.get(url).json()
        seen += [r["id"] for r in body["data"]]
        url = body["links"].get("next")
        pages += 1
    assert seen == ["5", "7", "8", "12", "100"]
    assert pages == 3
    assert body["meta"]["next-page"] is None
    assert body["meta"]["prev-page"] == 2


def test_page_past_the_end_is_empty(client: httpx.Client) -> None:
    body = client.get("/configurations", params={"page[size]": 2, "page[number]": 9}).json()

    assert body["data"] == []
    assert body["meta"]["next-page"] is None
    assert body["meta"]["total-count"] == 5
    assert "next" not in body["links"]


def test_default_page_size_is_50_and_size_is_clamped_to_1000(client: httpx.Client) -> None:
    default = client.get("/configuration_statuses").json()
    assert len(default["data"]) == 50
    assert default["meta"]["total-pages"] == 25

    big = client.get("/configuration_statuses", params={"page[size]": 5000}).json()
    assert len(big["data"]) == 1000
    assert big["meta"] == {
        "current-page": 1,
        "next-page": 2,
        "prev-page": None,
        "total-pages": 2,
        "total-count": 1201,
    }
    assert [r["id"] for r in big["data"][:3]] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"page[number]": "two"}, "page[number]"),
        ({"page[size]": "1.5"}, "page[size]"),
        ({"page[size]": "0"}, "page[size]"),
        ({"page[number]": "-1"}, "page[number]"),
    ],
)
def test_malformed_page_parameters_are_422(
    client: httpx.Client, params: dict[str, str], name: str
) -> None:
    error = _assert_error(client.get("/organizations", params=params), 422)

    assert name in error["detail"]


def test_documents_list_only_root_level_by_default(client: httpx.Client) -> None:
    path = "/organizations/1/relationships/documents"

    assert _ids(client.get(path)) == ["40"]
    assert _ids(client.get(path, params={"filter[document_folder_id]": "null"})) == [
        "40",
        "41",
        "43",
    ]
    assert _ids(client.get(path, params={"filter[document_folder_id]": "9"})) == ["41"]


def test_flexible_assets_require_the_type_filter(client: httpx.Client) -> None:
    error = _assert_error(client.get("/flexible_assets"), 422)
    assert "filter[flexible-asset-type-id]" in error["detail"]
    assert "required" in error["detail"]
    _assert_error(client.get("/flexible_assets", params={"filter[name]": "x"}), 422)

    assert _ids(
        client.get("/flexible_assets", params={"filter[flexible-asset-type-id]": "20"})
    ) == [
        "30",
        "32",
    ]
    assert _ids(
        client.get("/flexible_assets", params={"filter[flexible_asset_type_id]": "21"})
    ) == ["31"]
    both = {"filter[flexible-asset-type-id]": "20,21", "filter[organization_id]": "2"}
    assert _ids(client.get("/flexible_assets", params=both)) == ["31", "32"]


def test_mutations_are_visible_to_the_next_request(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)
    app = create_app(dataset, SimulatorConfig(api_keys={KEY: True}))
    with (
        serve_in_thread(app) as base_url,
        httpx.Client(base_url=base_url, headers={"x-api-key": KEY}) as http,
    ):
        dataset.put(
            "configurations", _record("configurations", "6", name="new", **{"organization-id": 1})
        )
        dataset.delete("configurations", "12")

        assert _ids(http.get("/configurations")) == ["5", "6", "7", "8", "100"]
        assert _ids(http.get("/organizations/1/relationships/configurations")) == ["5", "6", "8"]
        _assert_error(http.get("/configurations/12"), 404)
        newest = http.get("/configurations", params={"sort": "-updated_at", "page[size]": 1})
        assert _ids(newest) == ["6"]
        assert app.state.dataset is dataset


class _BrokenDataset(Dataset):
    def ordered(self, resource_type: str, sort: Any = ()) -> Any:
        raise RuntimeError("internal detail that must not leak")


def test_unexpected_errors_answer_a_jsonapi_500() -> None:
    app = create_app(_BrokenDataset(), SimulatorConfig(api_keys={KEY: True}))
    with (
        serve_in_thread(app) as base_url,
        httpx.Client(base_url=base_url, headers={"x-api-key": KEY}) as http,
    ):
        response = http.get("/organizations")

    _assert_error(response, 500)
    assert "internal detail" not in response.text
