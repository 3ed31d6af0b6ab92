"""The answer engine over a synced three-organization tenant (SQLite and PostgreSQL) with a
semantic index of its documents: scope and organization resolution, dispatch to registered
intent handlers with retrieval as the fallback, and "no data" with suggestions.

Expectations are read from the generated dataset's JSON files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog import OrganizationNotFound
from itglue_mcp.catalog.unit import request_unit
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.query import IntentKind
from itglue_mcp.query.answer import Answer, Fact
from itglue_mcp.query.engine import QueryEngine
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.store import RecordType, unit_of_work
from itglue_mcp.store.citations import records_named
from tests.server.conftest import SharedSemanticIndex


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    return json.loads((directory / f"{name}.json").read_text())["data"]


def _organization(directory: Path, name: str) -> dict[str, Any]:
    return next(o for o in _records(directory, "organizations") if o["attributes"]["name"] == name)


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedSemanticIndex]:
    shared = SharedSemanticIndex(tmp_path_factory.mktemp("engine-semantic") / "qdrant")
    try:
        yield shared
    finally:
        shared.close()


@pytest.fixture
def engine(
    synced: async_sessionmaker[AsyncSession], synced_url: str, shared_index: SharedSemanticIndex
) -> QueryEngine:
    return QueryEngine(
        synced, semantic=shared_index.search_for(synced_url), graph=SqlGraphStore(synced)
    )


async def test_registered_handler_answers_its_intent(
    engine: QueryEngine, dataset_dir: Path
) -> None:
    acme = _organization(dataset_dir, "Acme Corporation")
    firewall = next(
        c for c in _records(dataset_dir, "configurations") if c["attributes"]["name"] == "ACME-FW01"
    )
    seen: list[AskedQuestion] = []

    async def device_ip(asked: AskedQuestion, context: EngineContext) -> Answer | None:
        seen.append(asked)
        assert asked.organization is not None
        table = RecordType.CONFIGURATIONS.table
        async with unit_of_work(context.sessions, read_only=True) as session:
            [record] = await records_named(
                session, "ACME-FW01", organization_ids=asked.organization_ids
            )
            primary_ip = await session.scalar(
                select(table.c.primary_ip).where(table.c.id == record.record_id)
            )
        return Answer(
            question=asked.question,
            organization=asked.organization.source,
            intent=str(asked.intent.kind),
            status="answered",
            facts=[Fact(label="primary IP", value=primary_ip or "", source=record, confidence=0.9)],
            sources=[record],
            confidence=0.9,
            message="from the handler",
        )

    engine.register(IntentKind.DEVICE_IP, device_ip)
    answer = await engine.answer("what's the IP of ACME-FW01 at @acme?")

    [asked] = seen
    assert asked.text == "what's the IP of ACME-FW01?"
    assert asked.intent.kind is IntentKind.DEVICE_IP
    assert asked.organization is not None and asked.organization.id == int(acme["id"])
    assert asked.organization_ids == {int(acme["id"])}
    assert answer.message == "from the handler"
    assert answer.facts[0].value == firewall["attributes"]["primary-ip"]


async def test_handler_returning_none_falls_back_to_retrieval(
    synced: async_sessionmaker[AsyncSession],
    synced_url: str,
    shared_index: SharedSemanticIndex,
    dataset_dir: Path,
) -> None:
    firewall = next(
        c for c in _records(dataset_dir, "configurations") if c["attributes"]["name"] == "ACME-FW01"
    )
    calls: list[IntentKind] = []

    async def nothing(asked: AskedQuestion, context: EngineContext) -> Answer | None:
        calls.append(asked.intent.kind)
        return None

    engine = QueryEngine(
        synced,
        semantic=shared_index.search_for(synced_url),
        handlers={IntentKind.DEVICE_IP: nothing},
    )
    answer = await engine.answer("what's the IP of ACME-FW01", organization="ACME")

    assert calls == [IntentKind.DEVICE_IP]
    assert answer.status == "answered" and answer.intent == "device_ip"
    assert answer.sources[0].record_id == int(firewall["id"])
    assert answer.sources[0].name == "ACME-FW01"
    assert answer.confidence == 0.95
    # Retrieval quotes the record; the IP it answers with is in the quoted text.
    assert firewall["attributes"]["primary-ip"] in answer.excerpts[0].text


async def test_how_to_question_goes_to_the_documentation_handler(
    engine: QueryEngine, dataset_dir: Path
) -> None:
    northwind = _organization(dataset_dir, "Northwind Traders")
    runbook = next(
        d
        for d in _records(dataset_dir, "documents")
        if d["attributes"]["organization-id"] == int(northwind["id"])
        and d["attributes"]["name"].startswith("Sophos VPN")
    )

    answer = await engine.answer("How do we reset a user's Sophos VPN? @Northwind Traders")

    assert answer.intent == "document" and answer.status == "answered"
    assert answer.sources[0].record_id == int(runbook["id"])
    assert answer.excerpts and {e.field for e in answer.excerpts} >= {"content"}
    assert 0.5 <= answer.confidence <= 0.95


async def test_unscoped_question_may_cite_any_organization(
    engine: QueryEngine, dataset_dir: Path
) -> None:
    holders = {
        d["attributes"]["organization-name"]
        for d in _records(dataset_dir, "documents")
        if d["attributes"]["name"].endswith("reset a user's VPN access")
    }

    answer = await engine.answer("how do we reset a user's VPN access")

    assert answer.organization is None and answer.status == "answered"
    assert {s.organization_name for s in answer.sources} <= {
        o["attributes"]["name"] for o in _records(dataset_dir, "organizations")
    }
    assert answer.sources[0].organization_name in holders


async def test_subject_found_only_elsewhere_is_no_data_naming_where(
    engine: QueryEngine, dataset_dir: Path
) -> None:
    sophos = {
        d["attributes"]["organization-name"]
        for d in _records(dataset_dir, "documents")
        if "sophos" in d["attributes"]["name"].lower()
    }
    assert sophos == {"Northwind Traders"}

    answer = await engine.answer("how do we reset the Sophos VPN @acme")

    assert answer.status == "no_data" and answer.sources == []
    assert answer.message.startswith("No data available in IT Glue for this in Acme Corporation")
    [hint] = [s for s in answer.suggestions if "exists only in" in s]
    assert hint.startswith("'sophos' exists only in Northwind Traders: Sophos VPN")


async def test_identifier_found_nowhere_is_no_data(engine: QueryEngine) -> None:
    answer = await engine.answer("what's the IP of ZZQ-FW99")

    assert answer.status == "no_data"
    assert answer.message == "No data available in IT Glue for this in any organization."
    assert answer.sources == [] and answer.excerpts == []


async def test_mention_and_argument_must_name_the_same_organization(engine: QueryEngine) -> None:
    same = await engine.answer("firewall notes @acme", organization="Acme Corporation")
    assert same.organization is not None and same.organization.name == "Acme Corporation"

    with pytest.raises(ValueError, match="organization") as raised:
        await engine.answer("firewall notes @acme", organization="Northwind Traders")
    assert "Acme Corporation" in str(raised.value) and "Northwind Traders" in str(raised.value)


async def test_unknown_organization_suggests_close_names(engine: QueryEngine) -> None:
    with pytest.raises(OrganizationNotFound) as raised:
        await engine.answer("firewall notes", organization="Brightwater Tech")
    assert [s.name for s in raised.value.suggestions] == ["BrightPath Technology Partners"]
    assert str(raised.value).startswith("organization:")


@pytest.mark.parametrize(
    ("question", "organization", "field"),
    [
        ("", None, "question"),
        ("  ", None, "question"),
        ("x" * 2001, None, "question"),
        ("@acme", None, "question"),
        ("firewall", " ", "organization"),
        ('firewall @"Acme', None, "organization"),
    ],
)
async def test_bad_questions_name_the_field(
    engine: QueryEngine, question: str, organization: str | None, field: str
) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        await engine.answer(question, organization)


@pytest.mark.parametrize(
    "question",
    [
        "what's the IP of ACME-FW01 at @acme?",
        "How do we reset a user's Sophos VPN? @Northwind Traders",
        "which backup software does Acme use? @acme",
    ],
)
async def test_an_answer_inside_a_request_reads_in_its_one_transaction(
    synced: async_sessionmaker[AsyncSession],
    shared_index: SharedSemanticIndex,
    synced_url: str,
    question: str,
) -> None:
    # Without a graph: the SQL graph store opens units of its own.
    engine = QueryEngine(synced, semantic=shared_index.search_for(synced_url))
    await engine.answer("who is the primary contact at @acme")  # the directory, cached
    begins: list[object] = []
    bind = synced.kw["bind"].sync_engine

    def count(connection: object) -> None:
        begins.append(connection)

    event.listen(bind, "begin", count)
    try:
        async with request_unit(synced):
            answer = await engine.answer(question)
    finally:
        event.remove(bind, "begin", count)

    assert answer.status == "answered"
    assert len(begins) == 1
