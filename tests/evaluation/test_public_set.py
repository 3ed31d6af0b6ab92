"""The shipped question set against a freshly generated copy of its dataset: it cannot drift.

Every expected record must exist in the organization the question is about, every expected
value must be held by an expected record (or by a record in scope when only values are given),
and every no-data question's absent terms must indeed occur in no record in scope.
"""

from __future__ import annotations

import pytest

from itglue_mcp.evaluation import (
    Question,
    QuestionSet,
    ReferenceDataset,
    packaged_question_set,
    question_scope,
)
from itglue_mcp.evaluation.questions import load_questions
from itglue_mcp.evaluation.runner import UNKNOWN_ORGANIZATION

QUESTIONS = load_questions(packaged_question_set("small")).questions


def _ids(question: Question) -> str:
    return question.id


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.expect], ids=_ids)
def test_expected_records_exist_in_the_organization_asked_about(
    question: Question, reference: ReferenceDataset
) -> None:
    assert question.expect is not None
    scope = question_scope(question, reference)
    for record_type, record_id in question.expect.record_keys:
        record = reference.record(record_type, record_id)
        assert record is not None, f"{record_type}/{record_id} is not in the dataset"
        assert scope in (None, record.organization_id), f"{record_type}/{record_id} is elsewhere"


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONS if q.expect and q.expect.values], ids=_ids
)
def test_expected_values_are_held_by_an_expected_record(
    question: Question, reference: ReferenceDataset
) -> None:
    assert question.expect is not None
    holders = [reference.record(t, i) for t, i in question.expect.record_keys]
    if not holders:
        holders = list(reference.records(question_scope(question, reference)))
    for value in question.expect.values:
        assert any(reference.supports(record, value) for record in holders if record is not None), (
            f"no expected record holds {value!r}"
        )


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.expect_no_data], ids=_ids)
def test_no_data_questions_have_no_supporting_record(
    question: Question, reference: ReferenceDataset
) -> None:
    scope = question_scope(question, reference)
    if scope == UNKNOWN_ORGANIZATION:
        assert reference.organization_candidates(question.organization or question.question) == []
        scope = None
    for term in question.absent:
        found = reference.containing(term, scope)
        assert found == [], (
            f"{term!r} occurs in {[f'{r.record_type}/{r.record_id}' for r in found]}"
        )


def test_the_set_names_the_dataset_it_was_derived_from(public_set: QuestionSet) -> None:
    assert (public_set.dataset.organizations, public_set.dataset.seed) == (10, 7)
    assert public_set.questions == QUESTIONS
