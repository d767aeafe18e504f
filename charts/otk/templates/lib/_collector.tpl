{{/*
The configuration of the release's OpenTelemetry collector (observability.collector): OTLP/HTTP in
from the services, the memory limiter and batching, OTLP out to the operator's backend
(otlp_http or otlp_grpc), the health check the probes ask. Only components of the collector
image's core distribution; the chart tests validate it with a collector built of the same
components and release (scripts/ci/go/otelcol).
*/}}
{{- define "otk.collector.config" -}}
{{- $c := .Values.observability.collector -}}
{{- $exporter := dict "endpoint" $c.endpoint -}}
{{- if $c.authHeader.name }}
{{- $_ := set $exporter "headers" (dict $c.authHeader.name "${env:OTLP_AUTH_HEADER}") }}
{{- end }}
{{- if $c.insecure }}
{{- $_ := set $exporter "tls" (dict "insecure" true) }}
{{- end }}
{{- $config := dict
  "extensions" (dict "health_check" (dict "endpoint" "${env:POD_IP}:13133"))
  "receivers" (dict "otlp" (dict "protocols" (dict "http" (dict "endpoint" "${env:POD_IP}:4318"))))
  "processors" (dict
    "memory_limiter" (dict "check_interval" "1s" "limit_percentage" 80 "spike_limit_percentage" 25)
    "batch" (dict "timeout" $c.batch.timeout "send_batch_size" $c.batch.sendBatchSize "send_batch_max_size" $c.batch.sendBatchMaxSize))
  "exporters" (dict $c.protocol $exporter)
  "service" (dict
    "extensions" (list "health_check")
    "pipelines" (dict "traces" (dict "receivers" (list "otlp") "processors" (list "memory_limiter" "batch") "exporters" (list $c.protocol))))
-}}
{{- toYaml $config -}}
{{- end -}}
