#!/usr/bin/env bash
# The full hostile-input run: a release statusrelay-ingress on a private Tansu broker, then
# scripts/fuzz/fuzz_ingress.py with 100,000 generated requests (override: FUZZ_COUNT) plus slow-loris
# connections; RSS sampled from /proc. Summary: bench-results/fuzz.json. Non-zero exit on any violation.
#   scripts/fuzz/run.sh [extra fuzz_ingress.py flags]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh"
source "$LOCAL_DIR/env.sh"
step "Build release binaries"
# STATUSRELAY_RELEASE_FLAGS: extra build flags, e.g. "--scratch-path .build-bench" to keep a separate tree.
# STATUSRELAY_SKIP_BUILD=1 reuses the binaries already built.
# shellcheck disable=SC2086
[ "${STATUSRELAY_SKIP_BUILD:-0}" = 1 ] || "$REPO_ROOT/scripts/swift.sh" build -c release ${STATUSRELAY_RELEASE_FLAGS:-}
BIN=$("$REPO_ROOT/scripts/swift.sh" build -c release ${STATUSRELAY_RELEASE_FLAGS:-} --show-bin-path)
done_step

state=$(mktemp -d /tmp/statusrelay-fuzz.XXXXXX)
ingress_pid=""
cleanup() {
  [ -n "$ingress_pid" ] && kill "$ingress_pid" 2>/dev/null && wait "$ingress_pid" 2>/dev/null || true
  bash "$REPO_ROOT/scripts/broker.sh" stop "$state/broker" || true
  [ "${KEEP_FUZZ_STATE:-0}" = 1 ] || rm -rf "$state"
}
trap cleanup EXIT

broker_port=$(free_port)
bash "$REPO_ROOT/scripts/broker.sh" start "$broker_port" "$state/broker" >/dev/null
port=$(free_port)
export TWILIO_AUTH_TOKEN
TWILIO_AUTH_TOKEN=$("$STATUSRELAY_PYTHON" -c 'import secrets; print(secrets.token_hex(16))')
"$BIN/statusrelay-ingress" --listen "127.0.0.1:$port" --brokers "127.0.0.1:$broker_port" --topic fuzz \
  --create-topic --spool-dir "$state/spool" --request-timeout 5s --log-level warning >"$state/ingress.log" 2>&1 &
ingress_pid=$!
wait_for_port "$port" 60 || { tail -n 30 "$state/ingress.log" >&2; die "ingress did not start"; }

mkdir -p "$REPO_ROOT/bench-results"
step "Fuzz: ${FUZZ_COUNT:-100000} requests against 127.0.0.1:$port (ingress pid $ingress_pid)"
set +e
"$STATUSRELAY_PYTHON" "$REPO_ROOT/scripts/fuzz/fuzz_ingress.py" --url "http://127.0.0.1:$port" \
  --token "$TWILIO_AUTH_TOKEN" --count "${FUZZ_COUNT:-100000}" --pid "$ingress_pid" --max-rss-mib 128 \
  --slowloris 100 --brokers "127.0.0.1:$broker_port" --topic fuzz --json "$REPO_ROOT/bench-results/fuzz.json" "$@" \
  >/dev/null
status=$?
set -e
done_step
"$STATUSRELAY_PYTHON" - "$REPO_ROOT/bench-results/fuzz.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"requests {s['requests']} in {s['seconds']} s ({s['requests_per_second']}/s); violations {s['violation_count']}; "
      f"alive {s['alive']}; healthz {s['healthz']}; max RSS {s['max_rss_mib']} MiB (VmHWM {s['vmhwm_mib']} MiB); "
      f"valid accepted {s['accepted_valid']}; topic {s.get('topic', {}).get('records')} records, "
      f"{s.get('topic', {}).get('invalid_count')} invalid, {s.get('topic', {}).get('missing_count')} missing; slow-loris {s['slowloris']}")
for v in s["violations"][:20]:
    print("  violation:", v)
PY
exit "$status"
