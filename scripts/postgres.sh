#!/usr/bin/env bash
# Starts or stops a private PostgreSQL cluster from Debian's postgresql package.
#   scripts/postgres.sh start DATADIR PORT   -> prints the connection URL
#   scripts/postgres.sh stop DATADIR
# The server runs as the `postgres` user when invoked as root (initdb refuses root).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LOCAL_DIR/env.sh"
PG_BIN=${STATUSRELAY_PG_BIN:?run scripts/bootstrap.sh first}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    dir=$2 port=$3
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir" && chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_pg "$PG_BIN/initdb" -D "$dir" -U statusrelay -A trust --no-sync -E UTF8 >/dev/null
    fi
    # TCP only: a Unix socket path is limited to 107 bytes, which a nested test directory exceeds.
    as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k '' -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
      || { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start"; }
    as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U statusrelay -d postgres -qAtc \
      "SELECT 1 FROM pg_database WHERE datname='statusrelay'" | grep -q 1 \
      || as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U statusrelay statusrelay
    echo "postgres://statusrelay@127.0.0.1:$port/statusrelay"
    ;;
  stop)
    dir=$2
    [ -f "$dir/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
    ;;
  *) die "usage: postgres.sh start DATADIR PORT | stop DATADIR" ;;
esac
