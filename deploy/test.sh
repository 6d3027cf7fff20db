#!/usr/bin/env bash
# npm run test:k8s — the Kubernetes tier. Builds what is missing (Kubernetes, metrics-server,
# CoreDNS and Helm from the Go module proxy, the Debian packages, the image), checks the chart
# (deploy/helm/check.sh), starts the private single-node cluster (deploy/k8s/cluster.sh),
# imports the image, runs deploy/test/cluster.k8s.test.ts inside the cluster's network
# namespace, and tears the cluster down whatever happened. Everything is cached between runs:
# Go's caches in their default places, the binaries and the Debian base in ~/.cache/bounded-k8s,
# the image in buildah's storage.
#   K8S_SYSTEMS=flowerdelivery,malltail (default) — the systems installed (flowerdelivery is the one
#   the checkpoints use); K8S_HELM_SET=a=b,c=d — more chart values; K8S_KEEP=1 leaves the cluster up.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
export K8S_WORK=${K8S_WORK:-$PWD/.tmp/k8s}
export K8S_TOOLS=${K8S_TOOLS:-$HOME/.cache/bounded-k8s/bin}
export K8S_NETNS=${K8S_NETNS:-bounded-k8s}
log() { echo "deploy/test.sh: $*" >&2; }
step() { log "[$((SECONDS - t0)) s] $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "deploy/test.sh: needs root (network namespace, containerd, kubelet); run as root or under sudo" >&2
  exit 1
fi
if [ "${K8S_KEEP:-}" != 1 ]; then trap 'step "tearing down"; bash deploy/k8s/cluster.sh down' EXIT; fi

step "tools (built when missing)"
bash deploy/k8s/tools.sh
step "chart checks"
bash deploy/helm/check.sh
step "image"
image=$(bash deploy/images.sh | tail -n 1)
tag=${image##*:}
step "cluster up"
bash deploy/k8s/cluster.sh up
step "importing $image"
bash deploy/k8s/cluster.sh import "$K8S_WORK/images/bounded-$tag.tar"
step "checkpoints on the cluster"
rm -rf "$K8S_WORK/volumes" # a fresh volume per run (the test makes the folders)
figures=$K8S_WORK/figures.json
rc=0
# --test-force-exit: the file ends when its tests and hooks are done, whatever handle a failed
# test left open (a CI run's load generator, never stopped, held it for an hour past its tests).
bash deploy/k8s/cluster.sh exec env PATH="$K8S_TOOLS:$PATH" KUBECONFIG="$K8S_WORK/cluster/admin.kubeconfig" \
  K8S_IMAGE="$image" K8S_VOLUMES="$K8S_WORK/volumes" K8S_FIGURES="$figures" \
  K8S_CONTAINERD_SOCK="$K8S_WORK/cluster/containerd.sock" K8S_SYSTEMS="${K8S_SYSTEMS:-flowerdelivery,malltail}" \
  K8S_HELM_SET="${K8S_HELM_SET:-}" \
  node --import tsx --test --test-concurrency=1 --test-timeout=1800000 --test-force-exit deploy/test/cluster.k8s.test.ts || rc=$?
step "done (exit $rc); figures in $figures"
exit $rc
