output "mcp_url" {
  description = "The tenant's MCP endpoint."
  value       = module.tenant.mcp_url
}

output "audience" {
  description = "Audience the tenant's access tokens must carry (register it at the identity provider)."
  value       = module.tenant.audience
}

output "namespace" {
  description = "Namespace of the tenant's release."
  value       = module.tenant.namespace
}

output "database_endpoint" {
  description = "Address of the tenant's RDS PostgreSQL instance."
  value       = aws_db_instance.store.address
}

output "redis_endpoint" {
  description = "Primary endpoint of the tenant's ElastiCache replication group."
  value       = aws_elasticache_replication_group.cache.primary_endpoint_address
}

output "settings_secret_arn" {
  description = "Secrets Manager secret holding the tenant's database and Redis URLs."
  value       = aws_secretsmanager_secret.settings.arn
}

output "service_account_role_arn" {
  description = "IAM role the tenant's ServiceAccount assumes (IRSA)."
  value       = aws_iam_role.irsa.arn
}

output "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the tenant's data at rest."
  value       = aws_kms_key.tenant.arn
}
