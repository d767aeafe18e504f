{{/*
The objects of one service, each from a file in the service's folder: (dict "root" $ "key" "gateway").
*/}}

{{- define "otk.service.deployment" -}}
{{- $root := .root -}}
{{- $values := get $root.Values .key -}}
{{- $name := include "otk.serviceName" . -}}
{{- $ctx := dict "root" $root "component" $name "values" $values -}}
{{- $api := (get (include "otk.services" $root | fromYaml) .key).api -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "otk.componentFullname" $ctx }}
  labels:
    {{- include "otk.labels" $ctx | nindent 4 }}
spec:
  {{- if not (or (and (hasKey $values "autoscaling") $values.autoscaling.enabled) (and (hasKey $values "keda") $values.keda.enabled)) }}
  replicas: {{ $values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "otk.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 }
  template:
    metadata:
      labels:
        {{- include "otk.labels" $ctx | nindent 8 }}
      {{- with $values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "otk.serviceAccountName" $root }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "otk.podSecurityContext" $root | nindent 8 }}
      terminationGracePeriodSeconds: {{ include "otk.terminationGracePeriodSeconds" $root }}
      {{- with $root.Values.images.pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- include "otk.scheduling" $ctx | trim | nindent 6 }}
      containers:
        - name: {{ $name }}
          image: {{ include "otk.image" (dict "root" $root "kind" "services") }}
          imagePullPolicy: {{ $root.Values.images.pullPolicy }}
          args: ["services/{{ $name }}/dist/main.js", "serve"]
          env:
            {{- include "otk.env.service" . | trim | nindent 12 }}
          ports:
            {{- if $api }}
            - name: http
              containerPort: 8080
              protocol: TCP
            {{- end }}
            - name: management
              containerPort: 9090
              protocol: TCP
          {{- include "otk.probes" $root | nindent 10 }}
          lifecycle:
            preStop:
              sleep:
                seconds: {{ include "otk.preStopSeconds" $root }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- include "otk.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "otk.tmpMount" $root | nindent 12 }}
      volumes:
        {{- include "otk.tmpVolume" $root | nindent 8 }}
{{- end -}}

{{/* The Service: the API port for the gateway, the management port for every service (scrapes only). */}}
{{- define "otk.service.service" -}}
{{- $root := .root -}}
{{- $name := include "otk.serviceName" . -}}
{{- $ctx := dict "root" $root "component" $name -}}
{{- $api := (get (include "otk.services" $root | fromYaml) .key).api -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "otk.componentFullname" $ctx }}
  labels:
    {{- include "otk.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "otk.selectorLabels" $ctx | nindent 4 }}
  ports:
    {{- if $api }}
    - name: http
      port: 8080
      targetPort: http
      protocol: TCP
    {{- end }}
    - name: management
      port: 9090
      targetPort: management
      protocol: TCP
{{- end -}}

{{/* A PodDisruptionBudget when more than one replica can run. */}}
{{- define "otk.pdb" -}}
{{- $values := .values -}}
{{- $max := $values.replicas -}}
{{- if and (hasKey $values "autoscaling") $values.autoscaling.enabled }}{{ $max = $values.autoscaling.maxReplicas }}{{ end -}}
{{- if and (hasKey $values "keda") $values.keda.enabled }}{{ $max = $values.keda.maxReplicas }}{{ end -}}
{{- if gt (int $max) 1 }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "otk.componentFullname" . }}
  labels:
    {{- include "otk.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ $values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "otk.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* A HorizontalPodAutoscaler on CPU, when enabled. */}}
{{- define "otk.hpa" -}}
{{- $values := .values -}}
{{- if $values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "otk.componentFullname" . }}
  labels:
    {{- include "otk.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "otk.componentFullname" . }}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/* A KEDA ScaledObject on the depth of the service's event queue, when enabled: (dict … "queue" name). */}}
{{- define "otk.scaledObject" -}}
{{- $values := .values -}}
{{- if $values.keda.enabled }}
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: {{ include "otk.componentFullname" . }}
  labels:
    {{- include "otk.labels" . | nindent 4 }}
spec:
  secretTargetRef:
    - parameter: host
      {{- if eq .root.Values.rabbitmq.mode "operator" }}
      name: {{ printf "%s-rabbitmq-default-user" (include "otk.fullname" .root) }}
      key: connection_string
      {{- else }}
      name: {{ .root.Values.rabbitmq.existingSecret }}
      key: {{ .root.Values.rabbitmq.key }}
      {{- end }}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "otk.componentFullname" . }}
  labels:
    {{- include "otk.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "otk.componentFullname" . }}
  minReplicaCount: {{ $values.keda.minReplicas }}
  maxReplicaCount: {{ $values.keda.maxReplicas }}
  triggers:
    - type: rabbitmq
      metadata:
        protocol: amqp
        queueName: {{ .queue }}
        mode: QueueLength
        value: {{ $values.keda.queueLength | quote }}
      authenticationRef:
        name: {{ include "otk.componentFullname" . }}
{{- end }}
{{- end -}}
