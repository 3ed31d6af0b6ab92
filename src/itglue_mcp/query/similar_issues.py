"""Similar issues across organizations: records describing the same problem, grouped by fix.

:func:`find_similar_issues` answers "has any client had this problem, and what fixed it?"
with one hybrid retrieval (:class:`~itglue_mcp.query.retrieval.HybridRetriever`: full text
and meaning fused by reciprocal rank) over every organization the caller may read at once —
the index and the store answer a wide scope in one query each, never one per organization.
Only documents and the notes of configurations and flexible assets are searched
(:data:`SIMILAR_RECORD_TYPES`): configurations by keyword, the others by keyword and meaning
(the default ``index.record_types``).

**Relevance floor.** A hit is kept only when the grounding rules accept it as evidence for
the description (:func:`~itglue_mcp.query.grounding.judge`: full keyword coverage, or cosine
similarity >= 0.50, or >= 0.40 with half the words, or 2/3 of three or more words without a
vector score). Nothing kept: no group, and the message says no similar issue is
documented — never a guess.

**Fix passage** of a hit: for a document, its sections headed like a fix (heading starting
with one of :data:`FIX_HEADINGS`: "Resolution", "Fix", "Workaround"…), else its sections
sharing most words with the description; for a configuration or flexible asset, the pieces of
its text (notes included) sharing most words; at most :data:`FIX_CHARS` characters.

**Grouping rule** (deterministic, in rank order): each hit joins the earliest group whose
first hit's fix passage shares at least :data:`SAME_FIX_OVERLAP` of its content words with
its own (Jaccard index of the two sets of content words, :func:`~itglue_mcp.query.entities.
keywords`), else it starts a new group. Words, not embeddings: the rule reads the same with or
without a vector index and costs no model call (embedding ten passages took 2.6 s of a 3.3 s
call on the 2-core reference machine). Calibration (the generated 10-organization tenant, 9
descriptions): the same incident's resolution in different organizations is the same text
(1.0); the same runbook in several organizations, naming their own devices and addresses,
0.71-0.87; fix passages of different problems found together (a stolen laptop's incident and
the laptop deployment runbook, a printer's firmware incident and the printer pages, two
onboarding procedures written differently) at most 0.05; printer pages listing each site's
own printers 0.22-0.60, kept apart.

Example::

    found = await find_similar_issues(
        context, "RAID volume degraded after a disk failed", organization_ids=None
    )
    [[hit.source.organization_name for hit in group] for group in found.groups]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from opentelemetry import trace
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from itglue_mcp.catalog.citations import CitationKey, SourceRecord
from itglue_mcp.catalog.documents import get_documents
from itglue_mcp.catalog.records import record_texts
from itglue_mcp.catalog.unit import reading
from itglue_mcp.query.entities import keywords as content_words
from itglue_mcp.query.grounding import Judged, judge, subject_words
from itglue_mcp.query.handlers import EngineContext
from itglue_mcp.query.passages import Passage, clip, select_passages, split_text

__all__ = [
    "DEFAULT_LIMIT",
    "FIX_CHARS",
    "FIX_HEADINGS",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_LIMIT",
    "SAME_FIX_OVERLAP",
    "SIMILAR_RECORD_TYPES",
    "SimilarIssues",
    "SimilarRecord",
    "find_similar_issues",
]

DEFAULT_LIMIT = 10
"""Records returned (across all groups) when the caller does not say."""

MAX_LIMIT = 30
"""Most records one call returns."""

MAX_DESCRIPTION_LENGTH = 1000
"""Longest issue description accepted, in characters."""

SIMILAR_RECORD_TYPES = ("documents", "configurations", "flexible-assets")
"""The record types searched: documents, and configurations and flexible assets (their notes)."""

FIX_HEADINGS = ("resolution", "resolved", "fix", "solution", "workaround", "remediation")
"""A document section whose heading starts with one of these words holds its fix."""

FIX_CHARS = 400
"""Most characters of a record's fix passage."""

SAME_FIX_OVERLAP = 0.65
"""Jaccard index of two fix passages' content words at or above which they describe the same
fix (calibration in the module docstring)."""

_tracer = trace.get_tracer(__name__)


class SimilarRecord(BaseModel):
    """One record describing the problem: its citation, its fix passage, how well it fits."""

    source: SourceRecord
    fix: str  # IT Glue free text: untrusted
    confidence: float


class SimilarIssues(BaseModel):
    """The records, from every organization searched, that describe the same problem."""

    message: str
    # One list per fix, best group first, each best record first.
    groups: list[list[SimilarRecord]]
    truncated: bool


@dataclass(frozen=True, slots=True)
class _Kept:
    verdict: Judged
    fix: str


async def find_similar_issues(
    context: EngineContext,
    issue_description: str,
    *,
    organization_ids: Collection[int] | None,
    excluded: str | None = None,
    hidden_types: Collection[str] = (),
    limit: int = DEFAULT_LIMIT,
) -> SimilarIssues:
    """Documents and notes, from every organization in ``organization_ids``, that describe
    the problem ``issue_description`` describes, grouped by the fix they describe.

    Args:
        context: the backends (sessions and the hybrid retriever).
        issue_description: the problem in plain language (1 to
            :data:`MAX_DESCRIPTION_LENGTH` characters).
        organization_ids: the organizations searched, in one query (the caller's readable
            ones without the excluded one; ``None``: every organization).
        excluded: the excluded organization's name, for the message (``None``: none).
        hidden_types: record types the caller may see in no organization (not searched).
        limit: most records returned, 1 to :data:`MAX_LIMIT`.

    Returns:
        The groups (every record cited, with its organization, its fix passage and its
        confidence); none, with a message saying no similar issue is documented, when no
        record passes the relevance floor.

    Raises:
        ValueError: blank or too long ``issue_description``, ``limit`` out of range (naming
            the argument).
        StoreError: the store failed.
    """
    if not issue_description.strip():
        raise ValueError("issue_description: must not be empty")
    if len(issue_description) > MAX_DESCRIPTION_LENGTH:
        raise ValueError(
            f"issue_description: {len(issue_description)} characters is over the limit of "
            f"{MAX_DESCRIPTION_LENGTH}"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit: must be between 1 and {MAX_LIMIT}, got {limit}")
    where = "any organization" if excluded is None else f"any organization but {excluded}"
    types = [kind for kind in SIMILAR_RECORD_TYPES if kind not in hidden_types]
    if not types or (organization_ids is not None and not organization_ids):
        return _no_data(where, None)
    words = subject_words(content_words(issue_description))
    with _tracer.start_as_current_span("query.similar_issues") as span:
        found = await context.retriever.retrieve(
            issue_description.strip(),
            organization_ids=organization_ids,
            record_types=types,
            limit=2 * limit,
            words=words or None,
        )
        async with reading(context.sessions) as session:
            texts = await record_texts(session, [hit.key for hit in found.hits])
            supporting = [
                verdict
                for verdict in (
                    judge(hit, words=words, identifiers=(), text=texts.get(hit.key, ""))
                    for hit in found.hits
                )
                if verdict.supports
            ]
            fixes = await _fix_passages(session, supporting[:limit], words, texts)
        span.set_attribute("itglue_mcp.query.supporting", len(supporting))
        if not supporting:
            return _no_data(where, found.note)
        kept = [_Kept(verdict, fixes[verdict.hit.key]) for verdict in supporting[:limit]]
        groups = _group(kept)
    organizations = {item.verdict.hit.record.organization_id for item in kept}
    note = f" Note: {found.note}." if found.note else ""
    return SimilarIssues(
        message=(
            f"{len(kept)} record(s) in {len(organizations)} organization(s) describe it, "
            f"{len(groups)} fix(es), searched in {where}.{note}"
        ),
        groups=[
            [
                SimilarRecord(
                    source=item.verdict.hit.record,
                    fix=item.fix,
                    confidence=item.verdict.confidence,
                )
                for item in group
            ]
            for group in groups
        ],
        truncated=len(supporting) > limit,
    )


def _no_data(where: str, note: str | None) -> SimilarIssues:
    return SimilarIssues(
        message=(
            f"No similar issue is documented in IT Glue in {where}."
            + (f" Note: {note}." if note else "")
        ),
        groups=[],
        truncated=False,
    )


def _is_fix_heading(heading: str | None) -> bool:
    first = (heading or "").strip().casefold()
    return any(first.startswith(word) for word in FIX_HEADINGS)


async def _fix_passages(
    session: AsyncSession,
    supporting: Sequence[Judged],
    words: Sequence[str],
    texts: Mapping[CitationKey, str],
) -> dict[CitationKey, str]:
    """Each supporting record's fix passage (rule in the module docstring)."""
    document_ids = [
        v.hit.record.record_id for v in supporting if v.hit.record.record_type == "documents"
    ]
    documents = {view.id: view for view in await get_documents(session, document_ids)}
    fixes: dict[CitationKey, str] = {}
    for verdict in supporting:
        record = verdict.hit.record
        view = documents.get(record.record_id) if record.record_type == "documents" else None
        if view is not None:
            sections = [Passage(s.heading, s.text) for s in view.sections]
            fixing = [section for section in sections if _is_fix_heading(section.heading)]
            passages = [Passage(None, s.text) for s in fixing] or select_passages(
                sections, words, budget=FIX_CHARS
            )
        else:
            passages = select_passages(
                split_text(texts.get(record.key, "")), words, budget=FIX_CHARS
            )
        text = "\n".join(passage.quoted for passage in passages).strip()
        fixes[record.key] = clip(text or (record.name or ""), FIX_CHARS)
    return fixes


def _group(kept: Sequence[_Kept]) -> list[list[_Kept]]:
    """The grouping rule of the module docstring, in rank order."""
    words = [frozenset(content_words(item.fix)) for item in kept]
    groups: list[list[_Kept]] = []
    leaders: list[frozenset[str]] = []
    for item, own in zip(kept, words, strict=True):
        for group, leader in zip(groups, leaders, strict=True):
            if _overlap(leader, own) >= SAME_FIX_OVERLAP:
                group.append(item)
                break
        else:
            groups.append([item])
            leaders.append(own)
    return groups


def _overlap(first: frozenset[str], second: frozenset[str]) -> float:
    """Jaccard index: shared words over all words (1.0 for two passages without any)."""
    union = first | second
    return len(first & second) / len(union) if union else 1.0
