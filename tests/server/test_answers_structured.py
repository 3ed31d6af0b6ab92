"""``query_documentation`` answering structured intents over Streamable HTTP: facts with
citations for device, credential, contact and expiration questions, "no data" naming the
organizations that do have the kind of device asked for, and never a password value
(SQLite and PostgreSQL stores; expectations from the generated dataset's JSON).

Needs the structured handlers registered in ``server/tools/answers.py``
(``QueryEngine(..., handlers=structured_handlers())``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastmcp import Client

from itglue_mcp.query.answer import Answer
from itglue_mcp.query.credentials import VALUE_WITHHELD

FENCE = re.compile(r"<itglue-data untrusted=\"true\"[^>]*>\n.*?\n</itglue-data>", re.DOTALL)


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


async def _ask(mcp_url: str, question: str) -> tuple[Answer, str]:
    async with Client(f"{mcp_url}/mcp") as client:
        result = await client.call_tool("query_documentation", {"question": question})
    return Answer.model_validate(result.structured_content), result.content[0].text


async def test_a_device_ip_question_answers_with_cited_facts(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    firewalls = [
        c
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["organization-name"] == "Acme Corporation"
        and c["attributes"]["configuration-type-name"] == "Firewall"
    ]

    answer, text = await _ask(mcp_url, "what's the firewall IP at @Acme")

    assert answer.status == "answered" and answer.intent == "device_ip"
    assert {s.record_id for s in answer.sources} == {int(c["id"]) for c in firewalls}
    for firewall in firewalls:
        address = firewall["attributes"]["primary-ip"]
        [fact] = [f for f in answer.facts if f.value == address]
        assert fact.source.record_id == int(firewall["id"])
        assert fact.source.resource_url == firewall["attributes"]["resource-url"]
        assert f"{fact.label}: {address}" in text


async def test_a_credential_answer_is_metadata_and_says_the_value_is_withheld(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    passwords = _records(tools_dataset_dir, "passwords")
    admin = next(p for p in passwords if p["attributes"]["name"] == "ACME-FW01 - Admin GUI")

    answer, text = await _ask(mcp_url, "admin password for the firewall at @Acme Corporation")

    assert answer.status == "answered" and answer.intent == "credential"
    assert ("passwords", int(admin["id"])) in {(s.record_type, s.record_id) for s in answer.sources}
    assert admin["attributes"]["username"] in [fact.value for fact in answer.facts]
    assert VALUE_WITHHELD in text
    received = text + json.dumps(answer.model_dump(mode="json"))
    assert not [p["id"] for p in passwords if p["attributes"]["password"] in received]


async def test_a_kind_the_organization_lacks_is_no_data_naming_who_has_one(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    with_nas = {
        c["attributes"]["organization-name"]
        for c in _records(tools_dataset_dir, "configurations")
        if c["attributes"]["configuration-type-name"] == "NAS"
    }
    assert "BrightPath Technology Partners" not in with_nas

    answer, text = await _ask(mcp_url, "what's the IP of the NAS at @BrightPath")

    assert answer.status == "no_data" and answer.sources == [] and answer.facts == []
    [hint] = answer.suggestions
    assert hint.startswith("NAS devices exist in:")
    assert any(organization in hint for organization in with_nas)
    assert hint in text and "No data available in IT Glue" in text


async def test_contact_notes_come_back_fenced_as_untrusted(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    person = next(
        c
        for c in _records(tools_dataset_dir, "contacts")
        if c["attributes"]["name"] == "Roger Martinez"
    )
    phone = person["attributes"]["contact-phones"][0]["value"]

    answer, text = await _ask(mcp_url, "phone number of Roger Martinez @acme")

    assert answer.intent == "contact" and answer.sources[0].record_id == int(person["id"])
    assert answer.facts[0].value == phone
    notes = person["attributes"]["notes"]
    assert notes in text and notes not in FENCE.sub("", text)


async def test_an_expiration_of_a_named_record_gives_its_date(
    mcp_url: str, tools_dataset_dir: Path
) -> None:
    [domain] = [
        d
        for d in _records(tools_dataset_dir, "domains")
        if d["attributes"]["name"] == "acmecorp.com"
    ]
    [expiration] = [
        e
        for e in _records(tools_dataset_dir, "expirations")
        if e["attributes"]["resource-type-name"] == "Domain"
        and str(e["attributes"]["resource-id"]) == domain["id"]
    ]

    answer, _ = await _ask(mcp_url, "when does the acmecorp.com domain expire")

    assert answer.intent == "expiration" and answer.status == "answered"
    assert [(f.source.record_id, f.value) for f in answer.facts] == [
        (int(expiration["id"]), expiration["attributes"]["expiration-date"])
    ]
    assert answer.sources[0].record_id == int(domain["id"])
