#!/usr/bin/env bash
# Checks the chart against every values file shipped: the system files are current
# (deploy/helm/render.ts --check), `helm lint --strict`, and each rendering validated strictly
# against the Kubernetes 1.30–1.34 schemas (kubernetes-validate, from PyPI, installed when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
K8S_TOOLS=${K8S_TOOLS:-$HOME/.cache/bounded-k8s/bin}
PATH=$K8S_TOOLS:$PATH
out=${K8S_WORK:-$PWD/.tmp/k8s}/rendered
mkdir -p "$out"
chart=deploy/helm/bounded
command -v kubernetes-validate >/dev/null ||
  python3 -m pip install -q 'kubernetes-validate==1.37.0' >&2
node --import tsx deploy/helm/render.ts --check
# The defaults alone, each shipped setup, and the test tier's values on top of the embedded one.
sets=("" "-f deploy/helm/values-embedded.yaml" "-f deploy/helm/values-production.yaml"
  "-f deploy/helm/values-embedded.yaml -f deploy/test/values-k8s.yaml --set persistence.hostPath=/var/lib/bounded")
names=(defaults embedded production k8s-test)
failed=0
for i in "${!sets[@]}"; do
  # shellcheck disable=SC2086
  if ! helm lint --strict "$chart" ${sets[$i]} >"$out/lint-${names[$i]}.txt" 2>&1; then
    cat "$out/lint-${names[$i]}.txt" >&2; failed=1; continue
  fi
  for minor in 30 31 32 33 34; do
    file=$out/${names[$i]}-1.$minor.yaml
    # shellcheck disable=SC2086
    helm template bounded "$chart" --namespace bounded --kube-version "1.$minor.0" ${sets[$i]} >"$file"
    if ! kubernetes-validate --strict -k "1.$minor.0" "$file" >"$file.validate.txt" 2>&1 ||
      grep -qiE 'error|invalid' "$file.validate.txt"; then
      echo "deploy/helm/check.sh: ${names[$i]} values fail Kubernetes 1.$minor's schemas:" >&2
      grep -iE 'error|invalid' "$file.validate.txt" | head -20 >&2; failed=1
    fi
  done
  echo "deploy/helm/check.sh: ${names[$i]}: helm lint --strict ok; $(grep -c '^kind:' "$out/${names[$i]}-1.34.yaml") objects valid for 1.30–1.34"
done
exit $failed
