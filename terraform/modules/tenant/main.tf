# One itglue-mcp tenant: its namespace, its settings Secret and its Helm release of the chart.

locals {
  labels = {
    "app.kubernetes.io/name"       = "itglue-mcp"
    "app.kubernetes.io/instance"   = local.release_name
    "app.kubernetes.io/managed-by" = "terraform"
    "itglue-mcp/tenant"            = var.tenant
  }

  # One Secret key per setting, named like the environment variable without ITGLUE_MCP_, in
  # lower case (the chart mounts the Secret as ITGLUE_MCP_SECRETS_DIR). Unset ones are left out.
  secret_data = merge(
    { for key, value in {
      itglue__api_key            = var.itglue_api_key
      database_url               = var.database_url
      redis_url                  = var.redis_url
      index__qdrant_api_key      = var.qdrant_api_key
      auth__proxy__client_secret = var.auth_proxy_client_secret
    } : key => value if value != null },
    var.extra_secret_data,
  )
}

resource "kubernetes_namespace_v1" "tenant" {
  count = var.create_namespace ? 1 : 0

  metadata {
    name = local.namespace
    # Pod Security Admission: the chart's pods meet the restricted profile.
    labels = merge(var.namespace_labels, local.labels, {
      "pod-security.kubernetes.io/enforce" = "restricted"
      "pod-security.kubernetes.io/audit"   = "restricted"
      "pod-security.kubernetes.io/warn"    = "restricted"
    })
  }
}

resource "kubernetes_secret_v1" "settings" {
  count = var.existing_secret_name == null ? 1 : 0

  metadata {
    name      = local.secret_name
    namespace = var.create_namespace ? kubernetes_namespace_v1.tenant[0].metadata[0].name : local.namespace
    labels    = local.labels
  }

  type = "Opaque"
  # Write-only: the values go to the API server and never into the Terraform state or plan.
  # Terraform cannot see a changed value, so a change is written when secret_revision moves.
  data_wo          = local.secret_data
  data_wo_revision = var.secret_revision
}

resource "helm_release" "itglue_mcp" {
  name       = local.release_name
  namespace  = var.create_namespace ? kubernetes_namespace_v1.tenant[0].metadata[0].name : local.namespace
  chart      = local.chart
  repository = var.chart_repository
  version    = var.chart_version

  # No secret is a chart value: the chart mounts the Secret named in secrets.existingSecret.
  values = [
    yamlencode(local.chart_values),
    yamlencode(var.extra_values),
  ]

  # A failed install or upgrade (migration hook included) is rolled back, not left half-done.
  atomic          = true
  cleanup_on_fail = true
  wait            = true
  timeout         = var.helm_timeout_seconds
  max_history     = var.helm_max_history
  lint            = true

  depends_on = [kubernetes_secret_v1.settings]
}
