#!/usr/bin/env bash
# npm run test:engines — the engine tier: install what is missing, start PostgreSQL, MariaDB,
# NATS JetStream and Kafka on loopback (engines/README.md), run every *.engines.test.ts, stop them.
# ENGINES_KEEP=1 leaves the servers running afterwards (quicker re-runs while developing).
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINES=(postgres mariadb nats kafka)

bash engines/install.sh
bash engines/kafka.sh install
# The Java interop peers (Maven; what it fetches stays in ~/.m2; skipped when already built).
bash interop/java/build.sh >/dev/null
bash interop/java/build-generated.sh >/dev/null

stop_all() {
  [[ "${ENGINES_KEEP:-}" == 1 ]] && return 0
  for engine in "${ENGINES[@]}"; do bash "engines/$engine.sh" stop || true; done
}
trap stop_all EXIT

# Start them side by side (Kafka's JVM takes longest); fail if any did not come up.
pids=()
for engine in "${ENGINES[@]}"; do
  bash "engines/$engine.sh" start &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[[ $failed == 0 ]] || { echo "engines/test.sh: a server did not start (see above)" >&2; exit 1; }

node scripts/test.mjs --engines "$@"
