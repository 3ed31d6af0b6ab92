{{/*
Chart name, truncated to 63 characters (DNS label).
*/}}
{{- define "itglue-mcp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: the release name, prefixed by the chart name unless it already contains it;
truncated to 63 characters. Components append a suffix to a name truncated to 52 so the
suffixed name stays a DNS label too.
*/}}
{{- define "itglue-mcp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of a component's objects: "<fullname>-<component>", the full name cut so the whole stays
within 63 characters. Call with (dict "ctx" $ "component" "sync").
*/}}
{{- define "itglue-mcp.componentName" -}}
{{- $base := include "itglue-mcp.fullname" .ctx | trunc (int (sub 62 (len .component))) | trimSuffix "-" }}
{{- printf "%s-%s" $base .component }}
{{- end }}

{{- define "itglue-mcp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every object.
*/}}
{{- define "itglue-mcp.labels" -}}
helm.sh/chart: {{ include "itglue-mcp.chart" . }}
{{ include "itglue-mcp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: itglue-mcp
{{- with .Values.tenant }}
itglue-mcp/tenant: {{ . | quote }}
{{- end }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels: name and instance only (stable across upgrades).
*/}}
{{- define "itglue-mcp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "itglue-mcp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels and selector labels of one component. Call with (dict "ctx" $ "component" "server").
*/}}
{{- define "itglue-mcp.componentLabels" -}}
{{ include "itglue-mcp.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "itglue-mcp.componentSelectorLabels" -}}
{{ include "itglue-mcp.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "itglue-mcp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "itglue-mcp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
An image reference from {repository, tag, digest}; the digest wins. Call with
(dict "image" .Values.image "default" .Chart.AppVersion).
*/}}
{{- define "itglue-mcp.imageRef" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .default .image.tag) }}
{{- end }}
{{- end }}

{{- define "itglue-mcp.image" -}}
{{- include "itglue-mcp.imageRef" (dict "image" .Values.image "default" .Chart.AppVersion) }}
{{- end }}

{{/*
checkov skip annotation for an image pinned by tag rather than digest (CKV_K8S_43). Call
with (dict "image" <image values> "n" <annotation index>).
*/}}
{{- define "itglue-mcp.digestSkip" -}}
{{- if not .image.digest -}}
# The tag is pinned to a release; the digest is set per environment (image.digest), where
# the registry can be asked for it.
checkov.io/skip{{ .n }}: CKV_K8S_43=Image pinned by release tag; set image.digest to pin by digest
{{- end }}
{{- end }}

{{/*
checkov skip annotation for the ServiceAccount token (CKV_K8S_38), mounted only when Vault's
Kubernetes auth needs it. Call with the root context.
*/}}
{{- define "itglue-mcp.vaultTokenSkip" -}}
{{- if .Values.vault.enabled -}}
# Vault's Kubernetes auth (the app or the agent sidecar) logs in with the pod's token.
checkov.io/skip4: CKV_K8S_38=Token mounted only for Vault Kubernetes auth (vault.enabled)
{{- end }}
{{- end }}

{{/*
Host of publicUrl, and the Ingress host.
*/}}
{{- define "itglue-mcp.publicHost" -}}
{{- (urlParse .Values.publicUrl).hostname }}
{{- end }}

{{- define "itglue-mcp.ingressHost" -}}
{{- default (include "itglue-mcp.publicHost" .) .Values.ingress.host }}
{{- end }}

{{/*
The Qdrant URL the app uses: the in-chart StatefulSet's Service, an external server, or none.
*/}}
{{- define "itglue-mcp.qdrantUrl" -}}
{{- if .Values.qdrant.enabled }}
{{- printf "http://%s:6333" (include "itglue-mcp.componentName" (dict "ctx" . "component" "qdrant")) }}
{{- else }}
{{- .Values.index.qdrantUrl }}
{{- end }}
{{- end }}

{{- define "itglue-mcp.neo4jUri" -}}
{{- if .Values.neo4j.enabled }}
{{- printf "bolt://%s:7687" (include "itglue-mcp.componentName" (dict "ctx" . "component" "neo4j")) }}
{{- else }}
{{- .Values.graph.neo4jUri }}
{{- end }}
{{- end }}

{{/*
Render-time checks: refuse plaintext secrets in values and settings the server cannot run with.
*/}}
{{- define "itglue-mcp.validate" -}}
{{- if .Values.itglue.apiKey }}
{{- fail "itglue.apiKey: do not put the IT Glue API key in values; store it in the Secret named by secrets.existingSecret (key itglue__api_key) or in Vault" }}
{{- end }}
{{- if .Values.auth.proxy.clientSecret }}
{{- fail "auth.proxy.clientSecret: do not put the client secret in values; store it in the Secret named by secrets.existingSecret (key auth__proxy__client_secret)" }}
{{- end }}
{{- if .Values.index.qdrantApiKey }}
{{- fail "index.qdrantApiKey: do not put the Qdrant API key in values; store it in the Secret named by secrets.existingSecret (key index__qdrant_api_key)" }}
{{- end }}
{{- if not (or .Values.secrets.existingSecret .Values.vault.enabled) }}
{{- fail "secrets.existingSecret: name the Secret holding itglue__api_key (and database_url, redis_url …), or enable vault" }}
{{- end }}
{{- if has .Values.auth.mode (list "none" "static") }}
{{- fail (printf "auth.mode: %s serves on a loopback address only; a cluster install needs oidc or proxy" .Values.auth.mode) }}
{{- end }}
{{- if not .Values.publicUrl }}
{{- fail "publicUrl: required (the external https URL of the server; the MCP endpoint is publicUrl + /mcp)" }}
{{- end }}
{{- if not .Values.auth.issuer }}
{{- fail (printf "auth.issuer: required in auth.mode %s (the tenant's identity provider)" .Values.auth.mode) }}
{{- end }}
{{- if and (eq .Values.auth.mode "proxy") (not .Values.auth.proxy.clientId) }}
{{- fail "auth.proxy.clientId: required in auth.mode proxy" }}
{{- end }}
{{- if and .Values.vault.enabled (not (and .Values.vault.address .Values.vault.role .Values.vault.path)) }}
{{- fail "vault.address, vault.role and vault.path: required when vault.enabled" }}
{{- end }}
{{- if and .Values.neo4j.enabled (not .Values.neo4j.authSecret) }}
{{- fail "neo4j.authSecret: required when neo4j.enabled (a Secret whose key NEO4J_AUTH is neo4j/<password>)" }}
{{- end }}
{{- if and .Values.ingress.enabled (not .Values.ingress.tls.secretName) }}
{{- fail "ingress.tls.secretName: required when ingress.enabled (the Ingress serves TLS only)" }}
{{- end }}
{{- end }}

{{/*
Settings of every itglue-mcp process, as a map of environment variables (non-secret only). The
ConfigMap holds them for the server and the sync; the pre-install migration hook runs before
that ConfigMap exists, so it gets them inline.
*/}}
{{- define "itglue-mcp.settings" -}}
{{- $fullname := include "itglue-mcp.fullname" . }}
{{- $settings := dict
  "ITGLUE_MCP_DATA_DIR" "/data"
  "ITGLUE_MCP_LOG_LEVEL" .Values.logLevel
  "ITGLUE_MCP_PUBLIC_URL" .Values.publicUrl
  "ITGLUE_MCP_SERVER__HOST" "0.0.0.0"
  "ITGLUE_MCP_SERVER__PORT" (toString .Values.server.port)
  "ITGLUE_MCP_SERVER__METRICS_PORT" (toString .Values.server.metricsPort)
  "ITGLUE_MCP_ITGLUE__REGION" .Values.itglue.region
  "ITGLUE_MCP_AUTH__MODE" .Values.auth.mode
  "ITGLUE_MCP_AUTH__ISSUER" .Values.auth.issuer
  "ITGLUE_MCP_AUTH__CLAIMS__PRESET" .Values.auth.claimsPreset
  "ITGLUE_MCP_AUTH__SCOPES__READ" .Values.auth.scopes.read
  "ITGLUE_MCP_AUTH__SCOPES__REVEAL" .Values.auth.scopes.reveal
  "ITGLUE_MCP_AUTH__SCOPES__ADMIN" .Values.auth.scopes.admin
  "ITGLUE_MCP_RBAC__POLICY_SOURCE" .Values.rbac.policySource
  "ITGLUE_MCP_AUDIT__REVEAL_RATE_LIMIT" .Values.audit.revealRateLimit
  "ITGLUE_MCP_RATE_LIMIT__ENABLED" (toString .Values.rateLimit.enabled)
  "ITGLUE_MCP_RATE_LIMIT__REQUESTS_PER_MINUTE" (toString .Values.rateLimit.requestsPerMinute)
  "ITGLUE_MCP_INDEX__COLLECTION_PREFIX" (default (default .Release.Name .Values.tenant) .Values.index.collectionPrefix)
  "HF_HUB_OFFLINE" "1"
}}
{{- $hosts := list $fullname (printf "%s.%s.svc" $fullname .Release.Namespace) (printf "%s.%s.svc.cluster.local" $fullname .Release.Namespace) }}
{{- $_ := set $settings "ITGLUE_MCP_SERVER__ALLOWED_HOSTS" (concat $hosts .Values.server.allowedHosts | toJson) }}
{{- if .Values.audit.retentionDays }}
{{- $_ := set $settings "ITGLUE_MCP_AUDIT__RETENTION_DAYS" (toString .Values.audit.retentionDays) }}
{{- else }}
{{- $_ := set $settings "ITGLUE_MCP_AUDIT__RETENTION_DAYS" "forever" }}
{{- end }}
{{- with .Values.itglue.apiUrl }}
{{- $_ := set $settings "ITGLUE_MCP_ITGLUE__API_URL" . }}
{{- end }}
{{- with .Values.auth.audience }}
{{- $_ := set $settings "ITGLUE_MCP_AUTH__AUDIENCE" . }}
{{- end }}
{{- with .Values.auth.jwksUri }}
{{- $_ := set $settings "ITGLUE_MCP_AUTH__JWKS_URI" . }}
{{- end }}
{{- if eq .Values.auth.mode "proxy" }}
{{- $_ := set $settings "ITGLUE_MCP_AUTH__PROXY__CLIENT_ID" .Values.auth.proxy.clientId }}
{{- $_ := set $settings "ITGLUE_MCP_AUTH__PROXY__FORWARD_RESOURCE" (toString .Values.auth.proxy.forwardResource) }}
{{- with .Values.auth.proxy.upstreamAudience }}
{{- $_ := set $settings "ITGLUE_MCP_AUTH__PROXY__UPSTREAM_AUDIENCE" . }}
{{- end }}
{{- end }}
{{- if eq .Values.rbac.policySource "file" }}
{{- $_ := set $settings "ITGLUE_MCP_RBAC__POLICY_FILE" "/etc/itglue-mcp/rbac/policy.csv" }}
{{- end }}
{{- with .Values.rateLimit.roleRequestsPerMinute }}
{{- $_ := set $settings "ITGLUE_MCP_RATE_LIMIT__ROLE_REQUESTS_PER_MINUTE" (toJson .) }}
{{- end }}
{{- with .Values.rbac.bindings }}
{{- $_ := set $settings "ITGLUE_MCP_RBAC__BINDINGS" (toJson .) }}
{{- end }}
{{- with (include "itglue-mcp.qdrantUrl" .) }}
{{- $_ := set $settings "ITGLUE_MCP_INDEX__QDRANT_URL" . }}
{{- end }}
{{- with (include "itglue-mcp.neo4jUri" .) }}
{{- $_ := set $settings "ITGLUE_MCP_NEO4J_URI" . }}
{{- end }}
{{- if .Values.vault.enabled }}
{{- if eq .Values.vault.mode "direct" }}
{{- $_ := set $settings "ITGLUE_MCP_VAULT__URL" .Values.vault.address }}
{{- $_ := set $settings "ITGLUE_MCP_VAULT__AUTH_METHOD" "kubernetes" }}
{{- $_ := set $settings "ITGLUE_MCP_VAULT__KUBERNETES_ROLE" .Values.vault.role }}
{{- $_ := set $settings "ITGLUE_MCP_VAULT__KUBERNETES_MOUNT" .Values.vault.authMount }}
{{- $_ := set $settings "ITGLUE_MCP_VAULT__MOUNT" .Values.vault.kvMount }}
{{- $_ := set $settings "ITGLUE_MCP_VAULT__PATH" .Values.vault.path }}
{{- end }}
{{- end }}
{{- /* Mounted secret files: the agent's, else the Secret's (a missing directory is an error). */}}
{{- if and .Values.vault.enabled (eq .Values.vault.mode "agent") }}
{{- $_ := set $settings "ITGLUE_MCP_SECRETS_DIR" "/vault/secrets" }}
{{- else if .Values.secrets.existingSecret }}
{{- $_ := set $settings "ITGLUE_MCP_SECRETS_DIR" .Values.secrets.mountPath }}
{{- end }}
{{- if .Values.otel.endpoint }}
{{- $_ := set $settings "OTEL_EXPORTER_OTLP_ENDPOINT" .Values.otel.endpoint }}
{{- $_ := set $settings "OTEL_EXPORTER_OTLP_PROTOCOL" .Values.otel.protocol }}
{{- $_ := set $settings "OTEL_SERVICE_NAME" "itglue-mcp" }}
{{- $_ := set $settings "OTEL_RESOURCE_ATTRIBUTES" (printf "service.namespace=%s,itglue_mcp.tenant=%s" .Release.Namespace (default .Release.Name .Values.tenant)) }}
{{- end }}
{{- range $key, $value := .Values.extraSettings }}
{{- $_ := set $settings $key (toString $value) }}
{{- end }}
{{- toYaml $settings }}
{{- end }}

{{/*
Pod-level pieces shared by the server, sync and migration pods. Call with
(dict "ctx" $ "hook" <bool>): a hook pod runs before the release's ConfigMap and claim exist.
*/}}
{{- define "itglue-mcp.podAnnotations" -}}
{{- $v := .ctx.Values -}}
{{- if and $v.vault.enabled (eq $v.vault.mode "agent") -}}
vault.hashicorp.com/agent-inject: "true"
vault.hashicorp.com/agent-pre-populate-only: {{ ternary "false" "true" (eq .component "server") | quote }}
vault.hashicorp.com/role: {{ $v.vault.role | quote }}
vault.hashicorp.com/auth-path: {{ printf "auth/%s" $v.vault.authMount | quote }}
{{- $secretPath := printf "%s/data/%s" $v.vault.kvMount $v.vault.path }}
{{- range $v.vault.agentKeys }}
vault.hashicorp.com/agent-inject-secret-{{ . }}: {{ $secretPath | quote }}
vault.hashicorp.com/agent-inject-template-{{ . }}: {{ printf "{{- with secret %q -}}{{ index .Data.data %q }}{{- end -}}" $secretPath . | quote }}
{{- end }}
{{- with $v.vault.agentAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end }}

{{- define "itglue-mcp.automountToken" -}}
{{- if .Values.vault.enabled }}true{{ else }}false{{ end }}
{{- end }}

{{- define "itglue-mcp.volumes" -}}
{{- $v := .ctx.Values -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ $v.tmpSizeLimit }}
- name: data
{{- if and $v.persistence.enabled (or (not .hook) $v.persistence.existingClaim) }}
  persistentVolumeClaim:
    claimName: {{ default (include "itglue-mcp.componentName" (dict "ctx" .ctx "component" "data")) $v.persistence.existingClaim }}
{{- else }}
  emptyDir:
    sizeLimit: {{ $v.persistence.emptyDirSizeLimit }}
{{- end }}
{{- if $v.secrets.existingSecret }}
- name: settings-secrets
  secret:
    secretName: {{ $v.secrets.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- if and (eq $v.rbac.policySource "file") (not .hook) }}
- name: rbac-policy
  configMap:
    name: {{ include "itglue-mcp.fullname" .ctx }}
    items:
      - key: policy.csv
        path: policy.csv
{{- end }}
{{- end }}

{{- define "itglue-mcp.volumeMounts" -}}
{{- $v := .ctx.Values -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /data
{{- if $v.secrets.existingSecret }}
- name: settings-secrets
  mountPath: {{ $v.secrets.mountPath }}
  readOnly: true
{{- end }}
{{- if and (eq $v.rbac.policySource "file") (not .hook) }}
- name: rbac-policy
  mountPath: /etc/itglue-mcp/rbac
  readOnly: true
{{- end }}
{{- end }}

{{/*
The itglue-mcp container's security context (values securityContext).
*/}}
{{- define "itglue-mcp.containerSecurityContext" -}}
{{- toYaml .Values.securityContext }}
{{- end }}

{{/*
NetworkPolicy peers for a list of CIDRs: (dict "cidrs" [...] "except" [...]). The except ranges
must lie inside each CIDR (Kubernetes rejects them otherwise); they are meant for 0.0.0.0/0.
*/}}
{{- define "itglue-mcp.ipBlocks" -}}
{{- $except := .except }}
{{- range .cidrs }}
- ipBlock:
    cidr: {{ . }}
    {{- with $except }}
    except:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end }}
{{- end }}
