{{/*
The environment of a service (README, "Configuration"), from values and existing Secrets:
(dict "root" $ "key" "holdManager"). The connection variables alone make the migration Job's.
*/}}

{{/* DATABASE_URL and AMQP_URL of a service. */}}
{{- define "otk.env.connections" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- if eq $v.database.mode "cloudnativepg" }}
{{- $secret := get $v.database.cloudnativepg.roleSecrets .key }}
- name: DATABASE_USER
  valueFrom: { secretKeyRef: { name: {{ $secret | quote }}, key: username } }
- name: DATABASE_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $secret | quote }}, key: password } }
- name: DATABASE_URL
  value: {{ printf "postgres://$(DATABASE_USER):$(DATABASE_PASSWORD)@%s-postgres-rw:5432/%s" (include "otk.fullname" $root) $v.database.cloudnativepg.database | quote }}
{{- else }}
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ $v.database.existingSecret | quote }}, key: {{ get $v.database.keys .key | quote }} } }
{{- end }}
{{- if eq $v.rabbitmq.mode "operator" }}
- name: AMQP_USER
  valueFrom: { secretKeyRef: { name: {{ printf "%s-rabbitmq-default-user" (include "otk.fullname" $root) | quote }}, key: username } }
- name: AMQP_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ printf "%s-rabbitmq-default-user" (include "otk.fullname" $root) | quote }}, key: password } }
- name: AMQP_URL
  value: {{ printf "amqp://$(AMQP_USER):$(AMQP_PASSWORD)@%s-rabbitmq:5672" (include "otk.fullname" $root) | quote }}
{{- else }}
- name: AMQP_URL
  valueFrom: { secretKeyRef: { name: {{ $v.rabbitmq.existingSecret | quote }}, key: {{ $v.rabbitmq.key | quote }} } }
{{- end }}
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
{{- end -}}

{{/* Everything a running service reads. */}}
{{- define "otk.env.service" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- include "otk.env.connections" . }}
- name: PORT
  value: "8080"
- name: MANAGEMENT_PORT
  value: "9090"
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ mul $v.shutdownTimeoutSeconds 1000 | quote }}
{{- if $v.observability.collector.enabled }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ printf "http://%s:4318" (include "otk.componentFullname" (dict "root" $root "component" "otel-collector")) | quote }}
{{- else if $v.observability.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $v.observability.otlpEndpoint | quote }}
{{- end }}
{{- if eq .key "notification" }}
- name: SMTP_URL
  valueFrom: { secretKeyRef: { name: {{ $v.smtp.existingSecret | quote }}, key: {{ $v.smtp.key | quote }} } }
{{- with $v.smtp.dkim.existingSecret }}
- name: DKIM_PRIVATE_KEY
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: {{ $v.smtp.dkim.key | quote }} } }
{{- end }}
- name: SMS_PROVIDER
  value: {{ $v.sms.provider | quote }}
{{- with $v.sms.apiUrl }}
- name: SMS_API_URL
  value: {{ . | quote }}
{{- end }}
{{- with $v.sms.accountId }}
- name: SMS_ACCOUNT_ID
  value: {{ . | quote }}
{{- end }}
{{- if ne $v.sms.provider "none" }}
- name: SMS_API_KEY
  valueFrom: { secretKeyRef: { name: {{ $v.sms.existingSecret | quote }}, key: {{ $v.sms.key | quote }} } }
{{- end }}
{{- end }}
{{- if eq .key "pixelmedicsSync" }}
- name: PRACTICE_SYSTEM_ADAPTER
  value: {{ $v.practiceSystem.adapter | quote }}
{{- if eq $v.practiceSystem.adapter "http" }}
- name: PRACTICE_SYSTEM_URL
  value: {{ $v.practiceSystem.url | quote }}
- name: PRACTICE_SYSTEM_API_KEY
  valueFrom: { secretKeyRef: { name: {{ $v.practiceSystem.existingSecret | quote }}, key: {{ $v.practiceSystem.key | quote }} } }
{{- end }}
{{- end }}
{{- $values := get $v .key }}
{{- range $name := keys $values.env | sortAlpha }}
- name: {{ $name }}
  value: {{ get $values.env $name | quote }}
{{- end }}
{{- end -}}
