"""Keeping the vector index in step with record text, embedding only what changed.

For each record the indexer builds its chunks (:func:`build_documents`), asks the index which
content hashes it already holds, and works out an :class:`IndexPlan`: the chunks to embed
(hash new or different), the ones left as they are, and the stale ones a record no longer has
(its text got shorter). Planning embeds nothing, so a caller can learn how many chunks a set of
records will cost the model before spending any of it (the sync's progress bar counts them).
Carrying a plan out embeds its chunks a model batch at a time (``IndexSettings.batch_size``
texts) and writes each batch before embedding the next: at most one batch of vectors is held,
and an interrupted run loses at most one batch's work — the next plan finds the written chunks
unchanged. Records are planned in groups of ``records_per_batch`` so memory stays bounded on a
150k-record account.

Example::

    indexer = Indexer(embedder, index, settings=IndexSettings())
    plan = await indexer.plan(search_entries)
    print(plan.to_embed, "chunks to embed")
    await indexer.delete_stale(plan)
    await indexer.embed(plan, on_embedded=lambda chunks: print("+", chunks))
    # or, in one call: report = await indexer.index_records(search_entries)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import islice

from itglue_mcp.config.index import IndexSettings
from itglue_mcp.index.documents import (
    ChunkKey,
    IndexDocument,
    IndexEntry,
    RecordKey,
    build_documents,
)
from itglue_mcp.index.embedder import Embedder
from itglue_mcp.index.vector_index import VectorIndex

__all__ = ["IndexPlan", "IndexReport", "Indexer"]


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one :meth:`Indexer.index_records` call did, counted in chunks.

    Attributes:
        embedded: chunks embedded and written (new or changed text).
        skipped_unchanged: chunks whose stored content hash matched: not embedded again.
        deleted: stale chunks removed (beyond the new end of a record's text).
    """

    embedded: int = 0
    skipped_unchanged: int = 0
    deleted: int = 0

    def __add__(self, other: IndexReport) -> IndexReport:
        return IndexReport(
            self.embedded + other.embedded,
            self.skipped_unchanged + other.skipped_unchanged,
            self.deleted + other.deleted,
        )


@dataclass(frozen=True, slots=True)
class IndexPlan:
    """What bringing some records' chunks up to date takes, worked out without embedding.

    Attributes:
        changed: chunks to embed and write (new or different content hash), records in the
            order given, chunks in reading order.
        unchanged: chunks whose stored content hash already matches.
        stale: stored chunks beyond the new end of a record's text, to remove.
    """

    changed: tuple[IndexDocument, ...] = ()
    unchanged: int = 0
    stale: tuple[ChunkKey, ...] = ()

    @property
    def to_embed(self) -> int:
        """Chunks the model must embed: ``len(changed)``."""
        return len(self.changed)

    def records_to_embed(self) -> dict[str, list[int]]:
        """JSON:API type → ids of the records that have chunks to embed, each id once."""
        records: dict[str, list[int]] = defaultdict(list)
        for key in dict.fromkeys(document.record_key for document in self.changed):
            records[key.record_type].append(key.record_id)
        return dict(records)


class Indexer:
    """Feeds records' secret-free text through an :class:`Embedder` into a :class:`VectorIndex`.

    Args:
        embedder: makes the vectors; its ``name`` is part of every content hash.
        index: stores them.
        settings: chunk sizes (``chunk_chars``, ``chunk_overlap_chars``) and ``batch_size``
            (chunks embedded and written together); defaults if omitted.
        records_per_batch: records whose chunks are compared with the index together.

    Raises:
        ValueError: ``records_per_batch`` < 1.
    """

    def __init__(
        self,
        embedder: Embedder,
        index: VectorIndex,
        *,
        settings: IndexSettings | None = None,
        records_per_batch: int = 256,
    ) -> None:
        if records_per_batch < 1:
            raise ValueError(f"records_per_batch must be at least 1, got {records_per_batch}")
        settings = settings or IndexSettings()
        self._embedder = embedder
        self._index = index
        self._chunk_chars = settings.chunk_chars
        self._overlap_chars = settings.chunk_overlap_chars
        self._embed_batch = settings.batch_size
        self._records_per_batch = records_per_batch

    async def plan(self, entries: Iterable[IndexEntry]) -> IndexPlan:
        """Split and hash these records' text and compare it with the index; embeds nothing.

        Args:
            entries: records to index (``store.search.SearchEntry`` fits); when a record
                appears twice the last one wins. The plan holds the text of every chunk to
                embed, so callers bound how many records they plan at once.

        Returns:
            The chunks to embed, how many are unchanged, and the stale ones.

        Raises:
            VectorIndexError: the index fails.
        """
        changed: list[IndexDocument] = []
        stale: list[ChunkKey] = []
        unchanged = 0
        iterator = iter(entries)
        while group := list(islice(iterator, self._records_per_batch)):
            latest = {RecordKey(entry.record_type, entry.record_id): entry for entry in group}
            documents = [
                document
                for entry in latest.values()
                for document in build_documents(
                    entry,
                    model_name=self._embedder.name,
                    chunk_chars=self._chunk_chars,
                    chunk_overlap_chars=self._overlap_chars,
                )
            ]
            known = await self._index.known_hashes(list(latest))
            fresh = [doc for doc in documents if known.get(doc.chunk_key) != doc.content_hash]
            current = {doc.chunk_key for doc in documents}
            changed.extend(fresh)
            unchanged += len(documents) - len(fresh)
            stale.extend(key for key in known if key not in current)
        return IndexPlan(tuple(changed), unchanged, tuple(stale))

    async def delete_stale(self, plan: IndexPlan) -> int:
        """Remove the plan's stale chunks; returns how many.

        Raises:
            VectorIndexError: the index fails.
        """
        if plan.stale:
            await self._index.delete_chunks(plan.stale)
        return len(plan.stale)

    async def embed(
        self, plan: IndexPlan, *, on_embedded: Callable[[int], None] | None = None
    ) -> int:
        """Embed and write the plan's changed chunks, one model batch at a time.

        Args:
            plan: from :meth:`plan`, with the index unchanged since.
            on_embedded: called with the number of chunks after each batch is written.

        Returns:
            Chunks embedded and written.

        Raises:
            EmbedderError: the model cannot be loaded or fails; batches already written stay.
            VectorIndexError: the index fails; likewise.
        """
        for start in range(0, plan.to_embed, self._embed_batch):
            batch = plan.changed[start : start + self._embed_batch]
            vectors = await self._embedder.embed([doc.text for doc in batch])
            await self._index.upsert(batch, vectors)
            if on_embedded is not None:
                on_embedded(len(batch))
        return plan.to_embed

    async def index_records(
        self, entries: Iterable[IndexEntry], *, on_embedded: Callable[[int], None] | None = None
    ) -> IndexReport:
        """Bring these records' chunks in the index up to date: plan, then carry it out,
        ``records_per_batch`` records at a time.

        Args:
            entries: records to index, as for :meth:`plan`.
            on_embedded: as for :meth:`embed`.

        Returns:
            Chunks embedded, skipped as unchanged, and removed as stale.

        Raises:
            EmbedderError: the model cannot be loaded.
            VectorIndexError: the index fails; batches already written stay written.
        """
        report = IndexReport()
        iterator = iter(entries)
        while group := list(islice(iterator, self._records_per_batch)):
            plan = await self.plan(group)
            deleted = await self.delete_stale(plan)
            embedded = await self.embed(plan, on_embedded=on_embedded)
            report += IndexReport(embedded, plan.unchanged, deleted)
        return report

    async def remove(self, record_type: str, record_ids: Collection[int]) -> int:
        """Remove every chunk of these records (deleted in IT Glue); returns chunks removed.

        Raises:
            VectorIndexError: the index fails.
        """
        return await self._index.delete(record_type, record_ids)
