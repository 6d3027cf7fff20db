#!/usr/bin/env bash
# npm run bench:k8s — deploy/test/bench.k8s.ts on the private cluster (built and torn down as in
# deploy/test.sh): orders/s through the gateway on the cluster vs the local runner, helm install →
# Ready, pod RSS. Last line: one JSON object.
set -euo pipefail
cd "$(dirname "$0")/.."
export K8S_WORK=${K8S_WORK:-$PWD/.tmp/k8s}
export K8S_TOOLS=${K8S_TOOLS:-$HOME/.cache/bounded-k8s/bin}
[ "${K8S_KEEP:-}" = 1 ] || trap 'bash deploy/k8s/cluster.sh down' EXIT
bash deploy/k8s/tools.sh
image=$(bash deploy/images.sh | tail -n 1)
bash deploy/k8s/cluster.sh up
bash deploy/k8s/cluster.sh import "$K8S_WORK/images/bounded-${image##*:}.tar"
mkdir -p "$K8S_WORK/volumes/bounded-flowerdelivery"
rm -rf "$K8S_WORK/volumes/bounded-flowerdelivery"/*
chown -R 10001:10001 "$K8S_WORK/volumes"
bash deploy/k8s/cluster.sh exec env PATH="$K8S_TOOLS:$PATH" KUBECONFIG="$K8S_WORK/cluster/admin.kubeconfig" \
  K8S_IMAGE="$image" K8S_VOLUMES="$K8S_WORK/volumes" K8S_NAMESPACE=bounded-bench \
  node --import tsx deploy/test/bench.k8s.ts
