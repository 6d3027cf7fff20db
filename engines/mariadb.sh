#!/usr/bin/env bash
# A private MariaDB 10.11 on 127.0.0.1:53306 for the engine test tier.
#   engines/mariadb.sh start   idempotent; mariadb-install-db on first start; waits until it answers
#   engines/mariadb.sh stop    clean shutdown, waits for the exit; keeps the data
# Data, unix socket, pid file and log live in .tmp/engines/mariadb/; no /etc/mysql config is read.
# User `bounded` (password `bounded`, may create databases) and the database `bounded`:
#   ENGINE_MYSQL_URL=mysql://bounded:bounded@127.0.0.1:53306/bounded
# MARIADB_ENGINE_PORT moves it to another port (then point the tests there with ENGINE_MYSQL_URL).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR="$ROOT/.tmp/engines/mariadb"
DATA="$DIR/data"
CONF="$DIR/my.cnf"
SOCKET="$DIR/mariadb.sock"
# A unix socket path has ~100 bytes at most: a deep checkout gets one under /tmp instead.
[ ${#SOCKET} -le 100 ] || SOCKET="/tmp/bounded-mariadb-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12).sock"
PIDFILE="$DIR/mariadb.pid"
LOG="$DIR/mariadb.log"
HOST=127.0.0.1
PORT=${MARIADB_ENGINE_PORT:-53306}
START_TIMEOUT_S=60
STOP_TIMEOUT_S=60

log_tail() {
  echo "--- last lines of $LOG ---" >&2
  tail -n 30 "$LOG" >&2 2>/dev/null || echo "(no log)" >&2
}

check_install() {
  if [ ! -x /usr/sbin/mariadbd ] || ! command -v mariadb-install-db >/dev/null; then
    echo "mariadb.sh: MariaDB not found (run engines/install.sh)" >&2
    exit 1
  fi
}

# The pid from the pid file, if that process is alive and is a mariadbd.
running_pid() {
  [ -s "$PIDFILE" ] || return 1
  local pid
  pid=$(tr -dc '0-9' <"$PIDFILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  grep -qE 'mariadbd|mysqld' "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

answers() { mariadb-admin --no-defaults --socket="$SOCKET" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }

as_root() { mariadb --no-defaults --socket="$SOCKET" -uroot "$@"; }

write_config() {
  # Rewritten on every start, so a change here applies to an existing data directory.
  cat >"$CONF" <<EOF
[mysqld]
user = root
datadir = $DATA
bind-address = $HOST
port = $PORT
socket = $SOCKET
pid-file = $PIDFILE
log-error = $LOG
skip-name-resolve
# utf8mb4 with binary collation: case-sensitive keys and code-point order, as on SQLite/PostgreSQL.
character-set-server = utf8mb4
collation-server = utf8mb4_bin
max_connections = 300
innodb_buffer_pool_size = 64M
innodb_log_file_size = 32M
# Durable commits kept on (innodb_flush_log_at_trx_commit = 1, the default).
EOF
}

init() {
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  write_config
  if [ ! -d "$DATA/mysql" ]; then
    echo "mariadb.sh: mariadb-install-db $DATA"
    rm -rf "$DATA"
    mariadb-install-db --defaults-file="$CONF" --auth-root-authentication-method=socket \
      --skip-test-db >"$DIR/install-db.log" 2>&1 || {
      cat "$DIR/install-db.log" >&2
      exit 1
    }
  fi
}

bootstrap() {
  as_root <<'SQL'
CREATE USER IF NOT EXISTS 'bounded'@'%' IDENTIFIED BY 'bounded';
GRANT ALL PRIVILEGES ON *.* TO 'bounded'@'%';
CREATE DATABASE IF NOT EXISTS bounded CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL
}

start() {
  check_install
  if pid=$(running_pid); then
    if answers; then
      echo "mariadb already running (pid $pid) on mysql://$HOST:$PORT"
      return 0
    fi
  fi
  init
  if [ -z "${pid:-}" ]; then
    rm -f "$PIDFILE"
    setsid /usr/sbin/mariadbd --defaults-file="$CONF" </dev/null >>"$LOG" 2>&1 &
  fi
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until answers; do
    if [ -z "${pid:-}" ] && ! kill -0 $! 2>/dev/null; then
      echo "mariadb.sh: the server exited while starting" >&2
      log_tail
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "mariadb.sh: the server did not answer within ${START_TIMEOUT_S} s" >&2
      log_tail
      exit 1
    fi
    sleep 0.2
  done
  bootstrap
  echo "mariadb started on mysql://$HOST:$PORT (data in ${DIR#"$ROOT"/})"
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    echo "mariadb not running"
    return 0
  fi
  mariadb-admin --no-defaults --socket="$SOCKET" -uroot shutdown >/dev/null 2>&1 || kill -TERM "$pid"
  local deadline=$((SECONDS + STOP_TIMEOUT_S))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "mariadb.sh: the server (pid $pid) did not stop within ${STOP_TIMEOUT_S} s" >&2
      log_tail
      exit 1
    fi
    sleep 0.2
  done
  echo "mariadb stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
  echo "usage: engines/mariadb.sh start|stop" >&2
  exit 2
  ;;
esac
