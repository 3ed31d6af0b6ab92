"""The question-set file of the answer-quality evaluation: what to ask and what must come back.

A question set is a YAML document naming the dataset its expectations were derived from (a
generated one, ``{organizations, seed}``, or a hand-written fixture, ``{fixture: name}``) and
a list of questions. Each question is asked through one MCP tool (by default
``query_documentation`` with the question text) and says what a correct answer holds —
records that must be cited (``record_type/record_id``, JSON:API types), values that must be
among the returned facts, or, for expirations, a window relative to the day the evaluation
runs — or that no record supports an answer (``expect_no_data``, with the terms whose absence
proves it)::

    dataset: {organizations: 10, seed: 7}
    questions:
      - id: device-ip-acme-firewall
        question: what's the firewall IP at @ACME
        intent: device_ip
        expect: {records: [configurations/4215003], values: [10.10.10.1]}
      - id: no-data-citrix
        question: how do we restart the Citrix gateway at @ACME
        intent: document
        expect_no_data: true
        absent: [citrix]
      - id: serial-plain-acme-nas
        question: what's the serial of the Acme NAS
        about: ACME                  # named in words: checked against, not passed
        attribute: serial number     # subsets: plain_language, attribute
        tags: [look_alike]
        intent: configuration
        expect: {records: [configurations/4215469], values: [SN-12345]}

    question_set = load_questions(Path("small.yaml"))

Errors name the file, the question id and the field (:class:`QuestionSetError`).
"""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from itglue_mcp.errors import ItglueMcpError
from itglue_mcp.itglue.dataset.writer import LIST_FILES
from itglue_mcp.query.intent import IntentKind

__all__ = [
    "DEFAULT_TOOL",
    "DERIVED_SUBSETS",
    "SUBSET_ATTRIBUTE",
    "SUBSET_PLAIN_LANGUAGE",
    "DatasetSpec",
    "Expectation",
    "Question",
    "QuestionSet",
    "QuestionSetError",
    "load_questions",
    "packaged_question_set",
    "parse_question_set",
]

DEFAULT_TOOL = "query_documentation"
"""The tool a question is asked through when it names none."""

SUBSET_PLAIN_LANGUAGE = "plain_language"
"""Subset of the questions naming their organization in words only (``about``)."""

SUBSET_ATTRIBUTE = "attribute"
"""Subset of the questions asking for one attribute of one thing (``attribute``)."""

DERIVED_SUBSETS = (SUBSET_PLAIN_LANGUAGE, SUBSET_ATTRIBUTE)
"""Subsets read from a question's fields rather than from its ``tags``."""

_RECORD_REF = re.compile(r"^(?P<type>[a-z][a-z-]*)/(?P<id>[1-9][0-9]*)$")
_TAG = re.compile(r"^[a-z][a-z0-9_]*$")
_INTENTS = frozenset(kind.value for kind in IntentKind)


class QuestionSetError(ItglueMcpError):
    """A question-set file cannot be read or a question in it is malformed."""


class DatasetSpec(BaseModel):
    """The dataset the expectations were derived from: generated, or a hand-written fixture.

    Either ``organizations`` and ``seed`` (``generate_dataset`` input; ``itglue-mcp demo``
    makes it) or ``fixture``, the name of a hand-written dataset directory, which the
    evaluation is given with ``--dataset``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    organizations: int | None = Field(default=None, ge=1, description="Organizations generated.")
    seed: int | None = Field(default=None, description="Generator seed.")
    fixture: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Hand-written dataset."
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        generated = (self.organizations is not None, self.seed is not None)
        if self.fixture is not None and any(generated):
            raise ValueError("give organizations and seed, or fixture, not both")
        if self.fixture is None and not all(generated):
            raise ValueError("give organizations and seed (generated), or fixture")
        return self


class Expectation(BaseModel):
    """What a correct answer holds; at least one field is set.

    Attributes:
        records: records one of which must be cited, as ``record_type/record_id``
            (``configurations/4215003``); top-1 counts when the first source is one of them.
        values: values one of which must be the value of a returned fact (compared
            case-insensitively, whitespace collapsed).
        expiring_within_days: the expirations of the question's organization falling due
            from the evaluation day up to this many days later (and the records they belong
            to) are the expected records; none at all means no data is expected.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    records: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    expiring_within_days: int | None = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _check(self) -> Self:
        for ref in self.records:
            match = _RECORD_REF.match(ref)
            if match is None:
                raise ValueError(f"records: {ref!r} is not record_type/record_id")
            if match["type"] not in LIST_FILES:
                known = ", ".join(sorted(LIST_FILES))
                raise ValueError(f"records: {match['type']!r} is not a record type ({known})")
        if any(not value.strip() for value in self.values):
            raise ValueError("values: a value must not be blank")
        if not self.records and not self.values and self.expiring_within_days is None:
            raise ValueError("give records, values or expiring_within_days")
        return self

    @property
    def record_keys(self) -> frozenset[tuple[str, str]]:
        """The expected records as ``(record_type, record_id)`` pairs."""
        return frozenset(tuple(ref.split("/", 1)) for ref in self.records)  # type: ignore[misc]


class Question(BaseModel):
    """One question of the set.

    Attributes:
        id: unique, stable name (lower-case letters, digits, ``-``, ``_``, ``.``).
        question: the question as a technician types it (may hold an ``@organization``).
        organization: the organization passed to the tool, as named in the dataset (name,
            short name or id); also the scope answers are checked against.
        about: the organization the question names in plain words (no ``@``, no
            ``organization`` argument), as named in the dataset: not passed to the tool, only
            the scope answers are checked against. Puts the question in the
            ``plain_language`` subset.
        attribute: the one attribute the question asks for (``serial number``, ``SSID``);
            puts the question in the ``attribute`` subset.
        tags: further subsets the question belongs to (``near_miss``, ``variant`` …),
            reported separately.
        tool: the MCP tool asked; ``query_documentation`` by default.
        arguments: the tool's arguments; by default ``{"question": question}`` plus
            ``organization`` when set. Required for any other tool.
        intent: the intent the question exercises (an ``IntentKind`` value).
        expect: what a correct answer holds (absent for a no-data question).
        expect_no_data: no record supports an answer; the tool must say so.
        absent: for a no-data question, terms that no record in scope contains (checked
            against the dataset, so the question cannot silently gain an answer).
        notes: why the question is in the set (near miss of what, for instance).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)
    question: str = Field(min_length=1, max_length=2000)
    organization: str | None = Field(default=None, min_length=1)
    about: str | None = Field(default=None, min_length=1)
    attribute: str | None = Field(default=None, min_length=1, max_length=80)
    tags: tuple[str, ...] = ()
    tool: str = Field(default=DEFAULT_TOOL, pattern=r"^[a-z][a-z0-9_]*$")
    arguments: dict[str, Any] | None = None
    intent: str
    expect: Expectation | None = None
    expect_no_data: bool = False
    absent: tuple[str, ...] = ()
    notes: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.intent not in _INTENTS:
            raise ValueError(f"intent: {self.intent!r} is not one of {', '.join(sorted(_INTENTS))}")
        if self.expect_no_data == (self.expect is not None):
            raise ValueError("expect: give either expect or expect_no_data: true")
        if self.expect_no_data and not self.absent:
            raise ValueError("absent: a no-data question lists the terms no record in scope has")
        if self.absent and not self.expect_no_data:
            raise ValueError("absent: only a no-data question lists absent terms")
        if any(len(term.strip()) < 3 for term in self.absent):
            raise ValueError("absent: each term has at least three characters")
        if self.tool != DEFAULT_TOOL and self.arguments is None:
            raise ValueError(f"arguments: required when the tool is {self.tool!r}")
        if self.about is not None and (self.organization is not None or "@" in self.question):
            raise ValueError(
                "about: a plain-language question names its organization in words only "
                "(no organization argument, no @ in the question)"
            )
        if self.about is not None and self.arguments and "organization" in self.arguments:
            raise ValueError("about: a plain-language question passes no organization argument")
        for tag in self.tags:
            if not _TAG.match(tag):
                raise ValueError(f"tags: {tag!r} is not lower_case_with_underscores")
            if tag in DERIVED_SUBSETS:
                raise ValueError(f"tags: {tag!r} is derived (from about or attribute), not given")
        return self

    @property
    def subsets(self) -> tuple[str, ...]:
        """The subsets the question is reported in: derived ones first, then its tags."""
        derived = []
        if self.about is not None:
            derived.append(SUBSET_PLAIN_LANGUAGE)
        if self.attribute is not None:
            derived.append(SUBSET_ATTRIBUTE)
        return (*derived, *dict.fromkeys(self.tags))

    @property
    def call_arguments(self) -> dict[str, Any]:
        """The arguments the tool is called with."""
        if self.arguments is not None:
            return dict(self.arguments)
        arguments: dict[str, Any] = {"question": self.question}
        if self.organization is not None:
            arguments["organization"] = self.organization
        return arguments


class QuestionSet(BaseModel):
    """A question-set file: the dataset it was derived from and its questions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: DatasetSpec
    questions: tuple[Question, ...] = Field(min_length=1)


def _question_id(raw: object, position: int) -> str:
    if isinstance(raw, dict) and isinstance(identifier := raw.get("id"), str):
        return identifier
    return f"#{position + 1}"


def _error_text(exc: ValidationError) -> str:
    """Each error as ``field: message``; whole-model checks already start with their field."""
    parts = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        field = ".".join(str(part) for part in error["loc"])
        parts.append(f"{field}: {message}" if field else message)
    return "; ".join(parts)


def _parse_questions(source: str, raw: Any) -> QuestionSet:
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{source}: expected a mapping with dataset and questions")
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise QuestionSetError(f"{source}: questions: expected a non-empty list")
    questions = []
    for position, entry in enumerate(raw_questions):
        name = _question_id(entry, position)
        try:
            questions.append(Question.model_validate(entry))
        except ValidationError as exc:
            raise QuestionSetError(f"{source}: question {name}: {_error_text(exc)}") from None
    duplicates = sorted(name for name, n in Counter(q.id for q in questions).items() if n > 1)
    if duplicates:
        raise QuestionSetError(f"{source}: id: {', '.join(duplicates)} used more than once")
    try:
        return QuestionSet(dataset=raw.get("dataset"), questions=tuple(questions))
    except ValidationError as exc:
        raise QuestionSetError(f"{source}: {_error_text(exc)}") from None


def load_questions(path: Path) -> QuestionSet:
    """Read and validate a question-set YAML file.

    Args:
        path: the file.

    Returns:
        The validated question set.

    Raises:
        QuestionSetError: the file cannot be read or parsed, or a question is malformed
            (the message names the file, the question id and the field).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise QuestionSetError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_question_set(text, source=str(path))


def parse_question_set(text: str, *, source: str = "<questions>") -> QuestionSet:
    """Validate a question set given as YAML text; ``source`` names it in errors.

    Raises:
        QuestionSetError: as :func:`load_questions`.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise QuestionSetError(f"{source}: not valid YAML{where}") from None
    return _parse_questions(source, raw)


def packaged_question_set(name: str = "small") -> Path:
    """The path of a question set shipped with the package (``questions/<name>.yaml``).

    Raises:
        QuestionSetError: no such packaged set.
    """
    path = Path(str(resources.files("itglue_mcp.evaluation") / "questions" / f"{name}.yaml"))
    if not path.is_file():
        raise QuestionSetError(f"questions: no packaged question set named {name!r}")
    return path
