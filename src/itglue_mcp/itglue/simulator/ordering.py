"""Record order for the simulated API: the ``sort`` parameter and the default id order.

IT Glue API facts: "`sort=field` ascending, `sort=-field` descending", and ids are strings of
digits, so the default order and every tie-break compare ids numerically (``"9"`` before
``"10"``). Field names are accepted in snake or kebab case (``updated_at`` or ``updated-at``)::

    keys = parse_sort("-updated_at,name")
    newest_first = sort_records(records, keys)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["SortKey", "numeric_id", "parse_sort", "sort_records"]

Record = dict[str, Any]


@dataclass(frozen=True)
class SortKey:
    """One term of a ``sort`` parameter.

    Attributes:
        attribute: kebab-case attribute name, or ``"id"`` for the record id.
        descending: ``True`` for a ``-field`` term.
    """

    attribute: str
    descending: bool = False


def parse_sort(raw: str | None) -> tuple[SortKey, ...]:
    """Parse a JSON:API ``sort`` value such as ``"-updated_at,name"``.

    Args:
        raw: the parameter as sent, or ``None`` when absent.

    Returns:
        The terms in priority order; empty for an absent or blank parameter (default order).
    """
    if not raw:
        return ()
    keys: list[SortKey] = []
    for term in raw.split(","):
        name = term.strip()
        descending = name.startswith("-")
        name = name.lstrip("-").strip().replace("_", "-")
        if name:
            keys.append(SortKey(name, descending))
    return tuple(keys)


def numeric_id(record: Record) -> int:
    """Sort key of a record's id: its numeric value (ids are validated digit strings)."""
    return int(record["id"])


def sort_records(records: Iterable[Record], keys: tuple[SortKey, ...]) -> list[Record]:
    """Return ``records`` ordered by ``keys``, ties broken by ascending numeric id.

    Null or missing values sort last in both directions, so ``sort=-updated_at`` starts with
    the newest dated record. Values of different JSON kinds never compare with each other:
    numbers and booleans come before strings, which come before lists and objects.

    Args:
        records: JSON:API resource objects.
        keys: terms from :func:`parse_sort`; empty means id order.

    Returns:
        A new list; the input is not modified.
    """
    ordered = sorted(records, key=numeric_id)
    # Python's sort is stable even with reverse=True, so sorting by the least significant term
    # first leaves ties in the order of the next term and, finally, ascending id.
    for key in reversed(keys):
        if key.attribute == "id":
            ordered.sort(key=numeric_id, reverse=key.descending)
        else:
            attribute = key.attribute
            null_rank = -1 if key.descending else 1
            ordered.sort(
                key=lambda record: _value_key(record["attributes"].get(attribute), null_rank),
                reverse=key.descending,
            )
    return ordered


def _value_key(value: object, null_rank: int) -> tuple[int, int, Any]:
    if value is None:
        return (null_rank, 0, 0)
    if isinstance(value, bool | int | float):
        return (0, 0, value)
    if isinstance(value, str):
        return (0, 1, value)
    return (0, 2, json.dumps(value, sort_keys=True))
