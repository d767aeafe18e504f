{{/*
NetworkPolicy rules. Egress peers come from networkPolicy.egress.<name>: `to` (peers; empty means
any address) and `ports` (always restricted). A database or broker run by an operator in the
namespace is reached by its pods' labels instead.
*/}}

{{/* One egress rule: (dict "rule" .Values.networkPolicy.egress.smtp "to" optionalPeers) */}}
{{- define "otk.egressRule" -}}
{{- $to := .to | default .rule.to -}}
- ports:
    {{- range .rule.ports }}
    - { port: {{ . }}, protocol: TCP }
    {{- end }}
  {{- if $to }}
  to:
    {{- toYaml $to | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* DNS: UDP and TCP to the cluster's resolver. */}}
{{- define "otk.egressDns" -}}
- to:
    {{- toYaml .Values.networkPolicy.egress.dns.to | nindent 4 }}
  ports:
    {{- range .Values.networkPolicy.egress.dns.ports }}
    - { port: {{ . }}, protocol: UDP }
    - { port: {{ . }}, protocol: TCP }
    {{- end }}
{{- end -}}

{{/* PostgreSQL, external or run by the operator in the namespace. */}}
{{- define "otk.egressPostgres" -}}
{{- $pg := list -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}
{{- $pg = list (dict "podSelector" (dict "matchLabels" (dict "cnpg.io/cluster" (printf "%s-postgres" (include "otk.fullname" .))))) -}}
{{- end -}}
{{ include "otk.egressRule" (dict "rule" .Values.networkPolicy.egress.postgresql "to" $pg) }}
{{- end -}}

{{/* PostgreSQL and RabbitMQ, external or run by the operators in the namespace. */}}
{{- define "otk.egressDataStores" -}}
{{- $mq := list -}}
{{- if eq .Values.rabbitmq.mode "operator" -}}
{{- $mq = list (dict "podSelector" (dict "matchLabels" (dict "app.kubernetes.io/name" (printf "%s-rabbitmq" (include "otk.fullname" .))))) -}}
{{- end -}}
{{ include "otk.egressPostgres" . }}
{{ include "otk.egressRule" (dict "rule" .Values.networkPolicy.egress.rabbitmq "to" $mq) }}
{{- end -}}

{{/* The services send their traces to the release's collector, or to observability.otlpEndpoint. */}}
{{- define "otk.egressTraces" -}}
{{- if .Values.observability.collector.enabled -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "otk.selectorLabels" (dict "root" . "component" "otel-collector") | nindent 10 }}
  ports:
    - { port: 4318, protocol: TCP }
{{- else if .Values.observability.otlpEndpoint -}}
{{ include "otk.egressRule" (dict "rule" .Values.networkPolicy.egress.otlp) }}
{{- end -}}
{{- end -}}

{{/* The management port, for Prometheus (probes come from the kubelet, which policies do not filter). */}}
{{- define "otk.ingressMonitoring" -}}
{{ include "otk.ingressMonitoringOn" (dict "root" . "port" "management") }}
{{- end -}}

{{/* A port Prometheus scrapes: (dict "root" $ "port" "metrics") */}}
{{- define "otk.ingressMonitoringOn" -}}
- from:
    - namespaceSelector:
        {{- toYaml .root.Values.networkPolicy.monitoring.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .root.Values.networkPolicy.monitoring.podSelector | nindent 8 }}
  ports:
    - { port: {{ .port }}, protocol: TCP }
{{- end -}}

{{/* The ingress controller's pods, to a component's http port. */}}
{{- define "otk.ingressFromController" -}}
- namespaceSelector:
    {{- toYaml .Values.networkPolicy.ingressController.namespaceSelector | nindent 4 }}
  podSelector:
    {{- toYaml .Values.networkPolicy.ingressController.podSelector | nindent 4 }}
{{- end -}}

{{/* The `helm test` pods of the release. */}}
{{- define "otk.fromTests" -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
      app.kubernetes.io/component: test
{{- end -}}

{{/* A service's policy: (dict "root" $ "key" "notification") */}}
{{- define "otk.service.networkPolicy" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $name := include "otk.serviceName" . -}}
{{- $ctx := dict "root" $root "component" $name -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "otk.componentFullname" $ctx }}
  labels:
    {{- include "otk.labels" $ctx | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "otk.selectorLabels" $ctx | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- include "otk.ingressMonitoring" $root | nindent 4 }}
    {{- if eq .key "gateway" }}
    - from:
        {{- include "otk.ingressFromController" $root | nindent 8 }}
        {{- include "otk.fromTests" $root | nindent 8 }}
        {{- if and $v.site.enabled $v.site.proxyApi }}
        - podSelector:
            matchLabels:
              {{- include "otk.selectorLabels" (dict "root" $root "component" "site") | nindent 14 }}
        {{- end }}
      ports:
        - { port: http, protocol: TCP }
    {{- end }}
  egress:
    {{- include "otk.egressDns" $root | nindent 4 }}
    {{- include "otk.egressDataStores" $root | nindent 4 }}
    {{- include "otk.egressTraces" $root | nindent 4 }}
    {{- if eq .key "notification" }}
    {{- include "otk.egressRule" (dict "rule" $v.networkPolicy.egress.smtp) | nindent 4 }}
    {{- if ne $v.sms.provider "none" }}
    {{- include "otk.egressRule" (dict "rule" $v.networkPolicy.egress.sms) | nindent 4 }}
    {{- end }}
    {{- with $v.networkPolicy.egress.webhooks }}
    {{- include "otk.egressRule" (dict "rule" .) | nindent 4 }}
    {{- end }}
    {{- end }}
    {{- if and (eq .key "pixelmedicsSync") (eq $v.practiceSystem.adapter "http") }}
    {{- include "otk.egressRule" (dict "rule" $v.networkPolicy.egress.practiceSystem) | nindent 4 }}
    {{- end }}
{{- end -}}
