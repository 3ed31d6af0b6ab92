"""JSON:API record building blocks shared by every dataset module.

A :class:`Record` is one resource object (top-level or ``included``) with integer ids kept as
numbers until serialisation; :class:`IdAllocator` hands out realistic, type-specific, strictly
increasing ids; the time helpers turn epoch seconds into the API's timestamp and date strings,
relative to a fixed reference "now" so that output never depends on the wall clock::

    ids = IdAllocator(seed=7)
    record = Record("domains", ids.next("domains"), {"name": "acmecorp.com"})
    record.resource_object(top_level=True)["id"]  # digits, e.g. '1150003'
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "IdAllocator",
    "Record",
    "epoch",
    "last_update",
    "lifespan",
    "plain_date",
    "resource_url",
    "stamps",
    "timestamp",
]

MSP_SUBDOMAIN = "brightpath"
"""The fictional MSP's IT Glue subdomain, used in every ``resource-url``."""

BASE_URL = f"https://{MSP_SUBDOMAIN}.itglue.com"

REFERENCE_NOW = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
"""The dataset's "now" in epoch seconds (2026-11-01T00:00:00Z); every date is relative to it."""

DAY = 86_400
YEAR = 365 * DAY

ID_BASES: dict[str, int] = {
    "configuration-types": 1_010_400,
    "configuration-statuses": 1_020_700,
    "password-categories": 1_031_200,
    "flexible-asset-types": 1_042_000,
    "flexible-asset-fields": 1_760_300,
    "domains": 1_150_000,
    "organizations": 2_104_800,
    "locations": 1_304_500,
    "document-folders": 1_612_000,
    "password-folders": 1_688_000,
    "flexible-assets": 3_310_000,
    "configurations": 4_215_000,
    "documents": 5_530_000,
    "configuration-interfaces": 6_502_000,
    "passwords": 9_107_000,
    "contacts": 18_400_000,
    "expirations": 24_060_000,
    "related-items": 31_020_000,
}
"""First id of each type; ids grow from there with small random gaps, like a live account."""


class IdAllocator:
    """Hands out string-able integer ids, unique and increasing per JSON:API type.

    Ids depend only on the order of :meth:`next` calls and the seed, so organization *k* gets the
    same ids whatever number of organizations follows it.

    Args:
        seed: the dataset seed; gaps between ids are drawn from a generator derived from it.
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}:ids")
        self._last = dict(ID_BASES)

    def next(self, kind: str) -> int:
        """Return the next id for ``kind`` (a key of :data:`ID_BASES`).

        Raises:
            KeyError: ``kind`` has no id range.
        """
        gap = self._rng.randint(20, 400) if self._rng.random() < 0.03 else self._rng.randint(1, 9)
        self._last[kind] += gap
        return self._last[kind]


@dataclass
class Record:
    """One JSON:API resource object.

    Attributes:
        type: the kebab-case plural type, e.g. ``"configurations"``.
        id: the numeric id (serialised as a string of digits).
        attributes: kebab-case attributes in output order; every record of a type has the same keys.
        relationships: relationship name -> child records, written as ``{type, id}`` pairs and
            emitted in the parent's ``included``.
    """

    type: str
    id: int
    attributes: dict[str, Any]
    relationships: dict[str, list[Record]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The record's ``name`` attribute."""
        return str(self.attributes["name"])

    @property
    def url(self) -> str:
        """The record's ``resource-url`` attribute."""
        return str(self.attributes["resource-url"])

    def resource_object(self, *, top_level: bool) -> dict[str, Any]:
        """Return the JSON-ready object; top-level records always carry ``relationships``."""
        obj: dict[str, Any] = {"id": str(self.id), "type": self.type, "attributes": self.attributes}
        if top_level:
            obj["relationships"] = {
                name: {"data": [{"type": child.type, "id": str(child.id)} for child in children]}
                for name, children in self.relationships.items()
            }
        return obj

    def included(self) -> Iterator[Record]:
        """Yield the child records of every relationship, in relationship order."""
        for children in self.relationships.values():
            yield from children


def timestamp(seconds: int) -> str:
    """Format epoch seconds as an RFC 3339 UTC timestamp, e.g. ``2025-03-14T18:15:28.000Z``."""
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def epoch(stamp: str) -> int:
    """Parse a timestamp written by :func:`timestamp` back into epoch seconds."""
    return int(datetime.fromisoformat(stamp).timestamp())


def plain_date(seconds: int) -> str:
    """Format epoch seconds as a plain ``YYYY-MM-DD`` date (UTC)."""
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d")


def last_update(rng: random.Random, created: int, not_after: int = REFERENCE_NOW) -> int:
    """Draw when a record created at ``created`` was last edited (``created <= t <= not_after``).

    About a fifth of records were never edited; the others were edited at a time skewed towards
    ``not_after``.
    """
    if rng.random() < 0.2 or created >= not_after:
        return created
    return created + int((not_after - created) * rng.random() ** 0.5)


def lifespan(
    rng: random.Random, not_before: int, not_after: int = REFERENCE_NOW
) -> tuple[int, int]:
    """Draw ``(created, updated)`` with ``not_before <= created <= updated <= not_after``.

    If ``not_before`` is later than ``not_after``, both are ``not_after``.
    """
    not_before = min(not_before, not_after)
    created = rng.randint(not_before, not_after)
    return created, last_update(rng, created, not_after)


def stamps(created: int, updated: int) -> dict[str, str]:
    """Return the ``created-at`` / ``updated-at`` attribute pair."""
    return {"created-at": timestamp(created), "updated-at": timestamp(updated)}


def resource_url(organization_id: int, path: str, record_id: int) -> str:
    """Return the IT Glue web address of a record, e.g. ``…/2104801/configurations/4215003``."""
    return f"{BASE_URL}/{organization_id}/{path}/{record_id}"
