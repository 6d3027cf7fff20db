#!/usr/bin/env bash
# A single-node Kafka broker (KRaft: broker + controller in one JVM) for the engine test tier.
# No Docker: Maven fetches the broker's jars from Maven Central (engines/kafka/pom.xml).
#   engines/kafka.sh install   fetch the jars to .tmp/engines/kafka/lib (skipped while the pom is unchanged)
#   engines/kafka.sh start     format the storage on first start, start, wait until it serves (idempotent)
#   engines/kafka.sh stop      SIGTERM, wait, then SIGKILL; the data stays
# Ports: PLAINTEXT 127.0.0.1:59092 (ENGINE_KAFKA_URL=kafka://127.0.0.1:59092), controller 127.0.0.1:59093.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
POM="$ROOT/engines/kafka/pom.xml"
HOME_DIR="$ROOT/.tmp/engines/kafka"
LIB="$HOME_DIR/lib"
DATA="$HOME_DIR/data"
CONF="$HOME_DIR/server.properties"
PIDFILE="$HOME_DIR/kafka.pid"
LOG="$HOME_DIR/server.log"   # the broker's own log (slf4j-simple)
OUT="$HOME_DIR/kafka.out"    # the JVM's stdout/stderr
PORT=59092
CONTROLLER_PORT=59093
START_TIMEOUT_S=${KAFKA_START_TIMEOUT_S:-90}
# Small and quick on a 2-core machine: serial GC, a bounded heap, few threads.
JAVA_OPTS=(-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxDirectMemorySize=128m -Djava.awt.headless=true
  -Dorg.slf4j.simpleLogger.logFile="$LOG" -Dorg.slf4j.simpleLogger.showDateTime=true
  "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS"
  -Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn)

log() { echo "kafka: $*" >&2; }

install() {
  command -v java >/dev/null || { log 'java not found (apt-get install openjdk-17-jre-headless)'; exit 1; }
  command -v mvn >/dev/null || { log 'mvn not found (apt-get install maven)'; exit 1; }
  local sum
  sum="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [[ -f "$LIB/.pom.sha256" && "$(cat "$LIB/.pom.sha256")" == "$sum" ]] && compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  log "fetching the broker's jars with Maven into $LIB"
  rm -rf "$LIB"
  mkdir -p "$LIB"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$LIB"
  echo "$sum" >"$LIB/.pom.sha256"
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_config() {
  cat >"$CONF" <<EOF
# Written by engines/kafka.sh: a single-node KRaft broker for tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
num.partitions=8
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Tests use short consumer sessions so a killed member's partitions move quickly.
group.min.session.timeout.ms=500
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.retention.hours=168
# Tests delete their topics afterwards: let the files go at once, not after a minute.
file.delete.delay.ms=1000
EOF
}

start() {
  install
  mkdir -p "$HOME_DIR"
  if pid="$(running_pid)"; then
    wait_ready "$pid"
    log "already running (pid $pid) on 127.0.0.1:$PORT"
    return 0
  fi
  if port_open "$PORT" || port_open "$CONTROLLER_PORT"; then
    log "port $PORT or $CONTROLLER_PORT is taken by another process"
    exit 1
  fi
  write_config
  if [[ ! -f "$DATA/meta.properties" ]]; then
    local cluster_id
    # A Kafka Uuid: 16 random bytes, base64url without padding (22 characters).
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)"
    log "formatting KRaft storage in $DATA (cluster $cluster_id)"
    mkdir -p "$DATA"
    java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$LIB/*" kafka.tools.StorageTool \
      format -t "$cluster_id" -c "$CONF" >>"$OUT" 2>&1 || {
      log "formatting failed:"
      tail -n 20 "$OUT" >&2
      exit 1
    }
  fi
  : >"$LOG"
  local started=$SECONDS
  nohup java "${JAVA_OPTS[@]}" -cp "$LIB/*" kafka.Kafka "$CONF" >>"$OUT" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PIDFILE"
  wait_ready "$pid"
  log "started (pid $pid) on 127.0.0.1:$PORT in $((SECONDS - started)) s; log $LOG"
}

# Ready = the broker logged that it started and its client port accepts connections.
wait_ready() {
  local pid=$1 deadline=$((SECONDS + START_TIMEOUT_S))
  until grep -q 'Kafka Server started' "$LOG" 2>/dev/null && port_open "$PORT"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the broker exited while starting; last lines of $LOG and $OUT:"
      tail -n 30 "$LOG" >&2 || true
      tail -n 20 "$OUT" >&2 || true
      rm -f "$PIDFILE"
      exit 1
    fi
    if ((SECONDS > deadline)); then
      log "not ready after ${START_TIMEOUT_S}s; last lines of $LOG:"
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    log 'not running'
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  log "stopped (pid $pid)"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 install|start|stop" >&2
    exit 2
    ;;
esac
