#!/usr/bin/env bash
# Installs the tools the chart and image checks need, into a cache outside the repository
# (OTK_TOOLS_CACHE, default ~/.cache/otk/tools), building only what is missing or out of date:
#   bin/helm (Helm 3, Kubernetes 1.34 capabilities)  bin/helm4 (Helm 4)  bin/kubeconform
#   bin/helm-unittest  bin/kube-apiserver  bin/kubectl  bin/dockerfile-lint (BuildKit's checks)
#   bin/otelcol (an OpenTelemetry collector of the chart collector's components, scripts/ci/go/otelcol)
#   k8s-schemas/v1.34.0-standalone-strict/  (kubeconform's schemas, made from Kubernetes' OpenAPI)
# and, from Debian, buildah, debootstrap and etcd, and the services image's local base
# (scripts/ci/node-base-image.sh). Go tools come from the Go module proxy; the Go
# build cache (~/.cache/go-build) makes a second build of a changed tool fast. About 20 minutes on
# an empty cache with two cores, a second with everything in place. Prints where the tools are.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache="${OTK_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otk/tools}"
bin="$cache/bin"
stamps="$cache/stamps"
mkdir -p "$bin" "$stamps"
say() { printf '[k8s-tools] %s\n' "$*" >&2; }

HELM3_VERSION=v3.22.0
HELM4_VERSION=v4.3.1
KUBECONFORM_VERSION=v0.8.0
KUBERNETES_VERSION=1.34.0

# fresh NAME STAMP: true when bin/NAME exists and was built from STAMP.
fresh() { [ -x "$bin/$1" ] && [ "$(cat "$stamps/$1" 2>/dev/null)" = "$2" ]; }
done_() { echo "$2" >"$stamps/$1"; }
# A wrapper module's stamp: what its files say, so an edit rebuilds it.
module_stamp() { cat "$root/scripts/ci/go/$1"/* | sha256sum | cut -c1-16; }

debian_packages() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v etcd >/dev/null || missing+=(etcd-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  say "installing ${missing[*]} from Debian"
  # Another apt-get (a browser install, say) may hold the package lock: wait for it.
  local wait_for_lock=(-o DPkg::Lock::Timeout=600)
  "${sudo[@]}" apt-get "${wait_for_lock[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get "${wait_for_lock[@]}" install -y -qq "${missing[@]}" >/dev/null
}

helm3() {
  fresh helm "$HELM3_VERSION" && return 0
  say "building Helm $HELM3_VERSION"
  # Without these, Helm reports Kubernetes 1.20 as .Capabilities.KubeVersion when no cluster is asked.
  local v=helm.sh/helm/v3
  GOBIN="$cache/helm3" go install -ldflags "-s -w -X $v/internal/version.version=$HELM3_VERSION \
    -X $v/pkg/lint/rules.k8sVersionMajor=1 -X $v/pkg/lint/rules.k8sVersionMinor=34 \
    -X $v/pkg/chartutil.k8sVersionMajor=1 -X $v/pkg/chartutil.k8sVersionMinor=34" \
    "$v/cmd/helm@$HELM3_VERSION"
  ln -sf "$cache/helm3/helm" "$bin/helm"
  done_ helm "$HELM3_VERSION"
}

helm4() {
  fresh helm4 "$HELM4_VERSION" && return 0
  say "building Helm $HELM4_VERSION"
  GOBIN="$cache/helm4" go install -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM4_VERSION" \
    "helm.sh/helm/v4/cmd/helm@$HELM4_VERSION"
  ln -sf "$cache/helm4/helm" "$bin/helm4"
  done_ helm4 "$HELM4_VERSION"
}

kubeconform() {
  fresh kubeconform "$KUBECONFORM_VERSION" && return 0
  say "building kubeconform $KUBECONFORM_VERSION"
  GOBIN="$bin" go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  done_ kubeconform "$KUBECONFORM_VERSION"
}

# wrapped MODULE PACKAGE...: builds each package of a wrapper module under scripts/ci/go/ (the
# package `.` is the module's own program, named after the module).
wrapped() {
  local module=$1 stamp pkg missing=0 ldflags="-s -w ${LDFLAGS:-}"
  shift
  stamp="$(module_stamp "$module") $(echo "$ldflags" | sha256sum | cut -c1-8)"
  name_of() { if [ "$1" = . ]; then echo "$module"; else basename "$1"; fi; }
  for pkg in "$@"; do fresh "$(name_of "$pkg")" "$stamp" || missing=1; done
  [ $missing = 0 ] && return 0
  say "building $*"
  (cd "$root/scripts/ci/go/$module" && go build -ldflags "$ldflags" -o "$bin/" "$@")
  for pkg in "$@"; do done_ "$(name_of "$pkg")" "$stamp"; done
}

schemas() {
  local out="$cache/k8s-schemas" stamp="v$KUBERNETES_VERSION $(sha256sum "$root/scripts/ci/k8s-json-schemas.ts" | cut -c1-16)"
  [ -d "$out/v$KUBERNETES_VERSION-standalone-strict" ] && [ "$(cat "$stamps/k8s-schemas" 2>/dev/null)" = "$stamp" ] && return 0
  say "writing the Kubernetes $KUBERNETES_VERSION JSON schemas"
  local dir
  dir=$(cd /tmp && go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  rm -rf "$out/v$KUBERNETES_VERSION-standalone-strict"
  node --import tsx "$root/scripts/ci/k8s-json-schemas.ts" "$dir/api/openapi-spec/swagger.json" "$out" "$KUBERNETES_VERSION" >&2
  echo "$stamp" >"$stamps/k8s-schemas"
}

command -v go >/dev/null || { say "Go is needed to build the tools: install Go 1.24 or newer"; exit 1; }
# Debian's packages, then the local base image of the services image (debootstrap: mostly
# downloads), while Go compiles.
(debian_packages && bash "$root/scripts/ci/node-base-image.sh" >/dev/null) &
background=$!
kubeconform
schemas
wrapped dockerfile-lint .
wrapped helm-unittest github.com/helm-unittest/helm-unittest/cmd/helm-unittest
wrapped otelcol .
# Built from modules, the API server would call itself v0.0.0 and fail charts' kubeVersion.
kv=k8s.io/component-base/version
LDFLAGS="-X $kv.gitVersion=v$KUBERNETES_VERSION -X $kv.gitMajor=1 -X $kv.gitMinor=34" \
  wrapped kube k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
helm3
helm4
wait "$background" || { say "installing Debian's packages or making the base image failed"; exit 1; }
say "tools in $bin"
