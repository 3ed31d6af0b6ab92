"""The Terraform under ``terraform/``: the ``tenant`` module and the ``aws`` example.

Providers cannot be downloaded here, so nothing is planned. Instead: ``terraform fmt`` (the real
binary), every file parsed with python-hcl2, structural rules (descriptions, sensitive inputs,
pinned providers, the release pointing at the chart, the AWS resources' protections), the
module's chart values evaluated by ``terraform console`` (they depend on variables only) and
rendered by the real Helm SDK against the chart's values schema, its input validations shown
to refuse bad inputs, and checkov's Terraform checks with zero failures.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import helm_python as helm
import pytest

from tests.deploy.conftest import CHART_DIR, REPO, Manifest, find, manifests_of, pod_spec

TERRAFORM_DIR = REPO / "terraform"
MODULE_DIR = TERRAFORM_DIR / "modules" / "tenant"
AWS_DIR = TERRAFORM_DIR / "examples" / "aws"
TF_FILES = sorted(TERRAFORM_DIR.rglob("*.tf"))

CHECKOV = ("uv", "tool", "run", "--from", "checkov==3.3.30", "checkov")
"""How checkov runs: from its own tool environment (it conflicts with python-hcl2 in the
project's). ``ITGLUE_MCP_CHECKOV`` may name a checkov executable instead."""

# Every checkov skip the Terraform carries, each with its justification beside it.
ALLOWED_SKIPS = {
    "CKV2_AWS_57",  # Secrets Manager rotation: Terraform owns the values and rotates them
}

# Variables that hold credentials (or URLs that embed them) and must be marked sensitive; no
# other variable may be.
CREDENTIAL = re.compile(
    r"(api_key|token|password|client_secret|secret_data|database_url|redis_url)$"
)

PARSE_OPTIONS = hcl2.SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)

HCL = dict[str, Any]


@functools.cache
def parse(path: Path) -> HCL:
    """A .tf file as python-hcl2 reads it (once per run; callers do not modify it)."""
    parsed: HCL = hcl2.loads(path.read_text(), serialization_options=PARSE_OPTIONS)
    return parsed


def blocks(directory: Path, kind: str) -> dict[str, Any]:
    """``variable``/``output``/``module``/``locals`` blocks of every file of a directory, by
    name (locals: every local, by name)."""
    found: dict[str, Any] = {}
    for path in sorted(directory.glob("*.tf")):
        for block in parse(path).get(kind, []):
            found.update(block)
    return found


def resources(directory: Path, kind: str = "resource") -> dict[str, dict[str, Any]]:
    """``resource`` (or ``data``) blocks of a directory, keyed ``type.name``."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        for block in parse(path).get(kind, []):
            for rtype, named in block.items():
                for name, body in named.items():
                    found[f"{rtype}.{name}"] = body
    return found


def terraform_env(tmp_path: Path) -> dict[str, str]:
    """Terraform offline and quiet: no CLI configuration, no version check, no colours."""
    if shutil.which("terraform") is None:
        pytest.fail("the terraform binary is needed (CI installs it; see .github/workflows/ci.yml)")
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": os.devnull,
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_DATA_DIR": str(tmp_path / ".terraform"),
    }


# --- layout, formatting, parsing -----------------------------------------------------------------


def test_layout() -> None:
    names = {p.relative_to(TERRAFORM_DIR).as_posix() for p in TF_FILES}
    assert {
        "modules/tenant/versions.tf",
        "modules/tenant/variables.tf",
        "modules/tenant/values.tf",
        "modules/tenant/main.tf",
        "modules/tenant/outputs.tf",
        "examples/aws/versions.tf",
        "examples/aws/providers.tf",
        "examples/aws/variables.tf",
        "examples/aws/rds.tf",
        "examples/aws/redis.tf",
        "examples/aws/irsa.tf",
        "examples/aws/tenant.tf",
        "examples/aws/outputs.tf",
    } <= names
    assert (MODULE_DIR / "README.md").is_file() and (AWS_DIR / "README.md").is_file()


def test_fmt(tmp_path: Path) -> None:
    completed = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", "-no-color", str(TERRAFORM_DIR)],
        capture_output=True,
        text=True,
        env=terraform_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: p.relative_to(TERRAFORM_DIR).as_posix())
def test_parses(path: Path) -> None:
    assert parse(path)


def test_example_tfvars_parses() -> None:
    values = hcl2.loads(
        (AWS_DIR / "terraform.tfvars.example").read_text(), serialization_options=PARSE_OPTIONS
    )
    declared = blocks(AWS_DIR, "variable")
    assert set(values) <= set(declared)
    assert not {name for name in values if CREDENTIAL.search(name)}


# --- variables, outputs, providers ---------------------------------------------------------------


@pytest.mark.parametrize("directory", [MODULE_DIR, AWS_DIR], ids=["tenant", "aws"])
def test_variables_described_and_typed(directory: Path) -> None:
    variables = blocks(directory, "variable")
    assert variables
    for name, body in variables.items():
        assert len(str(body.get("description", "")).split()) >= 3, name
        assert "type" in body, name
        for validation in body.get("validation", []):
            assert validation["condition"] and validation["error_message"].endswith("."), name


@pytest.mark.parametrize("directory", [MODULE_DIR, AWS_DIR], ids=["tenant", "aws"])
def test_credentials_are_sensitive(directory: Path) -> None:
    variables = blocks(directory, "variable")
    credentials = {name for name in variables if CREDENTIAL.search(name)}
    sensitive = {name for name, body in variables.items() if body.get("sensitive") is True}
    assert credentials
    assert credentials == sensitive
    for name in credentials:  # a credential has no default but "absent"
        assert variables[name].get("default", None) in (None, {}), name


def test_module_variables_validated() -> None:
    variables = blocks(MODULE_DIR, "variable")
    for name in (
        "tenant",
        "public_url",
        "auth_mode",
        "auth_issuer",
        "auth_claims_preset",
        "itglue_region",
        "itglue_api_key",
        "image_digest",
        "database_cidrs",
        "ingress",
    ):
        assert variables[name].get("validation"), name


@pytest.mark.parametrize("directory", [MODULE_DIR, AWS_DIR], ids=["tenant", "aws"])
def test_outputs_described(directory: Path) -> None:
    outputs = blocks(directory, "output")
    assert outputs
    for name, body in outputs.items():
        assert body.get("description"), name
        assert "value" in body, name


@pytest.mark.parametrize("directory", [MODULE_DIR, AWS_DIR], ids=["tenant", "aws"])
def test_providers_pinned(directory: Path) -> None:
    (terraform,) = parse(directory / "versions.tf")["terraform"]
    assert re.fullmatch(r">= 1\.1[1-9]\.\d+, < 2\.0\.0", terraform["required_version"])
    (required,) = terraform["required_providers"]
    for name, spec in required.items():
        assert spec["source"] == f"hashicorp/{name}", name
        assert re.fullmatch(r"~> \d+\.\d+", spec["version"]), (name, spec["version"])
    used = {
        key.split(".")[0].split("_")[0]
        for key in {**resources(directory), **resources(directory, "data")}
    }
    assert used <= set(required), used - set(required)
    if directory == MODULE_DIR:  # the module uses the providers its caller configures
        assert set(required) == {"kubernetes", "helm"}
        assert "provider" not in {k for p in directory.glob("*.tf") for k in parse(p)}
    else:
        configured = {
            name for block in parse(AWS_DIR / "providers.tf")["provider"] for name in block
        }
        assert configured == {"aws", "kubernetes", "helm"}


# --- the tenant module ---------------------------------------------------------------------------


def test_release_points_at_the_chart() -> None:
    releases = {k: v for k, v in resources(MODULE_DIR).items() if k.startswith("helm_release.")}
    ((_, release),) = releases.items()
    assert release["chart"] == "${local.chart}"
    assert release["repository"] == "${var.chart_repository}"
    assert release["atomic"] is True and release["wait"] is True
    assert release["values"][0] == "${yamlencode(local.chart_values)}"
    default_chart = blocks(MODULE_DIR, "locals")["chart"]
    match = re.search(r"\$\{path\.module\}/([^\"]+)", default_chart)
    assert match is not None, default_chart
    assert (MODULE_DIR / match.group(1)).resolve() == CHART_DIR
    assert (CHART_DIR / "Chart.yaml").is_file()


def test_secret_is_write_only() -> None:
    secrets = {
        k: v for k, v in resources(MODULE_DIR).items() if k.startswith("kubernetes_secret_v1.")
    }
    ((_, secret),) = secrets.items()
    assert "data" not in secret and "binary_data" not in secret
    assert secret["data_wo"] == "${local.secret_data}"
    assert secret["data_wo_revision"] == "${var.secret_revision}"
    # The chart values never refer to a credential.
    values_text = (MODULE_DIR / "values.tf").read_text()
    for name in blocks(MODULE_DIR, "variable"):
        if CREDENTIAL.search(name):
            assert f"var.{name}" not in values_text, name


def terraform_console(tmp_path: Path, inputs: dict[str, Any], expression: str) -> tuple[str, str]:
    """Evaluate ``expression`` against the module's variables.tf and values.tf (no providers
    needed: they refer to variables only). Returns (stdout, stderr)."""
    workdir = tmp_path / "console"
    workdir.mkdir(exist_ok=True)
    for name in ("variables.tf", "values.tf"):
        shutil.copy(MODULE_DIR / name, workdir / name)
    (workdir / "inputs.tfvars.json").write_text(json.dumps(inputs))
    completed = subprocess.run(
        ["terraform", "console", "-var-file=inputs.tfvars.json", "-no-color"],
        input=expression + "\n",
        capture_output=True,
        text=True,
        cwd=workdir,
        env=terraform_env(tmp_path),
        timeout=60,
        check=False,
    )
    return completed.stdout, completed.stderr


def chart_values(tmp_path: Path, inputs: dict[str, Any]) -> dict[str, Any]:
    stdout, stderr = terraform_console(tmp_path, inputs, "jsonencode(local.chart_values)")
    assert "Error" not in stderr, stderr
    values: dict[str, Any] = json.loads(json.loads(stdout.strip()))
    return values


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge of two values files: ``override`` wins, maps merge recursively."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


REQUIRED_INPUTS = {
    "tenant": "acme",
    "public_url": "https://mcp.acme.example",
    "auth_issuer": "https://login.example.com/acme",
    "itglue_api_key": "itglue-key-0123456789abcdef",
}

AWS_LIKE_INPUTS = {
    **REQUIRED_INPUTS,
    "namespace": "itglue-acme",
    "image_repository": "ghcr.io/example/itglue-mcp",
    "image_digest": "sha256:" + "ab" * 32,
    "auth_audience": "api://itglue-mcp-acme",
    "auth_claims_preset": "entra",
    "itglue_region": "eu",
    "database_url": "postgresql+asyncpg://itglue_mcp:pw@db.internal:5432/itglue?ssl=require",
    "redis_url": "rediss://:token@cache.internal:6379/0",
    "database_cidrs": ["10.20.0.0/24", "10.20.1.0/24"],
    "redis_cidrs": ["10.20.0.0/24", "10.20.1.0/24"],
    "ingress": {
        "enabled": True,
        "class_name": "nginx",
        "tls_secret_name": "mcp-acme-tls",
        "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt"},
    },
    "service_account_annotations": {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/itglue-acme-0001"
    },
}

EXTRA_VALUES = {"autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 6}}


def render_release(chart: helm.Chart, values: dict[str, Any], namespace: str) -> list[Manifest]:
    return manifests_of(chart.render(values, name="acme", namespace=namespace, is_install=True))


def test_module_values_render_minimal(chart: helm.Chart, tmp_path: Path) -> None:
    values = chart_values(tmp_path, REQUIRED_INPUTS)
    assert values["secrets"] == {"existingSecret": "acme-itglue-mcp-settings"}
    assert "image" not in values and "index" not in values  # the chart's defaults apply
    objects = render_release(chart, values, "itglue-acme")
    (deployment,) = find(objects, "Deployment", "server")
    spec = pod_spec(deployment)
    assert spec["serviceAccountName"] == "itglue-mcp"
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["settings-secrets"]["secret"]["secretName"] == "acme-itglue-mcp-settings"
    assert find(objects, "Ingress") == []


def test_module_values_render_like_the_aws_example(chart: helm.Chart, tmp_path: Path) -> None:
    values = merged(chart_values(tmp_path, AWS_LIKE_INPUTS), EXTRA_VALUES)
    objects = render_release(chart, values, "itglue-acme")
    (deployment,) = find(objects, "Deployment", "server")
    (container,) = pod_spec(deployment)["containers"]
    assert container["image"] == "ghcr.io/example/itglue-mcp@sha256:" + "ab" * 32
    (service_account,) = [
        o for o in find(objects, "ServiceAccount") if o["metadata"]["name"] == "itglue-mcp"
    ]
    assert pod_spec(deployment)["serviceAccountName"] == "itglue-mcp"
    assert service_account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith(
        "arn:aws:iam::"
    )
    (ingress,) = find(objects, "Ingress")
    assert ingress["spec"]["tls"] == [{"hosts": ["mcp.acme.example"], "secretName": "mcp-acme-tls"}]
    assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt"
    settings = next(
        cm for cm in find(objects, "ConfigMap") if "ITGLUE_MCP_PUBLIC_URL" in cm["data"]
    )
    assert settings["data"]["ITGLUE_MCP_AUTH__AUDIENCE"] == "api://itglue-mcp-acme"
    assert settings["data"]["ITGLUE_MCP_ITGLUE__REGION"] == "eu"
    egress_cidrs = {
        peer["ipBlock"]["cidr"]
        for policy in find(objects, "NetworkPolicy")
        for rule in policy["spec"].get("egress", [])
        for peer in rule.get("to", [])
        if "ipBlock" in peer
    }
    assert {"10.20.0.0/24", "10.20.1.0/24"} <= egress_cidrs
    assert find(objects, "HorizontalPodAutoscaler")
    # No credential reaches the values, hence no rendered object.
    text = json.dumps(objects)
    for name in ("itglue_api_key", "database_url", "redis_url"):
        assert str(AWS_LIKE_INPUTS[name]) not in text, name


def test_module_values_hide_credentials(tmp_path: Path) -> None:
    stdout, stderr = terraform_console(tmp_path, AWS_LIKE_INPUTS, "local.chart_values")
    assert "Error" not in stderr, stderr
    assert "itglue-key-0123456789abcdef" not in stdout and "rediss://" not in stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"tenant": "Acme Corp"}, "tenant must be a lower-case DNS label"),
        ({"public_url": "http://mcp.acme.example"}, "public_url must be an https:// URL"),
        ({"public_url": "https://mcp.acme.example/"}, "without a trailing slash"),
        ({"auth_mode": "static"}, "auth_mode must be oidc or proxy"),
        ({"auth_mode": "proxy"}, "auth_mode proxy needs auth_proxy_client_id"),
        ({"itglue_region": "uk"}, "itglue_region must be us, eu or au"),
        ({"itglue_api_key": None}, "itglue_api_key is required"),
        ({"image_digest": "sha256:abc"}, "image_digest must be sha256:"),
        ({"database_url": "mysql://db/x"}, "database_url must be a postgresql+asyncpg://"),
        ({"database_cidrs": ["10.0.0.0/33"]}, "database_cidrs must be CIDR blocks"),
        ({"ingress": {"enabled": True}}, "An enabled ingress needs tls_secret_name"),
        ({"chart_version": "0.1.0"}, "chart_version applies to a chart from chart_repository"),
    ],
)
def test_module_refuses_bad_inputs(tmp_path: Path, override: dict[str, Any], message: str) -> None:
    _, stderr = terraform_console(tmp_path, {**REQUIRED_INPUTS, **override}, "local.release_name")
    assert "Invalid value for variable" in stderr
    assert message in " ".join(stderr.split()), stderr


def test_existing_secret_needs_no_credentials(tmp_path: Path) -> None:
    inputs = {**REQUIRED_INPUTS, "itglue_api_key": None, "existing_secret_name": "acme-settings"}
    values = chart_values(tmp_path, inputs)
    assert values["secrets"] == {"existingSecret": "acme-settings"}


# --- the AWS example -----------------------------------------------------------------------------


def test_aws_database() -> None:
    (db,) = [v for k, v in resources(AWS_DIR).items() if k.startswith("aws_db_instance.")]
    assert db["engine"] == "postgres"
    assert db["storage_encrypted"] is True and db["kms_key_id"].startswith("${aws_kms_key.")
    assert db["publicly_accessible"] is False
    assert db["deletion_protection"] is True and db["skip_final_snapshot"] is False
    assert db["iam_database_authentication_enabled"] is True
    assert db["backup_retention_period"] == "${var.db_backup_retention_days}"
    assert blocks(AWS_DIR, "variable")["db_backup_retention_days"]["default"] >= 7
    (params,) = [
        v for k, v in resources(AWS_DIR).items() if k.startswith("aws_db_parameter_group.")
    ]
    assert {"name": "rds.force_ssl", "value": "1"} in params["parameter"]
    assert db["password"] == "${random_password.database.result}"


def test_aws_redis() -> None:
    (redis,) = [
        v
        for k, v in resources(AWS_DIR).items()
        if k.startswith("aws_elasticache_replication_group.")
    ]
    assert redis["at_rest_encryption_enabled"] is True
    assert redis["transit_encryption_enabled"] is True
    assert redis["transit_encryption_mode"] == "required"
    assert redis["auth_token"] == "${random_password.redis.result}"
    assert redis["kms_key_id"].startswith("${aws_kms_key.")
    assert redis["automatic_failover_enabled"] is True


def test_aws_security_groups_admit_only_the_cluster() -> None:
    found = resources(AWS_DIR)
    groups = {k: v for k, v in found.items() if k.startswith("aws_security_group.")}
    assert len(groups) == 2
    for name, group in groups.items():  # no inline rules: no egress, ingress only below
        assert "ingress" not in group and "egress" not in group, name
    rules = {k: v for k, v in found.items() if k.startswith("aws_vpc_security_group_")}
    assert {k.split(".")[0] for k in rules} == {"aws_vpc_security_group_ingress_rule"}
    ports = set()
    for name, rule in rules.items():
        assert rule["referenced_security_group_id"] == "${each.value}", name
        assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & set(rule), name
        assert rule["for_each"] == "${toset(local.client_security_group_ids)}", name
        assert rule["from_port"] == rule["to_port"], name
        ports.add(rule["to_port"])
    assert ports == {5432, 6379}


def test_aws_irsa_is_scoped_to_the_tenant() -> None:
    documents = resources(AWS_DIR, "data")
    (trust,) = documents["aws_iam_policy_document.irsa_trust"]["statement"]
    assert trust["actions"] == ["sts:AssumeRoleWithWebIdentity"]
    conditions = {c["variable"].rsplit(":", 1)[1]: c for c in trust["condition"]}
    assert conditions["sub"]["test"] == "StringEquals"
    assert conditions["sub"]["values"] == [
        "system:serviceaccount:${local.namespace}:${local.service_account}"
    ]
    assert conditions["aud"]["values"] == ["sts.amazonaws.com"]
    for statement in documents["aws_iam_policy_document.irsa"]["statement"]:
        assert "*" not in json.dumps(statement["resources"]), statement
        assert all(":*" not in action for action in statement["actions"]), statement
    # The module creates the ServiceAccount the trust names, and annotates it with the role.
    (tenant,) = blocks(AWS_DIR, "module").values()
    assert tenant["source"] == "../../modules/tenant"
    assert tenant["service_account_name"] == "${local.service_account}"
    assert tenant["namespace"] == "${local.namespace}"
    assert "${aws_iam_role.irsa.arn}" in json.dumps(tenant["service_account_annotations"])


def test_aws_example_passes_every_required_module_input() -> None:
    module_variables = blocks(MODULE_DIR, "variable")
    required = {name for name, body in module_variables.items() if "default" not in body}
    (tenant,) = blocks(AWS_DIR, "module").values()
    assert required <= set(tenant)
    assert set(tenant) - {"source", "depends_on"} <= set(module_variables)


# --- checkov -------------------------------------------------------------------------------------


def _checkov_command() -> list[str]:
    explicit = os.environ.get("ITGLUE_MCP_CHECKOV")
    if explicit:
        return [explicit]
    if shutil.which("uv") is None:
        pytest.fail("uv is needed to run checkov from its own tool environment")
    return list(CHECKOV)


@pytest.mark.slow
def test_checkov_passes(tmp_path: Path) -> None:
    """checkov's Terraform checks over the module and the example: zero failures; every skip is
    one of the justified ones, with its reason in place."""
    completed = subprocess.run(
        [
            *_checkov_command(),
            "--directory",
            str(TERRAFORM_DIR),
            "--framework",
            "terraform",
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
    report = json.loads(completed.stdout)
    reports = report if isinstance(report, list) else [report]
    (terraform,) = reports
    assert terraform["check_type"] == "terraform"
    failed = [(c["check_id"], c["resource"]) for c in terraform["results"]["failed_checks"]]
    assert failed == []
    summary = terraform["summary"]
    assert summary["parsing_errors"] == 0
    assert summary["passed"] >= 80
    for skipped in terraform["results"]["skipped_checks"]:
        assert skipped["check_id"] in ALLOWED_SKIPS, skipped["check_id"]
        reason = skipped["check_result"].get("suppress_comment") or ""
        assert len(reason.split()) >= 4, (skipped["check_id"], reason)
    checked = {c["resource"].split(".")[0] for c in terraform["results"]["passed_checks"]}
    assert {
        "aws_db_instance",
        "aws_elasticache_replication_group",
        "aws_security_group",
        "aws_kms_key",
        "aws_iam_role",
    } <= checked
    assert completed.returncode == 0
