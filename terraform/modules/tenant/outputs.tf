output "namespace" {
  description = "Namespace of the tenant's release."
  value       = helm_release.itglue_mcp.namespace
}

output "release_name" {
  description = "Helm release name of the tenant."
  value       = helm_release.itglue_mcp.name
}

output "release_revision" {
  description = "Revision of the Helm release now deployed."
  value       = helm_release.itglue_mcp.metadata.revision
}

output "chart_version" {
  description = "Version of the chart deployed."
  value       = helm_release.itglue_mcp.metadata.version
}

output "secret_name" {
  description = "Name of the Secret the release reads its settings secrets from."
  value       = local.secret_name
}

output "service_account_name" {
  description = "Name of the release's ServiceAccount (the subject a cloud IAM role trusts)."
  value       = var.service_account_name
}

output "mcp_url" {
  description = "The MCP endpoint MCP clients are configured with."
  value       = "${var.public_url}/mcp"
}

output "audience" {
  description = "Audience the tenant's access tokens must carry."
  value       = coalesce(var.auth_audience, "${var.public_url}/mcp")
}
