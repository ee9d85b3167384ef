#!/usr/bin/env bash
# `make chaos`: the reliability suite. Builds release binaries and runs scripts/chaos/chaos.py, which
# starts its own brokers, PostgreSQL clusters and HTTP targets per scenario, injects the fault under
# load and checks the exact accounting by event id. Summary: bench-results/chaos.json.
#   scripts/chaos.sh                       # every scenario
#   scripts/chaos.sh --scenario ingress-kill --scenario spool-full --rate 300 --duration 30
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh"
source "$LOCAL_DIR/env.sh"

step "Build release binaries"
# STATUSRELAY_RELEASE_FLAGS: extra build flags, e.g. "--scratch-path .build-bench" to keep a separate tree.
# STATUSRELAY_SKIP_BUILD=1 reuses the binaries already built.
# shellcheck disable=SC2086
[ "${STATUSRELAY_SKIP_BUILD:-0}" = 1 ] || "$REPO_ROOT/scripts/swift.sh" build -c release ${STATUSRELAY_RELEASE_FLAGS:-}
export STATUSRELAY_BIN_DIR
STATUSRELAY_BIN_DIR=$("$REPO_ROOT/scripts/swift.sh" build -c release ${STATUSRELAY_RELEASE_FLAGS:-} --show-bin-path)
done_step

export STATUSRELAY_REPO_ROOT=$REPO_ROOT
mkdir -p "$REPO_ROOT/bench-results"
work=$(mktemp -d /tmp/statusrelay-chaos.XXXXXX)
chmod 755 "$work"
step "Chaos scenarios (work dir $work)"
set +e
"$STATUSRELAY_PYTHON" "$REPO_ROOT/scripts/chaos/chaos.py" --workdir "$work" \
  --json "$REPO_ROOT/bench-results/chaos.json" "$@" >"$work/summary.json"
status=$?
set -e
done_step
"$STATUSRELAY_PYTHON" - "$REPO_ROOT/bench-results/chaos.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    print(f"{'PASS' if r['passed'] else 'FAIL'}  {r['scenario']:<15} accepted {r.get('accepted', '-'):>6}  "
          f"topic events {r.get('topic_events', '-'):>6}  answers {r.get('answers', {})}  {r['seconds']} s")
    for c in r["checks"]:
        if not c["ok"]:
            print(f"      failed: {c['check']}: {c['detail']}")
    if r.get("error"):
        print(f"      error: {r['error']}")
PY
if [ "$status" = 0 ]; then rm -rf "$work"; else info "logs kept in $work"; fi
exit "$status"
