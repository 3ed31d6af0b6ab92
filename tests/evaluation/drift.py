"""Checks that keep a question set true to the dataset it was written for (no drift).

Every expected record must exist in the organization the question is about, every expected
value must be held by an expected record (or by a record in scope when only values are given),
and every no-data question's absent terms must indeed occur in no record in scope (the whole
account when the organization named does not exist).
"""

from __future__ import annotations

from itglue_mcp.evaluation import Question, ReferenceDataset, question_scope
from itglue_mcp.evaluation.runner import UNKNOWN_ORGANIZATION

__all__ = [
    "assert_absent_terms_are_absent",
    "assert_expected_records_in_scope",
    "assert_expected_values_held",
]


def assert_expected_records_in_scope(question: Question, reference: ReferenceDataset) -> None:
    """Each expected record exists and belongs to the organization asked about."""
    assert question.expect is not None
    scope = question_scope(question, reference)
    for record_type, record_id in question.expect.record_keys:
        record = reference.record(record_type, record_id)
        assert record is not None, f"{record_type}/{record_id} is not in the dataset"
        assert scope in (None, record.organization_id), f"{record_type}/{record_id} is elsewhere"


def assert_expected_values_held(question: Question, reference: ReferenceDataset) -> None:
    """Each expected value is held by an expected record (a record in scope, without any)."""
    assert question.expect is not None
    holders = [reference.record(t, i) for t, i in question.expect.record_keys]
    if not holders:
        holders = list(reference.records(question_scope(question, reference)))
    for value in question.expect.values:
        assert any(reference.supports(record, value) for record in holders if record is not None), (
            f"no expected record holds {value!r}"
        )


def assert_absent_terms_are_absent(question: Question, reference: ReferenceDataset) -> None:
    """No record in scope contains any of a no-data question's absent terms."""
    scope = question_scope(question, reference)
    if scope == UNKNOWN_ORGANIZATION:
        named = question.organization or question.about or question.question
        assert reference.organization_candidates(named) == []
        scope = None
    for term in question.absent:
        found = reference.containing(term, scope)
        assert found == [], (
            f"{term!r} occurs in {[f'{r.record_type}/{r.record_id}' for r in found]}"
        )
