#!/usr/bin/env bash
# Report benchmark (not a test): fills a fresh SQLite database and a fresh PostgreSQL schema with
# ~1,000,000 events through the real sinks (statusrelay report-bench), then times
# `statusrelay report` over each (3 runs). Target: <= 5 s per report on SQLite and PostgreSQL.
#   MESSAGES=216000 scripts/report-bench.sh      (about 4.64 events per message)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$REPO_ROOT/scripts/bootstrap.sh" >/dev/null
source "$LOCAL_DIR/env.sh"

messages=${MESSAGES:-216000}
"$REPO_ROOT/scripts/swift.sh" build -c release --product statusrelay >/dev/null
bin="$("$REPO_ROOT/scripts/swift.sh" build -c release --show-bin-path)/statusrelay"

state=$(mktemp -d /tmp/statusrelay-report-bench.XXXXXX)
chmod 755 "$state"
cleanup() {
  bash "$REPO_ROOT/scripts/postgres.sh" stop "$state/pg" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

step "SQLite: $messages messages"
"$bin" report-bench --sink "sqlite:$state/report.db" --messages "$messages"
done_step

step "PostgreSQL: $messages messages"
pg_port=$(free_port)
pg_url=$(bash "$REPO_ROOT/scripts/postgres.sh" start "$state/pg" "$pg_port")
"$bin" report-bench --sink "$pg_url" --messages "$messages"
done_step
