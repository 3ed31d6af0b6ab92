"""Dataset loading, validation and mutation; config validation; rate limiter and fault draws."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import itglue_mcp.itglue.simulator as simulator
from itglue_mcp.errors import ConfigurationError, ItglueMcpError
from itglue_mcp.itglue.simulator import Dataset, DatasetError, SimulatorConfig
from itglue_mcp.itglue.simulator.limits import FAULT_STATUSES, FaultInjector, RateLimiter
from itglue_mcp.itglue.simulator.ordering import SortKey, parse_sort


def _write(data_dir: Path, name: str, data: Any, included: Any = None) -> None:
    document: dict[str, Any] = {"data": data, "meta": {"total-count": len(data)}}
    if included is not None:
        document["included"] = included
    (data_dir / name).write_text(json.dumps(document))


def _configuration(cid: str, name: str, **attributes: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "type": "configurations",
        "attributes": {"name": name, "updated-at": "2024-01-01T00:00:00.000Z", **attributes},
        "relationships": {
            "configuration-interfaces": {"data": [{"type": "configuration-interfaces", "id": "7"}]}
        },
    }


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    _write(
        tmp_path,
        "configurations.json",
        [_configuration("10", "beta"), _configuration("9", "alpha")],
        included=[
            {
                "id": "7",
                "type": "configuration-interfaces",
                "attributes": {"ip-address": "1.2.3.4"},
            },
            {"id": "3", "type": "passwords", "attributes": {"name": "from-included"}},
        ],
    )
    _write(
        tmp_path,
        "passwords.json",
        [{"id": "3", "type": "passwords", "attributes": {"name": "from-file"}}],
    )
    _write(tmp_path, "organizations.json", [])
    return tmp_path


def test_public_api_is_exported() -> None:
    assert set(simulator.__all__) == {
        "Dataset",
        "DatasetError",
        "SimulatorConfig",
        "SimulatorStats",
        "create_app",
    }
    assert all(hasattr(simulator, name) for name in simulator.__all__)
    assert issubclass(DatasetError, ItglueMcpError)


def test_load_indexes_records_and_included_children(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)

    assert dataset.count("configurations") == 2
    assert dataset.get("configurations", "9")["attributes"]["name"] == "alpha"  # type: ignore[index]
    assert dataset.get("configuration-interfaces", "7")["attributes"]["ip-address"] == "1.2.3.4"  # type: ignore[index]
    assert dataset.count("organizations") == 0
    assert dataset.count("contacts") == 0  # missing file: none of that resource
    assert dataset.get("configurations", "404") is None


def test_record_from_its_own_file_wins_over_an_included_copy(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)

    assert dataset.get("passwords", "3")["attributes"]["name"] == "from-file"  # type: ignore[index]


def test_default_order_is_numeric_by_id(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)

    assert [r["id"] for r in dataset.ordered("configurations")] == ["9", "10"]
    assert [r["id"] for r in dataset.ordered("configurations", (SortKey("id", True),))] == [
        "10",
        "9",
    ]


def test_related_resolves_relationship_pairs(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)
    configuration = dataset.get("configurations", "9")
    assert configuration is not None

    assert [r["id"] for r in dataset.related(configuration, "configuration-interfaces")] == ["7"]
    assert dataset.related(configuration, "related-items") == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", r"configurations\.json: not valid JSON \(line 1"),
        ("[]", r"configurations\.json: must be a JSON:API document"),
        ('{"data": {}}', r"configurations\.json: 'data' must be a list"),
        ('{"data": [], "included": {}}', r"configurations\.json: 'included' must be a list"),
        (
            '{"data": [{"type": "configurations", "attributes": {}}]}',
            r"configurations\.json: data\[0\]: 'id' must be a string of digits, got null",
        ),
        (
            '{"data": [{"id": 5, "type": "configurations", "attributes": {}}]}',
            r"data\[0\]: 'id' must be a string of digits, got int",
        ),
        (
            '{"data": [{"id": "1", "type": "configurations", "attributes": {}},'
            ' {"id": "x1", "type": "configurations", "attributes": {}}]}',
            r"configurations\.json: data\[1\]: 'id' must be a string of digits",
        ),
        (
            '{"data": [{"id": "1", "type": "passwords", "attributes": {}}]}',
            r"data\[0\]: 'type' is 'passwords' but must be 'configurations'",
        ),
        (
            '{"data": [{"id": "1", "type": "configurations", "attributes": []}]}',
            r"data\[0\]: 'attributes' must be an object, got list",
        ),
        (
            '{"data": [{"id": "1", "type": "configurations", "attributes": {}},'
            ' {"id": "1", "type": "configurations", "attributes": {}}]}',
            r"data\[1\]: id 1 appears twice",
        ),
        (
            '{"data": [], "included": [{"id": "1", "attributes": {}}]}',
            r"configurations\.json: included\[0\]: 'type' must be a non-empty string",
        ),
    ],
)
def test_malformed_files_raise_dataset_error_naming_file_record_and_problem(
    tmp_path: Path, content: str, expected: str
) -> None:
    (tmp_path / "configurations.json").write_text(content)

    with pytest.raises(DatasetError, match=expected):
        Dataset.load(tmp_path)


def test_validation_messages_do_not_repeat_values(tmp_path: Path) -> None:
    (tmp_path / "passwords.json").write_text(
        json.dumps({"data": [{"id": "hunter2", "type": "passwords", "attributes": {}}]})
    )

    with pytest.raises(DatasetError) as caught:
        Dataset.load(tmp_path)
    assert "hunter2" not in str(caught.value)


def test_load_refuses_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="does not exist"):
        Dataset.load(tmp_path / "nope")


def test_put_stamps_updated_at_without_touching_the_callers_dict(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)
    record = _configuration("11", "gamma")
    before = datetime.now(UTC)

    dataset.put("configurations", record)

    stored = dataset.get("configurations", "11")
    assert stored is not None
    stamp = stored["attributes"]["updated-at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp)
    assert abs(datetime.fromisoformat(stamp) - before) < timedelta(seconds=5)
    assert record["attributes"]["updated-at"] == "2024-01-01T00:00:00.000Z"
    assert dataset.count("configurations") == 3


def test_put_with_touch_false_keeps_updated_at_and_replaces(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)

    dataset.put("configurations", _configuration("9", "renamed"), touch=False)

    stored = dataset.get("configurations", "9")
    assert stored is not None
    assert stored["attributes"] == {"name": "renamed", "updated-at": "2024-01-01T00:00:00.000Z"}
    assert dataset.count("configurations") == 2


def test_put_stores_included_children(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)
    interface = {"id": "8", "type": "configuration-interfaces", "attributes": {"ip-address": "x"}}

    dataset.put("configurations", _configuration("12", "delta"), included=[interface])

    assert dataset.get("configuration-interfaces", "8") == interface


def test_put_refuses_a_record_of_another_type(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)

    with pytest.raises(DatasetError, match=r"put\(passwords\): 'type' is 'configurations'"):
        dataset.put("passwords", _configuration("13", "wrong"))


def test_mutations_invalidate_cached_orders(data_dir: Path) -> None:
    dataset = Dataset.load(data_dir)
    by_name = parse_sort("name")
    assert [r["id"] for r in dataset.ordered("configurations", by_name)] == ["9", "10"]

    dataset.put("configurations", _configuration("2", "aardvark"))
    assert [r["id"] for r in dataset.ordered("configurations", by_name)] == ["2", "9", "10"]

    dataset.delete("configurations", "9")
    assert [r["id"] for r in dataset.ordered("configurations", by_name)] == ["2", "10"]
    assert dataset.get("configurations", "9") is None
    dataset.delete("configurations", "9")  # deleting again is a no-op
    assert dataset.count("configurations") == 2


@pytest.mark.parametrize(
    "overrides",
    [{"rate_limit": 0}, {"rate_window_s": 0}, {"latency_ms": -1}, {"fail_rate": 1.5}],
)
def test_config_rejects_out_of_range_values(overrides: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        SimulatorConfig(api_keys={"k": True}, **overrides)


def test_rate_limiter_rolling_window_and_unrecorded_refusals() -> None:
    now = [100.0]
    limiter = RateLimiter(limit=2, window_s=10.0, clock=lambda: now[0])

    assert limiter.acquire("a") is None
    now[0] = 104.0
    assert limiter.acquire("a") is None
    now[0] = 105.0
    assert limiter.acquire("a") == pytest.approx(5.0)  # oldest (t=100) leaves at t=110
    assert limiter.acquire("b") is None  # keys are limited separately
    now[0] = 110.0
    assert limiter.acquire("a") is None  # t=100 expired; the refusal at t=105 was not recorded
    assert limiter.acquire("a") == pytest.approx(4.0)  # window now holds t=104 and t=110


def test_fault_injector_is_deterministic_per_seed() -> None:
    def draws(seed: int) -> list[int | None]:
        injector = FaultInjector(0.5, seed)
        return [injector.draw() for _ in range(200)]

    first = draws(7)
    assert first == draws(7)
    assert first != draws(8)
    faults = [status for status in first if status is not None]
    assert 50 < len(faults) < 150
    assert set(faults) == set(FAULT_STATUSES)
    assert all(FaultInjector(0.0, 1).draw() is None for _ in range(100))
