"""What gets embedded: one :class:`IndexDocument` per chunk of a record's text.

The inputs are the same as the store's full-text entries (``store.search.SearchEntry``, built by
``itglue_mcp.sync.text``): record type, id, organization, name and a plain-text body. Those are
already free of secrets — password values are not record attributes there, and
flexible-asset traits arrive reduced to their public ones — so nothing secret can reach the
model or the vector index through this module. Any object with those five attributes will do
(:class:`IndexEntry`); the index package does not import the store.

A record's text is its name and type followed by its body; the body is chunked, and each chunk is
prefixed with the name and type so a chunk from the middle of a long document still says what it
belongs to.

Example::

    documents = build_documents(entry, model_name="sentence-transformers/all-MiniLM-L6-v2",
                                chunk_chars=1000, chunk_overlap_chars=150)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from itglue_mcp.index.chunking import chunk_text

__all__ = [
    "ChunkKey",
    "IndexDocument",
    "IndexEntry",
    "RecordKey",
    "build_documents",
    "content_hash",
    "record_header",
]


class RecordKey(NamedTuple):
    """One IT Glue record: its JSON:API type (``"configurations"``) and id."""

    record_type: str
    record_id: int


class ChunkKey(NamedTuple):
    """One chunk (0-based) of one record's text."""

    record_type: str
    record_id: int
    chunk: int


class IndexEntry(Protocol):
    """The searchable, secret-free text of one record (``store.search.SearchEntry`` fits)."""

    @property
    def record_type(self) -> str:
        """JSON:API type of the record."""

    @property
    def record_id(self) -> int:
        """IT Glue id of the record."""

    @property
    def organization_id(self) -> int | None:
        """Its organization; ``None`` for account-wide records."""

    @property
    def name(self) -> str:
        """The record's name."""

    @property
    def body(self) -> str:
        """The rest of its text: plain text, secrets already removed."""


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """One chunk of a record's text, ready to embed.

    Attributes:
        record_type: JSON:API type of the record.
        record_id: IT Glue id of the record.
        organization_id: its organization; ``None`` for account-wide records.
        chunk: position of this chunk in the record's text, from 0.
        text: the text embedded (header line, then the chunk).
        content_hash: :func:`content_hash` of ``text`` for the model and organization; equal
            hashes mean the stored vector is still right.
    """

    record_type: str
    record_id: int
    organization_id: int | None
    chunk: int
    text: str
    content_hash: str

    @property
    def record_key(self) -> RecordKey:
        """The record this chunk belongs to."""
        return RecordKey(self.record_type, self.record_id)

    @property
    def chunk_key(self) -> ChunkKey:
        """This chunk's key."""
        return ChunkKey(self.record_type, self.record_id, self.chunk)


def content_hash(text: str, *, model_name: str, organization_id: int | None) -> str:
    """SHA-256 (hex) identifying an embedded chunk.

    The model name is part of it so that changing the model re-embeds everything; the
    organization is part of it so that a record moved to another organization is re-filed
    under the new one (the vector index keeps organizations apart).
    """
    digest = hashlib.sha256()
    for part in (model_name, "" if organization_id is None else str(organization_id), text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def record_header(record_type: str, name: str) -> str:
    """The line every chunk of a record starts with: ``"<name> (<type, singular words>)"``.

    >>> record_header("flexible-assets", "VPN how-to")
    'VPN how-to (flexible asset)'
    """
    words = record_type.replace("-", " ").replace("_", " ").strip()
    if words.endswith("uses"):  # statuses
        singular = words[:-2]
    elif words.endswith("s"):
        singular = words[:-1]
    else:
        singular = words
    name = " ".join(name.split())
    return f"{name} ({singular})" if name else f"({singular})"


def build_documents(
    entry: IndexEntry, *, model_name: str, chunk_chars: int, chunk_overlap_chars: int
) -> list[IndexDocument]:
    """The chunks of one record, each with its content hash.

    Args:
        entry: the record's secret-free text (see :class:`IndexEntry`).
        model_name: name of the embedding model (:attr:`Embedder.name`), part of the hash.
        chunk_chars: longest body chunk, in characters (the header line comes on top).
        chunk_overlap_chars: characters repeated between consecutive chunks.

    Returns:
        At least one document (a record with an empty body is indexed by its header alone),
        numbered from 0 in reading order.

    Raises:
        ValueError: the chunk limits are inconsistent (see :func:`chunk_text`).
    """
    header = record_header(entry.record_type, entry.name)
    chunks = chunk_text(entry.body, max_chars=chunk_chars, overlap_chars=chunk_overlap_chars)
    texts = [f"{header}\n{chunk}" for chunk in chunks] or [header]
    return [
        IndexDocument(
            record_type=entry.record_type,
            record_id=entry.record_id,
            organization_id=entry.organization_id,
            chunk=number,
            text=text,
            content_hash=content_hash(
                text, model_name=model_name, organization_id=entry.organization_id
            ),
        )
        for number, text in enumerate(texts)
    ]
