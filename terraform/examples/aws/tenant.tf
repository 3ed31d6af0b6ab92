# --- the tenant's namespace, Secret and Helm release ----------------------------------------------

module "tenant" {
  source = "../../modules/tenant"

  tenant    = var.tenant
  namespace = local.namespace

  chart_repository = var.chart_repository
  chart_version    = var.chart_version
  image_repository = var.image_repository
  image_digest     = var.image_digest

  public_url         = var.public_url
  auth_issuer        = var.auth_issuer
  auth_audience      = var.auth_audience
  auth_claims_preset = var.auth_claims_preset
  itglue_region      = var.itglue_region

  itglue_api_key  = var.itglue_api_key
  database_url    = local.database_url
  redis_url       = local.redis_url
  secret_revision = var.secret_revision

  database_cidrs = local.database_cidrs
  redis_cidrs    = local.database_cidrs

  ingress = {
    enabled         = true
    class_name      = var.ingress_class_name
    tls_secret_name = var.ingress_tls_secret_name
    annotations     = var.ingress_annotations
  }

  service_account_name        = local.service_account
  service_account_annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.irsa.arn }

  extra_values = {
    autoscaling = { enabled = true, minReplicas = 2, maxReplicas = 6 }
  }

  # The database and the cache answer before the migration hook runs.
  depends_on = [aws_db_instance.store, aws_elasticache_replication_group.cache]
}
