#!/usr/bin/env bash
# nats-server with JetStream on 127.0.0.1:54222 for the engine test tier.
#   engines/nats.sh start   idempotent; waits until the server answers with JetStream on
#   engines/nats.sh stop    SIGTERM via the pid file, waits for the exit; keeps the data
# Data (JetStream store), log and pid file live in .tmp/engines/nats/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR="$ROOT/.tmp/engines/nats"
HOST=127.0.0.1
PORT=54222
PIDFILE="$DIR/nats-server.pid"
LOG="$DIR/nats-server.log"
START_TIMEOUT_S=30
STOP_TIMEOUT_S=30

server_bin() {
  command -v nats-server 2>/dev/null || { [ -x /usr/sbin/nats-server ] && echo /usr/sbin/nats-server; } || {
    echo "nats.sh: nats-server not found (engines/install.sh installs it: apt-get install -y nats-server)" >&2
    exit 1
  }
}

# The pid from the pid file, if that process is alive and is a nats-server.
running_pid() {
  [ -s "$PIDFILE" ] || return 1
  local pid
  pid=$(tr -dc '0-9' <"$PIDFILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  grep -q nats-server "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

# True when the port greets with INFO and JetStream is on.
answers() {
  (
    exec 3<>"/dev/tcp/$HOST/$PORT" || exit 1
    IFS= read -r -t 2 line <&3 || exit 1
    [[ "$line" == INFO* && "$line" == *'"jetstream":true'* ]]
  ) 2>/dev/null
}

log_tail() {
  echo "--- last lines of $LOG ---" >&2
  tail -n 30 "$LOG" >&2 2>/dev/null || echo "(no log)" >&2
}

start() {
  mkdir -p "$DIR/data"
  if pid=$(running_pid); then
    if answers; then
      echo "nats-server already running (pid $pid) on nats://$HOST:$PORT"
      return 0
    fi
  elif answers; then
    echo "nats.sh: something not started by this script already answers on $HOST:$PORT" >&2
    exit 1
  fi
  if [ -z "${pid:-}" ]; then
    local bin
    bin=$(server_bin)
    rm -f "$PIDFILE"
    # setsid: the server outlives the shell that started it and ignores its Ctrl-C.
    setsid "$bin" --addr "$HOST" --port "$PORT" --server_name bounded-engines \
      --jetstream --store_dir "$DIR/data" --pid "$PIDFILE" --log "$LOG" </dev/null >>"$LOG" 2>&1 &
    pid=$!
  fi
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until answers; do
    # The pid file is the truth once written ($! is setsid's pid should it have forked).
    if ! kill -0 "$pid" 2>/dev/null && ! running_pid >/dev/null; then
      echo "nats.sh: nats-server exited during start-up" >&2
      log_tail
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "nats.sh: nats-server (pid $pid) did not answer on $HOST:$PORT within ${START_TIMEOUT_S}s" >&2
      log_tail
      exit 1
    fi
    sleep 0.1
  done
  pid=$(running_pid || echo "$pid")
  echo "nats-server running (pid $pid) on nats://$HOST:$PORT, JetStream store $DIR/data"
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    echo "nats-server not running"
    rm -f "$PIDFILE"
    return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + STOP_TIMEOUT_S))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "nats.sh: nats-server (pid $pid) still running ${STOP_TIMEOUT_S}s after SIGTERM; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  rm -f "$PIDFILE"
  echo "nats-server stopped (pid $pid); data kept in $DIR/data"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: engines/nats.sh start|stop" >&2
    exit 2
    ;;
esac
