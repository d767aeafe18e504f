{{/*
Pod and container defaults every workload of the chart shares: non-root numeric user, read-only
root filesystem, no privilege escalation, no capabilities, the runtime's seccomp profile.
*/}}

{{- define "otk.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "otk.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Probes on the management port: alive, ready (database and broker reachable), started. */}}
{{- define "otk.probes" -}}
startupProbe:
  httpGet: { path: /healthz, port: management }
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: { path: /healthz, port: management }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /readyz, port: management }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end -}}

{{/* Resources: requests and limits, both required by the schema. */}}
{{- define "otk.resources" -}}
{{- toYaml . }}
{{- end -}}

{{/* Seconds between SIGTERM and SIGKILL: the pre-stop pause, the service's own shutdown timeout
(the runtime allows it 5 s more), and a margin. */}}
{{- define "otk.terminationGracePeriodSeconds" -}}
{{- add .Values.shutdownTimeoutSeconds (include "otk.preStopSeconds" .) 5 10 -}}
{{- end -}}

{{/* The pause before SIGTERM, so endpoints and load balancers stop sending first. */}}
{{- define "otk.preStopSeconds" -}}5{{- end -}}

{{/* Placement of a component's pods: (dict "root" $ "component" "gateway" "values" .Values.gateway) */}}
{{- define "otk.scheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
topologySpreadConstraints:
{{- if .values.topologySpreadConstraints }}
  {{- toYaml .values.topologySpreadConstraints | nindent 2 }}
{{- else }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "otk.selectorLabels" . | nindent 8 }}
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "otk.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* /tmp as the only writable place; nothing else in a container is written. */}}
{{- define "otk.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{- define "otk.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}
