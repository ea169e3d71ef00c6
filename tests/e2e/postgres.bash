# A throw-away PostgreSQL cluster for e2e suites, sourced after common.bash. PostgreSQL refuses to
# run as root, so the cluster belongs to the `postgres` user; it listens on 127.0.0.1 only, on a
# free port, and is stopped and removed when the suite exits.

PG_DIR=
stop_postgres() {
  if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
  return 0
}
trap 'stop_postgres; cleanup' EXIT

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_postgres: sets PG_URL (libpq URI of database "sample", user "sample") and PG_PORT.
start_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  require "PostgreSQL server binaries" test -x "$PG_BIN/initdb"
  require "root, to run PostgreSQL as the postgres user" test "$(id -u)" -eq 0
  require "the postgres user" id postgres
  PG_DIR=$(mktemp -d -t dlqcat-pg.XXXXXX)
  chown postgres "$PG_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
    fail "initdb: $(tail -n 3 "$PG_DIR/initdb.log")"
  local attempt
  for attempt in 1 2 3; do
    PG_PORT=$(free_port)
    if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c synchronous_commit=off" start >/dev/null; then
      break
    fi
    [ "$attempt" = 3 ] && fail "PostgreSQL did not start: $(tail -n 3 "$PG_DIR/server.log")"
  done
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt \
    -c "CREATE ROLE sample LOGIN" -c "CREATE DATABASE sample OWNER sample" >/dev/null
  PG_URL="postgresql://sample@127.0.0.1:$PG_PORT/sample"
  export PG_URL PG_PORT
}

# pg_sql SQL: runs SQL in database "sample" as "sample"; prints rows as a|b lines.
pg_sql() {
  psql "$PG_URL" -qAt -v ON_ERROR_STOP=1 -c "$1"
}
