{{/* The chart's name, or nameOverride. */}}
{{- define "floe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The objects' name: fullnameOverride, or the release name with the chart's name. */}}
{{- define "floe.fullname" -}}
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

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "floe.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels of every object. */}}
{{- define "floe.labels" -}}
helm.sh/chart: {{ include "floe.chart" . }}
{{ include "floe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: control-plane
{{- end }}

{{/* The labels that select the pods. */}}
{{- define "floe.selectorLabels" -}}
app.kubernetes.io/name: {{ include "floe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The ServiceAccount's name. */}}
{{- define "floe.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "floe.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image with its tag (the chart's appVersion by default). */}}
{{- define "floe.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret with the settings kept out of the ConfigMap. */}}
{{- define "floe.configSecretName" -}}
{{- default (printf "%s-config" (include "floe.fullname" .)) .Values.existingConfigSecret }}
{{- end }}

{{/*
The ConfigMap's application.yaml: the settings the chart renders from typed values (runtime,
logFormat), with the free-form config merged over them.
*/}}
{{- define "floe.applicationConfig" -}}
{{- $rendered := dict "floe" (dict "runtime" (include "floe.runtimeConfig" . | fromYaml)) }}
{{- with .Values.logFormat }}
{{- $_ := set $rendered "logging" (dict "structured" (dict "format" (dict "console" .))) }}
{{- end }}
{{- $config := mergeOverwrite $rendered (deepCopy .Values.config) }}
{{- toYaml $config }}
{{- end }}

{{/* floe.runtime from the runtime values: the default target and the targets that are set. */}}
{{- define "floe.runtimeConfig" -}}
{{- $runtime := .Values.runtime }}
default-target: {{ $runtime.defaultTarget }}
{{- with $runtime.flinkCluster.restUrl }}
flink-cluster:
  rest-url: {{ . | quote }}
{{- end }}
{{- with $runtime.managedFlink }}
{{- if .region }}
managed-flink:
  region: {{ .region | quote }}
  service-role-arn: {{ .serviceRoleArn | quote }}
  artifact-bucket: {{ .artifactBucket | quote }}
  {{- with .logGroup }}
  log-group: {{ . | quote }}
  {{- end }}
  kpu-limit: {{ int .kpuLimit }}
{{- end }}
{{- end }}
{{- end }}

{{/* Fails on values that cannot work together. */}}
{{- define "floe.validate" -}}
{{- $db := .Values.database }}
{{- if and (not $db.embedded) (not $db.existingSecret) }}
{{- fail "database.existingSecret is required: the name of a Secret with the JDBC url, username and password of PostgreSQL (database.embedded=true keeps an H2 database in the pod instead, for development only)" }}
{{- end }}
{{- if and $db.embedded (gt (int .Values.replicaCount) 1) }}
{{- fail "replicaCount > 1 needs a shared database: database.embedded gives each pod its own H2 database, so every replica would reconcile every pipeline; use PostgreSQL (database.existingSecret)" }}
{{- end }}
{{- if eq (int .Values.ports.http) (int .Values.ports.management) }}
{{- fail "ports.http and ports.management must differ" }}
{{- end }}
{{- $runtime := .Values.runtime }}
{{- if not (has $runtime.defaultTarget (list "flink-cluster" "managed-flink")) }}
{{- fail (printf "runtime.defaultTarget must be flink-cluster or managed-flink, was %q" (toString $runtime.defaultTarget)) }}
{{- end }}
{{- if and (eq $runtime.defaultTarget "flink-cluster") (not $runtime.flinkCluster.restUrl) }}
{{- fail "runtime.defaultTarget is flink-cluster: set runtime.flinkCluster.restUrl" }}
{{- end }}
{{- $managed := $runtime.managedFlink }}
{{- if and (eq $runtime.defaultTarget "managed-flink") (not $managed.region) }}
{{- fail "runtime.defaultTarget is managed-flink: set runtime.managedFlink.region, serviceRoleArn and artifactBucket" }}
{{- end }}
{{- if $managed.region }}
{{- if not (hasPrefix "arn:aws" (toString $managed.serviceRoleArn)) }}
{{- fail (printf "runtime.managedFlink.serviceRoleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), was %q" (toString $managed.serviceRoleArn)) }}
{{- end }}
{{- if not (regexMatch "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$" (toString $managed.artifactBucket)) }}
{{- fail (printf "runtime.managedFlink.artifactBucket must be an S3 bucket name, was %q" (toString $managed.artifactBucket)) }}
{{- end }}
{{- end }}
{{- end }}
