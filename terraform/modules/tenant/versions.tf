terraform {
  # 1.11: write-only arguments (the tenant Secret's data_wo keeps secret values out of the state);
  # 1.9: validation conditions that refer to other variables.
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.2"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.1"
    }
  }
}
