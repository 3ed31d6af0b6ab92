# --- Redis: the replicas' shared cache, rate limits and policy reload ---------------------------

resource "aws_elasticache_subnet_group" "cache" {
  name        = local.name
  description = "itglue-mcp tenant ${var.tenant}: private subnets of the cache"
  subnet_ids  = var.database_subnet_ids
}

resource "aws_security_group" "cache" {
  name_prefix = "${local.name}-cache-"
  description = "itglue-mcp tenant ${var.tenant}: Redis, reachable from the EKS workloads only"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "cache" {
  for_each = toset(local.client_security_group_ids)

  security_group_id            = aws_security_group.cache.id
  description                  = "Redis (TLS) from the EKS workloads"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_cloudwatch_log_group" "cache" {
  for_each = toset(["slow-log", "engine-log"])

  name              = "/aws/elasticache/${local.name}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.tenant.arn
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = local.name
  description          = "itglue-mcp tenant ${var.tenant}"
  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = var.redis_node_type
  port                 = 6379
  parameter_group_name = "default.redis7"

  # A primary and a replica in two zones, failing over by themselves.
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true

  subnet_group_name  = aws_elasticache_subnet_group.cache.name
  security_group_ids = [aws_security_group.cache.id]

  # Encrypted at rest with the tenant's key and in transit (TLS required), behind a token.
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.tenant.arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = random_password.redis.result

  snapshot_retention_limit   = 7
  snapshot_window            = "01:00-02:00"
  maintenance_window         = "sun:04:30-sun:05:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  dynamic "log_delivery_configuration" {
    for_each = aws_cloudwatch_log_group.cache
    content {
      destination      = log_delivery_configuration.value.name
      destination_type = "cloudwatch-logs"
      log_format       = "json"
      log_type         = log_delivery_configuration.key
    }
  }
}
