"""The dataset the public question set was derived from, generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from itglue_mcp.evaluation import (
    QuestionSet,
    ReferenceDataset,
    load_questions,
    packaged_question_set,
)
from itglue_mcp.itglue.dataset import generate_dataset


@pytest.fixture(scope="session")
def public_set() -> QuestionSet:
    """The question set shipped in the package."""
    return load_questions(packaged_question_set("small"))


@pytest.fixture(scope="session")
def small_dataset_dir(public_set: QuestionSet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset the public set names (10 organizations, seed 7: the demo's)."""
    directory = tmp_path_factory.mktemp("evaluation-dataset")
    spec = public_set.dataset
    generate_dataset(directory, organizations=spec.organizations, seed=spec.seed)
    return directory


@pytest.fixture(scope="session")
def reference(small_dataset_dir: Path) -> ReferenceDataset:
    """The generated dataset, loaded as the evaluation's ground truth."""
    return ReferenceDataset.load(small_dataset_dir)


HANDWRITTEN_DIR = Path(__file__).parents[1] / "fixtures" / "handwritten"
"""The hand-written fixture tenant (JSON:API list documents, see its README)."""

HANDWRITTEN_QUESTIONS = Path(__file__).parent / "handwritten.yaml"
"""The question set over the hand-written fixture."""
