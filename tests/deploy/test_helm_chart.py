"""The Helm chart ``helm/itglue-mcp``: rendered by the real Helm SDK under every ``ci/`` profile,
linted strictly, each manifest validated against the Kubernetes API schemas of 1.30-1.34, its
values schema shown to reject bad values, its workloads' security contexts checked, and checkov's
Kubernetes policies run over the rendered manifests (and the Dockerfile) with zero failures.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from tests.deploy.conftest import (
    CHART_DIR,
    NAMESPACE,
    PROFILES,
    RELEASE,
    REPO,
    WORKLOAD_KINDS,
    Manifest,
    find,
    manifests_of,
    pod_spec,
    profile_values,
)

EXPECTED_PROFILES = ["minimal", "production", "proxy-auth", "with-qdrant-neo4j"]

# Kubernetes versions the manifests must be valid for: 1.30 through 1.34, from the schemas the
# installed kubernetes-validate ships.
SUPPORTED_MINORS = range(30, 35)
K8S_VERSIONS = sorted(
    {
        version
        for version in kubernetes_validate.utils.all_versions()
        if version.startswith("1.") and int(version.split(".")[1]) in SUPPORTED_MINORS
    },
    key=lambda version: int(version.split(".")[1]),
)

# Custom resources kubernetes-validate has no schema for (CRDs of other projects).
CUSTOM_KINDS = {("monitoring.coreos.com/v1", "ServiceMonitor")}

CHECKOV = ("uv", "tool", "run", "--from", "checkov==3.3.30", "checkov")
"""How checkov runs: from its own tool environment (it conflicts with python-hcl2 in the
project's). ``ITGLUE_MCP_CHECKOV`` may name a checkov executable instead."""

# Every checkov skip the chart and the Dockerfile carry, each with its justification in place.
ALLOWED_SKIPS = {
    "CKV_K8S_8",  # liveness probe: the one-shot `helm test` pod
    "CKV_K8S_9",  # readiness probe: same
    "CKV_K8S_22",  # read-only root: Neo4j's entrypoint rewrites its config
    "CKV_K8S_35",  # secret as env: Qdrant's API key
    "CKV_K8S_38",  # service account token: only with Vault Kubernetes auth
    "CKV_K8S_40",  # UID >= 10000: Qdrant's and Neo4j's images run as their own UID
    "CKV_K8S_43",  # image digest: tag-pinned unless image.digest is set
    "CKV_DOCKER_2",  # HEALTHCHECK: Kubernetes probes instead
    "CKV_DOCKER_4",  # ADD: remote wheel into a scratch stage
    "CKV_DOCKER_7",  # FROM of a build stage chosen by a build argument
}


def render(chart: helm.Chart, values: dict[str, Any], **options: Any) -> list[Manifest]:
    options = {"name": RELEASE, "namespace": NAMESPACE, "is_install": True, **options}
    return manifests_of(chart.render(values, **options))


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` merged in, recursively (override wins)."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


# --- chart metadata and values documentation -----------------------------------------------------


def test_profiles_present() -> None:
    assert PROFILES == EXPECTED_PROFILES


def test_app_version_is_the_package_version() -> None:
    chart_yaml = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text())
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert chart_yaml["apiVersion"] == "v2"
    assert chart_yaml["appVersion"] == pyproject["project"]["version"]


def undocumented_values(text: str) -> list[str]:
    """Dotted keys of values.yaml-style ``text`` whose leaf has no ``# --`` comment, neither on
    itself nor on an enclosing key (a documented map documents its children)."""
    undocumented: list[str] = []
    stack: list[tuple[int, str, bool]] = []  # (indent, key, documented)
    comments: list[str] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            comments = []
            continue
        if stripped.startswith("#"):
            comments.append(stripped)
            continue
        indent = len(line) - len(line.lstrip())
        match = re.match(r"^([A-Za-z0-9_.-]+|\"[^\"]+\"):(\s|$)", stripped)
        if match is None:  # a list item or a block-scalar line
            comments = []
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        documented = any(c.startswith("# --") for c in comments)
        inherited = any(entry[2] for entry in stack)
        value = stripped[match.end() :].strip()
        following = next(
            (x for x in lines[number + 1 :] if x.strip() and not x.strip().startswith("#")), ""
        )
        is_parent = value == "" and (len(following) - len(following.lstrip())) > indent
        if not is_parent and not (documented or inherited):
            undocumented.append(".".join([entry[1] for entry in stack] + [match.group(1)]))
        stack.append((indent, match.group(1), documented))
        comments = []
    return undocumented


def test_every_value_is_documented() -> None:
    assert undocumented_values((CHART_DIR / "values.yaml").read_text()) == []


def test_documentation_check_finds_a_bare_value() -> None:
    text = "a:\n  # -- Documented.\n  b: 1\n  c: 2\n# -- A map.\nd:\n  e: 3\n"
    assert undocumented_values(text) == ["a.c"]


def test_schema_is_strict() -> None:
    """Draft-07, and every object of the schema with properties refuses unknown keys."""
    schema = json.loads((CHART_DIR / "values.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    loose: list[str] = []

    def walk(node: dict[str, Any], path: str) -> None:
        if "properties" in node:
            if node.get("additionalProperties") is not False:
                loose.append(path or "/")
            for key, child in node["properties"].items():
                walk(child, f"{path}/{key}")

    walk(schema, "")
    assert loose == []
    assert schema["properties"]["auth"]["properties"]["mode"]["enum"] == [
        "none",
        "static",
        "oidc",
        "proxy",
    ]


# --- render and lint -----------------------------------------------------------------------------


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("profile", EXPECTED_PROFILES)
def test_lint_strict(profile: str, version: str) -> None:
    report = helm.lint(
        CHART_DIR,
        profile_values(profile),
        strict=True,
        namespace=NAMESPACE,
        kube_version=f"v{version}",
    )
    assert report["errors"] == []
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert problems == []


@pytest.mark.parametrize("profile", EXPECTED_PROFILES)
def test_profile_renders_the_expected_objects(
    rendered: dict[str, list[Manifest]], profile: str
) -> None:
    kinds = {o["kind"] for o in rendered[profile]}
    for kind in (
        "ConfigMap",
        "Deployment",
        "Service",
        "ServiceAccount",
        "CronJob",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Pod",
    ):
        assert kind in kinds, kind
    for obj in rendered[profile]:
        assert obj["metadata"]["namespace"] == NAMESPACE, obj["metadata"]["name"]
        assert len(obj["metadata"]["name"]) <= 63
        labels = obj["metadata"]["labels"]
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/name"] == "itglue-mcp"


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("profile", EXPECTED_PROFILES)
def test_manifests_valid_for_kubernetes(
    rendered: dict[str, list[Manifest]], profile: str, version: str
) -> None:
    """Strict schema validation (unknown fields are errors) for each supported Kubernetes."""
    checked = 0
    for obj in rendered[profile]:
        if (obj["apiVersion"], obj["kind"]) in CUSTOM_KINDS:
            continue
        kubernetes_validate.validate(obj, version, strict=True)
        checked += 1
    assert checked >= 10


def test_kubernetes_validate_ships_the_versions() -> None:
    assert sorted(int(v.split(".")[1]) for v in K8S_VERSIONS) == list(SUPPORTED_MINORS)


# --- the server ----------------------------------------------------------------------------------


def test_server_deployment(rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["production"]
    (deployment,) = find(objects, "Deployment", "server")
    spec = pod_spec(deployment)
    (container,) = spec["containers"]
    assert container["args"] == ["serve"]
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert {c["topologyKey"] for c in spec["topologySpreadConstraints"]} == {
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    }
    # The HPA owns the replica count; the config checksum rolls the pods on a change.
    assert "replicas" not in deployment["spec"]
    (configmap,) = [
        o
        for o in find(objects, "ConfigMap")
        if o["metadata"]["name"] == deployment["metadata"]["name"]
    ]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert re.fullmatch(r"[0-9a-f]{64}", annotations["checksum/config"])
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert {"/tmp", "/data", "/var/run/secrets/itglue-mcp", "/etc/itglue-mcp/rbac"} <= set(mounts)
    assert mounts["/var/run/secrets/itglue-mcp"]["readOnly"] is True
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert "emptyDir" in volumes["tmp"] and "emptyDir" in volumes["data"]
    assert volumes["settings-secrets"]["secret"]["secretName"] == "itglue-mcp-acme"
    assert configmap["data"]["ITGLUE_MCP_RBAC__POLICY_FILE"] == "/etc/itglue-mcp/rbac/policy.csv"


def test_checksum_follows_the_settings(chart: helm.Chart) -> None:
    base = profile_values("minimal")

    def checksum(values: dict[str, Any]) -> str:
        (deployment,) = find(render(chart, values), "Deployment", "server")
        return str(deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"])

    assert checksum(base) == checksum(base)
    assert checksum(base) != checksum(merged(base, {"logLevel": "DEBUG"}))


def test_hpa_pdb_service_ingress(rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["production"]
    (hpa,) = find(objects, "HorizontalPodAutoscaler")
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 10)
    (pdb,) = find(objects, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "server"
    (ingress,) = find(objects, "Ingress")
    assert ingress["spec"]["tls"] == [
        {"hosts": ["mcp.acme.msp.example"], "secretName": "mcp-acme-tls"}
    ]
    assert ingress["spec"]["rules"][0]["host"] == "mcp.acme.msp.example"
    # oidc: only the MCP endpoint and the OAuth metadata are public (not /metrics, /readyz).
    paths = [p["path"] for p in ingress["spec"]["rules"][0]["http"]["paths"]]
    assert paths == ["/mcp", "/.well-known/"]
    (proxy_ingress,) = find(rendered["proxy-auth"], "Ingress")
    assert [p["path"] for p in proxy_ingress["spec"]["rules"][0]["http"]["paths"]] == ["/"]
    (service,) = find(objects, "Service", "server")
    assert service["spec"]["selector"] == {
        "app.kubernetes.io/name": "itglue-mcp",
        "app.kubernetes.io/instance": RELEASE,
        "app.kubernetes.io/component": "server",
    }
    # Without autoscaling the Deployment carries the replica count.
    (deployment,) = find(rendered["proxy-auth"], "Deployment", "server")
    assert deployment["spec"]["replicas"] == 2
    assert find(rendered["proxy-auth"], "HorizontalPodAutoscaler") == []


def test_settings_configmap(rendered: dict[str, list[Manifest]]) -> None:
    (configmap,) = [
        o for o in find(rendered["production"], "ConfigMap") if "policy.csv" in o["data"]
    ]
    data = configmap["data"]
    assert data["ITGLUE_MCP_PUBLIC_URL"] == "https://mcp.acme.msp.example"
    assert data["ITGLUE_MCP_AUTH__MODE"] == "oidc"
    assert data["ITGLUE_MCP_AUTH__ISSUER"].startswith("https://login.microsoftonline.com/")
    assert data["ITGLUE_MCP_AUTH__AUDIENCE"] == "11111111-2222-3333-4444-555555555555"
    assert data["ITGLUE_MCP_ITGLUE__REGION"] == "eu"
    assert data["ITGLUE_MCP_INDEX__QDRANT_URL"] == "https://qdrant.internal.example:6333"
    assert data["ITGLUE_MCP_DATA_DIR"] == "/data"
    assert data["ITGLUE_MCP_SECRETS_DIR"] == "/var/run/secrets/itglue-mcp"
    assert data["ITGLUE_MCP_SERVER__HOST"] == "0.0.0.0"
    assert json.loads(data["ITGLUE_MCP_RBAC__BINDINGS"])["Acme IT"] == ["client-readonly@42"]
    assert data["ITGLUE_MCP_RATE_LIMIT__ENABLED"] == "true"
    assert data["ITGLUE_MCP_RATE_LIMIT__REQUESTS_PER_MINUTE"] == "120"
    role_limits = json.loads(data["ITGLUE_MCP_RATE_LIMIT__ROLE_REQUESTS_PER_MINUTE"])
    assert role_limits == {"technician": 600}
    assert "acme-itglue-mcp.tenant-acme.svc" in json.loads(data["ITGLUE_MCP_SERVER__ALLOWED_HOSTS"])
    assert "g, group:Acme Night Shift, role:night-shift, *" in data["policy.csv"]
    for profile, objects in rendered.items():
        for cm in find(objects, "ConfigMap"):
            for key in cm["data"]:
                assert not re.search(r"(API_KEY|TOKEN|PASSWORD|CLIENT_SECRET)$", key), (
                    profile,
                    key,
                )


def test_in_chart_backends_wire_the_app(rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["with-qdrant-neo4j"]
    data = next(
        o["data"] for o in find(objects, "ConfigMap") if "ITGLUE_MCP_AUTH__MODE" in o["data"]
    )
    assert data["ITGLUE_MCP_INDEX__QDRANT_URL"] == "http://acme-itglue-mcp-qdrant:6333"
    assert data["ITGLUE_MCP_NEO4J_URI"] == "bolt://acme-itglue-mcp-neo4j:7687"
    assert data["ITGLUE_MCP_SECRETS_DIR"] == "/vault/secrets"
    for component in ("qdrant", "neo4j"):
        (statefulset,) = find(objects, "StatefulSet", component)
        (service,) = find(objects, "Service", component)
        assert service["spec"]["clusterIP"] == "None"
        assert statefulset["spec"]["serviceName"] == service["metadata"]["name"]
        assert statefulset["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "gp3"
        container = pod_spec(statefulset)["containers"][0]
        assert {"startupProbe", "readinessProbe", "livenessProbe"} <= set(container)


# --- jobs ----------------------------------------------------------------------------------------


def test_sync_cronjob(rendered: dict[str, list[Manifest]]) -> None:
    (cronjob,) = find(rendered["production"], "CronJob", "sync")
    spec = cronjob["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["schedule"] == "*/15 * * * *"
    assert spec["successfulJobsHistoryLimit"] == 3 and spec["failedJobsHistoryLimit"] == 3
    job = spec["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 2 and job["activeDeadlineSeconds"] == 3600
    (container,) = pod_spec(cronjob)["containers"]
    assert container["args"] == ["sync"]


def test_sync_worker_deployment(chart: helm.Chart, rendered: dict[str, list[Manifest]]) -> None:
    """One replica of ``itglue-mcp sync-worker``, replaced only after the old one stopped, with
    the settings and secrets the sync CronJob has; ``syncWorker.enabled: false`` drops it."""
    (cronjob,) = find(rendered["production"], "CronJob", "sync")
    (deployment,) = find(rendered["production"], "Deployment", "sync-worker")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector["app.kubernetes.io/component"] == "sync-worker"
    worker, sync = pod_spec(deployment), pod_spec(cronjob)
    (container,) = worker["containers"]
    assert container["args"] == ["sync-worker", "--poll-interval=2"]
    (sync_container,) = sync["containers"]
    assert container["envFrom"] == sync_container["envFrom"]
    assert container["volumeMounts"] == sync_container["volumeMounts"]
    assert worker["volumes"] == sync["volumes"]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["checksum/config"]
    values = merged(profile_values("production"), {"syncWorker": {"enabled": False}})
    assert find(render(chart, values), "Deployment", "sync-worker") == []


def test_migration_hook(rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["minimal"]
    (job,) = find(objects, "Job", "migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    (container,) = pod_spec(job)["containers"]
    assert container["args"] == ["migrate"]
    # The hook runs before the ConfigMap and the ServiceAccount of the release exist.
    assert "envFrom" not in container
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["ITGLUE_MCP_DATA_DIR"] == "/data"
    (account,) = [
        o
        for o in find(objects, "ServiceAccount")
        if o["metadata"]["name"] == pod_spec(job)["serviceAccountName"]
    ]
    assert account["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"


def test_helm_test_pod(rendered: dict[str, list[Manifest]]) -> None:
    (pod,) = find(rendered["production"], "Pod", "test")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    script = pod["spec"]["containers"][0]["args"][0]
    assert "/readyz" in script and "tools/list" in script
    env = {e["name"]: e["value"] for e in pod["spec"]["containers"][0]["env"]}
    assert env["SERVER_URL"] == "http://acme-itglue-mcp:8765"
    assert pod["spec"]["volumes"][-1]["secret"]["secretName"] == "itglue-mcp-acme-test-token"


# --- security ------------------------------------------------------------------------------------


# Containers whose root filesystem stays writable, each justified in the chart (checkov skip).
WRITABLE_ROOT = {"neo4j"}


@pytest.mark.parametrize("profile", EXPECTED_PROFILES)
def test_workload_security_contexts(rendered: dict[str, list[Manifest]], profile: str) -> None:
    vault = bool(profile_values(profile).get("vault", {}).get("enabled"))
    workloads = [o for o in rendered[profile] if o["kind"] in WORKLOAD_KINDS]
    assert workloads
    for workload in workloads:
        where = f"{workload['kind']}/{workload['metadata']['name']}"
        spec = pod_spec(workload)
        pod_context = spec["securityContext"]
        assert pod_context["runAsNonRoot"] is True, where
        assert pod_context["runAsUser"] > 0, where
        assert pod_context["seccompProfile"]["type"] == "RuntimeDefault", where
        assert not spec.get("hostNetwork") and not spec.get("hostPID"), where
        component = workload["metadata"]["labels"]["app.kubernetes.io/component"]
        token = spec.get("automountServiceAccountToken")
        assert token is (vault and component in {"server", "sync", "sync-worker", "migrate"}), where
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context.get("privileged", False) is False, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            assert "add" not in context["capabilities"], where
            assert context["seccompProfile"]["type"] == "RuntimeDefault", where
            assert context["readOnlyRootFilesystem"] is (container["name"] not in WRITABLE_ROOT), (
                where
            )
            assert container["resources"]["limits"]["memory"], where
            assert container["resources"]["requests"]["cpu"], where
            assert "latest" not in container["image"], where
            for env in container.get("env", []):
                if re.search(r"KEY|TOKEN|PASSWORD|SECRET", env["name"]) and "value" in env:
                    assert env["name"].endswith(("_FILE", "_DIR")), (where, env["name"])


@pytest.mark.parametrize("profile", EXPECTED_PROFILES)
def test_network_policies(rendered: dict[str, list[Manifest]], profile: str) -> None:
    policies = find(rendered[profile], "NetworkPolicy")
    deny = [p for p in policies if p["metadata"]["name"].endswith("-default-deny")]
    assert len(deny) == 1
    assert deny[0]["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in deny[0]["spec"] and "egress" not in deny[0]["spec"]
    for policy in policies:
        for rule in policy["spec"].get("egress", []):
            assert rule.get("to"), policy["metadata"]["name"]  # an empty `to` allows everything
            assert rule.get("ports"), policy["metadata"]["name"]
        for rule in policy["spec"].get("ingress", []):
            assert rule.get("from"), policy["metadata"]["name"]
    egress = next(p for p in policies if p["metadata"]["name"].endswith("-egress"))
    ports = {port["port"] for rule in egress["spec"]["egress"] for port in rule["ports"]}
    assert {53, 443} <= ports
    # Every pod of the release is covered by the default deny.
    selector = deny[0]["spec"]["podSelector"]["matchLabels"]
    for workload in (o for o in rendered[profile] if o["kind"] in WORKLOAD_KINDS):
        template = (
            workload
            if workload["kind"] == "Pod"
            else (
                workload["spec"]["jobTemplate"]["spec"]["template"]
                if workload["kind"] == "CronJob"
                else workload["spec"]["template"]
            )
        )
        assert selector.items() <= template["metadata"]["labels"].items()


def test_network_policy_egress_targets(rendered: dict[str, list[Manifest]]) -> None:
    egress = next(
        p
        for p in find(rendered["production"], "NetworkPolicy")
        if p["metadata"]["name"].endswith("-egress")
    )
    cidrs = {
        peer["ipBlock"]["cidr"]
        for rule in egress["spec"]["egress"]
        for peer in rule["to"]
        if "ipBlock" in peer
    }
    assert {
        "10.20.0.0/24",
        "10.20.1.0/24",
        "10.20.2.0/24",
        "52.0.0.0/8",
        "20.190.128.0/18",
    } <= cidrs
    namespaces = {
        peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
        for rule in egress["spec"]["egress"]
        for peer in rule["to"]
    }
    assert {"kube-system", "observability"} <= namespaces
    server = next(
        p for p in find(rendered["production"], "NetworkPolicy", "server") if "ingress" in p["spec"]
    )
    sources = server["spec"]["ingress"][0]["from"]
    assert sources[0]["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "ingress-nginx"
    }


def test_service_account_token(rendered: dict[str, list[Manifest]]) -> None:
    accounts = {p: find(o, "ServiceAccount") for p, o in rendered.items()}
    assert all(a["automountServiceAccountToken"] is False for a in accounts["minimal"])
    assert all(a["automountServiceAccountToken"] is True for a in accounts["proxy-auth"])


def test_vault_agent_annotations(rendered: dict[str, list[Manifest]]) -> None:
    (deployment,) = find(rendered["with-qdrant-neo4j"], "Deployment", "server")
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["vault.hashicorp.com/agent-inject"] == "true"
    assert annotations["vault.hashicorp.com/role"] == "itglue-mcp-globex"
    assert annotations["vault.hashicorp.com/agent-inject-secret-itglue__api_key"] == (
        "secret/data/itglue-mcp/globex"
    )
    (cronjob,) = find(rendered["with-qdrant-neo4j"], "CronJob")
    job_annotations = cronjob["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"]
    assert job_annotations["vault.hashicorp.com/agent-pre-populate-only"] == "true"


def test_vault_direct_settings(rendered: dict[str, list[Manifest]]) -> None:
    data = next(
        o["data"]
        for o in find(rendered["proxy-auth"], "ConfigMap")
        if "ITGLUE_MCP_AUTH__MODE" in o["data"]
    )
    assert data["ITGLUE_MCP_AUTH__MODE"] == "proxy"
    assert data["ITGLUE_MCP_AUTH__PROXY__CLIENT_ID"].endswith(".apps.googleusercontent.com")
    assert data["ITGLUE_MCP_AUTH__PROXY__FORWARD_RESOURCE"] == "false"
    assert data["ITGLUE_MCP_VAULT__URL"] == "https://vault.internal.example:8200"
    assert data["ITGLUE_MCP_VAULT__AUTH_METHOD"] == "kubernetes"
    assert data["ITGLUE_MCP_VAULT__KUBERNETES_ROLE"] == "itglue-mcp-initech"
    assert data["ITGLUE_MCP_VAULT__PATH"] == "itglue-mcp/initech"
    assert data["ITGLUE_MCP_SECRETS_DIR"] == "/var/run/secrets/itglue-mcp"


NAMESPACED_KINDS = {
    "ConfigMap",
    "CronJob",
    "Deployment",
    "HorizontalPodAutoscaler",
    "Ingress",
    "Job",
    "NetworkPolicy",
    "PersistentVolumeClaim",
    "Pod",
    "PodDisruptionBudget",
    "Service",
    "ServiceAccount",
    "ServiceMonitor",
    "StatefulSet",
}


def test_tenants_share_nothing(chart: helm.Chart) -> None:
    """Two tenants' releases: only namespaced objects, each in its own namespace, each server
    with its own audience and its own Secret, so nothing of one can reach into the other."""
    releases = {
        "acme": merged(
            profile_values("minimal"),
            {"auth": {"audience": "api://itglue-mcp-acme"}},
        ),
        "globex": merged(
            profile_values("minimal"),
            {
                "publicUrl": "https://mcp.globex.example",
                "secrets": {"existingSecret": "itglue-mcp-globex"},
            },
        ),
    }
    settings = {}
    for tenant, values in releases.items():
        objects = render(chart, values, name=tenant, namespace=f"itglue-{tenant}")
        assert {o["kind"] for o in objects} <= NAMESPACED_KINDS
        assert {o["metadata"]["namespace"] for o in objects} == {f"itglue-{tenant}"}
        (settings[tenant],) = [
            o["data"] for o in find(objects, "ConfigMap") if "ITGLUE_MCP_AUTH__MODE" in o["data"]
        ]
        (deployment,) = find(objects, "Deployment", "server")
        secret_volumes = [v for v in pod_spec(deployment)["volumes"] if "secret" in v]
        assert [v["secret"]["secretName"] for v in secret_volumes] == [
            values["secrets"]["existingSecret"]
        ]
    assert settings["acme"]["ITGLUE_MCP_AUTH__AUDIENCE"] == "api://itglue-mcp-acme"
    assert settings["globex"]["ITGLUE_MCP_PUBLIC_URL"] == "https://mcp.globex.example"
    assert "ITGLUE_MCP_AUTH__AUDIENCE" not in settings["globex"]  # = its publicUrl + /mcp
    assert settings["acme"]["ITGLUE_MCP_INDEX__COLLECTION_PREFIX"] == "acme"
    assert settings["globex"]["ITGLUE_MCP_INDEX__COLLECTION_PREFIX"] == "globex"


def test_long_release_name_is_truncated(chart: helm.Chart) -> None:
    name = "tenant-with-a-really-long-name-for-its-helm-release"
    objects = render(chart, merged(profile_values("with-qdrant-neo4j"), {}), name=name)
    for obj in objects:
        assert len(obj["metadata"]["name"]) <= 63, obj["metadata"]["name"]
        assert re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", obj["metadata"]["name"])


# --- monitoring ----------------------------------------------------------------------------------


def test_service_monitor_and_dashboard(rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["production"]
    (monitor,) = find(objects, "ServiceMonitor")
    assert monitor["spec"]["endpoints"][0]["path"] == "/metrics"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    (dashboard,) = [o for o in find(objects, "ConfigMap") if "itglue-mcp.json" in o["data"]]
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    board = json.loads(dashboard["data"]["itglue-mcp.json"])
    assert board["uid"] == "itglue-mcp" and board["panels"]
    for panel in board["panels"]:
        assert panel["targets"] and all(t["expr"] for t in panel["targets"])
    assert find(rendered["minimal"], "ServiceMonitor") == []


def test_metrics_have_their_own_port(rendered: dict[str, list[Manifest]]) -> None:
    # The MCP port answers 421 to a Host header it does not know (a scrape by pod IP), so
    # Prometheus scrapes the metrics listener, and may reach nothing else.
    objects = rendered["production"]
    (monitor,) = find(objects, "ServiceMonitor")
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    (service,) = find(objects, "Service", "server")
    assert {"name": "metrics", "port": 9464, "targetPort": "metrics", "protocol": "TCP"} in (
        service["spec"]["ports"]
    )
    (deployment,) = find(objects, "Deployment", "server")
    ports = deployment["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert {"name": "metrics", "containerPort": 9464, "protocol": "TCP"} in ports
    (settings,) = [o for o in find(objects, "ConfigMap") if "ITGLUE_MCP_SERVER__PORT" in o["data"]]
    assert settings["data"]["ITGLUE_MCP_SERVER__METRICS_PORT"] == "9464"
    (policy,) = [
        p for p in find(objects, "NetworkPolicy", "server") if "Ingress" in p["spec"]["policyTypes"]
    ]
    from_monitoring = [
        rule
        for rule in policy["spec"]["ingress"]
        if any(
            peer.get("namespaceSelector", {})
            .get("matchLabels", {})
            .get("kubernetes.io/metadata.name")
            == "monitoring"
            for peer in rule["from"]
        )
    ]
    assert [rule["ports"] for rule in from_monitoring] == [[{"port": "metrics", "protocol": "TCP"}]]


# --- values the chart refuses --------------------------------------------------------------------

BAD_VALUES = [
    pytest.param({"auth": {"mode": "basic"}}, "/auth/mode", id="auth-mode-enum"),
    pytest.param({"publicUrl": "http://mcp.acme.example"}, "/publicUrl", id="public-url-https"),
    pytest.param({"auth": {"issuer": "login.acme.example"}}, "/auth/issuer", id="issuer-url"),
    pytest.param({"replicaCount": 3}, "replicaCount", id="unknown-top-level-key"),
    pytest.param({"server": {"replicas": 0}}, "/server/replicas", id="zero-replicas"),
    pytest.param({"server": {"replica": 2}}, "replica", id="unknown-nested-key"),
    pytest.param({"image": {"digest": "sha256:abc"}}, "/image/digest", id="image-digest"),
    pytest.param({"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy", id="pull-policy"),
    pytest.param({"itglue": {"region": "mars"}}, "/itglue/region", id="itglue-region"),
    pytest.param({"logLevel": "verbose"}, "/logLevel", id="log-level"),
    pytest.param({"service": {"port": 70000}}, "/service/port", id="service-port"),
    pytest.param({"sync": {"schedule": "every 5 minutes"}}, "/sync/schedule", id="cron"),
    pytest.param({"sync": {"backoffLimit": -1}}, "/sync/backoffLimit", id="backoff"),
    pytest.param(
        {"networkPolicy": {"itglue": {"cidrs": ["api.itglue.com"]}}},
        "/networkPolicy/itglue/cidrs/0",
        id="cidr",
    ),
    pytest.param({"vault": {"mode": "sidecar"}}, "/vault/mode", id="vault-mode"),
    pytest.param(
        {"server": {"resources": {"limits": {"memory": "lots"}}}},
        "/server/resources/limits/memory",
        id="quantity",
    ),
    pytest.param(
        {"rbac": {"bindings": {"Helpdesk": ["help desk"]}}},
        "/rbac/bindings/Helpdesk/0",
        id="binding",
    ),
    pytest.param({"rbac": {"policySource": "ldap"}}, "/rbac/policySource", id="policy-source"),
    pytest.param(
        {"securityContext": {"runAsNonRoot": False}}, "/securityContext/runAsNonRoot", id="root"
    ),
    pytest.param(
        {"securityContext": {"readOnlyRootFilesystem": False}},
        "/securityContext/readOnlyRootFilesystem",
        id="writable-root",
    ),
    pytest.param(
        {"securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}},
        "/securityContext/capabilities/add",
        id="capabilities",
    ),
    pytest.param(
        {"extraSettings": {"ITGLUE_MCP_ITGLUE__API_KEY": "x"}},
        "ITGLUE_MCP_ITGLUE__API_KEY",
        id="secret-setting",
    ),
    pytest.param({"tenant": "Acme Corp!"}, "/tenant", id="tenant-label"),
    pytest.param({"graph": {"neo4jUri": "http://neo4j:7474"}}, "/graph/neo4jUri", id="neo4j-uri"),
    # Render-time checks of the templates (fail), each naming the value.
    pytest.param({"itglue": {"apiKey": "plaintext"}}, "itglue.apiKey", id="plaintext-api-key"),
    pytest.param(
        {"auth": {"proxy": {"clientSecret": "plaintext"}}},
        "auth.proxy.clientSecret",
        id="plaintext-client-secret",
    ),
    pytest.param(
        {"index": {"qdrantApiKey": "plaintext"}}, "index.qdrantApiKey", id="plaintext-qdrant-key"
    ),
    pytest.param({"auth": {"mode": "none"}}, "auth.mode", id="loopback-only-mode"),
    pytest.param({"secrets": {"existingSecret": ""}}, "secrets.existingSecret", id="no-secret"),
    pytest.param({"publicUrl": ""}, "publicUrl", id="no-public-url"),
    pytest.param({"auth": {"mode": "proxy"}}, "auth.proxy.clientId", id="proxy-client-id"),
    pytest.param(
        {"ingress": {"enabled": True}}, "ingress.tls.secretName", id="ingress-without-tls"
    ),
    pytest.param({"neo4j": {"enabled": True}}, "neo4j.authSecret", id="neo4j-without-auth"),
    pytest.param({"vault": {"enabled": True}}, "vault.address", id="vault-incomplete"),
]


@pytest.mark.parametrize(("override", "named"), BAD_VALUES)
def test_bad_values_are_refused(chart: helm.Chart, override: dict[str, Any], named: str) -> None:
    values = merged(profile_values("minimal"), override)
    with pytest.raises((helm.HelmValuesError, helm.HelmRenderError)) as refused:
        chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    assert named in str(refused.value)


# --- checkov -------------------------------------------------------------------------------------


def _checkov_command() -> list[str]:
    explicit = os.environ.get("ITGLUE_MCP_CHECKOV")
    if explicit:
        return [explicit]
    if shutil.which("uv") is None:
        pytest.fail("uv is needed to run checkov from its own tool environment")
    return list(CHECKOV)


@pytest.mark.slow
def test_checkov_passes(rendered: dict[str, list[Manifest]], tmp_path: Path) -> None:
    """checkov's Kubernetes checks over every profile, and its Dockerfile checks, in one run:
    zero failures; every skip is one of the justified ones, with its reason in place."""
    for profile, objects in rendered.items():
        (tmp_path / f"{profile}.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False))
    shutil.copy(REPO / "docker" / "Dockerfile", tmp_path / "Dockerfile")
    completed = subprocess.run(
        [
            *_checkov_command(),
            "--directory",
            str(tmp_path),
            "--framework",
            "kubernetes",
            "dockerfile",
            "--output",
            "json",
            "--compact",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    reports = json.loads(completed.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    by_type = {report["check_type"]: report for report in reports}
    assert set(by_type) == {"kubernetes", "dockerfile"}
    for check_type, report in by_type.items():
        summary = report["summary"]
        failed = [
            (c["check_id"], c["resource"]) for c in report["results"].get("failed_checks", [])
        ]
        assert failed == [], check_type
        assert summary["parsing_errors"] == 0, check_type
        assert summary["passed"] > 0, check_type
        for skipped in report["results"].get("skipped_checks", []):
            assert skipped["check_id"] in ALLOWED_SKIPS, skipped["check_id"]
            reason = skipped["check_result"].get("suppress_comment") or ""
            assert len(reason.split()) >= 4, (skipped["check_id"], reason)
    assert by_type["kubernetes"]["summary"]["resource_count"] >= 50
    assert completed.returncode == 0


def test_rendered_objects_are_stable(chart: helm.Chart) -> None:
    """Rendering twice gives the same text (no random or time-dependent output, so an upgrade
    with unchanged values changes nothing and the config checksum rolls no pod)."""
    values = profile_values("production")
    first = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    second = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_upgrade=True)
    assert first == second
