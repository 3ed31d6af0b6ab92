"""The answer engine scoping questions that name the organization in words (the synced
three-organization tenant: Acme Corporation, Northwind Traders, BrightPath Technology
Partners; SQLite and PostgreSQL).

Each scoped answer is compared with the same question asked without the organization's name,
so a test fails when the words stop scoping, not only when the data changes.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from itglue_mcp.catalog import OrganizationNotFound
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.query import IntentKind
from itglue_mcp.query.answer import Answer
from itglue_mcp.query.engine import QueryEngine
from itglue_mcp.query.handlers import AskedQuestion, EngineContext
from itglue_mcp.query.mentions import names_a_record
from itglue_mcp.store.database import unit_of_work

ACME = 2104801
NORTHWIND = 2104807


@pytest.fixture
def engine(synced: async_sessionmaker[AsyncSession]) -> QueryEngine:
    return QueryEngine(synced, graph=SqlGraphStore(synced))


def _organization_ids(answer: Answer) -> set[int | None]:
    cited = [
        *answer.sources,
        *(fact.source for fact in answer.facts),
        *(excerpt.source for excerpt in answer.excerpts),
    ]
    return {source.organization_id for source in cited}


@pytest.mark.parametrize(
    ("question", "organization_id"),
    [
        ("what's the IP of the firewall at Northwind Traders", NORTHWIND),
        ("Northwind's firewall IP", NORTHWIND),
        ("what's the IP of the firewall at Nortwind Traders", NORTHWIND),
        ("what's the IP of the Acme firewall", ACME),
        ("what's the IP of the firewall at NW", NORTHWIND),
    ],
)
async def test_organization_named_in_words_scopes_the_answer(
    engine: QueryEngine, question: str, organization_id: int
) -> None:
    everyone = await engine.answer("what's the IP of the firewall")
    assert len(_organization_ids(everyone)) > 1

    answer = await engine.answer(question)

    assert answer.status == "answered"
    assert answer.organization is not None and answer.organization.record_id == organization_id
    assert _organization_ids(answer) == {organization_id}


async def _asked_text(
    engine: QueryEngine, question: str, organization: str | None
) -> tuple[str, int | None]:
    seen: list[AskedQuestion] = []

    async def capture(asked: AskedQuestion, context: EngineContext) -> Answer | None:
        seen.append(asked)
        return None

    engine.register(IntentKind.DEVICE_IP, capture)
    await engine.answer(question, organization)
    [asked] = seen
    return asked.text, None if asked.organization is None else asked.organization.id


async def test_words_agreeing_with_the_argument_leave_the_question(engine: QueryEngine) -> None:
    assert await _asked_text(engine, "firewall IP at Northwind Traders", "NW") == (
        "firewall IP",
        NORTHWIND,
    )
    assert await _asked_text(engine, '@"Northwind Traders" firewall IP for Northwind', None) == (
        "firewall IP",
        NORTHWIND,
    )


async def test_words_naming_another_organization_than_the_argument_are_ordinary_words(
    engine: QueryEngine,
) -> None:
    # The explicit argument wins; "Acme" may be part of a device's name at Northwind.
    assert await _asked_text(engine, "IP of the Acme firewall", "Northwind Traders") == (
        "IP of the Acme firewall",
        NORTHWIND,
    )


async def test_an_unreadable_organization_named_in_words_is_ordinary_words(
    engine: QueryEngine,
) -> None:
    answer = await engine.answer("what's the IP of the firewall at Northwind Traders")
    assert _organization_ids(answer) == {NORTHWIND}

    limited = await engine.answer(
        "what's the IP of the firewall at Northwind Traders", readable={ACME}
    )

    # Not an error (that would tell the caller the name exists): unscoped, among Acme's.
    assert limited.organization is None
    assert _organization_ids(limited) <= {ACME}
    assert "Northwind" not in limited.model_dump_json().replace(limited.question, "")


async def test_a_known_name_with_another_legal_form_is_an_unknown_organization(
    engine: QueryEngine,
) -> None:
    errors = []
    for question in ("firewall IP at Acme Holdings", 'firewall IP at @"Acme Holdings"'):
        with pytest.raises(OrganizationNotFound) as refused:
            await engine.answer(question)
        errors.append(str(refused.value))
    assert errors[0] == errors[1]
    assert "Acme Holdings" in errors[0]


async def test_words_close_to_names_that_name_none_are_an_unknown_organization(
    engine: QueryEngine,
) -> None:
    # Written as a name where questions name one, close to BrightPath Technology Partners:
    # refused with the close name, never answered from the organizations that do exist.
    with pytest.raises(OrganizationNotFound) as refused:
        await engine.answer("what's the IP of the firewall at Brightway Technology")
    assert "Brightway Technology" in str(refused.value)
    assert [s.name for s in refused.value.suggestions] == ["BrightPath Technology Partners"]

    # Close to no organization the caller may read: ordinary words (an error would tell the
    # caller that BrightPath exists).
    limited = await engine.answer(
        "what's the IP of the firewall at Brightway Technology", readable={ACME}
    )
    assert _organization_ids(limited) <= {ACME}


async def test_record_names_are_never_an_unknown_organization(
    synced: async_sessionmaker[AsyncSession],
) -> None:
    # The generated tenant's locations: "Raleigh Branch" at Northwind Traders.
    async with unit_of_work(synced, read_only=True) as session:
        assert await names_a_record(session, "Raleigh Branch", None)
        assert await names_a_record(session, "raleigh", {NORTHWIND})
        assert not await names_a_record(session, "Raleigh Office", None)
        assert not await names_a_record(session, "Raleigh Branch", {ACME})
