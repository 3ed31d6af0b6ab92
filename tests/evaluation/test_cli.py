"""``itglue-mcp eval`` failing the way a user can act on: one line naming what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from itglue_mcp.cli.eval import eval_answers
from tests.evaluation.conftest import HANDWRITTEN_QUESTIONS


def _invoke(*arguments: str) -> tuple[int, str]:
    """Exit code and output, line wrapping undone (Rich wraps at the terminal width)."""
    app = typer.Typer()
    app.command()(eval_answers)
    result = CliRunner().invoke(app, list(arguments))
    return result.exit_code, " ".join(result.output.split())


def test_a_data_dir_without_a_store_is_named_and_left_untouched(tmp_path: Path) -> None:
    exit_code, output = _invoke("--data", str(tmp_path))

    assert exit_code == 1
    assert "holds no store; run `itglue-mcp demo`" in output
    assert list(tmp_path.iterdir()) == []


def test_a_missing_dataset_is_named(tmp_path: Path) -> None:
    exit_code, output = _invoke("--url", "http://127.0.0.1:9/mcp", "--dataset", str(tmp_path))

    assert exit_code == 1
    assert f"dataset: {tmp_path} holds no generated dataset" in output


def test_an_unreachable_server_is_one_line(small_dataset_dir: Path) -> None:
    exit_code, output = _invoke(
        "--url", "http://127.0.0.1:9/mcp", "--dataset", str(small_dataset_dir)
    )

    assert exit_code == 1
    assert "error: url: cannot evaluate http://127.0.0.1:9/mcp" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("dataset: {organizations: 1, seed: 1}\nquestions:\n  - {id: q1, question: x}\n",
         "question q1: intent: Field required"),
        ("questions: [", "not valid YAML"),
    ],
)  # fmt: skip
def test_a_bad_question_file_names_the_question(
    tmp_path: Path, content: str, expected: str
) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text(content, encoding="utf-8")

    exit_code, output = _invoke("--questions", str(questions), "--url", "http://127.0.0.1:9/mcp")

    assert exit_code == 1
    assert expected in output


def test_a_demo_of_another_size_is_named_with_the_command_to_fix_it(tmp_path: Path) -> None:
    (tmp_path / "datasets" / "demo-6-7").mkdir(parents=True)

    exit_code, output = _invoke("--url", "http://127.0.0.1:9/mcp", "--data", str(tmp_path))

    assert exit_code == 1
    assert "needs the demo dataset of 10 organizations, seed 7" in output
    assert "(found demo-6-7); run `itglue-mcp demo --orgs 10 --seed 7`" in output


def test_sync_needs_a_dataset_directory() -> None:
    exit_code, output = _invoke("--sync", "--questions", str(HANDWRITTEN_QUESTIONS))

    assert exit_code == 2
    assert "--sync needs --dataset and no --url" in output


def test_a_set_written_for_a_fixture_asks_for_its_directory(tmp_path: Path) -> None:
    exit_code, output = _invoke(
        "--url", "http://127.0.0.1:9/mcp", "--questions", str(HANDWRITTEN_QUESTIONS)
    )

    assert exit_code == 1
    assert "written for the hand-written dataset 'handwritten'; pass --dataset" in output


def test_sync_refuses_a_directory_that_is_not_a_dataset(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "organizations.json").write_text("{not json", encoding="utf-8")

    exit_code, output = _invoke(
        "--sync", "--dataset", str(broken), "--questions", str(HANDWRITTEN_QUESTIONS)
    )

    assert exit_code == 1
    assert "error: dataset: organizations.json" in output
    assert list(broken.iterdir()) == [broken / "organizations.json"]
