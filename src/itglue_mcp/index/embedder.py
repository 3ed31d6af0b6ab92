"""Turning text into vectors: the :class:`Embedder` contract and its sentence-transformers backend.

Importing sentence-transformers (and with it torch) costs about ten seconds, so this module
imports neither: :class:`SentenceTransformerEmbedder` loads the model the first time it is
needed (or when :meth:`~SentenceTransformerEmbedder.load` is awaited at start-up), and runs the
blocking encode in a worker thread so the event loop keeps serving.

Example::

    embedder = SentenceTransformerEmbedder.from_settings(IndexSettings())
    await embedder.load()
    vectors = await embedder.embed(["reset the Sophos VPN for a user"])   # shape (1, 384)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray
from opentelemetry import trace

from itglue_mcp.config.index import IndexSettings
from itglue_mcp.index.errors import EmbedderError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["Embedder", "SentenceTransformerEmbedder", "Vectors"]

Vectors = NDArray[np.float32]
"""Embeddings, one row per text: shape ``(n, dimension)``, float32, each row of unit length."""


_tracer = trace.get_tracer(__name__)


class Embedder(Protocol):
    """Maps texts to unit-length vectors whose dot product measures similarity of meaning.

    ``name`` identifies the model: it is part of every content hash, so a different name makes
    the indexer re-embed everything. ``dimension`` is the length of every vector.
    """

    @property
    def name(self) -> str:
        """Stable identifier of the model (not an install-specific path)."""

    @property
    def dimension(self) -> int:
        """Length of each vector."""

    async def embed(self, texts: Sequence[str]) -> Vectors:
        """Vectors for ``texts`` in the same order: shape ``(len(texts), dimension)``.

        Raises:
            EmbedderError: the model cannot be loaded.
        """


def _model_name(model: str) -> str:
    """A local model directory is named by its last two path parts, stable across installs."""
    path = Path(model)
    if path.is_dir():
        return f"{path.parent.name}/{path.name}"
    return model


class SentenceTransformerEmbedder:
    """An :class:`Embedder` on a sentence-transformers model, loaded lazily, on the CPU.

    Args:
        model: a local model directory (loaded with no network access) or a Hugging Face model
            name (downloaded on first use unless cached).
        batch_size: texts per forward pass.
        device: torch device; ``"cpu"`` on these machines.
    """

    def __init__(self, model: str, *, batch_size: int = 32, device: str = "cpu") -> None:
        self._model_ref = model
        self._name = _model_name(model)
        self._batch_size = batch_size
        self._device = device
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: IndexSettings) -> SentenceTransformerEmbedder:
        """The embedder ``settings.model`` and ``settings.batch_size`` describe."""
        return cls(settings.model, batch_size=settings.batch_size)

    @property
    def name(self) -> str:
        """The model name, or ``"<parent>/<directory>"`` for a local model directory."""
        return self._name

    @property
    def dimension(self) -> int:
        """Length of the model's vectors; loads the model (blocking) if :meth:`load` was not
        awaited first."""
        dimension = self._loaded().get_embedding_dimension()
        if dimension is None:
            raise EmbedderError(f"embedding model {self._name!r} does not state its dimension")
        return int(dimension)

    async def load(self) -> None:
        """Load the model in a worker thread (imports torch: ~10 s the first time).

        Raises:
            EmbedderError: the model directory or name cannot be loaded.
        """
        await asyncio.to_thread(self._loaded)

    async def embed(self, texts: Sequence[str]) -> Vectors:
        """Encode ``texts`` in batches in a worker thread; rows are L2-normalised float32.

        Raises:
            EmbedderError: the model cannot be loaded.
        """
        if not texts:
            await self.load()
            return np.zeros((0, self.dimension), dtype=np.float32)
        with _tracer.start_as_current_span(
            "embedding.embed",
            attributes={
                "itglue_mcp.embedding.model": self.name,
                "itglue_mcp.embedding.texts": len(texts),
            },
        ):
            return await asyncio.to_thread(self._encode, list(texts))

    def _loaded(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
            return self._model

    def _load_model(self) -> SentenceTransformer:
        from sentence_transformers import SentenceTransformer

        local = Path(self._model_ref).is_dir()
        try:
            return SentenceTransformer(self._model_ref, device=self._device, local_files_only=local)
        except (OSError, ValueError) as exc:
            raise EmbedderError(
                f"cannot load embedding model {self._model_ref!r}: {type(exc).__name__}: {exc}"
            ) from exc

    def _encode(self, texts: list[str]) -> Vectors:
        model = self._loaded()
        encoded: Any = model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(encoded, dtype=np.float32)
