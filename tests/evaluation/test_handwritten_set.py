"""The question set over the hand-written fixture (tests/evaluation/handwritten.yaml): its
size and mix as issue #11 asks, and no drift from the fixture (checks in drift.py)."""

from __future__ import annotations

import pytest

from itglue_mcp.evaluation import Question, ReferenceDataset, load_questions
from tests.evaluation.conftest import HANDWRITTEN_DIR, HANDWRITTEN_QUESTIONS
from tests.evaluation.drift import (
    assert_absent_terms_are_absent,
    assert_expected_records_in_scope,
    assert_expected_values_held,
)

QUESTION_SET = load_questions(HANDWRITTEN_QUESTIONS)
QUESTIONS = QUESTION_SET.questions


@pytest.fixture(scope="module")
def fixture_reference() -> ReferenceDataset:
    """The hand-written fixture as the evaluation's ground truth."""
    return ReferenceDataset.load(HANDWRITTEN_DIR)


def _ids(question: Question) -> str:
    return question.id


def test_the_set_has_the_mix_the_issue_asks_for() -> None:
    plain = [q for q in QUESTIONS if "plain_language" in q.subsets]
    attribute = [q for q in QUESTIONS if "attribute" in q.subsets and q.expect]
    near_misses = [q for q in QUESTIONS if q.expect_no_data and "near_miss" in q.tags]

    assert QUESTION_SET.dataset.fixture == "handwritten"
    assert len(QUESTIONS) >= 100
    assert len(plain) >= len(QUESTIONS) / 2
    assert len(attribute) >= 30
    assert len(near_misses) >= 25


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.expect], ids=_ids)
def test_expected_records_exist_in_the_organization_asked_about(
    question: Question, fixture_reference: ReferenceDataset
) -> None:
    assert_expected_records_in_scope(question, fixture_reference)


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONS if q.expect and q.expect.values], ids=_ids
)
def test_expected_values_are_held_by_an_expected_record(
    question: Question, fixture_reference: ReferenceDataset
) -> None:
    assert_expected_values_held(question, fixture_reference)


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.expect_no_data], ids=_ids)
def test_no_data_questions_have_no_supporting_record(
    question: Question, fixture_reference: ReferenceDataset
) -> None:
    assert_absent_terms_are_absent(question, fixture_reference)


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONS if "plain_language" in q.subsets and q.expect], ids=_ids
)
def test_a_plain_language_question_has_one_organization(
    question: Question, fixture_reference: ReferenceDataset
) -> None:
    assert question.about is not None
    assert len(fixture_reference.organization_candidates(question.about)) == 1
