"""Fixtures of the command-line tests: a tiny sentence-transformers model.

The commands load ``index.model`` with sentence-transformers, as in production. The packaged
all-MiniLM-L6-v2 embeds 10-40 chunks a second on the 2-core test machine, too slow to run
every command test through; this model is a real sentence-transformers model (a one-layer,
32-dimension BERT with MiniLM's tokenizer, randomly initialised with a fixed seed), so the
commands run the same code path in a fraction of the time. Its vectors mean nothing: the
tests check plumbing, the demo test uses the real model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from itglue_mcp.config import packaged_model_path

_TOKENIZER_FILES = (
    "vocab.txt",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)


def _build_tiny_model(root: Path, dimension: int) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules
    from transformers import BertConfig, BertModel

    bert_dir = root / "bert"
    torch.manual_seed(7)
    config = BertConfig(
        vocab_size=30522,
        hidden_size=dimension,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=2 * dimension,
        max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(bert_dir)
    for name in _TOKENIZER_FILES:
        shutil.copy(Path(packaged_model_path()) / name, bert_dir / name)
    transformer = modules.Transformer(str(bert_dir), max_seq_length=256)
    pooling = modules.Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model_dir = root / "model"
    SentenceTransformer(modules=[transformer, pooling, modules.Normalize()]).save(str(model_dir))
    return model_dir


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny sentence-transformers model of 32 dimensions, built once per session."""
    return _build_tiny_model(tmp_path_factory.mktemp("tiny-model-32"), 32)


@pytest.fixture(scope="session")
def other_tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another tiny model, of 48 dimensions: "the model changed"."""
    return _build_tiny_model(tmp_path_factory.mktemp("tiny-model-48"), 48)
