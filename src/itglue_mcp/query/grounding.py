"""Is a retrieved record evidence for the question? Relevance rules, confidence, citations.

Retrieval ranks records; it does not say whether any of them answers. A hit **supports** the
question when its text (name + searchable body, as stored now) passes these rules, in order:

1. Every literal identifier of the question (IP, MAC, serial number, hostname) must occur in
   it (:func:`~itglue_mcp.query.matching.mentions`); otherwise it does not support, whatever
   else matches. "What is the IP of ACME-FW01" is never answered from NW-FW01.
2. A record whose name equals the question's target (the **exact** retriever) supports.
3. A record containing every content word of the question supports (full keyword coverage).
4. A vector hit with cosine similarity >= :data:`SEMANTIC_STRONG` supports on its own.
5. A vector hit >= :data:`SEMANTIC_SUPPORT` supports when it also contains at least half of
   the content words (the two retrievers agree).
6. Without a vector score, a record containing at least :data:`PARTIAL_COVERAGE` of three or
   more content words supports (keyword-only mode).

**Calibration** (all-MiniLM-L6-v2 over the generated tenant, seed 11, six organizations;
documents, flexible assets, locations, domains and organizations indexed; organization-scoped
``SemanticSearch``). 24 questions that a record of the organization answers: best score of
that record 0.38-0.81, median 0.62 ("sonicwall vpn reset" 0.78, "how do we reset the Sophos
VPN" 0.78, "offboarding procedure for a leaver" 0.43, "when does the SSL certificate expire"
0.38). 16 questions nothing in the organization answers (Kubernetes certificates, Kafka
brokers, payroll taxes, the SQL maintenance runbook asked of an organization without one…):
best score of any record 0.12-0.38, median 0.30 ("what is the Zoom webinar license count" 0.38
on a Microsoft 365 licence). So 0.50 clears every unanswerable question by 0.12 and takes 19
of the 24 answerable ones alone; 0.40 takes 4 more when half the words agree (rule 5), and the
last (0.38) passes on its words. End to end the engine answered all 24 from the right record
first and said "no data" to all 16; keyword-only it said "no data" to all 16 and to 3 of the
24 (vocabulary the records do not share: "leaver", "licences"). Rule 1 stops a similar name
from passing for the one asked about.

**Confidence** (0-1) of a supporting hit: 0.95 for an exact name; else the larger of a keyword
part ``0.4 + 0.5 x coverage`` and a semantic part rising linearly from 0.5 at
:data:`SEMANTIC_SUPPORT` to 0.9 at 0.80, plus 0.05 when both retrievers found it, at most 0.95.

Example::

    judged = judge(hit, words=("reset", "sophos", "vpn"), identifiers=(), text=body)
    judged.supports, judged.confidence  # (True, 0.95)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from itglue_mcp.query.hits import RetrievedHit, Retriever
from itglue_mcp.query.matching import coverage, mentions

__all__ = [
    "ANSWER_KIND_WORDS",
    "EXACT_CONFIDENCE",
    "PARTIAL_COVERAGE",
    "SEMANTIC_STRONG",
    "SEMANTIC_SUPPORT",
    "Judged",
    "judge",
    "subject_words",
]

SEMANTIC_STRONG = 0.50
"""Cosine similarity at which a vector hit supports the question on its own (see calibration)."""

SEMANTIC_SUPPORT = 0.40
"""Cosine similarity at which a vector hit supports when half the content words agree."""

PARTIAL_COVERAGE = 2 / 3
"""Share of (three or more) content words a record needs without a vector score."""

ANSWER_KIND_WORDS = frozenset({
    "article", "articles", "checklist", "detail", "details", "doc", "docs", "document",
    "documentation", "documents", "guide", "guides", "how-to", "howto", "info", "information",
    "instruction", "instructions", "kb", "playbook", "playbooks", "procedure", "procedures",
    "process", "runbook", "runbooks", "say", "says", "sop", "sops", "step", "steps",
    "walkthrough", "write-up", "writeup"
})  # fmt: skip
"""Words that name the kind of answer wanted ("procedure", "steps"), not what it is about:
left out of keyword queries and coverage, so "offboarding procedure" needs "offboarding" only."""

EXACT_CONFIDENCE = 0.95
"""Confidence of a record whose name is exactly what the question names."""

_SEMANTIC_TOP = 0.80
_MAX_CONFIDENCE = 0.95
_AGREEMENT_BONUS = 0.05


@dataclass(frozen=True, slots=True)
class Judged:
    """A hit with the verdict of the relevance rules.

    Attributes:
        hit: the retrieved hit.
        supports: it is evidence for the question (rules in the module docstring).
        confidence: how strongly (0 when it does not support).
        coverage: share of the question's content words found in its text.
    """

    hit: RetrievedHit
    supports: bool
    confidence: float
    coverage: float


def judge(
    hit: RetrievedHit, *, words: Sequence[str], identifiers: Sequence[str], text: str
) -> Judged:
    """Apply the relevance rules to one hit.

    Args:
        hit: the hit.
        words: the question's content words.
        identifiers: literal IPs, MACs, serials and hostnames of the question.
        text: the record's searchable body as the store holds it ("" when it has none).

    Returns:
        The verdict and confidence.
    """
    haystack = f"{hit.record.name or ''}\n{text}"
    covered = coverage(words, haystack)
    if not all(mentions(value, haystack) for value in identifiers):
        return Judged(hit, False, 0.0, covered)
    if Retriever.EXACT in hit.found_by:
        return Judged(hit, True, EXACT_CONFIDENCE, covered)
    similarity = hit.semantic_score
    supports = (
        (bool(words) and covered == 1.0)
        or (similarity is not None and similarity >= SEMANTIC_STRONG)
        or (similarity is not None and similarity >= SEMANTIC_SUPPORT and covered >= 0.5)
        or (similarity is None and len(words) >= 3 and covered >= PARTIAL_COVERAGE)
    )
    if not supports:
        return Judged(hit, False, 0.0, covered)
    parts = [0.4 + 0.5 * covered if covered else 0.0]
    if similarity is not None and similarity >= SEMANTIC_SUPPORT:
        rise = (min(similarity, _SEMANTIC_TOP) - SEMANTIC_SUPPORT) / (
            _SEMANTIC_TOP - SEMANTIC_SUPPORT
        )
        parts.append(0.5 + 0.4 * rise)
    confidence = max(parts)
    if {Retriever.KEYWORD, Retriever.SEMANTIC} <= hit.found_by:
        confidence += _AGREEMENT_BONUS
    return Judged(hit, True, round(min(confidence, _MAX_CONFIDENCE), 2), covered)


def subject_words(words: Sequence[str]) -> list[str]:
    """``words`` without :data:`ANSWER_KIND_WORDS` (all of them when nothing else is left)."""
    kept = [word for word in words if word not in ANSWER_KIND_WORDS]
    return kept or list(words)
