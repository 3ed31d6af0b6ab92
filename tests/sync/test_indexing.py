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
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from itglue_mcp.background import serve_in_thread
from itglue_mcp.config import IndexSettings
from itglue_mcp.errors import ConfigurationError
from itglue_mcp.index import (
    EmbedderError,
    Indexer,
    QdrantVectorIndex,
    RecordKey,
    build_documents,
)
from itglue_mcp.itglue.dataset import generate_dataset
from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app
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
from tests.tenant import API_KEY, Simulated, Switchable, run_sync, stored_run


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
    # 100 records per outbox batch, 50 chunks per model batch (these records have one each).
    settings = ALL_TYPES.model_copy(update={"records_per_batch": 100, "batch_size": 50})
    failing = HashEmbedder(fail_on_call=4)  # the first outbox batch and half the second

    with pytest.raises(EmbedderError, match="failing on call 4"):
        await run_indexed_sync(
            client, database_url, index, failing, settings=settings, full=True, **scope
        )

    records = dataset_records(simulator.dataset, scope["types"])
    first_run = await stored_run(database_url, 1)
    assert first_run is not None and first_run.status == "failed"
    assert "EmbedderError" in (first_run.error_message or "")
    assert await outbox_pending(database_url) == len(records) - 100
    # Every model batch written stays written, acknowledged or not.
    assert len(failing.texts) == 150 and await index.count() == 150

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
    assert report.indexing is not None and report.indexing.chunks.embedded == len(resumed.texts)
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
    """A progress sink that keeps what it is told, in order (the terminal's bar draws the same
    calls)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int]] = []

    def add_total(self, name: str, count: int) -> None:
        self.events.append(("total", name, count))

    def advance(self, name: str, count: int) -> None:
        self.events.append(("advance", name, count))

    def of(self, name: str) -> list[tuple[str, int]]:
        """The calls about ``name``: ("total" | "advance", count), in order."""
        return [(kind, count) for kind, about, count in self.events if about == name]

    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for kind, name, count in self.events:
            if kind == "total":
                totals[name] = totals.get(name, 0) + count
        return totals

    def done(self) -> dict[str, int]:
        done: dict[str, int] = {}
        for kind, name, count in self.events:
            if kind == "advance":
                done[name] = done.get(name, 0) + count
        return done


def _chunks(entries: list[SearchEntry], record_types: Sequence[str]) -> int:
    """How many chunks these records' text makes (the hash embedder's name, default sizes)."""
    return len(
        expected_hashes([e for e in entries if e.record_type in record_types], HashEmbedder())
    )


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
    chunks = await index.count()
    assert report.chunks.embedded == chunks
    assert progress.totals() == {INDEX_PHASE: chunks}
    assert progress.done() == {INDEX_PHASE: chunks}


async def test_the_progress_counts_the_chunks_it_embeds_not_keyword_only_records(
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
    chunks = _chunks(await stored_entries(database_url), ["configurations"])
    assert report.chunks.embedded == chunks == await index.count()
    assert progress.totals() == {INDEX_PHASE: chunks}
    assert progress.done() == {INDEX_PHASE: chunks}
    assert await outbox_pending(database_url) == 0


@pytest.fixture(scope="module")
def demo_dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset `itglue-mcp demo` generates by default: 10 organizations, seed 7."""
    directory = tmp_path_factory.mktemp("demo-dataset")
    generate_dataset(directory, organizations=10, seed=7)
    return directory


@pytest.fixture
def demo_simulator(demo_dataset_dir: Path) -> Iterator[Simulated]:
    """The simulator over a fresh copy of the demo's dataset."""
    dataset = Dataset.load(demo_dataset_dir)
    app = create_app(dataset, SimulatorConfig(api_keys={API_KEY: True}))
    switch = Switchable(app)
    with serve_in_thread(switch) as url:
        yield Simulated(dataset, url, switch)


def _assert_counts_up_to(events: list[tuple[str, int]], total: int) -> None:
    """The indexing phase's calls: its total once, first, then advances that reach it."""
    assert events[0] == ("total", total)
    advances = [count for kind, count in events[1:] if kind == "advance"]
    assert len(advances) == len(events) - 1  # one total, before any advance
    assert all(count > 0 for count in advances)  # the bar only moves forward
    assert sum(advances) == total


async def test_the_demo_tenant_s_progress_counts_the_chunks_embedded_and_a_warm_start_none(
    demo_simulator: Simulated, database_url: str, index: QdrantVectorIndex
) -> None:
    """What `itglue-mcp demo` shows while indexing: a bar of the chunks the model embeds,
    announced before the first, and none at all when nothing changed."""
    client = demo_simulator.settings()
    settings = IndexSettings()  # the types the demo embeds
    types = settings.record_types
    embedder, progress = HashEmbedder(), RecordingProgress()

    first = await run_indexed_sync(
        client, database_url, index, embedder, settings=settings, progress=progress, full=True
    )

    entries = await stored_entries(database_url)
    chunks = _chunks(entries, types)
    assert first.indexing is not None and first.indexing.records < chunks
    assert first.indexing.chunks.embedded == len(embedder.texts) == chunks
    _assert_counts_up_to(progress.of(INDEX_PHASE), chunks)

    warm, warm_progress = HashEmbedder(), RecordingProgress()
    again = await run_indexed_sync(
        client, database_url, index, warm, settings=settings, progress=warm_progress
    )

    assert again.mode == "incremental"
    assert warm.texts == [] and warm_progress.of(INDEX_PHASE) == []
    assert again.indexing is None or again.indexing.chunks.embedded == 0

    # One document edited and one contact (keyword-only) renamed: the bar counts the
    # document's chunks, nothing for the contact.
    dataset = demo_simulator.dataset
    document = _first(dataset, "documents")
    spooler = "<p>" + "Restart the print spooler, then check the queue. " * 60 + "</p>"
    document["attributes"]["content"] = [{"kind": "Text", "html": spooler}]
    dataset.put("documents", document)
    contact = _first(dataset, "contacts")
    contact["attributes"]["first-name"] = "Renamed"
    dataset.put("contacts", contact)
    edited, edited_progress = HashEmbedder(), RecordingProgress()
    third = await run_indexed_sync(
        client, database_url, index, edited, settings=settings, progress=edited_progress
    )

    stored = _entry(await stored_entries(database_url), "documents", int(document["id"]))
    document_chunks = _chunks([stored], types)
    assert document_chunks > 1 and third.indexing is not None
    assert (third.indexing.records, third.indexing.keyword_only) == (1, 1)
    assert third.indexing.chunks.embedded == len(edited.texts) == document_chunks
    _assert_counts_up_to(edited_progress.of(INDEX_PHASE), document_chunks)
