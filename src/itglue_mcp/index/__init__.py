"""Semantic index: record text → embeddings (sentence-transformers) → Qdrant, searched by meaning.

Importing this package is cheap: sentence-transformers and torch load only when an
:class:`SentenceTransformerEmbedder` first embeds. Only secret-free text reaches it (the same
entries the store's full-text search holds).

Example::

    settings = IndexSettings()
    embedder = SentenceTransformerEmbedder.from_settings(settings)
    index = await QdrantVectorIndex.open(settings, dimension=embedder.dimension, data_dir=data_dir)
    report = await Indexer(embedder, index, settings=settings).index_records(entries)
    hits = await index.search((await embedder.embed(["reset the VPN"]))[0], organization_ids={7})
"""

from itglue_mcp.config.index import IndexSettings, packaged_model_path
from itglue_mcp.index.chunking import chunk_text
from itglue_mcp.index.documents import (
    ChunkKey,
    IndexDocument,
    IndexEntry,
    RecordKey,
    build_documents,
    content_hash,
    record_header,
)
from itglue_mcp.index.embedder import Embedder, SentenceTransformerEmbedder, Vectors
from itglue_mcp.index.errors import EmbedderError, VectorIndexError
from itglue_mcp.index.indexer import Indexer, IndexPlan, IndexReport
from itglue_mcp.index.qdrant import QdrantVectorIndex
from itglue_mcp.index.qdrant_layout import CollectionLayout, scope_key
from itglue_mcp.index.vector_index import VectorHit, VectorIndex

__all__ = [
    "ChunkKey",
    "CollectionLayout",
    "Embedder",
    "EmbedderError",
    "IndexDocument",
    "IndexEntry",
    "IndexPlan",
    "IndexReport",
    "IndexSettings",
    "Indexer",
    "QdrantVectorIndex",
    "RecordKey",
    "SentenceTransformerEmbedder",
    "VectorHit",
    "VectorIndex",
    "VectorIndexError",
    "Vectors",
    "build_documents",
    "chunk_text",
    "content_hash",
    "packaged_model_path",
    "record_header",
    "scope_key",
]
