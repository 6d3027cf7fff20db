#!/usr/bin/env bash
# Installs what the engine test tier needs and is missing (see engines/README.md).
# Safe to re-run: with everything present it does nothing (no apt-get update).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package -> a file it installs (checked as well as dpkg's status, so a half-removed
# package counts as missing).
declare -A probe=(
  [postgresql]=/usr/lib/postgresql/15/bin/postgres
  [mariadb-server]=/usr/sbin/mariadbd
  [nats-server]=/usr/sbin/nats-server
)

missing=()
for pkg in postgresql mariadb-server nats-server; do
  if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed' || [ ! -x "${probe[$pkg]}" ]; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "engines/install.sh: installing ${missing[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  # Our servers are private instances on their own ports (engines/*.sh); keep the packages'
  # postinst from starting the distro's system services, unless the machine already has a policy.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod +x "$policy"
    trap '"${sudo[@]}" rm -f "$policy"' EXIT
  fi
  apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update
  "${apt[@]}" install -y --no-install-recommends "${missing[@]}"
fi

# Kafka: its jars come from Maven Central — engines/test.sh runs `engines/kafka.sh install` after this.
