"""The sync feeds the vector index through the index outbox, on SQLite and PostgreSQL.

The simulator serves the generated tenant over HTTP; the vector index is the real Qdrant
local mode in the test's directory; the embedder is the deterministic :class:`HashEmbedder`.
"""

from __future__ import annotations

import asyncio
import copy
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from itglue_mcp.config import IndexSettings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.index import (
    EmbedderError,
    Indexer,
    QdrantVectorIndex,
    RecordKey,
    build_documents,
)
from itglue_mcp.store.database import create_engine, create_session_factory
from itglue_mcp.store.search import SearchEntry
from itglue_mcp.sync.indexing import IndexFeed
from itglue_mcp.sync.progress import INDEX_PHASE
from tests.sync.indexed import (
    ALL_TYPES,
    HashEmbedder,
    dataset_records,
    expected_hashes,
    indexed_records,
    open_local_index,
    outbox_keys,
    outbox_pending,
    run_indexed_sync,
    stored_entries,
)
from tests.tenant import Simulated, run_sync, stored_run


@pytest_asyncio.fixture
async def index(tmp_path: Path) -> AsyncIterator[QdrantVectorIndex]:
    vector_index = await open_local_index(tmp_path / "qdrant")
    try:
        yield vector_index
    finally:
        await vector_index.close()


def _first(dataset: Any, resource_type: str, **attributes: Any) -> dict[str, Any]:
    for record in dataset.ordered(resource_type):
        if all(record["attributes"].get(k) == v for k, v in attributes.items()):
            return copy.deepcopy(dict(record))
    raise AssertionError(f"no {resource_type} with {attributes}")


def _entry(entries: list[SearchEntry], record_type: str, record_id: int) -> SearchEntry:
    return next(e for e in entries if (e.record_type, e.record_id) == (record_type, record_id))


async def test_a_full_sync_indexes_every_record_under_its_organization(
    simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    embedder = HashEmbedder()

    report = await run_indexed_sync(simulator.settings(), database_url, index, embedder, full=True)

    records = dataset_records(simulator.dataset)
    assert await indexed_records(index, records) == records
    entries = await stored_entries(database_url)
    hashes = expected_hashes(entries, embedder)
    assert await index.known_hashes(records) == hashes
    assert await index.count() == len(hashes)
    assert len(embedder.texts) == len(hashes)  # each chunk embedded once
    assert report.indexing is not None
    assert report.indexing.records == len(records) and report.indexing.removed == 0
    assert await outbox_pending(database_url) == 0
    # A chunk's own text finds it first in its organization, and nowhere else.
    firewall = _first(simulator.dataset, "configurations", name="ACME-FW01")
    acme = firewall["attributes"]["organization-id"]
    document = build_documents(
        _entry(entries, "configurations", int(firewall["id"])),
        model_name=embedder.name,
        chunk_chars=ALL_TYPES.chunk_chars,
        chunk_overlap_chars=ALL_TYPES.chunk_overlap_chars,
    )[0]
    [best] = await index.search(embedder.vector(document.text), organization_ids={acme}, limit=1)
    assert (best.record_type, best.record_id) == ("configurations", int(firewall["id"]))
    northwind = _first(simulator.dataset, "organizations", name="Northwind Traders")
    elsewhere = await index.search(
        embedder.vector(document.text), organization_ids={int(northwind["id"])}, limit=20
    )
    assert all(hit.organization_id == int(northwind["id"]) for hit in elsewhere)


async def test_only_changed_text_is_embedded_and_deletions_leave_the_index(
    simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    scope = {"types": ["configurations", "contacts"]}
    client = simulator.settings()
    await run_indexed_sync(client, database_url, index, HashEmbedder(), full=True, **scope)
    dataset = simulator.dataset

    unchanged = HashEmbedder()
    again = await run_indexed_sync(client, database_url, index, unchanged, full=True, **scope)
    assert unchanged.texts == [] and again.indexing is not None
    assert again.indexing.records == 0

    renamed = _first(dataset, "configurations", archived=False)
    renamed["attributes"]["name"] = "RENAMED-CONFIG-01"
    dataset.put("configurations", renamed)
    changed = HashEmbedder()
    incremental = await run_indexed_sync(client, database_url, index, changed, **scope)

    assert incremental.mode == "incremental" and incremental.indexing is not None
    assert incremental.indexing.records == 1
    entries = await stored_entries(database_url)
    renamed_key = RecordKey("configurations", int(renamed["id"]))
    renamed_hashes = expected_hashes([_entry(entries, *renamed_key)], changed)
    assert len(changed.texts) == len(renamed_hashes)
    assert all("RENAMED-CONFIG-01" in text for text in changed.texts)
    assert await index.known_hashes([renamed_key]) == renamed_hashes

    gone = _first(dataset, "contacts")
    gone_key = RecordKey("contacts", int(gone["id"]))
    assert await indexed_records(index, {gone_key}) == {gone_key}
    dataset.delete("contacts", gone["id"])
    full = await run_indexed_sync(client, database_url, index, HashEmbedder(), full=True, **scope)

    assert full.deleted == {"contacts": 1}
    assert full.indexing is not None and full.indexing.removed == 1
    assert await indexed_records(index, {gone_key}) == set()
    records = dataset_records(dataset, scope["types"])
    assert await index.known_hashes(records) == expected_hashes(
        await stored_entries(database_url), changed
    )
    assert await outbox_pending(database_url) == 0


async def test_a_failed_indexing_phase_fails_the_run_and_the_next_run_finishes_it(
    simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    scope = {"types": ["configurations", "passwords"]}
    client = simulator.settings()
    settings = ALL_TYPES.model_copy(update={"records_per_batch": 100})
    failing = HashEmbedder(fail_on_call=4)  # three batches of 100 records get through

    with pytest.raises(EmbedderError, match="failing on call 4"):
        await run_indexed_sync(
            client, database_url, index, failing, settings=settings, full=True, **scope
        )

    records = dataset_records(simulator.dataset, scope["types"])
    first_run = await stored_run(database_url, 1)
    assert first_run is not None and first_run.status == "failed"
    assert "EmbedderError" in (first_run.error_message or "")
    assert await outbox_pending(database_url) == len(records) - 300
    assert len(await indexed_records(index, records)) == 300

    resumed = HashEmbedder()
    report = await run_indexed_sync(
        client, database_url, index, resumed, settings=settings, **scope
    )

    assert report.resumed and report.mode == "full" and report.run_id == 1
    assert report.total_records == 0  # every stream had finished: only the index was left
    hashes = expected_hashes(await stored_entries(database_url), resumed)
    assert await index.known_hashes(records) == hashes
    assert await index.count() == len(hashes)
    # Nothing was embedded twice: the second run did exactly what the first did not.
    assert len(failing.texts) + len(resumed.texts) == len(hashes)
    assert await outbox_pending(database_url) == 0
    run = await stored_run(database_url, 1)
    assert run is not None and run.status == "succeeded"


async def test_types_not_embedded_are_keyword_only(
    simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    settings = IndexSettings(record_types=["documents", "organizations"])
    embedder = HashEmbedder()

    report = await run_indexed_sync(
        simulator.settings(), database_url, index, embedder, settings=settings, full=True
    )

    embedded = dataset_records(simulator.dataset, ["documents", "organizations"])
    everything = dataset_records(simulator.dataset)
    assert await indexed_records(index, everything) == embedded
    assert report.indexing is not None
    assert report.indexing.records == len(embedded)
    assert report.indexing.keyword_only == len(everything) - len(embedded)
    assert await outbox_pending(database_url) == 0  # acknowledged all the same

    contacts = list(simulator.dataset.ordered("contacts"))
    simulator.dataset.delete("contacts", contacts[0]["id"])
    renamed = copy.deepcopy(dict(contacts[1]))
    renamed["attributes"]["first-name"] = "Renamed"
    simulator.dataset.put("contacts", renamed)
    again = await run_indexed_sync(
        simulator.settings(), database_url, index, embedder, settings=settings, full=True
    )

    assert again.indexing is not None
    assert (again.indexing.removed, again.indexing.keyword_only) == (1, 1)
    assert again.indexing.records == 0
    assert await indexed_records(index, everything) == embedded


async def test_an_unknown_indexed_type_is_named(
    simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    with pytest.raises(ConfigurationError, match=r"index\.record_types: unknown record type"):
        await run_indexed_sync(
            simulator.settings(),
            database_url,
            index,
            HashEmbedder(),
            settings=IndexSettings(record_types=["documentz"]),
        )
    assert await stored_run(database_url, 1) is None  # refused before anything started


async def test_a_sync_killed_mid_indexing_resumes_and_completes_the_index(
    simulator: Simulated, database_url: str, tmp_path: Path
) -> None:
    types = ["configurations", "contacts"]
    qdrant_path = tmp_path / "qdrant"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.sync.drain_worker",
            database_url,
            str(qdrant_path),
            simulator.url,
            ",".join(types),
        ],
        cwd=Path(__file__).parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        most = 0
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the indexing phase never started"
            pending = await outbox_pending(database_url)
            most = max(most, pending)
            if 0 < pending <= most - 30:  # three batches indexed and acknowledged
                break
            await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        if process.stderr:
            process.stderr.close()
    records = dataset_records(simulator.dataset, types)
    waiting = await outbox_keys(database_url)
    assert waiting and waiting < records, "killed outside the indexing phase"

    index = await open_local_index(qdrant_path)
    try:
        # What the killed run acknowledged is in the index: acknowledgement follows the write.
        assert records - waiting <= await indexed_records(index, records)

        embedder = HashEmbedder()
        report = await run_indexed_sync(
            simulator.settings(), database_url, index, embedder, types=types
        )

        assert report.resumed and report.mode == "full"
        hashes = expected_hashes(await stored_entries(database_url), embedder)
        assert await index.known_hashes(records) == hashes
        assert await index.count() == len(hashes)  # nothing doubled, nothing left over
        assert await outbox_pending(database_url) == 0
    finally:
        await index.close()


class RecordingProgress:
    """A progress sink that keeps what it is told (the terminal's bar draws the same calls)."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def add_total(self, record_type: str, records: int) -> None:
        self.totals[record_type] = self.totals.get(record_type, 0) + records

    def advance(self, record_type: str, records: int) -> None:
        self.done[record_type] = self.done.get(record_type, 0) + records


async def test_a_run_without_indexer_leaves_the_work_queued_for_one_that_has_it(
    simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    await run_sync(simulator, database_url, full=True, types=["configurations"])
    records = dataset_records(simulator.dataset, ["configurations"])
    assert await outbox_pending(database_url) == len(records)
    assert await indexed_records(index, records) == set()

    progress = RecordingProgress()
    engine = create_engine(database_url)
    try:
        feed = IndexFeed(
            create_session_factory(engine),
            Indexer(HashEmbedder(), index, settings=ALL_TYPES),
            settings=ALL_TYPES,
            progress=progress,
        )
        report = await feed.drain()
    finally:
        await engine.dispose()

    assert report.records == len(records)
    assert await indexed_records(index, records) == records
    assert progress.totals == {INDEX_PHASE: len(records)}
    assert progress.done == {INDEX_PHASE: len(records)}


async def test_the_progress_counts_the_records_it_embeds_not_keyword_only_ones(
    simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    """The demo's bar shows the model's work: keyword-only records are drained uncounted."""
    types = ["configurations", "contacts"]
    await run_sync(simulator, database_url, full=True, types=types)
    embedded = dataset_records(simulator.dataset, ["configurations"])
    keyword_only = dataset_records(simulator.dataset, ["contacts"])
    assert embedded and keyword_only

    progress = RecordingProgress()
    engine = create_engine(database_url)
    try:
        feed = IndexFeed(
            create_session_factory(engine),
            Indexer(HashEmbedder(), index, settings=ALL_TYPES),
            settings=IndexSettings(record_types=["configurations"], records_per_batch=64),
            progress=progress,
        )
        report = await feed.drain()
    finally:
        await engine.dispose()

    assert (report.records, report.keyword_only) == (len(embedded), len(keyword_only))
    assert progress.totals == {INDEX_PHASE: len(embedded)}
    assert progress.done == {INDEX_PHASE: len(embedded)}
    assert await outbox_pending(database_url) == 0
