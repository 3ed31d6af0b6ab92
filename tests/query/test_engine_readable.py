"""The answer engine and search restricted to the organizations a caller may read, and to the
record types it may see (the synced three-organization tenant, SQLite and PostgreSQL).

Each restriction is checked against the unrestricted engine's answer to the same question, so
that a test fails when the restriction stops working, not only when the data changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog import OrganizationNotFound
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.query.answer import Answer
from itglue_mcp.query.engine import QueryEngine

ACME = 2104801
NORTHWIND = 2104807
BRIGHTPATH = 2104812


def _everything_said(answer: Answer) -> str:
    return answer.model_dump_json()


def _organization_ids(answer: Answer) -> set[int | None]:
    cited = [
        *answer.sources,
        *(fact.source for fact in answer.facts),
        *(excerpt.source for excerpt in answer.excerpts),
    ]
    return {source.organization_id for source in cited}


@pytest.fixture
def engine(synced: async_sessionmaker[AsyncSession]) -> QueryEngine:
    return QueryEngine(synced, graph=SqlGraphStore(synced))


async def test_where_else_hints_name_only_readable_organizations(engine: QueryEngine) -> None:
    question = "what's the IP address of ACME-FW01 @Northwind Traders"
    everyone = await engine.answer(question)
    assert any("exists only in Acme Corporation" in hint for hint in everyone.suggestions)

    limited = await engine.answer(question, readable={NORTHWIND, BRIGHTPATH})

    assert limited.status == "no_data"
    assert "Acme" not in _everything_said(limited)


async def test_runbook_of_an_unreadable_organization_is_not_hinted(engine: QueryEngine) -> None:
    question = "how do we reset the Sophos VPN @acme"
    everyone = await engine.answer(question)
    assert any("Northwind Traders" in hint for hint in everyone.suggestions)

    limited = await engine.answer(question, readable={ACME})

    # As if the runbook did not exist: Acme's own records may answer; no other is named.
    assert "Northwind" not in _everything_said(limited)
    assert _organization_ids(limited) <= {ACME}


async def test_unreadable_organization_is_reported_as_unknown(engine: QueryEngine) -> None:
    errors = []
    for reference in ("Northwind Traders", "Zenith Dynamics"):
        with pytest.raises(OrganizationNotFound) as refused:
            await engine.answer(f'firewall notes @"{reference}"', readable={ACME})
        errors.append(str(refused.value).replace(reference, "<ref>"))
        with pytest.raises(OrganizationNotFound) as refused:
            await engine.search("firewall", organization=reference, readable={ACME})
        errors.append(str(refused.value).replace(reference, "<ref>"))

    assert errors[:2] == errors[2:]
    assert "northwind" not in " ".join(errors).casefold()
    # A part of a name resolves among readable organizations only: not ambiguous here.
    answer = await engine.answer("firewall notes @northwind", readable={NORTHWIND})
    assert answer.organization is not None and answer.organization.name == "Northwind Traders"


async def test_unscoped_answers_and_searches_stay_within_readable(engine: QueryEngine) -> None:
    everyone = await engine.answer("what's the firewall IP")
    assert len(_organization_ids(everyone)) > 1

    answer = await engine.answer("what's the firewall IP", readable={BRIGHTPATH})
    assert answer.status == "answered"
    assert _organization_ids(answer) == {BRIGHTPATH}

    found = await engine.search("firewall", limit=50, readable={NORTHWIND})
    assert found.results
    assert {r.source.organization_id for r in found.results} == {NORTHWIND}
    linked = [r.linked_from for r in found.results if r.linked_from is not None]
    assert {source.organization_id for source in linked} <= {NORTHWIND}

    nothing = await engine.search("firewall", readable=set())
    assert nothing.results == []


async def test_kind_missing_names_only_readable_organizations(
    engine: QueryEngine, dataset_dir: Path
) -> None:
    configurations: list[dict[str, Any]] = json.loads(
        (dataset_dir / "configurations.json").read_text()
    )["data"]
    with_nas = {
        c["attributes"]["organization-name"]
        for c in configurations
        if c["attributes"]["configuration-type-name"] == "NAS"
    }
    assert with_nas and "BrightPath Technology Partners" not in with_nas
    everyone = await engine.answer("the NAS @BrightPath")
    assert any(name in " ".join(everyone.suggestions) for name in with_nas)

    limited = await engine.answer("the NAS @BrightPath", readable={BRIGHTPATH})

    assert _organization_ids(limited) <= {BRIGHTPATH}
    assert not any(name in _everything_said(limited) for name in with_nas)


async def test_hidden_record_types_are_neither_answered_nor_searched(engine: QueryEngine) -> None:
    question = "admin password for ACME-FW01 @acme"
    everyone = await engine.answer(question)
    assert any(source.record_type == "passwords" for source in everyone.sources)

    hidden = await engine.answer(question, hidden_types={"passwords"})
    assert all(source.record_type != "passwords" for source in hidden.sources)
    assert "(password)" not in _everything_said(hidden)

    found = await engine.search("admin", limit=50, hidden_types={"passwords"})
    assert found.results
    assert all(result.source.record_type != "passwords" for result in found.results)
    asked_for = await engine.search("admin", record_types=["passwords"], hidden_types={"passwords"})
    assert asked_for.results == []
