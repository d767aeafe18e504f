{{/*
Names. Every object of a release starts with the release name, so two practices never collide,
even in one namespace, and an operator reads the practice off any object.
*/}}

{{/* The release's prefix, at most 40 characters so that "<prefix>-pixelmedics-sync-migrate" fits 63. */}}
{{- define "otk.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/*
The services the chart runs, by values key: the service's name (its folder under services/ and its
command), and whether it serves an API on its PORT.
*/}}
{{- define "otk.services" -}}
gateway: { name: gateway, api: true }
availability: { name: availability, api: false }
holdManager: { name: hold-manager, api: false }
notification: { name: notification, api: false }
pixelmedicsSync: { name: pixelmedics-sync, api: false }
{{- end -}}

{{/* The name of a service from its values key: (dict "root" $ "key" "holdManager") -> hold-manager */}}
{{- define "otk.serviceName" -}}
{{- (get (include "otk.services" .root | fromYaml) .key).name -}}
{{- end -}}

{{/* The object name of a component: <release>-<component> */}}
{{- define "otk.componentFullname" -}}
{{- printf "%s-%s" (include "otk.fullname" .root) .component -}}
{{- end -}}

{{/* The ServiceAccount every pod of the release runs as. */}}
{{- define "otk.serviceAccountName" -}}
{{- include "otk.fullname" . -}}
{{- end -}}
