{{/*
The systems to install, from systems/*.json (rendered from the system maps by
deploy/helm/render.ts), as {"systems": [...]}: all of them, or those listed in .Values.enabled.
*/}}
{{- define "bounded.systems" -}}
{{- $out := list -}}
{{- range $path, $_ := .Files.Glob "systems/*.json" -}}
{{- $sys := $.Files.Get $path | fromJson -}}
{{- if or (not $.Values.enabled) (has $sys.name $.Values.enabled) -}}
{{- $out = append $out $sys -}}
{{- end -}}
{{- end -}}
{{- if and $.Values.enabled (ne (len $out) (len $.Values.enabled)) -}}
{{- fail (printf "enabled lists a system that systems/*.json does not have: %v" $.Values.enabled) -}}
{{- end -}}
{{- toJson (dict "systems" $out) -}}
{{- end -}}

{{/* A service's settings: .Values.service overridden by systems.<system>.services.<service>. */}}
{{- define "bounded.serviceValues" -}}
{{- $over := dig .system "services" .service (dict) (.root.Values.systems | default dict) -}}
{{- toJson (mergeOverwrite (deepCopy .root.Values.service) (deepCopy $over)) -}}
{{- end -}}

{{/* The gateway's settings: .Values.gateway overridden by systems.<system>.gateway. */}}
{{- define "bounded.gatewayValues" -}}
{{- $over := dig .system "gateway" (dict) (.root.Values.systems | default dict) -}}
{{- toJson (mergeOverwrite (deepCopy .root.Values.gateway) (deepCopy $over)) -}}
{{- end -}}

{{- define "bounded.labels" -}}
app.kubernetes.io/part-of: bounded
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{ include "bounded.selector" . }}
{{- end -}}

{{- define "bounded.selector" -}}
app.kubernetes.io/name: {{ .name }}
{{- if .system }}
bounded.dev/system: {{ .system }}
{{- end }}
{{- end -}}

{{/* <NAME>_URL, as the runner names a sync callee's URL (packages/runner envNameOf). */}}
{{- define "bounded.urlEnv" -}}
{{- printf "%s_URL" (upper (regexReplaceAll "[^a-zA-Z0-9]" . "_")) -}}
{{- end -}}

{{/* A system's ConfigMap data: the seeds' ConfigMap (sync-call URLs, BUS_URL, log level). */}}
{{- define "bounded.configData" -}}
{{- $root := .root -}}
{{- $sys := .sys -}}
{{- $data := dict "LOG_LEVEL" $root.Values.logLevel "DATA_DIR" "/data" -}}
{{- if eq $root.Values.bus.url "embedded" -}}
{{- $_ := set $data "BUS_URL" (printf "embedded:/data/%s/bus" $sys.name) -}}
{{- else if not $root.Values.bus.secret.name -}}
{{- $_ := set $data "BUS_URL" $root.Values.bus.url -}}
{{- end -}}
{{- range $svc := $sys.services -}}
{{- range $callee := $svc.calls -}}
{{- $_ := set $data (include "bounded.urlEnv" $callee) (printf "http://%s-%s:8080" $sys.name $callee) -}}
{{- end -}}
{{- end -}}
{{- range $k, $v := $root.Values.config -}}
{{- $_ := set $data $k (toString $v) -}}
{{- end -}}
{{- range $k, $v := (dig $sys.name "config" (dict) ($root.Values.systems | default dict)) -}}
{{- $_ := set $data $k (toString $v) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/* Probes, lifecycle and security shared by every container. */}}
{{- define "bounded.probes" -}}
{{- $p := .probes -}}
{{- if $p.startup.enabled }}
startupProbe:
  httpGet: {path: /health/live, port: http}
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
{{- end }}
{{- if $p.readiness.enabled }}
readinessProbe:
  httpGet: {path: /health/ready, port: http}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
{{- end }}
{{- if $p.liveness.enabled }}
livenessProbe:
  httpGet: {path: /health/live, port: http}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
{{- end }}
{{- end -}}

{{/* On SIGTERM the process turns readiness down and keeps serving (every response saying
`Connection: close`) for DRAIN_DELAY_MS while the pod leaves the endpoints, then closes. */}}
{{- define "bounded.drainEnv" -}}
- {name: DRAIN_DELAY_MS, value: {{ mul (int .drainSeconds) 1000 | toString | quote }}}
- {name: HTTP_MAX_REQUESTS_PER_SOCKET, value: {{ .maxRequestsPerConnection | default 0 | toString | quote }}}
{{- end -}}

{{- define "bounded.image" -}}
{{- printf "%s:%s" .Values.image.repository (toString .Values.image.tag) -}}
{{- end -}}
