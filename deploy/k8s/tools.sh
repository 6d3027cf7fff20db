#!/usr/bin/env bash
# Builds (when missing) what the Kubernetes tier needs and Debian does not package:
# Kubernetes 1.34 (kube-apiserver, -controller-manager, -scheduler, kubelet, kube-proxy, kubectl),
# metrics-server and Helm, from the Go module proxy, into $K8S_TOOLS (default ~/.cache/bounded-k8s/bin).
# Idempotent: a binary already there at the right version is kept. Go's own caches stay in their
# default places (~/go/pkg/mod, ~/.cache/go-build), so a rebuild on the same machine is only a link.
# Every build runs at nice 19 (the machine is shared).
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.34.4}
HELM_VERSION=${HELM_VERSION:-v3.22.0}
METRICS_VERSION=${METRICS_VERSION:-v0.9.0}
COREDNS_VERSION=${COREDNS_VERSION:-v1.12.4}
K8S_TOOLS=${K8S_TOOLS:-$HOME/.cache/bounded-k8s/bin}
mkdir -p "$K8S_TOOLS"
log() { echo "deploy/k8s/tools.sh: $*" >&2; }

have() { # have <binary> <version-string-expected-in-output> <args...>
  local bin=$K8S_TOOLS/$1 want=$2 out; shift 2
  [ -x "$bin" ] && out=$("$bin" "$@" 2>/dev/null) && [[ $out == *"$want"* ]]
}

k8s_bins=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
need_k8s=0
for b in "${k8s_bins[@]}"; do
  if [ "$b" = kubectl ]; then have kubectl "$K8S_VERSION" version --client || need_k8s=1
  else have "$b" "$K8S_VERSION" --version || need_k8s=1; fi
done

if [ "$need_k8s" = 1 ]; then
  log "building Kubernetes $K8S_VERSION (cold: ~10 min at nice 19; warm Go cache: ~1 min)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  staging=v0.${K8S_VERSION#v1.}
  (
    cd "$work"
    go mod init bounded.local/k8sbuild >/dev/null 2>&1
    # k8s.io/kubernetes replaces its staging modules with ./staging/...; the proxy has each of
    # them as a module of its own at v0.<minor>.<patch>.
    gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
    {
      echo "require k8s.io/kubernetes $K8S_VERSION"
      grep -E '^\s*k8s\.io/[^ ]+ => \./staging/' "$gomod" | awk -v v="$staging" '{print "replace " $1 " => " $1 " " v}'
    } >>go.mod
    {
      echo '//go:build tools'
      echo 'package tools'
      echo 'import ('
      for b in "${k8s_bins[@]}"; do echo "  _ \"k8s.io/kubernetes/cmd/$b\""; done
      echo ')'
    } >tools.go
    nice -n 19 go mod tidy >/dev/null 2>&1 || nice -n 19 go mod tidy
    pkg=k8s.io/component-base/version
    ld="-s -w -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    ld="$ld -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
    for b in "${k8s_bins[@]}"; do
      log "  go build $b"
      CGO_ENABLED=0 nice -n 19 go build -trimpath -ldflags "$ld" -o "$K8S_TOOLS/$b" "k8s.io/kubernetes/cmd/$b"
    done
  )
fi

# metrics-server prints no version of its own: a stamp file says which one was built.
if [ ! -x "$K8S_TOOLS/metrics-server" ] || [ "$(cat "$K8S_TOOLS/.metrics-server.version" 2>/dev/null)" != "$METRICS_VERSION" ]; then
  log "building metrics-server $METRICS_VERSION"
  pkg=k8s.io/component-base/version
  GOBIN=$K8S_TOOLS CGO_ENABLED=0 nice -n 19 go install -trimpath \
    -ldflags "-s -w -X $pkg.gitVersion=$METRICS_VERSION -X $pkg.gitMajor=0 -X $pkg.gitMinor=9" \
    "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_VERSION"
  echo "$METRICS_VERSION" >"$K8S_TOOLS/.metrics-server.version"
fi

# CoreDNS (the cluster's DNS: Service names → ClusterIPs) with only the plugins used; `go install`
# of the whole of it would compile every cloud provider's SDK.
if ! have coredns "CoreDNS-${COREDNS_VERSION#v}" -version; then
  log "building coredns $COREDNS_VERSION (kubernetes, forward, cache, errors plugins)"
  work=$(mktemp -d)
  (
    cd "$work"
    cat >go.mod <<EOM
module bounded.local/coredns

go 1.24

require github.com/coredns/coredns $COREDNS_VERSION
EOM
    cat >main.go <<'EOM'
package main

import (
	_ "github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/kubernetes"
)

func main() { coremain.Run() }
EOM
    nice -n 19 go mod tidy >/dev/null 2>&1 || nice -n 19 go mod tidy
    CGO_ENABLED=0 nice -n 19 go build -trimpath -ldflags "-s -w" -o "$K8S_TOOLS/coredns" .
  )
  rm -rf "$work"
fi

if ! have helm "$HELM_VERSION" version --short; then
  log "building helm $HELM_VERSION"
  GOBIN=$K8S_TOOLS CGO_ENABLED=0 nice -n 19 go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
log "tools ready in $K8S_TOOLS"
