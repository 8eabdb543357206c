#!/usr/bin/env bash
# start_test_postgres / stop_test_postgres: a private PostgreSQL cluster in a temporary directory, on loopback
# only, owned by the `postgres` system user when run as root. Exports SAFEFUTURE_TEST_PG.
# Tests run with fsync off (a throwaway server); scripts/bench sets PG_FSYNC=on to measure durable commits.
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
PG_PORT="${PG_PORT:-55432}"
PG_FSYNC="${PG_FSYNC:-off}"

_as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_test_postgres() {
  PG_DIR="$(mktemp -d /tmp/safefuture-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
  _as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >/dev/null
  _as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=$PG_FSYNC" start >/dev/null
  export SAFEFUTURE_TEST_PG="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL for tests on 127.0.0.1:$PG_PORT"
}

stop_test_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  _as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
