"""The in-memory IT Glue account the simulator serves, loaded from a dataset directory.

A dataset directory holds one JSON:API list document per list endpoint, named after it
(``configurations.json``, ``flexible_assets.json`` …); a missing file means the account has none
of that resource (IT Glue API facts: "Dataset directory"). Children travel as ``included``
entries of their parent's file (configuration interfaces, related items, flexible asset fields)
and are stored as records of their own type, so :meth:`Dataset.get` finds them too::

    dataset = Dataset.load(Path("demo-data"))
    dataset.get("configurations", "42")
    dataset.put("configurations", {"id": "43", "type": "configurations", "attributes": {...}})

Records are kept as loaded (no copies) in a dict per type; sorted orders are computed on first
use and cached until the type changes through :meth:`Dataset.put` or :meth:`Dataset.delete`. A
lock makes those mutations safe while the server thread reads.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.itglue.simulator.catalog import RESOURCES
from itglue_mcp.itglue.simulator.ordering import SortKey, sort_records

__all__ = ["Dataset", "DatasetError", "Record", "utc_timestamp"]

Record = dict[str, Any]


class DatasetError(ItglueMcpError):
    """A dataset file, or a record given to :meth:`Dataset.put`, does not have the API's shape.

    The message names the file (or the ``put`` call), the record's position and what is wrong;
    it never repeats attribute values, which may be secrets.
    """


def utc_timestamp() -> str:
    """The current time as IT Glue sends timestamps, e.g. ``"2016-09-14T18:15:28.000Z"``.

    IT Glue API facts: "Timestamps are RFC 3339 UTC with milliseconds".
    """
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Table:
    """Records of one type by id, with cached sorted orders."""

    def __init__(self) -> None:
        self.by_id: dict[str, Record] = {}
        self.orders: dict[tuple[SortKey, ...], list[Record]] = {}


class Dataset:
    """In-memory IT Glue account loaded from a dataset directory (format: facts sheet).

    Resource types are the JSON:API kebab-case plurals (``"configurations"``,
    ``"flexible-assets"``, ``"configuration-interfaces"`` …). Records are JSON:API resource
    objects ``{"id", "type", "attributes", "relationships"?}`` with digit-string ids.
    """

    def __init__(self) -> None:
        """Create an empty account; use :meth:`load` to read a dataset directory."""
        self._tables: dict[str, _Table] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, data_dir: Path) -> Dataset:
        """Read every known dataset file under ``data_dir``.

        Each file is parsed once with :func:`json.load`. Records of a file's ``data`` belong to
        the file's type; ``included`` entries are added as records of their own type unless a
        record with that type and id was already loaded from its own file, which wins.

        Args:
            data_dir: directory holding ``organizations.json``, ``configurations.json`` … ;
                absent files mean no records of that type, unknown files are ignored.

        Returns:
            The loaded dataset.

        Raises:
            DatasetError: ``data_dir`` is not a directory, a file is not valid JSON, is not a
                JSON:API list document, or holds a record without a digit-string ``id``, with a
                ``type`` other than the file's, without an ``attributes`` object, or with an id
                repeated within the file.
        """
        if not data_dir.is_dir():
            raise DatasetError(f"dataset directory {data_dir} does not exist or is not a directory")
        dataset = cls()
        pending_included: list[Record] = []
        for spec in RESOURCES:
            path = data_dir / spec.file_name
            if not spec.has_file or not path.is_file():
                continue
            document = _read_document(path)
            table = dataset._table(spec.type)
            for index, record in enumerate(document["data"]):
                _check_record(record, spec.type, f"{path.name}: data[{index}]")
                if record["id"] in table.by_id:
                    raise DatasetError(
                        f"{path.name}: data[{index}]: id {record['id']} appears twice in the file"
                    )
                table.by_id[record["id"]] = record
            for index, entry in enumerate(document.get("included", ())):
                _check_record(entry, None, f"{path.name}: included[{index}]")
                pending_included.append(entry)
        for entry in pending_included:
            dataset._table(entry["type"]).by_id.setdefault(entry["id"], entry)
        return dataset

    def get(self, resource_type: str, resource_id: str) -> Record | None:
        """Return the record of ``resource_type`` with ``resource_id``, or ``None``.

        A dict lookup; the record is the stored object itself, so callers must not modify it.
        """
        table = self._tables.get(resource_type)
        return table.by_id.get(resource_id) if table else None

    def put(
        self,
        resource_type: str,
        resource: Mapping[str, Any],
        included: Sequence[Mapping[str, Any]] = (),
        *,
        touch: bool = True,
    ) -> None:
        """Create or replace a record, and the ``included`` children it refers to.

        The caller's objects are not modified: the stored record is a copy whose
        ``attributes["updated-at"]`` is set to now (RFC 3339, milliseconds, ``Z``) when ``touch``
        is true, as the API does on every change. Included entries are stored as given, each
        replacing any record of its type and id. The next request sees the change.

        Args:
            resource_type: JSON:API type of ``resource``.
            resource: JSON:API resource object with a digit-string ``id`` and ``attributes``.
            included: children referenced from ``resource["relationships"]``.
            touch: stamp ``updated-at``; ``False`` keeps the caller's value.

        Raises:
            DatasetError: a record does not have the shape :meth:`load` requires.
        """
        _check_record(resource, resource_type, f"put({resource_type})")
        for index, entry in enumerate(included):
            _check_record(entry, None, f"put({resource_type}): included[{index}]")
        record = dict(resource)
        attributes = dict(resource["attributes"])
        if touch:
            attributes["updated-at"] = utc_timestamp()
        record["attributes"] = attributes
        with self._lock:
            self._store(record)
            for entry in included:
                self._store(dict(entry))

    def delete(self, resource_type: str, resource_id: str) -> None:
        """Remove a record for good (IT Glue has no deletion feed); unknown ids are ignored.

        References to it from other records stay and resolve to nothing.
        """
        with self._lock:
            table = self._tables.get(resource_type)
            if table and table.by_id.pop(resource_id, None) is not None:
                table.orders = {}

    def count(self, resource_type: str) -> int:
        """Number of records of ``resource_type`` (0 for a type the account has none of)."""
        table = self._tables.get(resource_type)
        return len(table.by_id) if table else 0

    def ordered(self, resource_type: str, sort: tuple[SortKey, ...] = ()) -> Sequence[Record]:
        """All records of ``resource_type`` in ``sort`` order (default: ascending numeric id).

        The order is computed once per type and ``sort`` and cached until the type changes, so
        repeated page requests only slice it. The returned sequence must not be modified.
        """
        table = self._tables.get(resource_type)
        if table is None:
            return ()
        cached = table.orders.get(sort)
        if cached is not None:
            return cached
        with self._lock:
            cached = table.orders.get(sort)
            if cached is None:
                cached = sort_records(table.by_id.values(), sort)
                table.orders[sort] = cached
            return cached

    def related(self, record: Mapping[str, Any], relationship: str) -> list[Record]:
        """Records a record points to through ``relationships.<relationship>.data``.

        Both to-many (a list of ``{type, id}``) and to-one (one object) data are read; pairs
        that are malformed or resolve to nothing (a deleted record) are skipped.

        Args:
            record: a JSON:API resource object.
            relationship: kebab-case relationship name, e.g. ``"configuration-interfaces"``.

        Returns:
            The referenced records in the order the relationship lists them.
        """
        member = record.get("relationships", {}).get(relationship)
        data = member.get("data") if isinstance(member, Mapping) else None
        pairs = data if isinstance(data, list) else [data]
        found: list[Record] = []
        for pair in pairs:
            if isinstance(pair, Mapping):
                target = self.get(str(pair.get("type")), str(pair.get("id")))
                if target is not None:
                    found.append(target)
        return found

    def _table(self, resource_type: str) -> _Table:
        return self._tables.setdefault(resource_type, _Table())

    def _store(self, record: Record) -> None:
        table = self._table(record["type"])
        table.by_id[record["id"]] = record
        table.orders = {}


def _read_document(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            document = json.load(stream)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path.name}: cannot be read ({exc.__class__.__name__})") from exc
    if not isinstance(document, dict):
        raise DatasetError(f"{path.name}: must be a JSON:API document (an object with 'data')")
    if not isinstance(document.get("data"), list):
        raise DatasetError(f"{path.name}: 'data' must be a list of resource objects")
    if not isinstance(document.get("included", []), list):
        raise DatasetError(f"{path.name}: 'included' must be a list of resource objects")
    return document


def _check_record(record: object, expected_type: str | None, where: str) -> None:
    if not isinstance(record, Mapping):
        raise DatasetError(f"{where}: must be a JSON object, got {_kind(record)}")
    record_id = record.get("id")
    if not isinstance(record_id, str) or not record_id.isdigit() or not record_id.isascii():
        raise DatasetError(f"{where}: 'id' must be a string of digits, got {_kind(record_id)}")
    record_type = record.get("type")
    if not isinstance(record_type, str) or not record_type:
        raise DatasetError(f"{where}: 'type' must be a non-empty string, got {_kind(record_type)}")
    if expected_type is not None and record_type != expected_type:
        raise DatasetError(f"{where}: 'type' is {record_type!r} but must be {expected_type!r}")
    if not isinstance(record.get("attributes"), Mapping):
        raise DatasetError(
            f"{where}: 'attributes' must be an object, got {_kind(record.get('attributes'))}"
        )
    if not isinstance(record.get("relationships", {}), Mapping):
        raise DatasetError(f"{where}: 'relationships' must be an object when present")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string" if value else "an empty string"
    return type(value).__name__
