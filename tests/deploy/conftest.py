"""Fixtures of the delivery tests: the Helm chart rendered by the real Helm SDK per profile.

The chart is rendered with ``helm-python-sdk`` (Helm's Go SDK through its C ABI: the same
template engine and values-schema validation as ``helm install``), offline: no cluster, no
network. Each ``helm/itglue-mcp/ci/<profile>-values.yaml`` is one profile.

Example::

    def test_something(rendered):
        deployment = find(rendered["production"], "Deployment")
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART_DIR = REPO / "helm" / "itglue-mcp"
PROFILES = sorted(
    p.name.removesuffix("-values.yaml") for p in (CHART_DIR / "ci").glob("*-values.yaml")
)
RELEASE = "acme"
NAMESPACE = "tenant-acme"

Manifest = dict[str, Any]


def profile_values(profile: str) -> dict[str, Any]:
    """The values file of one ``ci/`` profile."""
    values: dict[str, Any] = yaml.safe_load(
        (CHART_DIR / "ci" / f"{profile}-values.yaml").read_text()
    )
    return values


def manifests_of(rendered: dict[str, str]) -> list[Manifest]:
    """Every Kubernetes object of a render (NOTES.txt and empty templates left out)."""
    objects: list[Manifest] = []
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            continue
        objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return objects


def find(objects: list[Manifest], kind: str, component: str | None = None) -> list[Manifest]:
    """Objects of ``kind`` (and ``app.kubernetes.io/component``, when given)."""
    return [
        o
        for o in objects
        if o["kind"] == kind
        and (
            component is None
            or o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component
        )
    ]


def pod_spec(workload: Manifest) -> dict[str, Any]:
    """The pod spec of a Pod, Deployment, StatefulSet, Job or CronJob."""
    kind = workload["kind"]
    if kind == "Pod":
        return dict(workload["spec"])
    if kind == "CronJob":
        return dict(workload["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    return dict(workload["spec"]["template"]["spec"])


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job", "CronJob", "Pod")


@pytest.fixture(scope="session")
def chart() -> Iterator[helm.Chart]:
    """The chart, loaded once."""
    with helm.Chart.load(CHART_DIR) as loaded:
        yield loaded


@pytest.fixture(scope="session")
def rendered(chart: helm.Chart) -> dict[str, list[Manifest]]:
    """Every profile rendered as a first install of release ``acme`` in ``tenant-acme``."""
    return {
        profile: manifests_of(
            chart.render(
                profile_values(profile), name=RELEASE, namespace=NAMESPACE, is_install=True
            )
        )
        for profile in PROFILES
    }
