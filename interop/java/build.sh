#!/usr/bin/env bash
# Builds the MSAEz peer (bounded.interop.MsaezPeer) with Maven: target/msaez-peer.jar plus its
# dependencies in target/lib. Skipped when the jar is newer than the pom and every source file.
# Prints the classpath to use as its only stdout line:
#   java -cp "$(interop/java/build.sh)" bounded.interop.MsaezPeer publish|consume …
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
JAR="$DIR/target/msaez-peer.jar"
LIB="$DIR/target/lib"

command -v java >/dev/null || { echo 'interop/java: java not found (apt-get install openjdk-17-jdk-headless)' >&2; exit 1; }
command -v mvn >/dev/null || { echo 'interop/java: mvn not found (apt-get install maven)' >&2; exit 1; }

fresh() {
  [[ -f "$JAR" && -f "$LIB/.complete" ]] || return 1
  [[ "$DIR/pom.xml" -ot "$JAR" ]] || return 1
  [[ -z "$(find "$DIR/src" -type f -newer "$JAR" -print -quit)" ]]
}

if ! fresh; then
  echo "interop/java: building the MSAEz peer with Maven" >&2
  rm -rf "$LIB"
  # -q: only errors, to stderr (stdout carries the classpath alone); Maven's stray colour resets dropped.
  nice -n 19 mvn -q -B -Dstyle.color=never -f "$DIR/pom.xml" package -DskipTests 2>&1 |
    sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2
  touch "$LIB/.complete" "$JAR"
fi
echo "$JAR:$LIB/*"
