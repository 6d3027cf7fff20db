#!/usr/bin/env bash
# A private PostgreSQL 15 on 127.0.0.1:55432 for the engine test tier.
#   engines/postgres.sh start   idempotent; initdb on first start; waits until it accepts connections
#   engines/postgres.sh stop    fast shutdown; keeps the data
# Data, unix socket and log live in .tmp/engines/postgres/. PostgreSQL refuses to run as root,
# so as root the server runs as the `postgres` OS user, which then owns that directory (as any
# other user it runs as that user).
# Role `bounded` (password `bounded`, may create databases) owns the database `bounded`:
#   ENGINE_POSTGRES_URL=postgres://bounded:bounded@127.0.0.1:55432/bounded
# POSTGRES_ENGINE_PORT moves it to another port (then point the tests there with ENGINE_POSTGRES_URL).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LINK="$ROOT/.tmp/engines/postgres"
HOST=127.0.0.1
PORT=${POSTGRES_ENGINE_PORT:-55432}
OS_USER=postgres
# Debian's binaries, named explicitly: a fresh machine after engines/install.sh has only these.
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
START_TIMEOUT_S=60

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi
}

# .tmp/engines/postgres itself, unless the server's user cannot reach it (a checkout under a
# private home directory) or its socket path would be too long: then a directory under
# /var/tmp named after the checkout, which .tmp/engines/postgres links to.
pick_dir() {
  mkdir -p "$ROOT/.tmp/engines"
  if [ -L "$LINK" ]; then
    DIR=$(readlink "$LINK")
  elif [ ${#LINK} -le 80 ] && as_pg test -x "$ROOT/.tmp/engines"; then
    DIR="$LINK"
  else
    DIR="/var/tmp/bounded-engines-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)/postgres"
    mkdir -p "$DIR"
    chmod 755 "$(dirname "$DIR")"
    ln -sfn "$DIR" "$LINK"
  fi
  DATA="$DIR/data"
  LOG="$DIR/postgres.log"
}
pick_dir

log_tail() {
  echo "--- last lines of $LOG ---" >&2
  tail -n 30 "$LOG" >&2 2>/dev/null || echo "(no log)" >&2
}

check_install() {
  if [ ! -x "$BIN/postgres" ] || { [ "$(id -u)" -eq 0 ] && ! id "$OS_USER" >/dev/null 2>&1; }; then
    echo "postgres.sh: PostgreSQL 15 not found in $BIN (run engines/install.sh)" >&2
    exit 1
  fi
}

running() { [ -f "$DATA/PG_VERSION" ] && as_pg "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

init() {
  mkdir -p "$DIR"
  [ "$(id -u)" -ne 0 ] || chown "$OS_USER:" "$DIR"
  chmod 700 "$DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "postgres.sh: initdb $DATA"
    rm -rf "$DATA"
    # C collation: text sorts by code point, as on SQLite.
    as_pg "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 || {
      cat "$DIR/initdb.log" >&2
      exit 1
    }
    echo "include_if_exists 'bounded.conf'" >>"$DATA/postgresql.conf"
  fi
  # Rewritten on every start, so a change here applies to an existing data directory.
  cat >"$DATA/bounded.conf" <<EOF
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 300
shared_buffers = 64MB
# Durable commits kept on (fsync, synchronous_commit): the tests prove crash behaviour.
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
EOF
  [ "$(id -u)" -ne 0 ] || chown "$OS_USER:" "$DATA/bounded.conf"
}

bootstrap() {
  as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bounded') THEN
    CREATE ROLE bounded LOGIN CREATEDB PASSWORD 'bounded';
  END IF;
END $$;
SELECT 'CREATE DATABASE bounded OWNER bounded'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'bounded') \gexec
SQL
}

start() {
  check_install
  if running; then
    echo "postgres already running on postgres://$HOST:$PORT"
    return 0
  fi
  init
  if ! as_pg "$BIN/pg_ctl" start -D "$DATA" -l "$LOG" -w -t "$START_TIMEOUT_S" >/dev/null; then
    echo "postgres.sh: the server did not start within ${START_TIMEOUT_S} s" >&2
    log_tail
    exit 1
  fi
  if ! "$BIN/pg_isready" -q -h "$HOST" -p "$PORT" -t 10; then
    echo "postgres.sh: the server started but does not answer on $HOST:$PORT" >&2
    log_tail
    exit 1
  fi
  bootstrap
  echo "postgres started on postgres://$HOST:$PORT (data in ${LINK#"$ROOT"/})"
}

stop() {
  check_install
  if ! running; then
    echo "postgres not running"
    return 0
  fi
  as_pg "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >/dev/null
  echo "postgres stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
  echo "usage: engines/postgres.sh start|stop" >&2
  exit 2
  ;;
esac
