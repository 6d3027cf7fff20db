#!/usr/bin/env bash
# Makes the gateways bench/gateway.ts measures beside ours available, each only when missing:
#   nginx  — Debian's package (apt-get), run by the bench as a plain reverse proxy;
#   scg    — bench/peers/scg (Spring Cloud Gateway + OAuth2 resource server), built with Maven.
# Never fails: a peer that cannot be had prints one "skipped: <peer>: <why>" line, and the bench
# measures without it. Usage: bash bench/peers/build.sh [nginx] [scg]   (default: both)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
peers=("$@")
[ ${#peers[@]} -eq 0 ] && peers=(nginx scg)

nginx_peer() {
  command -v nginx >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "skipped: nginx: not installed and no apt-get to install it"
    return 0
  fi
  echo "nginx: installing Debian's package…" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  if { $sudo apt-get update -qq >/dev/null 2>&1 || true; } &&
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends nginx >/dev/null 2>&1; then
    # The package's own service is of no use (the bench runs nginx in the foreground on loopback):
    # where the install started it on port 80, it is stopped again.
    [ -s /run/nginx.pid ] && $sudo nginx -s quit >/dev/null 2>&1
    command -v nginx >/dev/null 2>&1 && return 0
  fi
  echo "skipped: nginx: apt-get could not install nginx-light or nginx"
}

scg_peer() {
  local jar="$here/scg/target/scg-peer.jar"
  # Rebuilt when any of its sources is newer than the jar.
  if [ -f "$jar" ] && [ -z "$(find "$here/scg/pom.xml" "$here/scg/src" -newer "$jar" -type f 2>/dev/null)" ]; then
    return 0
  fi
  if ! command -v java >/dev/null 2>&1; then
    echo "skipped: scg: no java on PATH (Java 17 or newer is needed)"
    return 0
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    echo "skipped: scg: no mvn on PATH (apt-get install maven)"
    return 0
  fi
  echo "scg: building bench/peers/scg with Maven…" >&2
  if ! (cd "$here/scg" && mvn -B -q -DskipTests package >"${TMPDIR:-/tmp}/bounded-scg-build.log" 2>&1); then
    echo "skipped: scg: mvn package failed (see ${TMPDIR:-/tmp}/bounded-scg-build.log)"
    return 0
  fi
}

for peer in "${peers[@]}"; do
  case "$peer" in
    nginx) nginx_peer ;;
    scg) scg_peer ;;
    *) echo "skipped: $peer: unknown peer (nginx or scg)" ;;
  esac
done
