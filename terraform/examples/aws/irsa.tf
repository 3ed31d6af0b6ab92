# --- IAM role for the tenant's ServiceAccount (IRSA) ---------------------------------------------
# The pods may read their own connection settings from Secrets Manager (e.g. through the
# Secrets Store CSI driver's AWS provider), and nothing else: no other secret, no other key use.

data "aws_iam_openid_connect_provider" "cluster" {
  url = data.aws_eks_cluster.this.identity[0].oidc[0].issuer
}

locals {
  oidc_issuer_host = replace(data.aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
}

data "aws_iam_policy_document" "irsa_trust" {
  statement {
    sid     = "TenantServiceAccountOnly"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [data.aws_iam_openid_connect_provider.cluster.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:sub"
      values   = ["system:serviceaccount:${local.namespace}:${local.service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "irsa" {
  statement {
    sid       = "ReadOwnSettings"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [aws_secretsmanager_secret.settings.arn]
  }

  statement {
    sid       = "DecryptOwnSettings"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.tenant.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  name_prefix          = "${local.name}-"
  description          = "itglue-mcp tenant ${var.tenant}: ServiceAccount ${local.namespace}/${local.service_account}"
  assume_role_policy   = data.aws_iam_policy_document.irsa_trust.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "irsa" {
  name   = "read-own-settings"
  role   = aws_iam_role.irsa.id
  policy = data.aws_iam_policy_document.irsa.json
}
