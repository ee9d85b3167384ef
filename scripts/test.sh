#!/usr/bin/env bash
# `make test`: bootstrap, build, start a broker and PostgreSQL on free ports, run `swift test`,
# stop what was started, and exit non-zero on any failure. Extra arguments go to `swift test`
# (e.g. `scripts/test.sh --filter KafkaTests`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh"
source "$LOCAL_DIR/env.sh"

# STATUSRELAY_SCRATCH: another build tree (e.g. .build-mine), so parallel work does not wait on SwiftPM's lock.
scratch=()
[ -z "${STATUSRELAY_SCRATCH:-}" ] || scratch=(--scratch-path "$STATUSRELAY_SCRATCH")

step "Prometheus rules and scrape configuration (promtool)"
bash "$REPO_ROOT/scripts/check-prometheus.sh"
done_step

step "Build (debug, with tests)"
"$REPO_ROOT/scripts/swift.sh" build "${scratch[@]}" --build-tests
done_step

state=$(mktemp -d /tmp/statusrelay-test.XXXXXX)
chmod 755 "$state"
cleanup() {
  bash "$REPO_ROOT/scripts/broker.sh" stop "$state/broker" || true
  bash "$REPO_ROOT/scripts/postgres.sh" stop "$state/pg" || true
  if [ "${KEEP_TEST_STATE:-0}" != 1 ]; then rm -rf "$state"; fi
}
trap cleanup EXIT

step "Start broker and PostgreSQL"
broker_port=$(free_port)
bash "$REPO_ROOT/scripts/broker.sh" start "$broker_port" "$state/broker" >/dev/null
pg_port=$(free_port)
pg_url=$(bash "$REPO_ROOT/scripts/postgres.sh" start "$state/pg" "$pg_port")
info "broker 127.0.0.1:$broker_port, PostgreSQL $pg_url"
done_step

export STATUSRELAY_TEST_BROKERS="127.0.0.1:$broker_port"
export STATUSRELAY_TEST_POSTGRES_URL="$pg_url"
export STATUSRELAY_TEST_STATE_DIR="$state"
export STATUSRELAY_BIN_DIR
STATUSRELAY_BIN_DIR=$("$REPO_ROOT/scripts/swift.sh" build "${scratch[@]}" --show-bin-path)
export STATUSRELAY_REPO_ROOT="$REPO_ROOT"

step "swift test"
# Serially: the suites share one broker and one PostgreSQL and several time real processes; on a
# 2-core machine running them all at once turns load into flaky timeouts.
"$REPO_ROOT/scripts/swift.sh" test "${scratch[@]}" --skip-build --no-parallel "$@"
done_step
