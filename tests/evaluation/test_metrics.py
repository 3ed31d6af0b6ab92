"""Grading hand-made answers against the generated dataset: top-1, recall, hallucinations, leaks."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from itglue_mcp.catalog.citations import SourceRecord
from itglue_mcp.evaluation import (
    DatasetRecord,
    ExpectedAnswer,
    Question,
    QuestionResult,
    ReferenceDataset,
    Summary,
    Targets,
    grade,
    observe,
    render,
    resolve_expectation,
    summarise,
    to_json,
)
from itglue_mcp.query.answer import Answer, Excerpt, Fact


def _configuration(reference: ReferenceDataset, organization: str, kind: str) -> DatasetRecord:
    scope = reference.organization_id(organization)
    return next(
        r
        for r in reference.records(scope)
        if r.record_type == "configurations"
        and r.attributes["configuration-type-name"] == kind
        and r.attributes["primary-ip"]
    )


def _source(record: DatasetRecord, **overrides: Any) -> SourceRecord:
    values: dict[str, Any] = {
        "record_type": record.record_type,
        "record_id": record.record_id,
        "name": record.name,
        "organization_id": record.organization_id,
        "resource_url": record.attributes.get("resource-url"),
        "updated_at": None,
    }
    values.update(overrides)
    return SourceRecord(**values)


def _answer(
    *facts: Fact, sources: list[SourceRecord] | None = None, **fields: Any
) -> dict[str, Any]:
    answer = Answer(
        question="q",
        intent=fields.pop("intent", "device_ip"),
        status=fields.pop("status", "answered"),
        facts=list(facts),
        sources=sources if sources is not None else [f.source for f in facts],
        confidence=0.9,
        message=fields.pop("message", "m"),
        **fields,
    )
    return answer.model_dump(mode="json")


def _question(expect: dict[str, Any] | None = None, **fields: Any) -> Question:
    values: dict[str, Any] = {"id": "q", "question": "q", "intent": "device_ip", **fields}
    if expect is None:
        values.update(expect_no_data=True, absent=["nothing-like-this"])
    else:
        values["expect"] = expect
    return Question.model_validate(values)


def _grade(
    reference: ReferenceDataset,
    content: dict[str, Any] | None,
    question: Question,
    scope: int | None,
    *,
    is_error: bool = False,
    text: str = "",
) -> QuestionResult:
    expected = resolve_expectation(question, reference, scope=scope, today=date(2026, 11, 1))
    observation = observe(content, text=text, is_error=is_error)
    return grade(question, observation, reference, expected=expected, scope=scope)


def test_a_grounded_answer_scores_top1_and_recall_without_hallucination(
    reference: ReferenceDataset,
) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    ip = str(firewall.attributes["primary-ip"])
    fact = Fact(label="primary IP", value=ip, source=_source(firewall), confidence=0.95)
    question = _question({"records": [f"configurations/{firewall.record_id}"], "values": [ip]})

    result = _grade(reference, _answer(fact), question, firewall.organization_id)

    assert result.top1 and result.recall_at_5 and result.correct
    assert result.hallucinations == [] and result.secret_leaks == 0
    assert result.sources == [f"configurations/{firewall.record_id} {firewall.name}"]
    assert result.facts == [f"primary IP = {ip}"]


def test_the_first_source_decides_top1_and_the_first_five_decide_recall(
    reference: ReferenceDataset,
) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    switch = _configuration(reference, "ACME", "Switch")
    question = _question({"records": [f"configurations/{firewall.record_id}"]})
    content = _answer(sources=[_source(switch), _source(firewall)])

    result = _grade(reference, content, question, firewall.organization_id)

    assert result.top1 is False
    assert result.recall_at_5 is True


def test_an_expected_value_as_first_fact_counts_for_top1(reference: ReferenceDataset) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    ip = str(firewall.attributes["primary-ip"])
    switch = _configuration(reference, "ACME", "Switch")
    fact = Fact(label="primary IP", value=ip, source=_source(firewall), confidence=0.9)
    question = _question({"values": [ip]})

    result = _grade(
        reference, _answer(fact, sources=[_source(switch)]), question, firewall.organization_id
    )

    assert result.top1 is True


def test_an_attribute_question_needs_the_attribute_not_just_the_record(
    reference: ReferenceDataset,
) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    serial = str(firewall.attributes["serial-number"])
    ip = str(firewall.attributes["primary-ip"])
    question = _question(
        {"records": [f"configurations/{firewall.record_id}"], "values": [serial]},
        attribute="serial number",
    )
    ip_fact = Fact(label="primary IP", value=ip, source=_source(firewall), confidence=0.9)
    serial_fact = Fact(label="serial", value=serial, source=_source(firewall), confidence=0.9)

    with_ip = _grade(reference, _answer(ip_fact), question, firewall.organization_id)
    with_serial = _grade(reference, _answer(serial_fact), question, firewall.organization_id)

    assert (with_ip.top1, with_ip.recall_at_5) == (False, True)
    assert with_serial.top1 is True


def test_citing_a_record_the_dataset_lacks_is_a_hallucination(reference: ReferenceDataset) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    invented = _source(firewall, record_id="999999999", name="ACME-FW99")
    question = _question({"records": [f"configurations/{firewall.record_id}"]})

    result = _grade(reference, _answer(sources=[invented]), question, firewall.organization_id)

    assert [(h.kind, h.record) for h in result.hallucinations] == [
        ("unknown_record", "configurations/999999999")
    ]
    assert result.top1 is False


def test_citing_a_record_of_another_organization_is_a_hallucination(
    reference: ReferenceDataset,
) -> None:
    acme_firewall = _configuration(reference, "ACME", "Firewall")
    northwind_firewall = _configuration(reference, "NW", "Firewall")
    ip = str(northwind_firewall.attributes["primary-ip"])
    fact = Fact(label="primary IP", value=ip, source=_source(northwind_firewall), confidence=0.9)
    question = _question({"records": [f"configurations/{acme_firewall.record_id}"]})

    result = _grade(reference, _answer(fact), question, acme_firewall.organization_id)

    assert [h.kind for h in result.hallucinations] == ["other_organization"]


def test_a_citation_naming_the_record_wrongly_is_a_mismatch(reference: ReferenceDataset) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    renamed = _source(firewall, name="ACME-FW77")
    question = _question({"records": [f"configurations/{firewall.record_id}"]})

    result = _grade(reference, _answer(sources=[renamed]), question, None)

    assert [h.kind for h in result.hallucinations] == ["citation_mismatch"]


def test_a_fact_value_the_record_does_not_hold_is_a_hallucination(
    reference: ReferenceDataset,
) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    wrong = Fact(label="primary IP", value="10.250.250.250", source=_source(firewall), confidence=1)
    right = Fact(label="name", value=str(firewall.name), source=_source(firewall), confidence=1)
    question = _question({"records": [f"configurations/{firewall.record_id}"]})

    result = _grade(reference, _answer(right, wrong), question, firewall.organization_id)

    assert [(h.kind, h.detail) for h in result.hallucinations] == [
        ("unsupported_value", "primary IP = '10.250.250.250' is not in the record")
    ]


def test_values_of_included_interfaces_and_document_text_are_supported(
    reference: ReferenceDataset, small_dataset_dir: Path
) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    scope = firewall.organization_id
    listing = json.loads((small_dataset_dir / "configurations.json").read_text("utf-8"))
    wan_ip = next(
        item["attributes"]["ip-address"]
        for item in listing["included"]
        if item["type"] == "configuration-interfaces"
        and str(item["attributes"]["configuration-id"]) == firewall.record_id
        and not item["attributes"]["primary"]
    )
    document = next(
        r for r in reference.records(scope) if r.record_type == "documents" and "VPN" in str(r.name)
    )
    step = re.search(r"<strong>([^<]+)</strong>", str(document.attributes["content"]))
    assert step is not None
    facts = [
        Fact(label="WAN IP", value=wan_ip, source=_source(firewall), confidence=0.8),
        Fact(label="step", value=html.unescape(step[1]), source=_source(document), confidence=1),
    ]
    excerpt = Excerpt(field="content", text="anything quoted", source=_source(document))
    question = _question({"records": [f"documents/{document.record_id}"]})

    result = _grade(reference, _answer(*facts, excerpts=[excerpt]), question, scope)

    assert result.hallucinations == []


def test_a_secret_in_an_answer_is_a_leak_and_never_written_out(
    reference: ReferenceDataset,
) -> None:
    scope = reference.organization_id("ACME")
    password = next(
        r
        for r in reference.records(scope)
        if r.record_type == "passwords" and len(str(r.attributes["password"])) >= 8
    )
    secret = str(password.attributes["password"])
    fact = Fact(label="password", value=secret, source=_source(password), confidence=1)
    question = _question({"records": [f"passwords/{password.record_id}"]})

    result = _grade(reference, _answer(fact, message=f"it is {secret}"), question, scope)

    assert result.secret_leaks == 1
    assert [h.kind for h in result.hallucinations] == ["unsupported_value"]
    assert secret not in result.model_dump_json()
    assert "[secret]" in result.message


def test_structured_output_of_other_tools_is_checked_field_by_field(
    reference: ReferenceDataset,
) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    organization = reference.record("organizations", str(firewall.organization_id))
    assert organization is not None
    source = _source(firewall).model_dump(mode="json")
    content = {
        "organization": {"name": organization.name, "source": _source(organization).model_dump()},
        "query": "fw",
        "configurations": [
            {
                "name": firewall.name,
                "primary_ip": "10.250.250.250",
                "kind": "firewall",  # not an IT Glue attribute: not a claim to check
                "interfaces": [{"mac_address": firewall.attributes["mac-address"]}],
                "source": source,
            }
        ],
    }
    question = _question({"records": [f"configurations/{firewall.record_id}"]})

    result = _grade(reference, content, question, firewall.organization_id)

    assert result.top1 is True
    assert [(h.kind, h.detail) for h in result.hallucinations] == [
        ("unsupported_value", "primary_ip = '10.250.250.250' is not in the record")
    ]


def test_a_tool_error_is_a_no_data_answer(reference: ReferenceDataset) -> None:
    scope = reference.organization_id("NW")
    result = _grade(
        reference, None, _question(), scope, is_error=True, text="name: no configuration"
    )
    assert result.status == "no_data" and result.error and result.correct
    assert result.top1 is None and result.recall_at_5 is None


def test_an_expiration_window_resolves_from_the_dataset_dates(reference: ReferenceDataset) -> None:
    scope = reference.organization_id("NW")
    due = sorted(
        (str(r.attributes["expiration-date"]), r.record_id)
        for r in reference.records(scope)
        if r.record_type == "expirations"
    )
    first_day, first_id = due[0]
    question = _question({"expiring_within_days": 1})

    expected = resolve_expectation(
        question, reference, scope=scope, today=date.fromisoformat(first_day)
    )
    before = resolve_expectation(
        question, reference, scope=scope, today=date.fromisoformat(first_day) - timedelta(days=9)
    )

    assert ("expirations", first_id) in expected.records
    assert before == ExpectedAnswer(no_data=True)


def _results(reference: ReferenceDataset) -> list[QuestionResult]:
    firewall = _configuration(reference, "ACME", "Firewall")
    scope = firewall.organization_id
    hit = _grade(
        reference,
        _answer(sources=[_source(firewall)]),
        _question({"records": [f"configurations/{firewall.record_id}"]}),
        scope,
    )
    miss = _grade(
        reference,
        _answer(status="no_data", sources=[]),
        _question({"records": [f"configurations/{firewall.record_id}"]}, intent="ip_lookup"),
        scope,
    )
    right_no_data = _grade(reference, _answer(status="no_data", sources=[]), _question(), scope)
    wrong_answer = _grade(
        reference, _answer(sources=[_source(firewall)]), _question(intent="ip_lookup"), scope
    )
    return [hit, miss, right_no_data, wrong_answer]


def test_summary_metrics_overall_and_per_intent(reference: ReferenceDataset) -> None:
    summary = summarise(_results(reference))

    overall = summary.overall
    assert (overall.questions, overall.answerable) == (4, 2)
    assert overall.top1_accuracy == 0.5
    assert overall.no_data_precision == 0.5  # said no_data twice, once rightly
    assert overall.no_data_recall == 0.5
    assert overall.intent_accuracy == 0.5  # every answer reported device_ip
    device_ip = summary.by_intent["device_ip"]
    assert (device_ip.top1_accuracy, device_ip.no_data_precision) == (1.0, 1.0)
    assert summary.by_intent["ip_lookup"].top1_accuracy == 0.0


def test_targets_say_which_bar_is_missed(reference: ReferenceDataset) -> None:
    results = _results(reference)
    missed = Targets().missed(summarise(results))
    assert missed == [
        "top-1 accuracy 50.0% < 95%",
        "no-data precision 50.0% < 100%",
        "no-data recall 50.0% < 95%",
    ]
    assert Targets().missed(summarise(results[:1])) == []
    never_said_no_data = summarise([results[0], results[3]])
    assert Targets().missed(never_said_no_data) == [
        "no-data precision undefined < 100%",
        "no-data recall 0.0% < 95%",
    ]


def _in_subsets(result: QuestionResult, *subsets: str) -> QuestionResult:
    return result.model_copy(update={"subsets": list(subsets)})


def test_subsets_are_summarised_apart_and_held_to_the_targets(
    reference: ReferenceDataset,
) -> None:
    hit, miss, right_no_data, wrong_answer = _results(reference)
    results = [
        _in_subsets(hit, "plain_language", "attribute"),
        _in_subsets(miss, "plain_language"),
        _in_subsets(right_no_data, "attribute", "near_miss"),
        hit,
        hit,
        hit,
    ]

    summary = summarise(results)

    assert list(summary.by_subset) == ["plain_language", "attribute", "near_miss"]
    plain = summary.by_subset["plain_language"]
    assert (plain.questions, plain.top1_accuracy, plain.no_data_precision) == (2, 0.5, 0.0)
    attribute = summary.by_subset["attribute"]
    assert (attribute.top1_accuracy, attribute.no_data_recall) == (1.0, 1.0)
    assert summary.overall.top1_accuracy == 0.8
    # The whole run misses top-1 too; the plain-language subset adds what it alone misses.
    assert Targets().missed(summary) == [
        "top-1 accuracy 80.0% < 95%",
        "no-data precision 50.0% < 100%",
        "plain_language: top-1 accuracy 50.0% < 95%",
        "plain_language: no-data precision 0.0% < 100%",
    ]
    assert wrong_answer.subsets == []


@pytest.mark.parametrize(("latencies", "p50", "p95"), [([5.0], 5.0, 5.0), ([1.0, 3.0], 2.0, 2.9)])
def test_latency_percentiles(
    reference: ReferenceDataset, latencies: list[float], p50: float, p95: float
) -> None:
    base = _results(reference)[0]
    summary: Summary = summarise(
        base.model_copy(update={"latency_ms": value}) for value in latencies
    )
    assert summary.overall.latency_p50_ms == pytest.approx(p50)
    assert summary.overall.latency_p95_ms == pytest.approx(p95)


def test_a_tool_output_ranks_each_record_before_its_links_and_checks_its_facts(
    reference: ReferenceDataset,
) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    switch = _configuration(reference, "ACME", "Switch")
    password = next(
        r
        for r in reference.records(firewall.organization_id)
        if r.record_type == "passwords" and r.attributes["resource-id"] == int(firewall.record_id)
    )
    content = {
        "passwords": [
            {
                "name": password.name,
                # IT Glue writes 2025-09-13T11:07:55.000Z; a tool may drop the fraction.
                "password_updated_at": str(password.attributes["password-updated-at"]).replace(
                    ".000Z", "Z"
                ),
                "linked": {
                    "record_type": "configurations",
                    "record_id": int(firewall.record_id),
                    "name": firewall.name,
                    "resource_url": firewall.attributes["resource-url"],
                },
                "source": _source(password).model_dump(mode="json"),
            }
        ],
        "facts": [
            Fact(
                label="IP", value="10.250.250.250", source=_source(switch), confidence=1
            ).model_dump(mode="json")
        ],
    }
    question = _question({"records": [f"passwords/{password.record_id}"]})

    result = _grade(reference, content, question, firewall.organization_id)

    assert result.sources[:2] == [
        f"passwords/{password.record_id} {password.name}",
        f"configurations/{firewall.record_id} {firewall.name}",
    ]
    assert result.top1 is True
    assert [(h.kind, h.record, h.detail) for h in result.hallucinations] == [
        (
            "unsupported_value",
            f"configurations/{switch.record_id}",
            "IP = '10.250.250.250' is not in the record",
        )
    ]


def test_the_report_shows_each_subset_in_the_terminal_and_the_json(
    reference: ReferenceDataset,
) -> None:
    hit, miss, right_no_data, _ = _results(reference)
    summary = summarise(
        [_in_subsets(hit, "plain_language"), _in_subsets(miss, "attribute"), right_no_data]
    )
    console = Console(width=200, record=True)

    console.print(*render(summary, targets=Targets()))
    data = to_json(summary, targets=Targets())

    text = console.export_text()
    assert "Answer quality by subset" in text
    assert "organization mentions: 0 of 0 questions naming no organization answered as" in " ".join(
        text.split()
    )
    assert re.search(r"plain_language[ │]+1[ │]+100\.0%", text)
    assert re.search(r"attribute[ │]+1[ │]+0\.0%", text)
    assert data["by_subset"]["attribute"]["top1_accuracy"] == 0.0
    assert data["targets"]["min_no_data_recall"] == 0.95
    assert "attribute: top-1 accuracy 0.0% < 95%" in data["targets"]["missed"]
    assert [r["subsets"] for r in data["results"]] == [["plain_language"], ["attribute"], []]


def test_a_set_without_subsets_reports_by_intent_only(reference: ReferenceDataset) -> None:
    console = Console(width=200, record=True)

    console.print(*render(summarise(_results(reference)), targets=Targets()))

    assert "by subset" not in console.export_text()


def test_the_organization_an_answer_was_scoped_to_is_checked_against_the_question(
    reference: ReferenceDataset,
) -> None:
    firewall = _configuration(reference, "ACME", "Firewall")
    acme = reference.record("organizations", str(firewall.organization_id))
    northwind = reference.record("organizations", str(reference.organization_id("NW")))
    assert acme is not None and northwind is not None
    question = _question({"records": [f"configurations/{firewall.record_id}"]})
    scoped_to_acme = _answer(sources=[_source(firewall)], organization=_source(acme))
    scoped_to_northwind = _answer(sources=[_source(firewall)], organization=_source(northwind))

    right = _grade(reference, scoped_to_acme, question, firewall.organization_id)
    wrong = _grade(reference, scoped_to_northwind, question, firewall.organization_id)
    unasked = _grade(reference, scoped_to_acme, question, None)
    unscoped = _grade(reference, _answer(sources=[_source(firewall)]), question, None)
    summary = summarise([right, wrong, unasked, unscoped]).overall

    assert (right.scope, right.answered_for) == (acme.organization_id, acme.organization_id)
    assert wrong.answered_for == northwind.organization_id
    assert (summary.organization_mismatches, summary.organization_unresolved) == (1, 0)
    assert summarise(
        [_grade(reference, _answer(), question, acme.organization_id)]
    ).overall.model_dump(include={"organization_unresolved", "organization_mismatches"}) == {
        "organization_unresolved": 1,
        "organization_mismatches": 0,
    }
    assert (summary.naming_no_organization, summary.organization_false_positives) == (2, 1)
