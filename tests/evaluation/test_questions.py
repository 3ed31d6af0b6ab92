"""Reading question-set files: what loads, and errors that name the question and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from itglue_mcp.evaluation import (
    QuestionSet,
    QuestionSetError,
    load_questions,
    packaged_question_set,
    parse_question_set,
)
from itglue_mcp.query import IntentKind

HEADER = "dataset: {organizations: 3, seed: 1}\nquestions:\n"


def _set(body: str) -> QuestionSet:
    return parse_question_set(HEADER + body, source="set.yaml")


def _error(body: str) -> str:
    with pytest.raises(QuestionSetError) as caught:
        _set(body)
    return str(caught.value)


def test_a_question_defaults_to_query_documentation_with_its_text_and_organization() -> None:
    question_set = _set(
        "  - id: fw\n"
        "    question: what's the firewall IP\n"
        "    organization: Acme Corporation\n"
        "    intent: device_ip\n"
        "    expect: {records: [configurations/42], values: [10.0.0.1]}\n"
        "  - id: gone\n"
        "    question: where is the Tokyo office\n"
        "    intent: location\n"
        "    expect_no_data: true\n"
        "    absent: [Tokyo]\n"
    )
    first, second = question_set.questions
    assert first.tool == "query_documentation"
    assert first.call_arguments == {
        "question": "what's the firewall IP",
        "organization": "Acme Corporation",
    }
    assert first.expect is not None
    assert first.expect.record_keys == {("configurations", "42")}
    assert second.call_arguments == {"question": "where is the Tokyo office"}
    assert second.expect_no_data


def test_another_tool_is_called_with_its_own_arguments() -> None:
    question_set = _set(
        "  - id: by-name\n"
        "    question: ACME-FW01\n"
        "    tool: get_configuration\n"
        "    arguments: {organization: ACME, name: ACME-FW01}\n"
        "    intent: hostname_lookup\n"
        "    expect: {records: [configurations/42]}\n"
    )
    assert question_set.questions[0].call_arguments == {"organization": "ACME", "name": "ACME-FW01"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "  - {id: q1, question: x, intent: device_ip, expect: {records: [configurations]}}\n",
            "question q1: expect: records: 'configurations' is not record_type/record_id",
        ),
        (
            "  - {id: q1, question: x, intent: device_ip, expect: {records: [widgets/3]}}\n",
            "question q1: expect: records: 'widgets' is not a record type",
        ),
        (
            "  - {id: q1, question: x, intent: firewall, expect: {values: [a]}}\n",
            "question q1: intent: 'firewall' is not one of",
        ),
        (
            "  - {id: q1, question: x, intent: search}\n",
            "question q1: expect: give either expect or expect_no_data: true",
        ),
        (
            "  - {id: q1, question: x, intent: search, expect: {values: [a]},"
            " expect_no_data: true, absent: [abc]}\n",
            "question q1: expect: give either expect or expect_no_data: true",
        ),
        (
            "  - {id: q1, question: x, intent: search, expect_no_data: true}\n",
            "question q1: absent: a no-data question lists the terms",
        ),
        (
            "  - {id: q1, question: x, intent: search, expect_no_data: true, absent: [ab]}\n",
            "question q1: absent: each term has at least three characters",
        ),
        (
            "  - {id: q1, question: x, intent: search, expect: {}}\n",
            "question q1: expect: give records, values or expiring_within_days",
        ),
        (
            "  - {id: q1, question: x, intent: search, expect: {expiring_within_days: 0}}\n",
            "question q1: expect.expiring_within_days: Input should be greater than or equal to 1",
        ),
        (
            "  - {id: q1, question: x, tool: search, intent: search, expect: {values: [a]}}\n",
            "question q1: arguments: required when the tool is 'search'",
        ),
        (
            "  - {id: q1, question: x, intent: search, expected: {values: [a]}}\n",
            "question q1: expected: Extra inputs are not permitted",
        ),
        (
            "  - {id: Q 1, question: x, intent: search, expect: {values: [a]}}\n",
            "question Q 1: id: String should match pattern",
        ),
        (
            "  - {id: q1, question: x, intent: search, expect: {values: [a]}}\n"
            "  - {question: y, intent: search, expect: {values: [b]}}\n",
            "question #2: id: Field required",
        ),
        (
            "  - {id: q1, question: x, intent: search, expect: {values: [a]}}\n"
            "  - {id: q1, question: y, intent: search, expect: {values: [b]}}\n",
            "set.yaml: id: q1 used more than once",
        ),
        (
            "  - {id: q1, question: x at @NW, about: NW, intent: search, expect: {values: [a]}}\n",
            "question q1: about: a plain-language question names its organization in words",
        ),
        (
            "  - {id: q1, question: x, about: NW, organization: NW, intent: search,"
            " expect: {values: [a]}}\n",
            "question q1: about: a plain-language question names its organization in words",
        ),
        (
            "  - {id: q1, question: x, about: NW, tool: get_configuration, intent: search,"
            " arguments: {name: x, organization: NW}, expect: {values: [a]}}\n",
            "question q1: about: a plain-language question passes no organization argument",
        ),
        (
            "  - {id: q1, question: x, tags: [plain_language], intent: search,"
            " expect: {values: [a]}}\n",
            "question q1: tags: 'plain_language' is derived (from about or attribute)",
        ),
        (
            "  - {id: q1, question: x, tags: [Near-Miss], intent: search, expect: {values: [a]}}\n",
            "question q1: tags: 'Near-Miss' is not lower_case_with_underscores",
        ),
    ],
)
def test_errors_name_the_question_and_the_field(body: str, expected: str) -> None:
    message = _error(body)
    assert message.startswith("set.yaml: ")
    assert expected in message


def test_subsets_come_from_about_attribute_and_tags() -> None:
    question_set = _set(
        "  - id: plain\n"
        "    question: what's the serial of the Acme NAS\n"
        "    about: Acme Corporation\n"
        "    attribute: serial number\n"
        "    tags: [look_alike, look_alike]\n"
        "    intent: configuration\n"
        "    expect: {values: [ABC123]}\n"
        "  - {id: scoped, question: NAS serial at @ACME, intent: configuration,"
        " expect: {values: [ABC123]}}\n"
    )
    plain, scoped = question_set.questions

    assert plain.subsets == ("plain_language", "attribute", "look_alike")
    assert plain.call_arguments == {"question": "what's the serial of the Acme NAS"}
    assert scoped.subsets == ()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("dataset: {fixture: handwritten, seed: 1}", "dataset: give organizations and seed, or"),
        ("dataset: {seed: 1}", "set.yaml: dataset: give organizations and seed (generated)"),
        ("dataset: {fixture: Hand Written}", "dataset.fixture: String should match pattern"),
    ],
)
def test_the_dataset_is_generated_or_a_named_fixture(header: str, expected: str) -> None:
    body = "\nquestions:\n  - {id: q1, question: x, intent: search, expect: {values: [a]}}\n"
    assert parse_question_set("dataset: {fixture: handwritten}" + body).dataset.fixture == (
        "handwritten"
    )
    with pytest.raises(QuestionSetError) as caught:
        parse_question_set(header + body, source="set.yaml")
    assert expected in str(caught.value)


def test_the_header_and_the_list_are_checked() -> None:
    with pytest.raises(QuestionSetError, match=r"set\.yaml: questions: expected a non-empty"):
        parse_question_set("dataset: {organizations: 3, seed: 1}\n", source="set.yaml")
    with pytest.raises(QuestionSetError, match=r"set\.yaml: dataset\.organizations: "):
        parse_question_set(
            "dataset: {organizations: 0, seed: 1}\nquestions:\n"
            "  - {id: q1, question: x, intent: search, expect: {values: [a]}}\n",
            source="set.yaml",
        )
    with pytest.raises(QuestionSetError, match=r"set\.yaml: expected a mapping"):
        parse_question_set("- just a list\n", source="set.yaml")


def test_invalid_yaml_and_missing_files_are_reported_by_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(HEADER + "  - {id: q1, question: [unclosed\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match=r"broken\.yaml: not valid YAML at line \d+"):
        load_questions(broken)
    with pytest.raises(QuestionSetError, match=r"missing\.yaml: cannot be read"):
        load_questions(tmp_path / "missing.yaml")
    with pytest.raises(QuestionSetError, match="no packaged question set named 'huge'"):
        packaged_question_set("huge")


def test_the_public_set_is_large_and_covers_every_intent(public_set: QuestionSet) -> None:
    questions = public_set.questions
    assert len(questions) >= 80
    assert sum(q.expect_no_data for q in questions) >= 20
    assert {q.intent for q in questions} == {kind.value for kind in IntentKind}
    covered_by_no_data = {q.intent for q in questions if q.expect_no_data}
    assert len(covered_by_no_data) >= 8
