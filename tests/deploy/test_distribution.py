"""What PyPI users install: the sdist and wheel as the release workflow builds them
(``uv build --no-sources``), the ``server.json`` that lists the server in the official MCP
registry, and the release jobs that publish both.

The built metadata must be the standards-only view of ``pyproject.toml``: the dependencies as
declared, and nothing of this machine (the ``/opt/wheels`` torch folder, a ``file:`` URL, a
PyTorch index) that only ``[tool.uv]`` knows about.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import tomllib
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from itglue_mcp.config.reference import settings_reference
from tests.deploy.conftest import REPO

pytestmark = pytest.mark.slow

PYPROJECT: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
VERSION = PROJECT["version"]
DIST_NAME = PROJECT["name"].replace("-", "_")
SERVER_JSON = REPO / "server.json"
RELEASE = REPO / ".github" / "workflows" / "release.yml"
MACHINE_ONLY = re.compile(r"/opt/wheels|file:|download\.pytorch\.org|\.whl\b", re.IGNORECASE)


def _uv() -> str:
    # `uv run` names itself in UV; .ci/run and developers have uv on PATH.
    found = os.environ.get("UV") or shutil.which("uv")
    if found is None:
        pytest.fail("uv is not on PATH (python3 -m pip install uv)")
    return found


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel built from it, as the release workflow builds them."""
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [_uv(), "build", "--no-sources", "--out-dir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _wheel(dist: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(dist / f"{DIST_NAME}-{VERSION}-py3-none-any.whl")


def _metadata(text: str) -> Message:
    return Parser().parsestr(text)


def _wheel_metadata(dist: Path) -> str:
    with _wheel(dist) as wheel:
        return wheel.read(f"{DIST_NAME}-{VERSION}.dist-info/METADATA").decode()


def _sdist_members(dist: Path) -> dict[str, bytes]:
    with tarfile.open(dist / f"{DIST_NAME}-{VERSION}.tar.gz") as sdist:
        files = {}
        for member in sdist.getmembers():
            handle = sdist.extractfile(member) if member.isfile() else None
            if handle is not None:
                files[member.name.split("/", 1)[1]] = handle.read()
        return files


def _headers(message: Message) -> str:
    """The metadata fields without the long description (the README, which may name paths)."""
    return "\n".join(f"{key}: {value}" for key, value in message.items())


# --- the wheel and the sdist ---------------------------------------------------------------------


def test_both_artifacts_are_built(dist: Path) -> None:
    assert sorted(p.name for p in dist.iterdir() if not p.name.startswith(".")) == [
        f"{DIST_NAME}-{VERSION}-py3-none-any.whl",
        f"{DIST_NAME}-{VERSION}.tar.gz",
    ]


@pytest.mark.parametrize("artifact", ["wheel", "sdist"])
def test_metadata_names_nothing_of_this_machine(dist: Path, artifact: str) -> None:
    text = (
        _wheel_metadata(dist) if artifact == "wheel" else _sdist_members(dist)["PKG-INFO"].decode()
    )
    message = _metadata(text)
    assert message["Name"] == PROJECT["name"]
    assert message["Version"] == VERSION
    assert message["Requires-Python"] is not None
    headers = _headers(message)
    assert MACHINE_ONLY.findall(headers) == []
    requirements = [Requirement(line) for line in message.get_all("Requires-Dist") or []]
    assert [str(r) for r in requirements if r.url is not None] == []
    declared = sorted(str(Requirement(line)) for line in PROJECT["dependencies"])
    assert sorted(str(r) for r in requirements) == declared
    torch = next(r for r in requirements if r.name == "torch")
    assert str(torch.specifier) == "==2.13.0"
    assert torch.marker is None  # the same pin everywhere: the platform picks the build


def test_wheel_installs_the_command_and_the_package_data(dist: Path) -> None:
    with _wheel(dist) as wheel:
        names = set(wheel.namelist())
        entry_points = wheel.read(f"{DIST_NAME}-{VERSION}.dist-info/entry_points.txt").decode()
    assert "itglue-mcp = itglue_mcp.cli.main:app" in entry_points
    for data in (
        "itglue_mcp/security/rbac/model.conf",
        "itglue_mcp/security/rbac/builtin.csv",
        "itglue_mcp/evaluation/questions/small.yaml",
        "itglue_mcp/store/migrations/script.py.mako",
    ):
        assert data in names, data
    assert any(n.startswith("itglue_mcp/store/migrations/versions/") for n in names)


def test_sdist_holds_the_package_and_its_tests_only(dist: Path) -> None:
    members = _sdist_members(dist)
    tops = {name.split("/", 1)[0] for name in members}
    assert tops <= {"src", "tests", "README.md", "pyproject.toml", "PKG-INFO", ".gitignore"}
    assert "uv.lock" not in members


def test_readme_names_the_registry_server(dist: Path) -> None:
    """The MCP registry accepts a PyPI package for a server only if its description (the README)
    carries ``mcp-name: <server name>``."""
    server = json.loads(SERVER_JSON.read_text())
    assert f"mcp-name: {server['name']}" in _wheel_metadata(dist)


# --- server.json ---------------------------------------------------------------------------------


def _server() -> dict[str, Any]:
    server: dict[str, Any] = json.loads(SERVER_JSON.read_text())
    return server


def test_server_json_describes_this_release() -> None:
    """The rules of the registry's 2025-12-11 schema that this file touches, checked by hand
    (the schema itself is not vendored here)."""
    server = _server()
    assert server["$schema"].endswith("/schemas/2025-12-11/server.schema.json")
    assert re.fullmatch(r"io\.github\.[a-zA-Z0-9-]+/[a-zA-Z0-9._-]+", server["name"])
    assert 1 <= len(server["description"]) <= 100
    assert 1 <= len(server["title"]) <= 100
    assert server["version"] == VERSION
    assert server["repository"]["source"] == "github"
    owner_repo = server["name"].removeprefix("io.github.")
    assert server["repository"]["url"] == f"https://github.com/{owner_repo}"
    allowed = {
        "$schema",
        "name",
        "title",
        "description",
        "version",
        "repository",
        "websiteUrl",
        "remotes",
        "packages",
    }
    assert set(server) <= allowed


def test_server_json_remote_is_streamable_http_per_deployment() -> None:
    (remote,) = _server()["remotes"]
    assert remote["type"] == "streamable-http"
    assert re.fullmatch(r"https://[^\s]+/mcp", remote["url"])
    variables = set(re.findall(r"\{(\w+)\}", remote["url"]))
    assert variables == set(remote["variables"])
    assert all(v["isRequired"] for v in remote["variables"].values())
    # OAuth: the client finds the authorization server in the protected-resource metadata;
    # no header or token is configured here.
    assert "headers" not in remote


def test_server_json_package_runs_stdio_from_pypi() -> None:
    (package,) = _server()["packages"]
    assert package["registryType"] == "pypi"
    assert package["identifier"] == PROJECT["name"]
    assert package["version"] == VERSION
    assert package["runtimeHint"] == "uvx"
    assert package["transport"] == {"type": "stdio"}
    assert package["packageArguments"] == [{"type": "positional", "value": "stdio"}]
    settings = settings_reference()
    for variable in package["environmentVariables"]:
        assert f"`{variable['name']}`" in settings, variable["name"]
        assert set(variable) <= {
            "name",
            "description",
            "format",
            "isRequired",
            "isSecret",
            "default",
            "placeholder",
            "choices",
        }
    secret = {v["name"] for v in package["environmentVariables"] if v.get("isSecret")}
    assert secret == {"ITGLUE_MCP_ITGLUE__API_KEY"}


# --- the release jobs ----------------------------------------------------------------------------


def _release() -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load(RELEASE.read_text())
    return {("on" if key is True else key): value for key, value in raw.items()}


def test_release_builds_checks_and_smoke_tests_the_distributions() -> None:
    job = _release()["jobs"]["dist"]
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "uv build --no-sources --out-dir dist" in script
    assert "/opt/wheels" in script and "Requires-Dist" in script  # the metadata check
    assert "--torch-backend cpu" in script and "itglue-mcp --help" in script
    (upload,) = [s for s in job["steps"] if "upload-artifact@" in str(s.get("uses"))]
    assert upload["with"]["path"] == "dist/"
    (uv,) = [s for s in job["steps"] if "setup-uv@" in str(s.get("uses"))]
    assert uv["with"]["enable-cache"] is False


def test_release_publishes_to_pypi_by_trusted_publishing() -> None:
    job = _release()["jobs"]["pypi"]
    assert set(job["needs"]) == {"version", "dist"}
    assert job["permissions"] == {"id-token": "write"}
    assert job["environment"]["name"] == "pypi"
    assert job["environment"]["url"] == f"https://pypi.org/p/{PROJECT['name']}"
    uses = [str(step.get("uses", "")) for step in job["steps"]]
    assert any(u.startswith("actions/download-artifact@") for u in uses)
    (publish,) = [s for s in job["steps"] if "pypa/gh-action-pypi-publish@" in str(s.get("uses"))]
    # No password or token input: the OIDC token is the credential.
    assert set(publish.get("with", {})) <= {"packages-dir", "attestations", "verbose"}
    assert not [u for u in uses if u.startswith("actions/checkout@")]  # nothing of the repo runs


def test_release_checks_server_json_against_the_tag() -> None:
    script = "\n".join(step.get("run", "") for step in _release()["jobs"]["version"]["steps"])
    assert "server.json" in script
