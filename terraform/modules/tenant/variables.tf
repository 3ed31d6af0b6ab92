# Inputs of one itglue-mcp tenant: its namespace, its Secret and its Helm release.
# Secret values are sensitive and reach the cluster only through the Secret's write-only data;
# everything else becomes chart values (see values.tf).

# --- identity --------------------------------------------------------------------------------

variable "tenant" {
  description = "Tenant name (one MSP customer account): a DNS label, used in object names, labels and the default namespace."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$", var.tenant))
    error_message = "tenant must be a lower-case DNS label of at most 32 characters (a-z, 0-9, -)."
  }
}

variable "namespace" {
  description = "Namespace of the tenant's release; null = \"itglue-<tenant>\"."
  type        = string
  default     = null

  validation {
    condition     = var.namespace == null || can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label (lower case, at most 63 characters)."
  }
}

variable "create_namespace" {
  description = "Create the namespace (with Pod Security Admission \"restricted\" labels); false = it exists already."
  type        = bool
  default     = true
}

variable "namespace_labels" {
  description = "Extra labels of the created namespace."
  type        = map(string)
  default     = {}
}

variable "release_name" {
  description = "Helm release name; null = the tenant name."
  type        = string
  default     = null

  validation {
    condition     = var.release_name == null || can(regex("^[a-z0-9]([a-z0-9-]{0,51}[a-z0-9])?$", var.release_name))
    error_message = "release_name must be a DNS label of at most 53 characters (Helm's limit)."
  }
}

# --- chart and image -------------------------------------------------------------------------

variable "chart" {
  description = "The chart: a local path (default: this repository's helm/itglue-mcp) or, with chart_repository, the chart name (itglue-mcp)."
  type        = string
  default     = null
}

variable "chart_repository" {
  description = "Repository of the chart, e.g. oci://ghcr.io/OWNER/charts (where the release workflow pushes it); null = chart is a local path."
  type        = string
  default     = null

  validation {
    condition     = var.chart_repository == null || can(regex("^(oci|https)://[^\\s]+$", var.chart_repository))
    error_message = "chart_repository must be an oci:// or https:// URL."
  }
}

variable "chart_version" {
  description = "Chart version to install from chart_repository (exact SemVer); null = the local chart's own version."
  type        = string
  default     = null

  validation {
    condition     = var.chart_version == null || can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$", var.chart_version))
    error_message = "chart_version must be an exact SemVer version such as 0.1.0."
  }

  validation {
    condition     = var.chart_version == null || var.chart_repository != null
    error_message = "chart_version applies to a chart from chart_repository only."
  }
}

variable "image_repository" {
  description = "Image repository of itglue-mcp; null = the chart's default (ghcr.io/itglue-mcp/itglue-mcp)."
  type        = string
  default     = null
}

variable "image_tag" {
  description = "Image tag; null = the chart's appVersion."
  type        = string
  default     = null
}

variable "image_digest" {
  description = "Image digest (sha256:...); when set the image is pulled by digest, the recommended production setting."
  type        = string
  default     = null

  validation {
    condition     = var.image_digest == null || can(regex("^sha256:[a-f0-9]{64}$", var.image_digest))
    error_message = "image_digest must be sha256: followed by 64 lower-case hex digits."
  }
}

# --- what the server is and who may call it --------------------------------------------------

variable "public_url" {
  description = "External https base URL of the tenant's server (https://mcp.acme.example); the MCP endpoint is this URL + /mcp."
  type        = string

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s]*)?$", var.public_url)) && !endswith(var.public_url, "/")
    error_message = "public_url must be an https:// URL without a trailing slash."
  }
}

variable "auth_mode" {
  description = "Authentication of MCP callers: oidc (access tokens of the tenant's identity provider) or proxy (OAuth proxy for IdPs without dynamic client registration)."
  type        = string
  default     = "oidc"

  validation {
    condition     = contains(["oidc", "proxy"], var.auth_mode)
    error_message = "auth_mode must be oidc or proxy (none and static are loopback-only development modes)."
  }
}

variable "auth_issuer" {
  description = "Issuer URL of the tenant's identity provider (https)."
  type        = string

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s]*)?$", var.auth_issuer))
    error_message = "auth_issuer must be an https:// URL."
  }
}

variable "auth_audience" {
  description = "Audience the tenant's access tokens must carry (each tenant its own); null = public_url + /mcp."
  type        = string
  default     = null

  validation {
    condition     = var.auth_audience == null || can(regex("^[^\\s]+$", var.auth_audience))
    error_message = "auth_audience must be non-empty and contain no whitespace."
  }
}

variable "auth_jwks_uri" {
  description = "JWKS URL of the issuer; null = the jwks_uri of the issuer's discovery document."
  type        = string
  default     = null

  validation {
    condition     = var.auth_jwks_uri == null || can(regex("^https://[^\\s]+$", var.auth_jwks_uri))
    error_message = "auth_jwks_uri must be an https:// URL."
  }
}

variable "auth_claims_preset" {
  description = "Claim layout of the identity provider: generic, entra, okta, auth0, keycloak or google."
  type        = string
  default     = "generic"

  validation {
    condition     = contains(["generic", "entra", "okta", "auth0", "keycloak", "google"], var.auth_claims_preset)
    error_message = "auth_claims_preset must be one of generic, entra, okta, auth0, keycloak, google."
  }
}

variable "auth_proxy_client_id" {
  description = "Client id registered at the upstream IdP (auth_mode proxy); its secret goes in auth_proxy_client_secret."
  type        = string
  default     = null

  validation {
    condition     = var.auth_mode != "proxy" || var.auth_proxy_client_id != null
    error_message = "auth_mode proxy needs auth_proxy_client_id."
  }
}

# --- IT Glue ---------------------------------------------------------------------------------

variable "itglue_region" {
  description = "IT Glue data-centre region of the tenant's account: us, eu or au."
  type        = string
  default     = "us"

  validation {
    condition     = contains(["us", "eu", "au"], var.itglue_region)
    error_message = "itglue_region must be us, eu or au."
  }
}

variable "itglue_api_url" {
  description = "Base URL of the IT Glue API, overriding itglue_region (e.g. a simulator in a staging tenant); null = the region's."
  type        = string
  default     = null

  validation {
    condition     = var.itglue_api_url == null || can(regex("^https?://[^\\s]+$", var.itglue_api_url))
    error_message = "itglue_api_url must be an http(s):// URL."
  }
}

# --- secrets ---------------------------------------------------------------------------------

variable "existing_secret_name" {
  description = "Name of an existing Secret in the namespace holding the settings secrets (keys itglue__api_key, database_url, redis_url, ...); null = the module creates it from the sensitive variables below."
  type        = string
  default     = null

  validation {
    condition     = var.existing_secret_name == null || can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", var.existing_secret_name))
    error_message = "existing_secret_name must be a Kubernetes object name."
  }
}

variable "itglue_api_key" {
  description = "The tenant's IT Glue API key (Secret key itglue__api_key); required unless existing_secret_name is set."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.existing_secret_name != null || (var.itglue_api_key != null && try(length(var.itglue_api_key) >= 16, false))
    error_message = "itglue_api_key is required (at least 16 characters) unless existing_secret_name is set."
  }
}

variable "database_url" {
  description = "SQLAlchemy URL of the tenant's PostgreSQL database (postgresql+asyncpg://user:password@host:5432/db?ssl=require), Secret key database_url; null = none."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.database_url == null || can(regex("^postgresql\\+asyncpg://", var.database_url))
    error_message = "database_url must be a postgresql+asyncpg:// URL."
  }
}

variable "redis_url" {
  description = "URL of the tenant's Redis (rediss://:token@host:6379/0), Secret key redis_url; null = none."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.redis_url == null || can(regex("^rediss?://", var.redis_url))
    error_message = "redis_url must be a redis:// or rediss:// URL."
  }
}

variable "qdrant_api_key" {
  description = "API key of the Qdrant server (Secret key index__qdrant_api_key); null = none."
  type        = string
  default     = null
  sensitive   = true
}

variable "auth_proxy_client_secret" {
  description = "Client secret at the upstream IdP (auth_mode proxy), Secret key auth__proxy__client_secret; null = none."
  type        = string
  default     = null
  sensitive   = true
}

variable "extra_secret_data" {
  description = "More Secret keys (setting name in lower case without the ITGLUE_MCP_ prefix, e.g. auth__proxy__jwt_signing_key) and their values."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "secret_revision" {
  description = "Revision of the Secret's write-only data: the values never enter the Terraform state, so bump this number to write changed secret values (then restart the pods)."
  type        = number
  default     = 1

  validation {
    condition     = var.secret_revision >= 1 && floor(var.secret_revision) == var.secret_revision
    error_message = "secret_revision must be a positive whole number."
  }
}

# --- backends and network --------------------------------------------------------------------

variable "database_cidrs" {
  description = "CIDRs of the managed PostgreSQL, allowed by the release's NetworkPolicy."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.database_cidrs : can(cidrhost(cidr, 0))])
    error_message = "database_cidrs must be CIDR blocks."
  }
}

variable "redis_cidrs" {
  description = "CIDRs of the managed Redis, allowed by the release's NetworkPolicy."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.redis_cidrs : can(cidrhost(cidr, 0))])
    error_message = "redis_cidrs must be CIDR blocks."
  }
}

variable "qdrant_url" {
  description = "URL of an external Qdrant server; null = the chart's default (embedded index, or in-chart Qdrant through extra_values)."
  type        = string
  default     = null

  validation {
    condition     = var.qdrant_url == null || can(regex("^https?://[^\\s]+$", var.qdrant_url))
    error_message = "qdrant_url must be an http(s):// URL."
  }
}

variable "qdrant_cidrs" {
  description = "CIDRs of the external Qdrant, allowed by the release's NetworkPolicy."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.qdrant_cidrs : can(cidrhost(cidr, 0))])
    error_message = "qdrant_cidrs must be CIDR blocks."
  }
}

variable "otel_endpoint" {
  description = "OTLP endpoint of the OpenTelemetry collector; null = tracing off."
  type        = string
  default     = null
}

# --- exposure and identity in the cluster ----------------------------------------------------

variable "ingress" {
  description = "Ingress of the server: enabled, class name, TLS Secret name (e.g. issued by cert-manager) and annotations; the host is public_url's."
  type = object({
    enabled         = optional(bool, false)
    class_name      = optional(string, "nginx")
    tls_secret_name = optional(string)
    annotations     = optional(map(string), {})
  })
  default = {}

  validation {
    condition     = !var.ingress.enabled || var.ingress.tls_secret_name != null
    error_message = "An enabled ingress needs tls_secret_name: the server is only served over TLS."
  }
}

variable "service_account_name" {
  description = "Name of the release's ServiceAccount (fixed, so that a cloud IAM role can trust it)."
  type        = string
  default     = "itglue-mcp"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", var.service_account_name))
    error_message = "service_account_name must be a Kubernetes object name."
  }
}

variable "service_account_annotations" {
  description = "Annotations of the ServiceAccount, e.g. {\"eks.amazonaws.com/role-arn\" = <IAM role ARN>} for IRSA."
  type        = map(string)
  default     = {}
}

variable "extra_values" {
  description = "More chart values (a map, merged over the module's by Helm), e.g. autoscaling, resources, rbac or metrics settings. Never secrets."
  type        = any
  default     = {}
}

# --- the release itself ----------------------------------------------------------------------

variable "helm_timeout_seconds" {
  description = "Seconds Helm waits for the release (migration hook, then the rollout) before it fails and rolls back."
  type        = number
  default     = 900

  validation {
    condition     = var.helm_timeout_seconds >= 60 && var.helm_timeout_seconds <= 3600
    error_message = "helm_timeout_seconds must be between 60 and 3600."
  }
}

variable "helm_max_history" {
  description = "Release revisions Helm keeps (for rollback)."
  type        = number
  default     = 10

  validation {
    condition     = var.helm_max_history >= 1
    error_message = "helm_max_history must be at least 1."
  }
}
