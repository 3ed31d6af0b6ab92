"""The structured handlers as the engine runs them, and what the ``test_structured_*`` modules
share: one store per dialect (SQLite, PostgreSQL) synced once per session from the generated
six-organization tenant (seed 11: Acme Corporation, Northwind Traders, BrightPath, Silver Creek,
Riverbend Labs, Northwind Logistics), the dataset's JSON, and :func:`ask`.

Questions go through ``QueryEngine(..., handlers=structured_handlers())`` keyword-only
(``semantic=None``): structured intents read the store's fields, not the vector index.
Expectations are read from the dataset's JSON files, never copied from results.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from itglue_mcp.background import serve_in_thread
from itglue_mcp.graph import SqlGraphStore
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.dataset.records import REFERENCE_NOW
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
from itglue_mcp.query.answer import Answer
from itglue_mcp.query.engine import QueryEngine
from itglue_mcp.query.intent import IntentKind
from itglue_mcp.query.structured import structured_handlers
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.migrate import upgrade
from tests.conftest import DIALECTS, PostgresDatabases, _blocking
from tests.tenant import API_KEY, Simulated, Switchable, run_sync

TODAY = datetime.fromtimestamp(REFERENCE_NOW, UTC).date()
"""The day the dataset was generated relative to (its expiration dates are spread around it);
the handlers count expiration windows from it here."""

_STORES: dict[str, str] = {}
_LOCK = threading.Lock()


@cache
def tenant_dir(root: Path) -> Path:
    """The six-organization tenant, generated once per session under ``root``."""
    directory = root / "structured-tenant"
    directory.mkdir()
    generate_dataset(directory, organizations=6, seed=11)
    return directory


def synced_store(request: pytest.FixtureRequest) -> str:
    """URL of the store of ``request.param``'s dialect, synced once per session (read-only)."""
    dialect: str = request.param
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    with _LOCK:
        if dialect not in _STORES:
            if dialect == "sqlite":
                url = f"sqlite+aiosqlite:///{factory.mktemp('structured') / 'itglue.db'}"
                _blocking(upgrade(url))
            else:
                databases: PostgresDatabases = request.getfixturevalue("pg_databases")
                # Never released: the pool drops every database it lent at the session's end.
                url = databases.url(_blocking(databases.acquire()))
            dataset = Dataset.load(tenant_dir(factory.getbasetemp()))
            app = Switchable(create_app(dataset, SimulatorConfig(api_keys={API_KEY: True})))
            with serve_in_thread(app) as simulator_url:
                _blocking(run_sync(Simulated(dataset, simulator_url, app), url, full=True))
            _STORES[dialect] = url
        return _STORES[dialect]


@pytest.fixture(scope="module", params=DIALECTS)
def store_url(request: pytest.FixtureRequest) -> str:
    """The synced store, once per dialect."""
    return synced_store(request)


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset directory the store was synced from."""
    return tenant_dir(tmp_path_factory.getbasetemp())


async def ask(store_url: str, question: str, organization: str | None = None) -> Answer:
    """``question`` answered by the engine with the structured handlers registered."""
    engine = create_engine(store_url, null_pool=True)
    try:
        sessions = create_session_factory(engine)
        query = QueryEngine(
            sessions,
            graph=SqlGraphStore(sessions),
            handlers=structured_handlers(today=lambda: TODAY),
        )
        return await query.answer(question, organization)
    finally:
        await engine.dispose()


def records(directory: Path, name: str) -> list[dict[str, Any]]:
    """The JSON:API records of one dataset file (``"configurations"``…)."""
    return json.loads((directory / f"{name}.json").read_text())["data"]


def included(directory: Path, name: str) -> list[dict[str, Any]]:
    """The ``included`` children of one dataset file (interfaces, related items)."""
    return json.loads((directory / f"{name}.json").read_text()).get("included", [])


def organization_id(directory: Path, name: str) -> int:
    """The id of the organization named ``name``."""
    return next(
        int(o["id"]) for o in records(directory, "organizations") if o["attributes"]["name"] == name
    )


def of(directory: Path, name: str, organization: str) -> list[dict[str, Any]]:
    """The records of one file belonging to ``organization``."""
    wanted = organization_id(directory, organization)
    return [r for r in records(directory, name) if r["attributes"].get("organization-id") == wanted]


def keys(answer: Answer) -> list[tuple[str, str]]:
    """``(record_type, record_id)`` of every source, in order, with the id as the dataset
    files spell it (JSON:API ids are strings; citations carry integers)."""
    return [(source.record_type, str(source.record_id)) for source in answer.sources]


def secret_values(directory: Path) -> set[str]:
    """Every password value and Password-kind trait value of the dataset."""
    secrets = {p["attributes"]["password"] for p in records(directory, "passwords")}
    secret_keys = {
        field["attributes"]["name-key"]
        for field in included(directory, "flexible_asset_types")
        if field["type"] == "flexible-asset-fields"
        and field["attributes"].get("kind") == "Password"
    }
    for asset in records(directory, "flexible_assets"):
        traits = asset["attributes"].get("traits") or {}
        secrets.update(str(traits[key]) for key in secret_keys & traits.keys() if traits[key])
    return {secret for secret in secrets if secret}


def test_every_intent_but_how_to_has_a_structured_handler() -> None:
    handlers = structured_handlers()

    # Questions of no other intent get the one-attribute step ("how many seats does the
    # AutoCAD licence have"), then retrieval.
    assert set(handlers) == set(IntentKind) - {IntentKind.DOCUMENT}
    assert handlers is not structured_handlers()  # callers may change their copy


QUESTIONS_NEAR_SECRETS = [
    "admin password for the firewall at @Acme Corporation",
    "password for ACME-FW01",
    "what is the Microsoft 365 global admin login @acme",
    "what's the wifi password for the guest network @acme",
    "domain admin password at @NW",
    "what uses ACME-NAS01",
    "what is connected to ACME-FW01",
    "who is the primary contact at @acme",
]


@pytest.mark.parametrize("question", QUESTIONS_NEAR_SECRETS)
async def test_no_answer_holds_a_password_value(
    store_url: str, tenant: Path, question: str
) -> None:
    secrets = secret_values(tenant)
    assert len(secrets) > 1000  # the premise: the dataset is full of them

    answer = await ask(store_url, question)

    assert answer.status == "answered"
    dumped = answer.model_dump_json()
    assert not [secret for secret in secrets if secret in dumped]


async def test_an_unscoped_question_spanning_organizations_is_less_sure(
    store_url: str, tenant: Path
) -> None:
    holders = {
        c["id"]: c["attributes"]["organization-name"]
        for c in records(tenant, "configurations")
        if c["attributes"]["name"] == "DC01"
    }
    assert len(set(holders.values())) >= 2

    unscoped = await ask(store_url, "IP of DC01")
    [riverbend] = [key for key, org in holders.items() if org == "Riverbend Labs"]
    scoped = await ask(store_url, "IP of DC01 @Riverbend Labs")

    assert {key for _, key in keys(unscoped)} == set(holders)
    assert unscoped.confidence <= 0.7
    assert keys(scoped) == [("configurations", riverbend)]
    assert scoped.confidence > unscoped.confidence
