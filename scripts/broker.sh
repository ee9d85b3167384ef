#!/usr/bin/env bash
# Starts or stops a local Tansu broker (Kafka-compatible, in-memory) for tests and `make run`.
#   scripts/broker.sh start PORT STATEDIR   -> prints the PID; log in STATEDIR/tansu.log
#   scripts/broker.sh stop STATEDIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LOCAL_DIR/env.sh"

case "${1:-}" in
  start)
    port=$2 dir=$3
    mkdir -p "$dir"
    "$STATUSRELAY_TANSU" broker \
      --listener-url "tcp://127.0.0.1:$port" \
      --advertised-listener-url "tcp://127.0.0.1:$port" \
      >"$dir/tansu.log" 2>&1 &
    echo $! >"$dir/tansu.pid"
    if ! wait_for_port "$port" 30; then
      tail -n 20 "$dir/tansu.log" >&2
      die "broker did not listen on 127.0.0.1:$port within 30 s"
    fi
    cat "$dir/tansu.pid"
    ;;
  stop)
    dir=$2
    if [ -f "$dir/tansu.pid" ]; then
      kill "$(cat "$dir/tansu.pid")" 2>/dev/null || true
      rm -f "$dir/tansu.pid"
    fi
    ;;
  *) die "usage: broker.sh start PORT STATEDIR | stop STATEDIR" ;;
esac
