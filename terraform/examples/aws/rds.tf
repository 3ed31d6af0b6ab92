# --- PostgreSQL: the tenant's store ------------------------------------------------------------

resource "aws_db_subnet_group" "store" {
  name        = local.name
  description = "itglue-mcp tenant ${var.tenant}: private subnets of the store"
  subnet_ids  = var.database_subnet_ids
}

resource "aws_db_parameter_group" "store" {
  name_prefix = "${local.name}-"
  family      = "postgres${var.postgres_version}"
  description = "itglue-mcp tenant ${var.tenant}: TLS only, slow and DDL statements logged"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "store" {
  name_prefix = "${local.name}-store-"
  description = "itglue-mcp tenant ${var.tenant}: PostgreSQL, reachable from the EKS workloads only"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "store" {
  for_each = toset(local.client_security_group_ids)

  security_group_id            = aws_security_group.store.id
  description                  = "PostgreSQL from the EKS workloads"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

# RDS creates these groups itself, unencrypted and kept forever, unless they exist first.
resource "aws_cloudwatch_log_group" "store" {
  for_each = toset(["postgresql", "upgrade"])

  name              = "/aws/rds/instance/${local.name}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.tenant.arn
}

data "aws_iam_policy_document" "rds_monitoring_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name_prefix        = "${local.name}-rds-mon-"
  description        = "Enhanced Monitoring of the itglue-mcp store of tenant ${var.tenant}"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_trust.json
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "store" {
  identifier     = local.name
  engine         = "postgres"
  engine_version = var.postgres_version
  instance_class = var.db_instance_class
  db_name        = "itglue"
  username       = "itglue_mcp"
  password       = random_password.database.result
  port           = 5432

  # Storage: encrypted with the tenant's key, autoscaled.
  storage_type          = "gp3"
  allocated_storage     = var.db_allocated_storage_gb
  max_allocated_storage = var.db_max_allocated_storage_gb
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.tenant.arn

  # Network: private subnets, no public address, the store security group only, TLS forced by
  # the parameter group.
  db_subnet_group_name   = aws_db_subnet_group.store.name
  vpc_security_group_ids = [aws_security_group.store.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.store.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"
  multi_az               = var.db_multi_az

  # IAM database authentication is on for operators (aws rds generate-db-auth-token); the
  # server connects with the generated password from its Secret.
  iam_database_authentication_enabled = true

  # Backups, and no accidental loss.
  backup_retention_period   = var.db_backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"

  # Observability.
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.tenant.arn
  performance_insights_retention_period = 7

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  depends_on = [aws_cloudwatch_log_group.store]
}
