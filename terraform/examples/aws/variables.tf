# --- where -----------------------------------------------------------------------------------

variable "region" {
  description = "AWS region of the EKS cluster and the tenant's database and cache."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "cluster_name" {
  description = "Name of the existing EKS cluster the tenant is installed in (this example does not create it)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be an EKS cluster name."
  }
}

variable "vpc_id" {
  description = "VPC of the EKS cluster, where the database and the cache are placed."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "database_subnet_ids" {
  description = "Private subnets (at least two availability zones) for the RDS instance and the ElastiCache replication group; their CIDRs become the chart's NetworkPolicy egress targets."
  type        = list(string)

  validation {
    condition     = length(var.database_subnet_ids) >= 2 && alltrue([for id in var.database_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "database_subnet_ids must list at least two subnet ids (subnet-...)."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach PostgreSQL and Redis (the EKS nodes' or, with security groups for pods, the tenant pods' group); empty = the cluster security group EKS attaches to managed nodes."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.client_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "client_security_group_ids must be security group ids (sg-...)."
  }
}

variable "tags" {
  description = "Tags of every AWS resource (merged into the provider's default tags)."
  type        = map(string)
  default     = {}
}

# --- the tenant ------------------------------------------------------------------------------

variable "tenant" {
  description = "Tenant name (a DNS label): the namespace is itglue-<tenant>, AWS resources are named itglue-<tenant>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,22}[a-z0-9])?$", var.tenant))
    error_message = "tenant must be a lower-case DNS label of at most 24 characters (AWS name limits)."
  }
}

variable "public_url" {
  description = "External https base URL of the tenant's server, e.g. https://mcp.acme.example."
  type        = string
}

variable "auth_issuer" {
  description = "Issuer URL of the tenant's identity provider."
  type        = string
}

variable "auth_audience" {
  description = "Audience of the tenant's access tokens; null = public_url + /mcp."
  type        = string
  default     = null
}

variable "auth_claims_preset" {
  description = "Claim layout of the identity provider: generic, entra, okta, auth0, keycloak or google."
  type        = string
  default     = "generic"
}

variable "itglue_region" {
  description = "IT Glue region of the tenant's account: us, eu or au."
  type        = string
  default     = "us"
}

variable "itglue_api_key" {
  description = "The tenant's IT Glue API key (pass it as TF_VAR_itglue_api_key, never in a file under version control)."
  type        = string
  sensitive   = true
}

variable "secret_revision" {
  description = "Revision of the tenant Secret's write-only data: bump it after changing itglue_api_key (the database password and Redis token are written with it)."
  type        = number
  default     = 1
}

# --- chart and image -------------------------------------------------------------------------

variable "chart_repository" {
  description = "OCI repository of the chart (oci://ghcr.io/OWNER/charts); null = the chart in this repository."
  type        = string
  default     = null
}

variable "chart_version" {
  description = "Chart version to install from chart_repository; null with a local chart."
  type        = string
  default     = null
}

variable "image_repository" {
  description = "Image repository of itglue-mcp; null = the chart's default."
  type        = string
  default     = null
}

variable "image_digest" {
  description = "Image digest (sha256:...) to pin the release to, as published by the release workflow; null = the chart's tag."
  type        = string
  default     = null
}

variable "ingress_class_name" {
  description = "Ingress class of the tenant's Ingress (e.g. nginx, alb)."
  type        = string
  default     = "nginx"
}

variable "ingress_tls_secret_name" {
  description = "Secret holding the TLS certificate of public_url's host (e.g. issued by cert-manager)."
  type        = string
}

variable "ingress_annotations" {
  description = "Annotations of the Ingress (e.g. cert-manager.io/cluster-issuer)."
  type        = map(string)
  default     = {}
}

# --- PostgreSQL ------------------------------------------------------------------------------

variable "postgres_version" {
  description = "Major version of RDS PostgreSQL (the parameter group family follows it)."
  type        = string
  default     = "17"

  validation {
    condition     = can(regex("^1[4-9]$", var.postgres_version))
    error_message = "postgres_version must be a supported major version (14-19)."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_allocated_storage_gb" {
  description = "Initial storage of the RDS instance, GiB (autoscaled up to db_max_allocated_storage_gb)."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage_gb >= 20
    error_message = "db_allocated_storage_gb must be at least 20 (gp3)."
  }
}

variable "db_max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling of the RDS instance, GiB."
  type        = number
  default     = 200
}

variable "db_backup_retention_days" {
  description = "Days RDS keeps automated backups (point-in-time restore window)."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 7 and 35."
  }
}

variable "db_multi_az" {
  description = "Run the RDS instance with a synchronous standby in a second availability zone."
  type        = bool
  default     = true
}

# --- Redis -----------------------------------------------------------------------------------

variable "redis_engine_version" {
  description = "ElastiCache Redis OSS engine version."
  type        = string
  default     = "7.1"
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "log_retention_days" {
  description = "Days the CloudWatch log groups of PostgreSQL and Redis keep their events."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention of at least a year (365, 400, 545, 731, ...)."
  }
}
