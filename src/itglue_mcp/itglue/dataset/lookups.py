"""Account-wide lookup tables: configuration types, configuration statuses, password categories.

These small tables are written to ``configuration_types.json``, ``configuration_statuses.json``
and ``password_categories.json``; records elsewhere copy their ids and names::

    lookups = build_lookups(ids, rng)
    lookups.configuration_types["Firewall"].id
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from itglue_mcp.itglue.dataset.catalog import (
    CONFIGURATION_STATUSES,
    CONFIGURATION_TYPES,
    PASSWORD_CATEGORIES,
)
from itglue_mcp.itglue.dataset.records import (
    REFERENCE_NOW,
    YEAR,
    IdAllocator,
    Record,
    lifespan,
    stamps,
)

__all__ = ["Lookups", "build_lookups"]

ACCOUNT_CREATED = REFERENCE_NOW - 4 * YEAR
"""When the MSP opened its IT Glue account; account-wide records date from around then."""


@dataclass(frozen=True)
class Lookups:
    """The three lookup tables, each keyed by name.

    Attributes:
        configuration_types: ``configuration-types`` records by name; ``kinds`` gives each kind.
        configuration_statuses: ``configuration-statuses`` records by name.
        password_categories: ``password-categories`` records by name.
        kinds: configuration type name -> ``configuration-type-kind``.
    """

    configuration_types: dict[str, Record]
    configuration_statuses: dict[str, Record]
    password_categories: dict[str, Record]
    kinds: dict[str, str]

    def records(self) -> list[Record]:
        """Every lookup record, tables in file order."""
        return [
            *self.configuration_types.values(),
            *self.configuration_statuses.values(),
            *self.password_categories.values(),
        ]


def _table(kind: str, names: list[str], ids: IdAllocator, rng: random.Random) -> dict[str, Record]:
    table = {}
    for name in names:
        created, updated = lifespan(rng, ACCOUNT_CREATED, ACCOUNT_CREATED + YEAR)
        table[name] = Record(kind, ids.next(kind), {"name": name, **stamps(created, updated)})
    return table


def build_lookups(ids: IdAllocator, rng: random.Random) -> Lookups:
    """Create the lookup records.

    Args:
        ids: the dataset's id allocator.
        rng: the account-level generator (only timestamps are drawn from it).
    """
    return Lookups(
        configuration_types=_table(
            "configuration-types", [name for name, _ in CONFIGURATION_TYPES], ids, rng
        ),
        configuration_statuses=_table(
            "configuration-statuses", list(CONFIGURATION_STATUSES), ids, rng
        ),
        password_categories=_table("password-categories", list(PASSWORD_CATEGORIES), ids, rng),
        kinds=dict(CONFIGURATION_TYPES),
    )
