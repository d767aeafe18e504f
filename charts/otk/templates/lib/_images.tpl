{{/* An image reference from images.<kind>: repository@digest, else repository:tag (default: appVersion). */}}
{{- define "otk.image" -}}
{{- $image := get .root.Values.images .kind -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}
