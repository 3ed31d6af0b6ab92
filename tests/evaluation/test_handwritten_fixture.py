"""The hand-written fixture tenant (tests/fixtures/handwritten) loads and syncs completely.

The fixture is written by hand, unlike the generator, so the question set over it
(tests/evaluation/handwritten.yaml) tests the engine on data the project did not produce;
a full sync must bring every record of it into the store, on both dialects.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from itglue_mcp.evaluation import ReferenceDataset
from itglue_mcp.itglue.simulator import Dataset
from tests.conftest import DIALECTS, _blocking, synced_store
from tests.evaluation.conftest import HANDWRITTEN_DIR
from tests.tenant import store_counts

# Counted by hand from the fixture's files; a sync holds exactly these.
EXPECTED_COUNTS = {
    "organizations": 7,
    "locations": 10,
    "contacts": 23,
    "configurations": 40,
    "configuration-interfaces": 29,
    "passwords": 27,
    "flexible-asset-types": 5,
    "flexible-asset-fields": 30,
    "flexible-assets": 30,
    "documents": 9,
    "domains": 7,
    "expirations": 39,
}
# The lookup tables are in the fixture but a sync does not fetch them (records carry the names)
# and the fixture links nothing through related items.
NOT_SYNCED = {
    "configuration-types": 0,
    "configuration-statuses": 0,
    "password-categories": 0,
    "related-items": 0,
}


@pytest.fixture(scope="module", params=DIALECTS)
def handwritten_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A store (SQLite, then PostgreSQL) holding a full sync of the fixture."""
    yield from synced_store(request, HANDWRITTEN_DIR, tmp_path_factory)


def test_the_simulator_serves_every_record_of_the_fixture() -> None:
    dataset = Dataset.load(HANDWRITTEN_DIR)

    served = {name: dataset.count(name) for name in EXPECTED_COUNTS}

    assert served == EXPECTED_COUNTS


def test_the_reference_dataset_reads_the_fixture_with_its_secrets_apart() -> None:
    reference = ReferenceDataset.load(HANDWRITTEN_DIR)
    wifi = reference.record("flexible-assets", "67003")  # a Password-kind trait: Passphrase

    assert wifi is not None
    assert reference.supports(wifi, "HarborGuest")
    assert not reference.supports(wifi, "smile-bright-2026")
    assert reference.leaked_secrets("the key is smile-bright-2026") == 1


def test_a_full_sync_holds_every_record(handwritten_store: str) -> None:
    counts = _blocking(store_counts(handwritten_store))

    assert counts == {**EXPECTED_COUNTS, **NOT_SYNCED}


def test_the_fixture_is_not_the_generators() -> None:
    names = {r.name for r in ReferenceDataset.load(HANDWRITTEN_DIR).records() if r.name}

    assert {"NAS", "Reception Printer", "dc-01.contoso.local", "SRV FILE 2"} <= names
