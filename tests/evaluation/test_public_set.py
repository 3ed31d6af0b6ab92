"""The shipped question sets against a freshly generated copy of their dataset: they cannot
drift (checks in tests/evaluation/drift.py). ``small`` passes the organization as an argument
or an ``@`` scope; ``small-plain`` asks the same kinds of questions naming it in words only.
"""

from __future__ import annotations

import pytest

from itglue_mcp.evaluation import Question, QuestionSet, ReferenceDataset, packaged_question_set
from itglue_mcp.evaluation.questions import load_questions
from tests.evaluation.drift import (
    assert_absent_terms_are_absent,
    assert_expected_records_in_scope,
    assert_expected_values_held,
)

QUESTIONS = load_questions(packaged_question_set("small")).questions
PLAIN = load_questions(packaged_question_set("small-plain")).questions


def _ids(question: Question) -> str:
    return question.id


@pytest.mark.parametrize("question", [q for q in QUESTIONS + PLAIN if q.expect], ids=_ids)
def test_expected_records_exist_in_the_organization_asked_about(
    question: Question, reference: ReferenceDataset
) -> None:
    assert_expected_records_in_scope(question, reference)


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONS + PLAIN if q.expect and q.expect.values], ids=_ids
)
def test_expected_values_are_held_by_an_expected_record(
    question: Question, reference: ReferenceDataset
) -> None:
    assert_expected_values_held(question, reference)


@pytest.mark.parametrize("question", [q for q in QUESTIONS + PLAIN if q.expect_no_data], ids=_ids)
def test_no_data_questions_have_no_supporting_record(
    question: Question, reference: ReferenceDataset
) -> None:
    assert_absent_terms_are_absent(question, reference)


def test_the_set_names_the_dataset_it_was_derived_from(public_set: QuestionSet) -> None:
    assert (public_set.dataset.organizations, public_set.dataset.seed) == (10, 7)
    assert public_set.questions == QUESTIONS
    plain_set = load_questions(packaged_question_set("small-plain"))
    assert plain_set.dataset == public_set.dataset


def test_the_plain_variants_name_their_organization_in_words_only() -> None:
    assert len(PLAIN) >= 40
    assert all(q.about is not None and "plain_language" in q.subsets for q in PLAIN)
    assert all("variant" in q.tags for q in PLAIN)
    assert sum(q.expect_no_data for q in PLAIN) >= 10
    assert not {q.id for q in PLAIN} & {q.id for q in QUESTIONS}
