# An itglue-mcp tenant on an existing EKS cluster: RDS PostgreSQL, ElastiCache Redis, a KMS key
# for both, an IAM role for the tenant's ServiceAccount (IRSA) and the tenant module's release.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_subnet" "database" {
  for_each = toset(var.database_subnet_ids)
  id       = each.value
}

locals {
  name      = "itglue-${var.tenant}"
  namespace = "itglue-${var.tenant}"
  # The ServiceAccount the chart creates for the release (fixed name: the IRSA trust names it).
  service_account = "itglue-mcp"
  # Who may connect to PostgreSQL and Redis: the given groups, else the EKS cluster security
  # group (attached to managed node groups' nodes, hence to their pods' traffic).
  client_security_group_ids = length(var.client_security_group_ids) > 0 ? var.client_security_group_ids : [
    data.aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  ]
  # The NetworkPolicy egress targets of the release: the subnets the database and cache live in.
  database_cidrs = sort([for subnet in data.aws_subnet.database : subnet.cidr_block])
  account_id     = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
}

# --- encryption key --------------------------------------------------------------------------

# One customer-managed key for the tenant's data at rest: RDS storage and Performance Insights,
# ElastiCache, the Secrets Manager secret and the CloudWatch log groups.
resource "aws_kms_key" "tenant" {
  description             = "itglue-mcp tenant ${var.tenant}: data at rest"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # The account's IAM policies decide who uses the key (the AWS services act through
        # grants their callers' permissions allow).
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsOfThisTenant"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/*/${local.name}*"
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "tenant" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.tenant.key_id
}

# --- what the tenant's settings Secret is made of --------------------------------------------

resource "random_password" "database" {
  length  = 40
  special = false # RDS refuses / @ " and spaces; 40 alphanumerics are ~238 bits
}

resource "random_password" "redis" {
  length  = 64
  special = false # ElastiCache auth tokens refuse / @ " and spaces
}

locals {
  database_url = format(
    "postgresql+asyncpg://%s:%s@%s:%d/%s?ssl=require",
    aws_db_instance.store.username,
    urlencode(random_password.database.result),
    aws_db_instance.store.address,
    aws_db_instance.store.port,
    aws_db_instance.store.db_name,
  )
  redis_url = format(
    "rediss://:%s@%s:%d/0",
    urlencode(random_password.redis.result),
    aws_elasticache_replication_group.cache.primary_endpoint_address,
    aws_elasticache_replication_group.cache.port,
  )
}

# The same connection settings in Secrets Manager, the record operators and the Secrets Store
# CSI driver (through the IRSA role below) read them from.
resource "aws_secretsmanager_secret" "settings" {
  #checkov:skip=CKV2_AWS_57:Terraform generates these values and the tenant module writes them to the Kubernetes Secret; a Lambda rotation would change the database password behind the pods' backs, so rotation is a Terraform change (taint random_password, bump secret_revision)
  name                    = "itglue-mcp/${var.tenant}"
  description             = "itglue-mcp tenant ${var.tenant}: database and Redis connection settings"
  kms_key_id              = aws_kms_key.tenant.arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret_version" "settings" {
  secret_id = aws_secretsmanager_secret.settings.id
  secret_string = jsonencode({
    database_url = local.database_url
    redis_url    = local.redis_url
  })
}
