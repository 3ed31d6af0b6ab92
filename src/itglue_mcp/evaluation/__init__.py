"""Answer-quality evaluation: ask a question set over MCP and grade the answers against the dataset.

A question set (YAML, :mod:`~itglue_mcp.evaluation.questions`) says what each question must
find; the runner asks it over Streamable HTTP as a client would; the answers are graded
against the generated dataset the server was synced from (top-1, recall@5, hallucinations,
no-data precision and recall, secret leaks, per intent). ``itglue-mcp eval`` drives it::

    question_set = load_questions(packaged_question_set("small"))
    summary = await evaluate(url, question_set, ReferenceDataset.load(dataset_dir))
    Targets().missed(summary)  # [] when the quality bar is met
"""

from itglue_mcp.evaluation.dataset import DatasetRecord, ReferenceDataset, ReferenceDatasetError
from itglue_mcp.evaluation.metrics import (
    ExpectedAnswer,
    Hallucination,
    IntentSummary,
    QuestionResult,
    Summary,
    Targets,
    grade,
    resolve_expectation,
    summarise,
)
from itglue_mcp.evaluation.observation import Citation, Observation, ObservedFact, observe
from itglue_mcp.evaluation.questions import (
    DatasetSpec,
    Expectation,
    Question,
    QuestionSet,
    QuestionSetError,
    load_questions,
    packaged_question_set,
    parse_question_set,
)
from itglue_mcp.evaluation.report import render, to_json, write_json
from itglue_mcp.evaluation.runner import evaluate, question_scope

__all__ = [
    "Citation",
    "DatasetRecord",
    "DatasetSpec",
    "Expectation",
    "ExpectedAnswer",
    "Hallucination",
    "IntentSummary",
    "Observation",
    "ObservedFact",
    "Question",
    "QuestionResult",
    "QuestionSet",
    "QuestionSetError",
    "ReferenceDataset",
    "ReferenceDatasetError",
    "Summary",
    "Targets",
    "evaluate",
    "grade",
    "load_questions",
    "observe",
    "packaged_question_set",
    "parse_question_set",
    "question_scope",
    "render",
    "resolve_expectation",
    "summarise",
    "to_json",
    "write_json",
]
