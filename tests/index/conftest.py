"""Fixtures of the index tests: the real packaged all-MiniLM-L6-v2, loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from itglue_mcp.index import IndexSettings, SentenceTransformerEmbedder, Vectors


class CountingEmbedder:
    """Delegates to a real embedder and counts the texts it was asked to embed."""

    def __init__(self, inner: SentenceTransformerEmbedder) -> None:
        self.inner = inner
        self.texts: list[str] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    async def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        return await self.inner.embed(texts)


@pytest.fixture(scope="session")
def minilm() -> Iterator[SentenceTransformerEmbedder]:
    """The packaged model, loaded with the Hugging Face hub offline (no network here)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        embedder = SentenceTransformerEmbedder.from_settings(IndexSettings())
        assert embedder.dimension == 384  # loads the model
        yield embedder


@pytest.fixture
def counting(minilm: SentenceTransformerEmbedder) -> CountingEmbedder:
    return CountingEmbedder(minilm)
