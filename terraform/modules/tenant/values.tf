# The chart values of the tenant's release, from the variables alone (no resources, no secret
# values): the chart reads secrets from the Secret named in secrets.existingSecret.

locals {
  namespace    = coalesce(var.namespace, "itglue-${var.tenant}")
  release_name = coalesce(var.release_name, var.tenant)
  secret_name  = coalesce(var.existing_secret_name, "${local.release_name}-itglue-mcp-settings")
  # The chart from this repository unless a repository (e.g. the OCI registry) is named.
  chart = coalesce(var.chart, var.chart_repository == null ? "${path.module}/../../../helm/itglue-mcp" : "itglue-mcp")

  # Drops the null entries of a map, so the chart's defaults apply to what is not set.
  image_values = { for key, value in {
    repository = var.image_repository
    tag        = var.image_tag
    digest     = var.image_digest
    pullPolicy = var.image_digest == null ? null : "IfNotPresent"
  } : key => value if value != null }

  auth_values = { for key, value in {
    mode         = var.auth_mode
    issuer       = var.auth_issuer
    audience     = var.auth_audience
    jwksUri      = var.auth_jwks_uri
    claimsPreset = var.auth_claims_preset
    proxy        = var.auth_proxy_client_id == null ? null : { clientId = var.auth_proxy_client_id }
  } : key => value if value != null }

  itglue_values = { for key, value in {
    region = var.itglue_region
    apiUrl = var.itglue_api_url
  } : key => value if value != null }

  index_values = { for key, value in {
    qdrantUrl = var.qdrant_url
    cidrs     = length(var.qdrant_cidrs) > 0 ? var.qdrant_cidrs : null
  } : key => value if value != null }

  ingress_values = {
    enabled     = var.ingress.enabled
    className   = var.ingress.class_name
    annotations = var.ingress.annotations
    tls         = { secretName = var.ingress.tls_secret_name == null ? "" : var.ingress.tls_secret_name }
  }

  chart_values = { for key, value in {
    tenant    = var.tenant
    image     = length(local.image_values) > 0 ? local.image_values : null
    publicUrl = var.public_url
    itglue    = local.itglue_values
    auth      = local.auth_values
    secrets   = { existingSecret = local.secret_name }
    database  = { cidrs = var.database_cidrs }
    redis     = { cidrs = var.redis_cidrs }
    index     = length(local.index_values) > 0 ? local.index_values : null
    otel      = var.otel_endpoint == null ? null : { endpoint = var.otel_endpoint }
    ingress   = local.ingress_values
    serviceAccount = {
      create      = true
      name        = var.service_account_name
      annotations = var.service_account_annotations
    }
  } : key => value if value != null }
}
