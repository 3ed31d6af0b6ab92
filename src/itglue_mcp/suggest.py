"""The one close-names suggester: what to offer when a name the caller typed finds nothing.

Every "did you mean" in itglue-mcp — a configuration, password, flexible asset or record name
that matched nothing, a graph node, a "no data" answer's close names — ranks candidate names
with rapidfuzz ``WRatio`` (it suits a short reference against longer names and tolerates a
typo or a missing word), ignoring case, and keeps those scoring at least
:data:`CLOSE_NAME_MIN`. Organization references have their own tiered resolver
(:mod:`itglue_mcp.catalog.organization_matching`), whose fuzzy tier decides, not suggests.

Example::

    closest("ACME-FWO1", ["ACME-FW01", "ACME-SW01", "NW-FW01"])   # ['ACME-FW01', …]
    suggestion_hint(["ACME-FW01"])                                 # '; close names: ACME-FW01'
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from rapidfuzz import fuzz, process, utils

__all__ = ["CLOSE_NAME_MIN", "MAX_SUGGESTIONS", "closest", "closest_keys", "suggestion_hint"]

CLOSE_NAME_MIN = 70.0
"""Lowest rapidfuzz ``WRatio`` (0-100) of a name worth suggesting."""

MAX_SUGGESTIONS = 5
"""Most names one suggestion offers."""

K = TypeVar("K", bound=Hashable)


def closest_keys(query: str, names: Mapping[K, str], *, limit: int = MAX_SUGGESTIONS) -> list[K]:
    """The keys of the ``names`` closest to ``query`` (case ignored), best first.

    Args:
        query: what the caller typed.
        names: candidate names by key (a record key, an index).
        limit: most keys returned (at least 1).

    Returns:
        Up to ``limit`` keys whose names score at least :data:`CLOSE_NAME_MIN`; ties keep the
        mapping's order.
    """
    found = process.extract(
        query,
        names,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=CLOSE_NAME_MIN,
        limit=limit,
    )
    return [key for _, _, key in found]


def closest(query: str, names: Iterable[str], *, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Up to ``limit`` distinct ``names`` closest to ``query`` (case ignored), best first."""
    unique = dict(enumerate(dict.fromkeys(name for name in names if name)))
    return [unique[index] for index in closest_keys(query, unique, limit=limit)]


def suggestion_hint(names: list[str]) -> str:
    """``"; close names: a, b"`` for an error message, or ``""`` when there are none."""
    return f"; close names: {', '.join(names)}" if names else ""
