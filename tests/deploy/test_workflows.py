"""The GitHub workflows under ``.github/``: ``ci.yml`` (lint, types, tests with PostgreSQL and
Redis service containers, the delivery checks, the docs build) and ``release.yml`` (image with
provenance and SBOM, chart as an OCI artifact, sdist and wheel to PyPI), and the composite
action they share.

Validated against the GitHub workflow and action JSON schemas that check-jsonschema ships
(SchemaStore's), linted by actionlint (with shellcheck over every ``run:`` script), and held to
the rules that matter: least-privilege permissions, no ``pull_request_target``, actions pinned
by commit SHA, no expressions inside scripts, the services and commands .ci/run runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

from tests.deploy.conftest import REPO

GITHUB_DIR = REPO / ".github"
CI = GITHUB_DIR / "workflows" / "ci.yml"
RELEASE = GITHUB_DIR / "workflows" / "release.yml"
SETUP_ACTION = GITHUB_DIR / "actions" / "setup-python-env" / "action.yml"
DEPENDABOT = GITHUB_DIR / "dependabot.yml"
WORKFLOWS = sorted((GITHUB_DIR / "workflows").glob("*.y*ml"))
ACTIONS = sorted((GITHUB_DIR / "actions").glob("*/action.y*ml"))
BIN = Path(sys.executable).parent

Doc = dict[str, Any]


def load(path: Path) -> Doc:
    raw: dict[Any, Any] = yaml.safe_load(path.read_text())
    # PyYAML reads YAML 1.1, where the key `on` is the boolean true.
    return {("on" if key is True else key): value for key, value in raw.items()}


def steps(doc: Doc) -> list[Doc]:
    """Every step of a workflow's jobs, or of a composite action."""
    if "runs" in doc:
        return list(doc["runs"]["steps"])
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def run_text(doc: Doc) -> str:
    return "\n".join(step["run"] for step in steps(doc) if "run" in step)


def tool(name: str) -> str:
    """An executable of the project's environment (installed from PyPI by uv sync)."""
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed (uv sync installs it with the dev group)")
        return found
    return str(path)


# --- schema and lint -----------------------------------------------------------------------------


def test_layout() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "release.yml"]
    assert ACTIONS == [SETUP_ACTION]
    assert DEPENDABOT.is_file()


def test_dependabot_keeps_the_pins_fresh() -> None:
    ecosystems = {u["package-ecosystem"] for u in load(DEPENDABOT)["updates"]}
    assert {"github-actions", "docker", "terraform", "npm"} <= ecosystems


def check_schema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("schema", "path"),
    [("vendor.github-workflows", p) for p in WORKFLOWS]
    + [("vendor.github-actions", p) for p in ACTIONS]
    + [("vendor.dependabot", DEPENDABOT)],
    ids=[p.relative_to(GITHUB_DIR).as_posix() for p in [*WORKFLOWS, *ACTIONS, DEPENDABOT]],
)
def test_schema(schema: str, path: Path) -> None:
    """SchemaStore's GitHub workflow/action/Dependabot schema, as vendored in check-jsonschema."""
    completed = check_schema(schema, path)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_schema_finds_mistakes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n")
    completed = check_schema("vendor.github-workflows", broken)
    assert completed.returncode == 1, completed.stdout


def actionlint(*paths: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            tool("actionlint"),
            "-no-color",
            "-oneline",
            "-shellcheck",
            tool("shellcheck"),
            "-pyflakes=",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def test_actionlint() -> None:
    """actionlint: expressions, contexts, step outputs, needs, runner labels, the inputs of
    the local composite action, and shellcheck over every run script."""
    completed = actionlint(*WORKFLOWS)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout == ""


def test_actionlint_finds_mistakes(tmp_path: Path) -> None:
    """The linter is not a no-op here: a wrong step output, an unknown job and an unquoted
    variable are each reported."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-24.04\n"
        "    needs: nowhere\n"
        "    steps:\n"
        "      - run: echo ${{ steps.missing.outputs.value }}\n"
        "      - run: cat $FILE\n"
    )
    completed = actionlint(broken, cwd=tmp_path)
    assert completed.returncode == 1
    assert "nowhere" in completed.stdout
    assert "missing" in completed.stdout
    assert "SC2086" in completed.stdout


# --- security ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_triggers_are_safe(path: Path) -> None:
    triggers = load(path)["on"]
    names = set(triggers) if isinstance(triggers, dict) else {triggers}
    assert not names & {"pull_request_target", "workflow_run", "issue_comment"}


@pytest.mark.parametrize("path", [*WORKFLOWS, *ACTIONS], ids=lambda p: p.name)
def test_no_expressions_in_scripts(path: Path) -> None:
    """Values reach scripts through env:, never by ${{ }} inside run: (script injection)."""
    for step in steps(load(path)):
        assert "${{" not in step.get("run", ""), step.get("name", step["run"])


@pytest.mark.parametrize("path", [*WORKFLOWS, *ACTIONS], ids=lambda p: p.name)
def test_actions_pinned_by_commit(path: Path) -> None:
    """Every action from another repository is pinned to a full commit SHA, with the version
    tag it was resolved from in a comment; local actions are paths in this repository."""
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
        if match is None:
            continue
        ref, rest = match.groups()
        if ref.startswith("./"):
            assert (REPO / ref / "action.yml").is_file(), ref
            continue
        assert re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._/-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", rest), (ref, rest)


def test_pins_agree() -> None:
    """One action, one commit, in every file."""
    pins: dict[str, set[str]] = {}
    for path in [*WORKFLOWS, *ACTIONS]:
        for action, sha in re.findall(r"uses:\s*([^\s@]+)@([0-9a-f]{40})", path.read_text()):
            pins.setdefault(action.lower(), set()).add(sha)
    assert pins
    assert {action: shas for action, shas in pins.items() if len(shas) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_keeps_no_credentials(path: Path) -> None:
    for step in steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_jobs_are_bounded(path: Path) -> None:
    for name, job in load(path)["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 60, name
        assert job["runs-on"] == "ubuntu-24.04", name


def test_ci_permissions() -> None:
    doc = load(CI)
    assert doc["permissions"] == {"contents": "read"}
    for name, job in doc["jobs"].items():
        assert "permissions" not in job, name  # the read-only default holds for every job


def test_release_permissions() -> None:
    """Nothing by default; write access only in the job that needs it."""
    doc = load(RELEASE)
    assert doc["permissions"] == {}
    granted = {name: job["permissions"] for name, job in doc["jobs"].items()}
    assert granted == {
        "version": {"contents": "read"},
        "image": {
            "contents": "read",
            "packages": "write",
            "id-token": "write",
            "attestations": "write",
        },
        "chart": {"contents": "read", "packages": "write"},
        "dist": {"contents": "read"},
        "pypi": {"id-token": "write"},  # trusted publishing (tests/deploy/test_distribution.py)
    }


# --- ci.yml --------------------------------------------------------------------------------------


def test_ci_triggers_and_concurrency() -> None:
    doc = load(CI)
    assert set(doc["on"]) == {"push", "pull_request", "workflow_dispatch"}
    assert doc["on"]["push"]["branches"] == ["main"]
    assert "github.ref" in doc["concurrency"]["group"]
    assert doc["concurrency"]["cancel-in-progress"] is True


def ci_run_defaults() -> dict[str, str]:
    """The test service URLs .ci/run exports (its defaults)."""
    text = (REPO / ".ci" / "run").read_text()
    return dict(re.findall(r'export (ITGLUE_MCP_TEST_\w+)="\$\{\w+:-([^}]+)\}"', text))


def test_ci_services_match_ci_run() -> None:
    job = load(CI)["jobs"]["test"]
    services = job["services"]
    assert set(services) == {"postgres", "redis"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for service in services.values():
        assert "--health-cmd" in service["options"]
    assert services["postgres"]["ports"] == ["5432:5432"]
    assert services["redis"]["ports"] == ["6379:6379"]
    defaults = ci_run_defaults()
    assert set(defaults) == {"ITGLUE_MCP_TEST_DATABASE_URL", "ITGLUE_MCP_TEST_REDIS_URL"}
    assert {key: job["env"][key] for key in defaults} == defaults
    database = services["postgres"]["env"]["POSTGRES_DB"]
    assert defaults["ITGLUE_MCP_TEST_DATABASE_URL"].endswith(f"/{database}")


def test_ci_runs_every_check() -> None:
    jobs = load(CI)["jobs"]
    commands = {name: run_text({"jobs": {name: job}}) for name, job in jobs.items()}
    assert "uv run ruff check src tests benchmarks" in commands["lint"]
    assert "uv run ruff format --check src tests benchmarks" in commands["lint"]
    assert "uv run mypy" in commands["lint"]
    assert "npm ci" in commands["test"]
    assert "uv run pytest --ignore=tests/deploy" in commands["test"]
    assert "uv run pytest tests/deploy" in commands["deploy"]
    assert "uv tool run --from checkov==3.3.30 checkov" in commands["deploy"]
    assert "uv run mkdocs build --strict" in commands["docs"]
    # .ci/run and the tests use the same checkov.
    assert "checkov==3.3.30" in (REPO / ".ci" / "run").read_text()
    for name, job in jobs.items():
        uses = [str(step.get("uses", "")) for step in job["steps"]]
        assert "./.github/actions/setup-python-env" in uses, name
    node = next(s for s in jobs["test"]["steps"] if "setup-node" in str(s.get("uses", "")))
    assert int(node["with"]["node-version"]) >= 20


def test_ci_terraform_satisfies_the_modules() -> None:
    (setup,) = [s for s in load(CI)["jobs"]["deploy"]["steps"] if "setup-terraform" in str(s)]
    version = tuple(int(part) for part in setup["with"]["terraform_version"].split("."))
    assert setup["with"]["terraform_wrapper"] is False  # raw stdout for terraform console
    for versions_tf in (REPO / "terraform").rglob("versions.tf"):
        minimum = re.search(r'required_version\s*=\s*">=\s*([\d.]+)', versions_tf.read_text())
        assert minimum is not None, versions_tf
        assert version >= tuple(int(part) for part in minimum.group(1).split(".")), versions_tf


def test_setup_action_matches_the_project() -> None:
    doc = load(SETUP_ACTION)
    assert doc["runs"]["using"] == "composite"
    (uv,) = [s for s in steps(doc) if "setup-uv" in str(s.get("uses", ""))]
    dockerfile = (REPO / "docker" / "Dockerfile").read_text()
    uv_in_image = re.search(r"ARG UV_VERSION=(\S+)", dockerfile)
    assert uv_in_image is not None
    assert uv["with"]["version"] == uv_in_image.group(1)
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f">={uv['with']['python-version']}" in requires
    assert "uv sync --locked" in run_text(doc)
    # The torch wheel is fetched to the path uv.lock records.
    assert re.search(r"/opt/wheels/torch-[^\"]+\.whl", (REPO / "uv.lock").read_text())
    assert "grep -o '/opt/wheels/torch-" in run_text(doc)


# --- release.yml ---------------------------------------------------------------------------------


def test_release_on_version_tags_only() -> None:
    doc = load(RELEASE)
    assert set(doc["on"]) == {"push"}
    assert set(doc["on"]["push"]) == {"tags"}
    assert doc["concurrency"]["cancel-in-progress"] is False


def test_release_image_has_provenance_and_sbom() -> None:
    job = load(RELEASE)["jobs"]["image"]
    (build,) = [s for s in job["steps"] if "docker/build-push-action@" in str(s.get("uses"))]
    options = build["with"]
    assert options["push"] is True
    assert options["file"] == "docker/Dockerfile"
    assert str(options["provenance"]).startswith("mode=max")
    assert options["sbom"] is True
    (login,) = [s for s in job["steps"] if "docker/login-action@" in str(s.get("uses"))]
    assert login["with"]["registry"] == "ghcr.io"
    (attest,) = [s for s in job["steps"] if "attest-build-provenance@" in str(s.get("uses"))]
    assert attest["with"]["subject-digest"] == "${{ steps.build.outputs.digest }}"
    assert attest["with"]["push-to-registry"] is True


def test_release_pushes_the_chart_as_oci() -> None:
    job = load(RELEASE)["jobs"]["chart"]
    script = run_text({"jobs": {"chart": job}})
    assert "helm package helm/itglue-mcp" in script
    assert re.search(r'helm push \S+ "oci://ghcr\.io/', script)
    assert "--password-stdin" in script
    # The Helm that pushes is the Helm the tests render with.
    (setup,) = [s for s in job["steps"] if "setup-helm@" in str(s.get("uses"))]
    assert setup["with"]["version"] == helm.helm_sdk_version()


def test_release_checks_the_version() -> None:
    job = load(RELEASE)["jobs"]["version"]
    script = run_text({"jobs": {"version": job}})
    assert "pyproject.toml" in script and "helm/itglue-mcp/Chart.yaml" in script
    for name in ("image", "chart"):
        needs = load(RELEASE)["jobs"][name]["needs"]
        assert "version" in (needs if isinstance(needs, list) else [needs])
