#!/usr/bin/env bash
# Builds the generated-style peer (interop/java/generated: flowerdelivery's order and payment as
# MSAEz generates them, on Spring Boot) with Maven: generated/target/generated-peer.jar plus its
# dependencies in generated/target/lib. Skipped when the jar is newer than the pom and every
# source file; Maven keeps what it fetched in ~/.m2, so a rebuild fetches nothing. Prints the
# classpath as its only stdout line:
#   java -cp "$(interop/java/build-generated.sh)" flowerdelivery.order.OrderApplication --server.port=…
set -euo pipefail
DIR="$(cd "$(dirname "$0")/generated" && pwd)"
JAR="$DIR/target/generated-peer.jar"
LIB="$DIR/target/lib"

command -v java >/dev/null || { echo 'interop/java: java not found (apt-get install openjdk-17-jdk-headless)' >&2; exit 1; }
command -v mvn >/dev/null || { echo 'interop/java: mvn not found (apt-get install maven)' >&2; exit 1; }

fresh() {
  [[ -f "$JAR" && -f "$LIB/.complete" ]] || return 1
  [[ "$DIR/pom.xml" -ot "$JAR" ]] || return 1
  [[ -z "$(find "$DIR/src" -type f -newer "$JAR" -print -quit)" ]]
}

if ! fresh; then
  echo "interop/java: building the generated-style peer (Spring Boot) with Maven" >&2
  rm -rf "$LIB"
  # nice: a shared two-core machine. -q: only errors, to stderr (stdout carries the classpath).
  nice -n 19 mvn -q -B -Dstyle.color=never -f "$DIR/pom.xml" package -DskipTests 2>&1 |
    sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2
  [[ ${PIPESTATUS[0]} == 0 ]] || { echo 'interop/java: the Maven build failed' >&2; exit 1; }
  touch "$LIB/.complete" "$JAR"
fi
echo "$JAR:$LIB/*"
