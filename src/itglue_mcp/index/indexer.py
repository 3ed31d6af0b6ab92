"""Keeping the vector index in step with record text, embedding only what changed.

For each record the indexer builds its chunks (:func:`build_documents`), asks the index which
content hashes it already holds, embeds only the chunks whose hash differs, writes them, and
removes the chunks a record no longer has (its text got shorter). Records are handled in groups
of ``records_per_batch`` so memory stays bounded on a 150k-record account and each group is
written before the next is embedded — an interrupted run loses at most one group's work.

Example::

    indexer = Indexer(embedder, index, settings=IndexSettings())
    report = await indexer.index_records(search_entries)
    print(report.embedded, report.skipped_unchanged, report.deleted)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import islice

from itglue_mcp.config.index import IndexSettings
from itglue_mcp.index.documents import IndexDocument, IndexEntry, RecordKey, build_documents
from itglue_mcp.index.embedder import Embedder
from itglue_mcp.index.vector_index import VectorIndex

__all__ = ["IndexReport", "Indexer"]


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


class Indexer:
    """Feeds records' secret-free text through an :class:`Embedder` into a :class:`VectorIndex`.

    Args:
        embedder: makes the vectors; its ``name`` is part of every content hash.
        index: stores them.
        settings: chunk sizes (``chunk_chars``, ``chunk_overlap_chars``); defaults if omitted.
        records_per_batch: records whose chunks are compared, embedded and written together.
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
        self._records_per_batch = records_per_batch

    async def index_records(self, entries: Iterable[IndexEntry]) -> IndexReport:
        """Bring these records' chunks in the index up to date.

        Args:
            entries: records to index (``store.search.SearchEntry`` fits); when a record
                appears twice the last one wins.

        Returns:
            Chunks embedded, skipped as unchanged, and removed as stale.

        Raises:
            EmbedderError: the model cannot be loaded.
            VectorIndexError: the index fails; groups already written stay written.
        """
        report = IndexReport()
        iterator = iter(entries)
        while group := list(islice(iterator, self._records_per_batch)):
            latest = {RecordKey(entry.record_type, entry.record_id): entry for entry in group}
            report += await self._index_group(list(latest.values()))
        return report

    async def _index_group(self, entries: list[IndexEntry]) -> IndexReport:
        documents: list[IndexDocument] = []
        for entry in entries:
            documents.extend(
                build_documents(
                    entry,
                    model_name=self._embedder.name,
                    chunk_chars=self._chunk_chars,
                    chunk_overlap_chars=self._overlap_chars,
                )
            )
        known = await self._index.known_hashes(
            [RecordKey(entry.record_type, entry.record_id) for entry in entries]
        )
        changed = [doc for doc in documents if known.get(doc.chunk_key) != doc.content_hash]
        if changed:
            vectors = await self._embedder.embed([doc.text for doc in changed])
            await self._index.upsert(changed, vectors)
        current = {doc.chunk_key for doc in documents}
        stale = [key for key in known if key not in current]
        if stale:
            await self._index.delete_chunks(stale)
        return IndexReport(
            embedded=len(changed),
            skipped_unchanged=len(documents) - len(changed),
            deleted=len(stale),
        )

    async def remove(self, record_type: str, record_ids: Collection[int]) -> int:
        """Remove every chunk of these records (deleted in IT Glue); returns chunks removed.

        Raises:
            VectorIndexError: the index fails.
        """
        return await self._index.delete(record_type, record_ids)
