#!/usr/bin/env bash
# Installs the tools the alert-rule checks need, into the same cache outside the repository as
# install-k8s-tools.sh (OTK_TOOLS_CACHE, default ~/.cache/otk/tools), building only what is missing
# or out of date:
#   bin/promtool    (Prometheus' rule checker and rule unit-test runner)
#   bin/prometheus  (the Prometheus server the end-to-end metrics test scrapes the services into;
#                    static targets only, built without the cloud service discoveries)
#   bin/postgres_exporter  (prometheus-community's, which that test scrapes beside the services;
#                           from the wrapper module scripts/ci/go/postgres-exporter)
# from the Go module proxy, promtool and prometheus from the same module and version. About 9
# minutes on two cores with an empty Go build cache, a second once it is there. Prints where the
# tools are.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache="${OTK_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otk/tools}"
bin="$cache/bin"
stamps="$cache/stamps"
mkdir -p "$bin" "$stamps"
say() { printf '[observability-tools] %s\n' "$*" >&2; }

PROMETHEUS_VERSION=v0.316.0

fresh() { [ -x "$bin/$1" ] && [ "$(cat "$stamps/$1" 2>/dev/null)" = "$2" ]; }
done_() { echo "$2" >"$stamps/$1"; }

promtool() {
  fresh promtool "$PROMETHEUS_VERSION" && return 0
  say "building promtool $PROMETHEUS_VERSION"
  GOBIN="$cache/prometheus" go install -ldflags "-s -w" \
    "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_VERSION"
  ln -sf "$cache/prometheus/promtool" "$bin/promtool"
  done_ promtool "$PROMETHEUS_VERSION"
}

prometheus() {
  fresh prometheus "$PROMETHEUS_VERSION" && return 0
  say "building prometheus $PROMETHEUS_VERSION"
  # The tests give it static targets: without the cloud service discoveries it builds in minutes.
  GOBIN="$cache/prometheus" go install -tags remove_all_sd -ldflags "-s -w" \
    "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_VERSION"
  ln -sf "$cache/prometheus/prometheus" "$bin/prometheus"
  done_ prometheus "$PROMETHEUS_VERSION"
}

# Its version is the chart's exporter image's (images.postgresExporter), pinned in the module's go.mod.
postgres_exporter() {
  local module="$root/scripts/ci/go/postgres-exporter" stamp
  stamp=$(cat "$module"/* | sha256sum | cut -c1-16)
  fresh postgres_exporter "$stamp" && return 0
  say "building postgres_exporter ($module)"
  (cd "$module" && go build -ldflags "-s -w" -o "$bin/" github.com/prometheus-community/postgres_exporter/cmd/postgres_exporter)
  done_ postgres_exporter "$stamp"
}

command -v go >/dev/null || { say "Go is needed to build the tools: install Go 1.24 or newer"; exit 1; }
promtool
prometheus
postgres_exporter
say "tools in $bin"
