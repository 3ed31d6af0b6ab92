"""Reciprocal rank fusion: several rankings of the same items merged into one.

A record's fused score is the sum, over the rankings it appears in, of ``1 / (k + rank)`` with
ranks counted from 1 and ``k`` = :data:`RRF_K` = 60 — G. V. Cormack, C. L. A. Clarke and
S. Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and individual Rank Learning
Methods", SIGIR 2009. Only ranks are used, so full-text ranks (BM25, ``ts_rank``) and cosine
similarities, which are not on comparable scales, need no calibration against each other; a
record near the top of several rankings beats one at the top of a single ranking.

Example::

    scores = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]])
    ranked(scores)  # ['b', 'c', 'a', 'd']
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

__all__ = ["RRF_K", "ranked", "reciprocal_rank_fusion"]

RRF_K = 60
"""The ``k`` of reciprocal rank fusion (Cormack et al. 2009 found 60 near-optimal)."""

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[K]], *, k: int = RRF_K) -> dict[K, float]:
    """RRF scores: for each item, the sum of ``1 / (k + rank)`` over the rankings holding it.

    Args:
        rankings: lists of items, best first (ranks count from 1); an item repeated within
            one list counts at its first position.
        k: the RRF constant (> 0).

    Returns:
        item → fused score, in no particular order.

    Raises:
        ValueError: ``k`` is not positive.
    """
    if k <= 0:
        raise ValueError("k: must be positive")
    scores: dict[K, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(dict.fromkeys(ranking), start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def ranked(scores: Mapping[K, float]) -> list[K]:
    """The items of ``scores``, highest score first (ties keep the mapping's order)."""
    return sorted(scores, key=lambda item: -scores[item])
