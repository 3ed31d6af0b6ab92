"""Grading answers against the dataset, and the evaluation's metrics (pure functions).

Per question (:func:`grade`):

- **top-1**: the first ranked source is an expected record, or the first fact's value (for
  tools other than ``query_documentation``: a value of the first source) is an expected value;
  for a question asking for one attribute (``attribute``) with expected values, only the
  leading value counts (citing the right record without its attribute is a miss);
- **recall@5**: an expected record is among the first five sources (an expected value among
  the first five facts when only values are expected);
- **hallucinations**: each citation of a record the dataset lacks (``unknown_record``), of a
  record of another organization than the one asked about (``other_organization``), naming a
  record differently from the dataset (``citation_mismatch``), and each fact whose value does
  not occur in the attributes of the record it cites (``unsupported_value``);
- **secret leaks**: secret values of the dataset found anywhere in what the client received;
- **organization mentions**: the organization the answer says it was scoped to, against the
  one the question is about — another one is a mismatch, none is unresolved; one at all, for
  a question naming no organization, is a false positive (a device or product word taken for
  an organization).

Over a run (:func:`summarise`): top-1 accuracy and recall@5 over the questions that have an
answer; no-data precision (of the answers that said ``no_data``, the share that were expected
to) and recall (of the questions expecting no data, the share answered ``no_data``);
hallucination and leak totals; the same per intent and per subset (``plain_language``: the
organization named in words only; ``attribute``: one attribute of one thing; any tag of the
set). A rate with nothing to count is ``None``.

Example::

    expected = resolve_expectation(question, dataset, scope=2104802, today=date.today())
    result = grade(question, observation, dataset, expected=expected, scope=2104802)
    summary = summarise([result])
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from itglue_mcp.evaluation.dataset import ReferenceDataset, normalise
from itglue_mcp.evaluation.observation import Citation, Observation
from itglue_mcp.evaluation.questions import (
    SUBSET_ATTRIBUTE,
    SUBSET_PLAIN_LANGUAGE,
    Question,
)

__all__ = [
    "RECALL_AT",
    "TARGETED_SUBSETS",
    "UNKNOWN_ORGANIZATION",
    "ExpectedAnswer",
    "Hallucination",
    "IntentSummary",
    "QuestionResult",
    "Summary",
    "Targets",
    "grade",
    "resolve_expectation",
    "summarise",
]

RECALL_AT = 5
"""Sources looked at for recall."""

UNKNOWN_ORGANIZATION = 0
"""Scope of a no-data question about an organization the account does not have: no IT Glue
organization has id 0, so citing any organization's record is citing another organization."""

TARGETED_SUBSETS = (SUBSET_PLAIN_LANGUAGE, SUBSET_ATTRIBUTE)
"""Subsets held to the targets on their own, besides the whole run (issue #11)."""

HallucinationKind = Literal[
    "unknown_record", "other_organization", "citation_mismatch", "unsupported_value"
]


@dataclass(frozen=True, slots=True)
class ExpectedAnswer:
    """A question's expectation resolved against the dataset and the evaluation day.

    Attributes:
        records: expected ``(record_type, record_id)`` pairs.
        values: expected values, normalised.
        no_data: no record supports an answer.
    """

    records: frozenset[tuple[str, str]] = frozenset()
    values: frozenset[str] = frozenset()
    no_data: bool = False


def resolve_expectation(
    question: Question, dataset: ReferenceDataset, *, scope: int | None, today: date
) -> ExpectedAnswer:
    """What ``question`` expects, with a relative expiration window turned into records.

    Args:
        question: the question.
        dataset: the reference dataset.
        scope: the organization the question is about (``None``: the whole account).
        today: the evaluation day (the server's clock is assumed to agree, in UTC).

    Returns:
        The expectation; an expiration window holding nothing expects no data.
    """
    expect = question.expect
    if expect is None:
        return ExpectedAnswer(no_data=True)
    records = set(expect.record_keys)
    if expect.expiring_within_days is not None:
        window = dataset.expiring(scope, today, expect.expiring_within_days)
        if not window and not records and not expect.values:
            return ExpectedAnswer(no_data=True)
        records |= window
    return ExpectedAnswer(
        records=frozenset(records), values=frozenset(normalise(v) for v in expect.values)
    )


class Hallucination(BaseModel):
    """One returned item the dataset does not support."""

    kind: HallucinationKind
    record: str = Field(description="The cited record, record_type/record_id.")
    detail: str = Field(description="What was wrong (secret values redacted).")


class QuestionResult(BaseModel):
    """How one question was answered and graded."""

    id: str
    intent: str
    tool: str
    subsets: list[str] = Field(default_factory=list, description="The question's subsets.")
    expected_no_data: bool
    status: Literal["answered", "no_data"]
    error: bool = Field(description="The tool returned an error (counted as no_data).")
    answer_intent: str | None = Field(description="The intent query_documentation reported.")
    top1: bool | None = Field(description="None for a question expecting no data.")
    recall_at_5: bool | None
    hallucinations: list[Hallucination]
    secret_leaks: int
    latency_ms: float
    scope: int | None = Field(
        default=None, description="The organization the question is about (None: none named)."
    )
    answered_for: int | None = Field(
        default=None, description="The organization the answer says it was scoped to."
    )
    sources: list[str] = Field(description="The first ranked sources: type/id name.")
    facts: list[str] = Field(description="The first facts: label = value (secrets redacted).")
    message: str = Field(description="The answer's message or the error (secrets redacted).")

    @property
    def correct(self) -> bool:
        """Top-1 hit for an answerable question; a ``no_data`` answer for the others."""
        if self.expected_no_data:
            return self.status == "no_data"
        return bool(self.top1)


def _check_citation(
    citation: Citation, dataset: ReferenceDataset, scope: int | None
) -> Hallucination | None:
    record = dataset.record(citation.record_type, citation.record_id)
    if record is None:
        return Hallucination(
            kind="unknown_record", record=str(citation), detail="no such record in the dataset"
        )
    if scope is not None and record.organization_id not in (None, scope):
        return Hallucination(
            kind="other_organization",
            record=str(citation),
            detail=f"belongs to organization {record.organization_id}, not {scope}",
        )
    named_wrong = (
        citation.name is not None
        and record.name is not None
        and (normalise(citation.name) != normalise(record.name))
    )
    org_wrong = citation.organization_id is not None and (
        citation.organization_id != record.organization_id
    )
    if named_wrong or org_wrong:
        return Hallucination(
            kind="citation_mismatch",
            record=str(citation),
            detail=f"cited as {citation.name!r} of organization {citation.organization_id}; "
            f"the dataset has {record.name!r} of organization {record.organization_id}",
        )
    return None


def _hallucinations(
    observation: Observation, dataset: ReferenceDataset, scope: int | None
) -> list[Hallucination]:
    found: list[Hallucination] = []
    for citation in {c.key: c for c in observation.citations}.values():
        problem = _check_citation(citation, dataset, scope)
        if problem is not None:
            found.append(problem)
    for fact in observation.facts:
        record = dataset.record(fact.source.record_type, fact.source.record_id)
        if record is None:
            continue  # already counted as an unknown record
        if fact.keyed and fact.label.replace("_", "-") not in record.keys:
            continue  # a field of the tool's own, not a claim about a stored attribute
        if not dataset.supports(record, fact.value):
            found.append(
                Hallucination(
                    kind="unsupported_value",
                    record=str(fact.source),
                    detail=dataset.redact(f"{fact.label} = {fact.value!r} is not in the record"),
                )
            )
    return found


def grade(
    question: Question,
    observation: Observation,
    dataset: ReferenceDataset,
    *,
    expected: ExpectedAnswer,
    scope: int | None,
    latency_ms: float = 0.0,
) -> QuestionResult:
    """Grade one observation (see the module docstring for each measure)."""
    top1: bool | None = None
    recall: bool | None = None
    if not expected.no_data:
        first = observation.sources[0].key if observation.sources else None
        leading = {normalise(v) for v in observation.leading_values}
        if question.attribute is not None and expected.values:
            # Finding the record is not answering its attribute: the value must lead.
            top1 = observation.status == "answered" and bool(leading & expected.values)
        else:
            top1 = observation.status == "answered" and (
                first in expected.records or bool(leading & expected.values)
            )
        ranked = {s.key for s in observation.sources[:RECALL_AT]}
        if expected.records:
            recall = bool(ranked & expected.records)
        else:
            values = {normalise(f.value) for f in observation.facts[:RECALL_AT]}
            recall = bool(values & expected.values)
        recall = recall and observation.status == "answered"
    return QuestionResult(
        id=question.id,
        intent=question.intent,
        tool=question.tool,
        subsets=list(question.subsets),
        expected_no_data=expected.no_data,
        status=observation.status,
        error=observation.error,
        answer_intent=observation.intent,
        top1=top1,
        recall_at_5=recall,
        hallucinations=_hallucinations(observation, dataset, scope),
        secret_leaks=dataset.leaked_secrets(observation.raw_text),
        latency_ms=round(latency_ms, 1),
        scope=scope,
        answered_for=observation.scoped_to,
        sources=[f"{s} {s.name or ''}".rstrip() for s in observation.sources[:RECALL_AT]],
        facts=[dataset.redact(f"{f.label} = {f.value}") for f in observation.facts[:RECALL_AT]],
        message=dataset.redact(observation.message)[:500],
    )


class IntentSummary(BaseModel):
    """The metrics over one group of questions (an intent, or all of them)."""

    questions: int
    answerable: int
    top1_accuracy: float | None
    recall_at_5: float | None
    expected_no_data: int
    said_no_data: int
    no_data_precision: float | None
    no_data_recall: float | None
    hallucinations: int
    answers_with_hallucinations: int
    secret_leaks: int
    intent_accuracy: float | None = Field(
        description="Share of query_documentation answers reporting the question's intent."
    )
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    naming_no_organization: int = Field(
        default=0, description="Questions naming no organization (account-wide)."
    )
    organization_false_positives: int = Field(
        default=0,
        description="Of those, answers scoped to an organization anyway (a word taken for one).",
    )
    organization_mismatches: int = Field(
        default=0,
        description="Answers scoped to another organization than the one the question names.",
    )
    organization_unresolved: int = Field(
        default=0,
        description="Answers scoped to no organization although the question names one that "
        "exists.",
    )


class Summary(BaseModel):
    """Metrics over a whole run, per intent, per subset, and every question's result."""

    overall: IntentSummary
    by_intent: dict[str, IntentSummary]
    by_subset: dict[str, IntentSummary] = Field(
        default_factory=dict,
        description="Per subset of the questions (plain_language, attribute, tags); a "
        "question may be in several.",
    )
    results: list[QuestionResult]


def _rate(hits: int, total: int) -> float | None:
    return None if total == 0 else hits / total


def _percentile(values: Sequence[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _group(results: Sequence[QuestionResult]) -> IntentSummary:
    answerable = [r for r in results if not r.expected_no_data]
    said = [r for r in results if r.status == "no_data"]
    expected = [r for r in results if r.expected_no_data]
    reported = [r for r in results if r.answer_intent is not None]
    latencies = sorted(r.latency_ms for r in results)
    return IntentSummary(
        questions=len(results),
        answerable=len(answerable),
        top1_accuracy=_rate(sum(bool(r.top1) for r in answerable), len(answerable)),
        recall_at_5=_rate(sum(bool(r.recall_at_5) for r in answerable), len(answerable)),
        expected_no_data=len(expected),
        said_no_data=len(said),
        no_data_precision=_rate(sum(r.expected_no_data for r in said), len(said)),
        no_data_recall=_rate(sum(r.status == "no_data" for r in expected), len(expected)),
        hallucinations=sum(len(r.hallucinations) for r in results),
        answers_with_hallucinations=sum(bool(r.hallucinations) for r in results),
        secret_leaks=sum(r.secret_leaks for r in results),
        intent_accuracy=_rate(sum(r.answer_intent == r.intent for r in reported), len(reported)),
        latency_p50_ms=_percentile(latencies, 0.5),
        latency_p95_ms=_percentile(latencies, 0.95),
        naming_no_organization=sum(r.scope is None for r in results),
        organization_false_positives=sum(
            r.scope is None and r.answered_for is not None for r in results
        ),
        organization_mismatches=sum(
            r.scope is not None and r.answered_for not in (None, r.scope) for r in results
        ),
        organization_unresolved=sum(
            r.scope not in (None, UNKNOWN_ORGANIZATION) and r.answered_for is None for r in results
        ),
    )


def summarise(results: Iterable[QuestionResult]) -> Summary:
    """Overall, per-intent and per-subset metrics of a run (derived subsets first)."""
    ordered = list(results)
    intents = sorted({r.intent for r in ordered})
    found = {subset for r in ordered for subset in r.subsets}
    subsets = [s for s in TARGETED_SUBSETS if s in found] + sorted(found - set(TARGETED_SUBSETS))
    return Summary(
        overall=_group(ordered),
        by_intent={i: _group([r for r in ordered if r.intent == i]) for i in intents},
        by_subset={s: _group([r for r in ordered if s in r.subsets]) for s in subsets},
        results=ordered,
    )


@dataclass(frozen=True, slots=True)
class Targets:
    """The quality bar a run must meet, over all its questions and over each of the
    :data:`TARGETED_SUBSETS` it has (issue #11: on both public sets).

    Attributes:
        min_top1: lowest acceptable top-1 accuracy.
        max_hallucinations: most hallucinations tolerated.
        min_no_data_precision: lowest no-data precision (undefined precision — nothing said
            ``no_data`` — misses the target when no-data questions were asked; a ``no_data``
            answer where none was expected misses it whatever else was asked).
        min_no_data_recall: lowest share of the no-data questions answered ``no_data``.
        max_secret_leaks: most secret values allowed in answers.
    """

    min_top1: float = 0.95
    max_hallucinations: int = 0
    min_no_data_precision: float = 1.0
    min_no_data_recall: float = 0.95
    max_secret_leaks: int = 0

    def _missed(self, group: IntentSummary) -> list[str]:
        missed = []
        if group.top1_accuracy is not None and group.top1_accuracy < self.min_top1:
            missed.append(f"top-1 accuracy {group.top1_accuracy:.1%} < {self.min_top1:.0%}")
        if group.hallucinations > self.max_hallucinations:
            missed.append(f"{group.hallucinations} hallucinations > {self.max_hallucinations}")
        precision = group.no_data_precision
        if (precision is None and group.expected_no_data) or (
            precision is not None and precision < self.min_no_data_precision
        ):
            shown = "undefined" if precision is None else f"{precision:.1%}"
            missed.append(f"no-data precision {shown} < {self.min_no_data_precision:.0%}")
        recall = group.no_data_recall
        if recall is not None and recall < self.min_no_data_recall:
            missed.append(f"no-data recall {recall:.1%} < {self.min_no_data_recall:.0%}")
        if group.secret_leaks > self.max_secret_leaks:
            missed.append(f"{group.secret_leaks} secret values leaked")
        return missed

    def missed(self, summary: Summary) -> list[str]:
        """The targets ``summary`` misses, as sentences (empty when all are met); a miss in a
        subset only is prefixed with the subset's name (``plain_language: top-1 …``)."""
        missed = self._missed(summary.overall)
        for subset in TARGETED_SUBSETS:
            group = summary.by_subset.get(subset)
            if group is not None:
                missed += [f"{subset}: {m}" for m in self._missed(group) if m not in missed]
        return missed
