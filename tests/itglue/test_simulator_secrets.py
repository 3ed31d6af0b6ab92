"""Secrets in the simulator over real HTTP: password values and Password-kind traits appear only
on a show route, with a Password Access key and ``show_password`` not false."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from itglue_mcp.background import serve_in_thread
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

FULL = "ITG.password-access"
LIMITED = "ITG.no-password-access"
SECRETS = ("pw-50-secret", "pw-51-secret", "OTP-SEED-50", "fa-secret-30")


def _write(data_dir: Path, name: str, data: list[Any], included: list[Any] | None = None) -> None:
    document: dict[str, Any] = {"data": data}
    if included is not None:
        document["included"] = included
    (data_dir / name).write_text(json.dumps(document))


def _pairs(rtype: str, *ids: str) -> dict[str, Any]:
    return {"data": [{"type": rtype, "id": rid} for rid in ids]}


def _password(rid: str, value: str, **extra: Any) -> dict[str, Any]:
    attributes = {"name": f"pw {rid}", "organization-id": 1, "password": value, **extra}
    return {"id": rid, "type": "passwords", "attributes": attributes, "relationships": {}}


def _build(data_dir: Path) -> Path:
    _write(data_dir, "organizations.json", [{"id": "1", "type": "organizations", "attributes": {}}])
    _write(
        data_dir,
        "passwords.json",
        [
            _password("50", "pw-50-secret", **{"otp-secret": "OTP-SEED-50"}),
            _password("51", "pw-51-secret"),
        ],
    )
    _write(
        data_dir,
        "flexible_asset_types.json",
        [
            {
                "id": "20",
                "type": "flexible-asset-types",
                "attributes": {"name": "Wifi"},
                "relationships": {
                    "flexible-asset-fields": _pairs("flexible-asset-fields", "301", "302")
                },
            }
        ],
        included=[
            {
                "id": "301",
                "type": "flexible-asset-fields",
                "attributes": {"name": "SSID", "name-key": "ssid", "kind": "Text"},
            },
            {
                "id": "302",
                "type": "flexible-asset-fields",
                "attributes": {"name": "Key", "name-key": "wifi-key", "kind": "Password"},
            },
        ],
    )
    _write(
        data_dir,
        "flexible_assets.json",
        [
            {
                "id": "30",
                "type": "flexible-assets",
                "attributes": {
                    "flexible-asset-type-id": 20,
                    "traits": {"ssid": "guest", "wifi-key": "fa-secret-30"},
                },
            },
            {
                "id": "31",
                "type": "flexible-assets",
                "attributes": {"flexible-asset-type-id": 20, "traits": {"ssid": "corp"}},
            },
        ],
    )
    _write(
        data_dir,
        "configurations.json",
        [
            {
                "id": "5",
                "type": "configurations",
                "attributes": {"name": "web01", "organization-id": 1},
                "relationships": {"passwords": _pairs("passwords", "50")},
            }
        ],
        included=[_password("50", "pw-50-secret")],
    )
    return data_dir


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    dataset = Dataset.load(_build(tmp_path_factory.mktemp("secrets")))
    return create_app(dataset, SimulatorConfig(api_keys={FULL: True, LIMITED: False}))


@pytest.fixture(scope="module")
def base_url(app: Starlette) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


def _get(base_url: str, path: str, key: str = FULL, **params: str) -> httpx.Response:
    return httpx.get(f"{base_url}{path}", params=params, headers={"x-api-key": key})


def _assert_no_secret(response: httpx.Response) -> None:
    assert response.status_code == 200, response.status_code
    assert not [secret for secret in SECRETS if secret in response.text]


@pytest.mark.parametrize("key", [FULL, LIMITED])
@pytest.mark.parametrize(
    "path",
    ["/passwords", "/organizations/1/relationships/passwords", "/passwords?show_password=true"],
)
def test_password_lists_never_carry_values(base_url: str, path: str, key: str) -> None:
    response = _get(base_url, path, key)

    _assert_no_secret(response)
    for record in response.json()["data"]:
        assert "password" not in record["attributes"]
        assert "otp-secret" not in record["attributes"]
        assert record["attributes"]["name"] == f"pw {record['id']}"


def test_show_with_password_access_reveals_by_default(base_url: str) -> None:
    attributes = _get(base_url, "/passwords/50").json()["data"]["attributes"]

    assert attributes["password"] == "pw-50-secret"
    assert attributes["otp-secret"] == "OTP-SEED-50"
    explicit = _get(base_url, "/passwords/51", show_password="true").json()["data"]["attributes"]
    assert explicit["password"] == "pw-51-secret"


@pytest.mark.parametrize(
    ("key", "params"),
    [(FULL, {"show_password": "false"}), (LIMITED, {}), (LIMITED, {"show_password": "false"})],
)
def test_show_hides_the_value_otherwise(base_url: str, key: str, params: dict[str, str]) -> None:
    response = _get(base_url, "/passwords/50", key, **params)

    _assert_no_secret(response)
    attributes = response.json()["data"]["attributes"]
    assert "password" not in attributes
    assert attributes["name"] == "pw 50"


@pytest.mark.parametrize("path", ["/passwords/50", "/flexible_assets/30"])
def test_show_password_true_without_access_is_401(base_url: str, path: str) -> None:
    response = _get(base_url, path, LIMITED, show_password="true")

    assert response.status_code == 401
    assert response.json()["errors"][0]["status"] == "401"
    assert not [secret for secret in SECRETS if secret in response.text]


def test_show_password_must_be_a_boolean(base_url: str) -> None:
    response = _get(base_url, "/passwords/50", show_password="yes please")

    assert response.status_code == 422
    assert "show_password" in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize("key", [FULL, LIMITED])
def test_flexible_asset_lists_drop_password_traits(base_url: str, key: str) -> None:
    response = _get(base_url, "/flexible_assets", key, **{"filter[flexible-asset-type-id]": "20"})

    _assert_no_secret(response)
    traits = {record["id"]: record["attributes"]["traits"] for record in response.json()["data"]}
    assert traits == {"30": {"ssid": "guest"}, "31": {"ssid": "corp"}}


def test_flexible_asset_show_reveals_password_traits_only_with_access(base_url: str) -> None:
    revealed = _get(base_url, "/flexible_assets/30").json()["data"]["attributes"]["traits"]
    assert revealed == {"ssid": "guest", "wifi-key": "fa-secret-30"}

    for key, params in ((LIMITED, {}), (FULL, {"show_password": "false"})):
        response = _get(base_url, "/flexible_assets/30", key, **params)
        _assert_no_secret(response)
        assert response.json()["data"]["attributes"]["traits"] == {"ssid": "guest"}


@pytest.mark.parametrize("path", ["/configurations", "/configurations/5"])
def test_included_passwords_never_carry_values(base_url: str, path: str) -> None:
    response = _get(base_url, path, include="passwords")

    _assert_no_secret(response)
    included = response.json()["included"]
    assert [(entry["type"], entry["id"]) for entry in included] == [("passwords", "50")]
    assert "password" not in included[0]["attributes"]


def test_redaction_leaves_the_stored_records_intact(base_url: str, app: Starlette) -> None:
    _get(base_url, "/passwords")
    _get(base_url, "/flexible_assets", **{"filter[flexible-asset-type-id]": "20"})

    stored = app.state.dataset.get("passwords", "50")
    assert stored["attributes"]["password"] == "pw-50-secret"
    asset = app.state.dataset.get("flexible-assets", "30")
    assert asset["attributes"]["traits"]["wifi-key"] == "fa-secret-30"
