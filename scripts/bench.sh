#!/usr/bin/env bash
# `make bench`: builds release binaries, starts a private Tansu broker and PostgreSQL on free ports, runs
# every benchmark (loopback only, bounded in time) and writes bench-results/BENCHMARKS.md: one table row
# per figure with the exact command that produced it. Raw outputs stay in bench-results/<run>/.
#
# Every performance target is a ratio to a ceiling measured in the same run, right before or after its
# figure (issue 21): the "Targets" table at the top of BENCHMARKS.md gives each with its two sides,
# and bench-results/README-table.md is the same table for README's Benchmarks section.
#
# Knobs (env): BENCH_DURATION (s, default 20), BENCH_RATE (default 5000), BENCH_E2E_RATE (2000),
# BENCH_CONNECTIONS (64), BENCH_CONSUMER_MESSAGES (200000), BENCH_RECONCILE_MESSAGES (10000),
# BENCH_PG_SESSIONS (the consumer's PostgreSQL write concurrency and the ceiling's sessions, 4),
# BENCH_ONLY (space-separated subset of: webhook bare ingress peer spool consumer e2e reconcile).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${BENCH_DURATION:-20}
RATE=${BENCH_RATE:-5000}
E2E_RATE=${BENCH_E2E_RATE:-2000}
PG_SESSIONS=${BENCH_PG_SESSIONS:-4}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
CONSUMER_MESSAGES=${BENCH_CONSUMER_MESSAGES:-200000}
RECONCILE_MESSAGES=${BENCH_RECONCILE_MESSAGES:-10000}
ONLY=${BENCH_ONLY:-webhook bare ingress peer spool consumer e2e reconcile}
want() { [[ " $ONLY " == *" $1 "* ]]; }

bash "$REPO_ROOT/scripts/bootstrap.sh"
source "$LOCAL_DIR/env.sh"
PY=$STATUSRELAY_PYTHON
BENCH_DIR=$REPO_ROOT/scripts/bench

step "Build release binaries"
# STATUSRELAY_RELEASE_FLAGS: extra build flags, e.g. "--scratch-path .build-bench" to keep a separate tree.
# BENCH_SKIP_BUILD=1 reuses the binaries already built; BENCH_BIN_DIR=DIR takes the binaries from DIR
# instead (no build; e.g. the debug build for an I/O-bound row such as reconcile; the table says so).
# shellcheck disable=SC2086
BUILD_KIND="release builds"
if [ -n "${BENCH_BIN_DIR:-}" ]; then
  BIN=$(cd "$BENCH_BIN_DIR" && pwd)
  BUILD_KIND="binaries from $BENCH_BIN_DIR (not necessarily a release build)"
else
  [ "${BENCH_SKIP_BUILD:-0}" = 1 ] || "$REPO_ROOT/scripts/swift.sh" build -c release ${STATUSRELAY_RELEASE_FLAGS:-}
  BIN=$("$REPO_ROOT/scripts/swift.sh" build -c release ${STATUSRELAY_RELEASE_FLAGS:-} --show-bin-path)
fi
# The ceiling scripts ask `statusrelay` for the sinks' SQL: the same binaries as the figures.
export STATUSRELAY_BIN_DIR=$BIN
done_step

RESULTS=$REPO_ROOT/bench-results
RUN=$RESULTS/run-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RUN"
state=$(mktemp -d /tmp/statusrelay-bench.XXXXXX)
chmod 755 "$state"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash "$REPO_ROOT/scripts/broker.sh" stop "$state/broker" || true
  bash "$REPO_ROOT/scripts/postgres.sh" stop "$state/pg" || true
  rm -rf "$state"
}
trap cleanup EXIT

# Secrets only through the environment, never on a command line shown in the table.
export TWILIO_AUTH_TOKEN
TWILIO_AUTH_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
export PEER_TOKEN=$TWILIO_AUTH_TOKEN

step "Start broker and PostgreSQL"
BROKER_PORT=$(free_port)
bash "$REPO_ROOT/scripts/broker.sh" start "$BROKER_PORT" "$state/broker" >/dev/null
BROKERS=127.0.0.1:$BROKER_PORT
PG_PORT=$(free_port)
PG_URL=$(bash "$REPO_ROOT/scripts/postgres.sh" start "$state/pg" "$PG_PORT")
PSQL_ADMIN="$STATUSRELAY_PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U statusrelay -qX"
# fresh_db NAME: an empty database per run (sets DB_URL and PSQL), so no run inherits another's tables.
fresh_db() {
  $PSQL_ADMIN -d statusrelay -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
  DB_URL="postgres://statusrelay@127.0.0.1:$PG_PORT/$1"
  PSQL="$STATUSRELAY_PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U statusrelay $1"
}
info "broker $BROKERS, PostgreSQL $PG_URL"
done_step

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
ROWS=()
# row MEASUREMENT RESULT TARGET COMMAND (the load average when the figure was taken goes with it)
row() {
  ROWS+=("| $1 | $2 | $3 | $(loadavg) | \`$4\` |")
  info "$1: $2 (target $3)"
}
TARGETS=()
# target WHAT FIGURE CEILING VALUE OP BOUND SHOWN TARGETTEXT: one row of the Targets table; VALUE (the
# ratio, or the figure itself for a bound without ceiling) is compared with OP (ge|le) against BOUND;
# SHOWN is how the ratio column shows it. An empty VALUE (a side not measured) is "not measured".
target() {
  local what=$1 figure=$2 ceiling=$3 value=$4 op=$5 bound=$6 shown=$7 goal=$8 met
  if [ -z "$value" ]; then met="not measured"
  else met=$("$PY" -c 'import sys; v,b=float(sys.argv[1]),float(sys.argv[3]); print("yes" if (v>=b if sys.argv[2]=="ge" else v<=b) else "no")' "$value" "$op" "$bound"); fi
  TARGETS+=("| $what | $figure | $ceiling | $shown | $goal | $met | $(loadavg) |")
  info "target: $what: $shown (target $goal): $met"
}
NOTES=()
note() { NOTES+=("- $*"); }

# hwm PID -> peak RSS in MiB (VmHWM) of a live process.
hwm() { awk '/^VmHWM:/ {printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
json_get() { "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); v=d
for k in sys.argv[1].split("."): v=v[k]
print(v)' "$1"; }
ms() { "$PY" -c 'import sys; print(f"{float(sys.argv[1])/1000:.2f}")' "$1"; }
ratio() { "$PY" -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f"{a/b:.2f}" if b else "n/a")' "$1" "$2"; }
thousands() { "$PY" -c 'import sys; print(f"{float(sys.argv[1]):,.0f}")' "$1"; }

# RSS over a process's whole life (issue 21): rss_start NAME PID samples VmRSS every 0.5 s into
# $RUN/rss-NAME.csv until PID exits; rss_summary NAME (after the process stopped) sets RSS_TEXT
# (min/median/p95/max and the peak), RSS_MEDIAN and RSS_PEAK (MiB).
declare -A RSS_SAMPLERS=()
rss_start() {
  "$PY" "$BENCH_DIR/rss_sampler.py" --pid "$2" --interval 0.5 --csv "$RUN/rss-$1.csv" --json "$RUN/rss-$1.json" >/dev/null 2>&1 &
  RSS_SAMPLERS[$1]=$!
  PIDS+=("$!")
}
rss_summary() {
  wait "${RSS_SAMPLERS[$1]}" 2>/dev/null || true
  RSS_PEAK=$(json_get peak_hwm_mib <"$RUN/rss-$1.json")
  RSS_MEDIAN=$(json_get rss_mib.median <"$RUN/rss-$1.json")
  RSS_TEXT=$("$PY" - "$RUN/rss-$1.json" "rss-$1.csv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); r = d["rss_mib"]
print(f"RSS min/median/p95/max {r['min']}/{r['median']}/{r['p95']}/{r['max']} MiB over {d['seconds']} s "
      f"({d['samples']} samples, {sys.argv[2]}), peak (VmHWM) {d['peak_hwm_mib']} MiB")
PY
)
}

start_bg() { # start_bg LOGPREFIX CMD... -> sets LAST_PID
  local log=$1
  shift
  "$@" >"$log.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
# stop_pid PID: SIGTERM then wait.
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

INGRESS_FLAGS=(--log-level warning --create-topic --topic-partitions 4)
start_ingress() { # start_ingress NAME PORT TOPIC EXTRA... -> INGRESS_PID
  local name=$1 port=$2 topic=$3; shift 3
  "$BIN/statusrelay-ingress" --listen "127.0.0.1:$port" --brokers "$BROKERS" --topic "$topic" \
    --spool-dir "$state/spool-$name" "${INGRESS_FLAGS[@]}" "$@" >"$RUN/ingress-$name.log" 2>&1 &
  INGRESS_PID=$!
  PIDS+=("$INGRESS_PID")
  wait_for_port "$port" 60 || { tail -n 30 "$RUN/ingress-$name.log" >&2; die "ingress $name did not start"; }
  # Ready = producer connected (or spool has room).
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
}

# wrk_run NAME URL REQUESTFILE -> WRK_JSON (file)
wrk_run() {
  local name=$1 url=$2 file=$3
  local cmd="wrk -t2 -c$CONNECTIONS -d${DURATION}s -s scripts/bench/wrk_signed.lua $url"
  info "wrk ($name): $cmd"
  SIGNED_REQUESTS=$file SIGNED_PATH=/twilio/message-status \
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$BENCH_DIR/wrk_signed.lua" "$url" \
    >"$RUN/wrk-$name.txt" 2>&1
  grep '^WRKJSON ' "$RUN/wrk-$name.txt" | sed 's/^WRKJSON //' >"$RUN/wrk-$name.json"
  WRK_CMD=$cmd
}
wrk_rps() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["requests"]/(d["duration_us"]/1e6)))' "$1"; }
wrk_field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# load_run NAME URL REQUESTFILE RATE -> $RUN/load-NAME.json
load_run() {
  local name=$1 url=$2 file=$3 rate=$4
  LOAD_CMD="statusrelay bench load --requests REQUESTS --url $url --rate $rate --duration $DURATION --connections $CONNECTIONS"
  info "fixed rate ($name): $LOAD_CMD"
  "$BIN/statusrelay" bench load --requests "$file" --url "$url" --rate "$rate" --duration "$DURATION" \
    --connections "$CONNECTIONS" --json >"$RUN/load-$name.json" 2>"$RUN/load-$name.log" || true
}
load_field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
load_ms() { ms "$(load_field "$1" "$2")"; }

sign() { # sign URL MESSAGES OUT
  "$PY" "$BENCH_DIR/sign_requests.py" --url "$1" --token "$TWILIO_AUTH_TOKEN" --messages "$2" --out "$3"
}

SATURATION_RPS=""
BARE_RPS=""
PEER_RPS=""
BARE_P99=""

# --- 1. Webhook micro-benchmark -------------------------------------------------------------------
if want webhook; then
  step "Webhook micro-benchmark (verify + parse + normalize + encode)"
  "$BIN/statusrelay" bench webhook --iterations 200000 --json >"$RUN/webhook.json"
  ns=$(json_get ns_per_callback <"$RUN/webhook.json")
  cpu=$(json_get cpu_ns_per_callback <"$RUN/webhook.json")
  row "Webhook verify+parse+normalize+encode, 1 thread (best of 5 rounds)" "$("$PY" -c "print(f'{$ns/1000:.2f} µs/callback wall, {$cpu/1000:.2f} µs thread CPU')")" "≤ 5 µs" \
    "statusrelay bench webhook --iterations 200000"
  # The costliest requests within the limits (issue 16): CPU up to the answer, against signing a
  # full 64 KiB body in the same run (the least any verifier spends on it).
  # Each row's ceiling is twice the MAC bytes ReencodedQueryTests/failingSignatureWorkIsBounded
  # allows for the forms it tried (macs × (3 × URL + payload)): 4× for the two forms of a short URL,
  # more for a long re-encodable query (twilio-node's forms, up to 6 MACs per key).
  worst=$(json_get hostile_worst_cpu_ns <"$RUN/webhook.json")
  row "Worst-case request (64 KiB body, up to 80 KiB URL; signature fails or batch invalid), 1 thread" \
    "$("$PY" -c "print(f'{$worst/1000:.1f} µs CPU = {$(json_get hostile_worst_ratio <"$RUN/webhook.json"):.0f}× a typical callback, {$(json_get hostile_worst_ratio_to_signing <"$RUN/webhook.json"):.2f}× signing 64 KiB ($(json_get hostile_worst_macs <"$RUN/webhook.json") MACs, ceiling {$(json_get hostile_worst_ceiling_to_signing <"$RUN/webhook.json"):.2f}×); largest share of its own ceiling in any row {$(json_get hostile_max_share_of_ceiling <"$RUN/webhook.json"):.0%}')")" \
    "each row ≤ 2 × its MAC bound over signing 64 KiB (share ≤ 100%)" "statusrelay bench webhook (hostile rows)"
  done_step
fi

# --- 2. Bare Hummingbird endpoint (the ingress's ceiling; measured right before the ingress) ------
if want bare; then
  step "Bare Hummingbird endpoint (reads the body, answers 200)"
  port=$(free_port)
  start_bg "$RUN/bare" "$BIN/statusrelay" bench bare-server --port "$port"
  bare_pid=$LAST_PID
  wait_for_port "$port" 30 || die "bare server did not start"
  url=http://127.0.0.1:$port/twilio/message-status
  sign "$url" 20000 "$state/bare.req"
  wrk_run bare "$url" "$state/bare.req"
  BARE_RPS=$(wrk_rps "$RUN/wrk-bare.json")
  row "Bare Hummingbird endpoint at saturation" "$BARE_RPS requests/s (p50 $(ms "$(wrk_field "$RUN/wrk-bare.json" p50_us)") ms, p99 $(ms "$(wrk_field "$RUN/wrk-bare.json" p99_us)") ms)" "ceiling" "$WRK_CMD"
  load_run bare "$url" "$state/bare.req" "$RATE"
  f=$RUN/load-bare.json
  BARE_P99=$(load_field "$f" p99Micros)
  row "Bare endpoint latency at ${RATE}/s" "p50 $(load_ms "$f" p50Micros) ms, p99 $(load_ms "$f" p99Micros) ms, p99.9 $(load_ms "$f" p999Micros) ms" "ceiling" "$LOAD_CMD"
  row "Bare endpoint peak RSS" "$(hwm "$bare_pid") MiB" "-" "grep VmHWM /proc/PID/status"
  stop_pid "$bare_pid"
  done_step
fi

# --- 3. Ingress at saturation and at a fixed rate (between its two ceilings) -------------------------
if want ingress; then
  step "Ingress: saturation (wrk) and ${RATE}/s (open loop), Kafka acks"
  port=$(free_port)
  start_ingress main "$port" bench-ingress
  url=http://127.0.0.1:$port/twilio/message-status
  sign "$url" 20000 "$state/ingress.req"
  wrk_run ingress "$url" "$state/ingress.req"
  SATURATION_RPS=$(wrk_rps "$RUN/wrk-ingress.json")
  non2xx=$(wrk_field "$RUN/wrk-ingress.json" non2xx)
  row "Ingress throughput at saturation (Kafka acks=all)" "$SATURATION_RPS callbacks/s (p50 $(ms "$(wrk_field "$RUN/wrk-ingress.json" p50_us)") ms, p99 $(ms "$(wrk_field "$RUN/wrk-ingress.json" p99_us)") ms, p99.9 $(ms "$(wrk_field "$RUN/wrk-ingress.json" p999_us)") ms; non-2xx $non2xx)" \
    "≥ 20,000/s" "$WRK_CMD"
  # Fresh, never-sent callbacks for the fixed-rate run.
  sign "$url" $((RATE * DURATION / 5 + 1)) "$state/ingress-rate.req"
  load_run ingress "$url" "$state/ingress-rate.req" "$RATE"
  f=$RUN/load-ingress.json
  row "Ingress latency at ${RATE}/s (open loop, from intended send)" "p50 $(load_ms "$f" p50Micros) ms, p99 $(load_ms "$f" p99Micros) ms, p99.9 $(load_ms "$f" p999Micros) ms, max $(load_ms "$f" maxMicros) ms; $(load_field "$f" completed)/$(load_field "$f" scheduled) answered, statuses $(load_field "$f" statuses), errors $(load_field "$f" errors)" \
    "p99 ≤ 10 ms" "$LOAD_CMD"
  row "Ingress peak RSS (after both runs)" "$(hwm "$INGRESS_PID") MiB" "≤ 64 MiB" "grep VmHWM /proc/\$(pidof statusrelay-ingress)/status"
  stop_pid "$INGRESS_PID"
  done_step
fi

# --- 4. The peer: Flask + RequestValidator + confluent-kafka under gunicorn -------------------------
if want peer; then
  step "Peer: Flask + twilio RequestValidator + confluent-kafka (gunicorn, 4 workers)"
  port=$(free_port)
  "$PY" - "$BROKERS" <<'PY'
import sys
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({"bootstrap.servers": sys.argv[1]})  # kept alive until the result arrives
admin.create_topics([NewTopic("bench-peer", 4, 1)])["bench-peer"].result()
PY
  export PEER_BROKERS=$BROKERS PEER_TOPIC=bench-peer
  start_bg "$RUN/peer" \
    "$(dirname "$PY")/gunicorn" -w 4 -b "127.0.0.1:$port" --chdir "$BENCH_DIR" --log-level warning peer_app:app
  peer_pid=$LAST_PID
  wait_for_port "$port" 30 || die "gunicorn did not start"
  url=http://127.0.0.1:$port/twilio/message-status
  sign "$url" 20000 "$state/peer.req"
  wrk_run peer "$url" "$state/peer.req"
  PEER_RPS=$(wrk_rps "$RUN/wrk-peer.json")
  row "Peer (Flask+gunicorn -w 4) at saturation, broker acks" "$PEER_RPS callbacks/s (p50 $(ms "$(wrk_field "$RUN/wrk-peer.json" p50_us)") ms, p99 $(ms "$(wrk_field "$RUN/wrk-peer.json" p99_us)") ms; non-2xx $(wrk_field "$RUN/wrk-peer.json" non2xx))" "-" \
    "PEER_BROKERS=.. PEER_TOPIC=bench-peer gunicorn -w 4 --chdir scripts/bench peer_app:app; $WRK_CMD"
  # The peer saturates far below BENCH_RATE; its latency is measured at a rate it sustains.
  peer_rate=${BENCH_PEER_RATE:-500}
  load_run peer "$url" "$state/peer.req" "$peer_rate"
  f=$RUN/load-peer.json
  row "Peer latency at ${peer_rate}/s" "p50 $(load_ms "$f" p50Micros) ms, p99 $(load_ms "$f" p99Micros) ms, p99.9 $(load_ms "$f" p999Micros) ms; $(load_field "$f" completed)/$(load_field "$f" scheduled) answered" "-" "$LOAD_CMD"
  rss=0
  for child in $(pgrep -P "$peer_pid") "$peer_pid"; do
    rss=$("$PY" -c "print(round($rss + float('$(hwm "$child")'), 1))")
  done
  row "Peer peak RSS (master + 4 workers, sum of VmHWM)" "$rss MiB" "-" "grep VmHWM /proc/PID/status (each gunicorn process)"
  stop_pid "$peer_pid"
  done_step
fi

# ratio_target WHAT FIGURE CEILING BOUND NUMERATOR DENOMINATOR: a "≥ BOUND×" row of the Targets table.
ratio_target() {
  local r=""
  [ -n "$5" ] && [ -n "$6" ] && r=$(ratio "$5" "$6")
  target "$1" "$2" "$3" "$r" ge "$4" "${r:+$r×}" "≥ $4×"
}
if want ingress || want bare; then
  ratio_target "Ingress at saturation / bare Hummingbird endpoint" "${SATURATION_RPS:-?} callbacks/s" \
    "${BARE_RPS:-?} requests/s" 0.6 "$SATURATION_RPS" "$BARE_RPS"
fi
if want ingress || want peer; then
  ratio_target "Ingress at saturation / Flask + twilio + confluent-kafka peer" "${SATURATION_RPS:-?} callbacks/s" \
    "${PEER_RPS:-?} callbacks/s" 12 "$SATURATION_RPS" "$PEER_RPS"
fi

# --- 5. Spool path forced ---------------------------------------------------------------------------
if want spool; then
  step "Ingress with the spool path forced (--force-spool: every event fsynced to the spool first)"
  port=$(free_port)
  start_ingress spool "$port" bench-spool --force-spool
  url=http://127.0.0.1:$port/twilio/message-status
  sign "$url" 20000 "$state/spool.req"
  wrk_run spool "$url" "$state/spool.req"
  row "Ingress throughput, spool path forced" "$(wrk_rps "$RUN/wrk-spool.json") callbacks/s (p50 $(ms "$(wrk_field "$RUN/wrk-spool.json" p50_us)") ms, p99 $(ms "$(wrk_field "$RUN/wrk-spool.json" p99_us)") ms; non-2xx $(wrk_field "$RUN/wrk-spool.json" non2xx))" "-" \
    "statusrelay-ingress --force-spool ...; $WRK_CMD"
  row "Ingress peak RSS, spool path forced" "$(hwm "$INGRESS_PID") MiB" "≤ 64 MiB" "grep VmHWM /proc/PID/status"
  stop_pid "$INGRESS_PID"
  done_step
fi

# --- 6. Consumer throughput -------------------------------------------------------------------------
# Tansu needs short group timeouts for a prompt first join (see README); Apache Kafka does not.
REORDER_WINDOW_MS=3000
CONSUMER_FLAGS=(--log-level warning --reorder-window "${REORDER_WINDOW_MS}ms" --kafka-config session.timeout.ms=6000 --kafka-config max.poll.interval.ms=10000)
EVENTS=$((CONSUMER_MESSAGES * 5))
CONSUMER_EXTRA=()
# sink_events ADMINPORT: events the consumer's sinks wrote (statusrelay_sink_events_total).
sink_events() {
  curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null | awk '/^statusrelay_sink_events_total/ {s += $2} END {printf "%d", s}' || true
}
# consumer_run NAME SINK COUNTCMD (COUNTCMD may use $admin, the consumer's admin port)
consumer_run() {
  local name=$1 sink=$2 count_cmd=$3
  local admin; admin=$(free_port)
  local t0; t0=$("$PY" -c 'import time; print(time.time())')
  # Own group (and so own state topic, <topic>.state.<group>) per run: a shared state topic would
  # make each later run treat every event as a duplicate.
  local suffix=$name-$RANDOM
  "$BIN/statusrelay-consumer" --brokers "$BROKERS" --topic bench-consumer --group "bench-$suffix" \
    --state-topic "bench-consumer-state-$suffix" --sink "$sink" --admin-listen "127.0.0.1:$admin" "${CONSUMER_FLAGS[@]}" \
    ${CONSUMER_EXTRA[@]+"${CONSUMER_EXTRA[@]}"} >"$RUN/consumer-$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  rss_start "consumer-$name" "$pid"
  local n=0 first="" assigned="" last_print=0 now
  local deadline=$(( $(date +%s) + 900 ))
  while :; do
    n=$(eval "$count_cmd" 2>/dev/null || echo 0)
    n=${n:-0}
    now=$("$PY" -c 'import time; print(time.time())')
    # The group join ends when /readyz lists partitions (the broker holds a new group's first join
    # for group.initial.rebalance.delay.ms, 3 s by default, before it assigns anything).
    if [ -z "$assigned" ] && curl -fsS "http://127.0.0.1:$admin/readyz" 2>/dev/null | grep -q '"partitions":\[[0-9]'; then
      assigned=$now
    fi
    if [ -z "$first" ] && [ "$n" -gt 0 ]; then first=$now; fi
    [ "$n" -ge "$EVENTS" ] && break
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$RUN/consumer-$name.log" >&2; die "consumer ($name) exited"; }
    [ "$(date +%s)" -lt "$deadline" ] || { note "consumer $name: only $n/$EVENTS after 900 s"; break; }
    if [ $(( $(date +%s) - last_print )) -ge 5 ]; then info "consumer $name: $n/$EVENTS events in the sink"; last_print=$(date +%s); fi
    sleep 0.2
  done
  local total since_assigned join cpu
  total=$("$PY" -c "print(round($n/($now-$t0)))")
  since_assigned=$("$PY" -c "print(round($n/max(0.001,$now-${assigned:-$t0})))")
  join=$("$PY" -c "print(f'{${assigned:-$t0}-$t0:.1f}')")
  # CPU time is the load-independent figure: µs of consumer CPU per event.
  cpu=$(awk -v ticks="$(getconf CLK_TCK)" -v n="$n" '{printf "%.1f s CPU, %.1f µs/event", ($14+$15)/ticks, ($14+$15)/ticks*1e6/(n>0?n:1)}' "/proc/$pid/stat" 2>/dev/null || echo "CPU ?")
  stop_pid "$pid"
  rss_summary "consumer-$name"
  CONSUMER_RATE=$since_assigned
  CONSUMER_RESULT="$since_assigned events/s from partition assignment ($total events/s from process start, which includes the $join s group join); $n events; $cpu; $RSS_TEXT"
  target "Consumer peak RSS, $EVENTS events ($name)" "$RSS_PEAK MiB (median $RSS_MEDIAN MiB)" "—" \
    "$RSS_PEAK" le 256 "$(ratio "$RSS_PEAK" 256)× the bound" "≤ 256 MiB"
}

if want consumer; then
  step "Consumer: prefill $EVENTS events ($CONSUMER_MESSAGES messages x 5 statuses, shuffled within the window)"
  "$BIN/statusrelay" bench prefill --brokers "$BROKERS" --topic bench-consumer --partitions 4 \
    --messages "$CONSUMER_MESSAGES" --json >"$RUN/prefill.json" 2>"$RUN/prefill.log"
  info "$(cat "$RUN/prefill.json")"
  done_step
  PREFILL_CMD="statusrelay bench prefill --topic bench-consumer --partitions 4 --messages $CONSUMER_MESSAGES"

  # Ceilings: what the parts below the consumer do alone on this machine, for the ratio rows.
  step "Ceiling: librdkafka alone reads the pre-filled topic"
  "$PY" "$BENCH_DIR/read_ceiling.py" --brokers "$BROKERS" --topic bench-consumer --records "$EVENTS" >"$RUN/read-ceiling.json"
  READ_CEILING=$(json_get records_per_s <"$RUN/read-ceiling.json")
  row "Ceiling: librdkafka alone reads and drops the $EVENTS records (confluent-kafka)" "$READ_CEILING records/s from partition assignment" "—" \
    "scripts/bench/read_ceiling.py --topic bench-consumer --records $EVENTS"
  done_step

  step "Consumer -> jsonl"
  consumer_run jsonl "jsonl:$state/events.jsonl" "wc -l <'$state/events.jsonl'"
  row "Consumer throughput to jsonl ($EVENTS events)" "$CONSUMER_RESULT" "≥ 100,000/s" \
    "$PREFILL_CMD; statusrelay-consumer --sink jsonl:PATH --reorder-window 3s"
  ratio_target "Consumer → JSONL / librdkafka alone reading and dropping the topic" "$(thousands "$CONSUMER_RATE") events/s" \
    "$(thousands "$READ_CEILING") records/s" 0.5 "$CONSUMER_RATE" "$READ_CEILING"
  rm -f "$state/events.jsonl"
  done_step

  step "Consumer -> SQLite"
  consumer_run sqlite "sqlite:$state/events.sqlite" "sqlite3 '$state/events.sqlite' 'SELECT count(*) FROM message_status_events'"
  row "Consumer throughput to SQLite ($EVENTS events)" "$CONSUMER_RESULT" "≥ 40,000/s" \
    "$PREFILL_CMD; statusrelay-consumer --sink sqlite:PATH --reorder-window 3s"
  SQLITE_RATE=$CONSUMER_RATE
  done_step

  step "Ceiling: SQLite alone, the consumer's rows into the sink's tables"
  "$PY" "$BENCH_DIR/sqlite_ceiling.py" "$state/events.sqlite" "$state/ceiling.sqlite" >"$RUN/sqlite-ceiling.json"
  "$PY" "$BENCH_DIR/sqlite_ceiling.py" "$state/events.sqlite" "$state/ceiling.sqlite" --primary-keys-only >"$RUN/sqlite-ceiling-keys.json"
  rm -f "$state"/ceiling.sqlite*
  SQLITE_CEILING=$(json_get rows_per_s <"$RUN/sqlite-ceiling.json")
  row "Ceiling: SQLite alone moves the consumer's $EVENTS rows into the sink's tables (same pragmas, 20,000 per transaction with the guarded upsert)" \
    "$SQLITE_CEILING rows/s; with primary keys only (no secondary index): $(json_get rows_per_s <"$RUN/sqlite-ceiling-keys.json") rows/s" "—" \
    "scripts/bench/sqlite_ceiling.py events.sqlite ceiling.sqlite [--primary-keys-only]"
  ratio_target "Consumer → SQLite / SQLite alone, same rows" "$(thousands "$SQLITE_RATE") events/s" \
    "$(thousands "$SQLITE_CEILING") rows/s" 0.9 "$SQLITE_RATE" "$SQLITE_CEILING"
  done_step

  step "Consumer -> PostgreSQL"
  fresh_db bench_consumer
  CONSUMER_EXTRA=(--postgres-write-concurrency "$PG_SESSIONS")
  # Counted by the sink's own metric (events in committed transactions): a `SELECT count(*)` five
  # times a second scans the growing table and costs the server time the ceiling does not pay.
  consumer_run postgres "$DB_URL" 'sink_events $admin'
  CONSUMER_EXTRA=()
  stored=$($PSQL -qAtc 'SELECT count(*) FROM message_status_events')
  [ "$stored" -ge "$EVENTS" ] || note "consumer postgres: the sink counted $EVENTS events but the table holds $stored"
  PG_RATE=$CONSUMER_RATE
  row "Consumer throughput to PostgreSQL ($EVENTS events, $PG_SESSIONS write sessions)" "$CONSUMER_RESULT" "≥ 25,000/s" \
    "$PREFILL_CMD; statusrelay-consumer --sink postgres://... --reorder-window 3s --postgres-write-concurrency $PG_SESSIONS"
  done_step

  step "Ceiling: PostgreSQL alone, the consumer's rows into the sink's tables, $PG_SESSIONS sessions (right after the consumer)"
  source_psql=$PSQL
  fresh_db bench_ceiling
  "$STATUSRELAY_PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U statusrelay -s bench_consumer | $PSQL -qX >/dev/null
  "$PY" "$BENCH_DIR/postgres_ceiling.py" --bin-dir "$BIN" --source-psql "$source_psql" --psql "$PSQL" --sessions "$PG_SESSIONS" >"$RUN/postgres-ceiling-$PG_SESSIONS.json"
  PG_CEILING=$(json_get rows_per_s <"$RUN/postgres-ceiling-$PG_SESSIONS.json")
  row "Ceiling: PostgreSQL alone moves the consumer's $EVENTS rows into the sink's tables (fresh database, jsonb payload, 20,000 per transaction split over $PG_SESSIONS sessions by MessageSid)" \
    "$PG_CEILING rows/s" "—" "scripts/bench/postgres_ceiling.py --sessions $PG_SESSIONS"
  ratio_target "Consumer → PostgreSQL / PostgreSQL alone, same rows, $PG_SESSIONS sessions" "$(thousands "$PG_RATE") events/s" \
    "$(thousands "$PG_CEILING") rows/s" 0.8 "$PG_RATE" "$PG_CEILING"
  done_step
fi

# sink_writes METRICSFILE SINK: batches, mean and p99 (bucket bound) of the sink's batch write time.
sink_writes() {
  "$PY" - "$1" "$2" <<'PY'
import re, sys
buckets, count, total = [], 0.0, 0.0
for line in open(sys.argv[1]):
    if f'sink="{sys.argv[2]}"' not in line:
        continue
    m = re.match(r'statusrelay_sink_write_duration_seconds_(bucket|count|sum)\{([^}]*)\} (\S+)', line)
    if not m:
        continue
    bound = re.search(r'le="([^"]+)"', m.group(2))
    kind, le, value = m.group(1), bound.group(1) if bound else None, float(m.group(3))
    if kind == "bucket" and le is not None:
        buckets.append((float("inf") if le == "+Inf" else float(le), value))
    elif kind == "count":
        count = value
    elif kind == "sum":
        total = value
if not count:
    print("no batch writes recorded"); sys.exit()
buckets.sort()
p99 = next((le for le, c in buckets if c >= 0.99 * count), float("inf"))
print(f"{count:.0f} batches, mean {total / count * 1000:.0f} ms, p99 ≤ {p99 * 1000:.0f} ms (histogram bucket)")
PY
}

# --- 7. End to end: ingress 200 -> row visible --------------------------------------------------------
# At its own rate (BENCH_E2E_RATE): the target is latency at a production-like rate, not at saturation.
if want e2e; then
  for sinkname in sqlite postgres; do
    step "End to end at ${E2E_RATE}/s: ingress -> Kafka -> consumer (window ${REORDER_WINDOW_MS} ms) -> $sinkname"
    port=$(free_port)
    topic=bench-e2e-$sinkname
    start_ingress "e2e-$sinkname" "$port" "$topic"
    ingress_pid=$INGRESS_PID
    if [ "$sinkname" = sqlite ]; then sink="sqlite:$state/e2e.sqlite"; probe=(--sqlite "$state/e2e.sqlite");
    else
      fresh_db bench_e2e
      sink=$DB_URL; probe=(--postgres-psql "$PSQL")
    fi
    admin=$(free_port)
    start_bg "$RUN/e2e-consumer-$sinkname" "$BIN/statusrelay-consumer" --brokers "$BROKERS" --topic "$topic" \
      --group "bench-e2e-$sinkname" --sink "$sink" --admin-listen "127.0.0.1:$admin" "${CONSUMER_FLAGS[@]}"
    consumer_pid=$LAST_PID
    rss_start "e2e-consumer-$sinkname" "$consumer_pid"
    url=http://127.0.0.1:$port/twilio/message-status
    sent=$((E2E_RATE * DURATION))
    sign "$url" $((sent / 5 + 1)) "$state/e2e-$sinkname.req"
    # Warm-up: one callback through the whole path so group join and table creation are not measured.
    sign "$url" 1 "$state/warm-$sinkname.req"
    "$BIN/statusrelay" bench load --requests "$state/warm-$sinkname.req" --url "$url" --rate 5 --duration 1 --connections 1 >/dev/null 2>&1 || true
    for _ in $(seq 1 300); do
      c=$(if [ "$sinkname" = sqlite ]; then sqlite3 "$state/e2e.sqlite" 'SELECT count(*) FROM message_status_events' 2>/dev/null; else $PSQL -qAtc 'SELECT count(*) FROM message_status_events' 2>/dev/null; fi || true)
      [ "${c:-0}" -gt 0 ] && break
      sleep 0.2
    done
    rm -f "$state/probe-ready" "$state/transit-ready"
    # The Kafka leg alone, in the same run: ingress receipt -> record readable by any reader.
    "$PY" "$BENCH_DIR/kafka_transit.py" --brokers "$BROKERS" --topic "$topic" --ready-file "$state/transit-ready" \
      >"$RUN/e2e-transit-$sinkname.json" 2>"$RUN/e2e-transit-$sinkname.log" &
    transit_pid=$!
    PIDS+=("$transit_pid")
    "$PY" "$BENCH_DIR/e2e_latency.py" --requests "$state/e2e-$sinkname.req" --sent "$sent" --sample 1000 \
      "${probe[@]}" --ready-file "$state/probe-ready" >"$RUN/e2e-$sinkname.json" 2>"$RUN/e2e-$sinkname.log" &
    probe_pid=$!
    PIDS+=("$probe_pid")
    for _ in $(seq 1 600); do [ -f "$state/probe-ready" ] && [ -f "$state/transit-ready" ] && break; sleep 0.1; done
    load_run "e2e-$sinkname" "$url" "$state/e2e-$sinkname.req" "$E2E_RATE"
    wait "$probe_pid" || true
    wait "$transit_pid" || true
    f=$RUN/e2e-$sinkname.json
    p99=$(json_get p99_ms <"$f")
    row "End to end at ${E2E_RATE}/s, receipt -> row visible in $sinkname (window ${REORDER_WINDOW_MS} ms; 1000-message sample, $(json_get poll_ms <"$f") ms polls)" \
      "p50 $(json_get p50_ms <"$f") ms, p99 $p99 ms, p99.9 $(json_get p999_ms <"$f") ms, max $(json_get max_ms <"$f") ms; $(json_get seen <"$f") seen, $(json_get missing <"$f") missing; ingress p99 $(load_ms "$RUN/load-e2e-$sinkname.json" p99Micros) ms" \
      "p99 ≤ window + 250 ms" "statusrelay-ingress ...; statusrelay-consumer --sink $sinkname --reorder-window ${REORDER_WINDOW_MS}ms; $LOAD_CMD; scripts/bench/e2e_latency.py"
    over=""
    [ "$p99" != None ] && over=$((p99 - REORDER_WINDOW_MS))
    target "End to end at ${E2E_RATE}/s, ingress 200 → row visible ($sinkname), p99 − window" "p99 ${p99} ms" \
      "window ${REORDER_WINDOW_MS} ms" "$over" le 250 "${over:+$over ms}" "≤ 250 ms"
    # Where the time beyond the window goes: the sink's batch writes, from the consumer's own histogram.
    curl -fsS "http://127.0.0.1:$admin/metrics" >"$RUN/e2e-consumer-metrics-$sinkname.txt" 2>/dev/null || true
    row "End to end ($sinkname): the consumer's batch writes during the run" "$(sink_writes "$RUN/e2e-consumer-metrics-$sinkname.txt" "$sinkname")" "-" \
      "curl http://ADMIN/metrics (statusrelay_sink_write_duration_seconds, statusrelay_consumer_batch_events)"
    t=$RUN/e2e-transit-$sinkname.json
    row "End to end ($sinkname): the Kafka leg alone, ingress receipt -> record read by an eager librdkafka reader (the floor of p99 − window)" \
      "p50 $(json_get p50_ms <"$t") ms, p99 $(json_get p99_ms <"$t") ms, max $(json_get max_ms <"$t") ms over $(json_get records <"$t") records; of that, receipt -> produce call in the ingress p50 $(json_get ingress_p50_ms <"$t") ms, p99 $(json_get ingress_p99_ms <"$t") ms; produce call -> read (producer, broker, fetch) p50 $(json_get after_produce_p50_ms <"$t") ms, p99 $(json_get after_produce_p99_ms <"$t") ms" "-" \
      "scripts/bench/kafka_transit.py --topic $topic"
    stop_pid "$consumer_pid"
    rss_summary "e2e-consumer-$sinkname"
    row "Consumer memory during the end-to-end run ($sinkname)" "$RSS_TEXT" "bounded" "scripts/bench/rss_sampler.py --pid PID --interval 0.5"
    stop_pid "$ingress_pid"
    done_step
  done
fi

# --- 8. Reconciliation against the Twilio API stand-in -----------------------------------------------
# 10,000 messages stuck at `sent` in a SQLite sink written by the consumer; the stand-in answers each
# fetch after 50 ms, so --concurrency 8 can at best do 8 / 0.05 s = 160 requests/s (the ceiling of the
# same run is that arithmetic: the stand-in's latency is fixed, and the stand-in itself is measured
# by its max_in_flight). The consumer keeps running and writes the reconciliation events meanwhile.
if want reconcile; then
  step "Reconcile: $RECONCILE_MESSAGES stuck messages against the Twilio stand-in (50 ms per request, --concurrency 8)"
  "$BIN/statusrelay" bench prefill --brokers "$BROKERS" --topic bench-reconcile --partitions 4 \
    --messages "$RECONCILE_MESSAGES" --statuses queued,sent --json >"$RUN/reconcile-prefill.json" 2>"$RUN/reconcile-prefill.log"
  admin=$(free_port)
  start_bg "$RUN/reconcile-consumer" "$BIN/statusrelay-consumer" --brokers "$BROKERS" --topic bench-reconcile \
    --group "bench-reconcile-$RANDOM" --sink "sqlite:$state/reconcile.sqlite" --admin-listen "127.0.0.1:$admin" "${CONSUMER_FLAGS[@]}"
  consumer_pid=$LAST_PID
  rss_start reconcile-consumer "$consumer_pid"
  rcount() { sqlite3 "$state/reconcile.sqlite" 'SELECT count(*) FROM message_status_events' 2>/dev/null || echo 0; }
  for _ in $(seq 1 600); do [ "$(rcount)" -ge $((RECONCILE_MESSAGES * 2)) ] && break; sleep 0.5; done
  standin_port=$(free_port)
  account=$(sqlite3 "$state/reconcile.sqlite" 'SELECT account_sid FROM message_status LIMIT 1')
  start_bg "$RUN/standin" env STANDIN_ACCOUNT_SID="$account" STANDIN_AUTH_TOKEN="$TWILIO_AUTH_TOKEN" \
    "$PY" "$REPO_ROOT/scripts/testing/twilio_api_standin.py" --port "$standin_port" --quiet
  standin_pid=$LAST_PID
  wait_for_port "$standin_port" 30
  "$PY" "$BENCH_DIR/reconcile_standin_load.py" --sink "$state/reconcile.sqlite" --standin "http://127.0.0.1:$standin_port" --latency-ms 50 >/dev/null
  cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
  cpu0=$(cpu_ticks "$consumer_pid")
  RECONCILE_CMD="TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… statusrelay reconcile --sink sqlite:PATH --stale-after 1s --concurrency 8 --api-base-url http://127.0.0.1:PORT --json"
  TWILIO_ACCOUNT_SID=$account "$BIN/statusrelay" reconcile --sink "sqlite:$state/reconcile.sqlite" --stale-after 1s \
    --concurrency 8 --api-base-url "http://127.0.0.1:$standin_port" --brokers "$BROKERS" --topic bench-reconcile \
    --json --no-progress >"$RUN/reconcile.json" 2>"$RUN/reconcile.log" &
  reconcile_pid=$!
  PIDS+=("$reconcile_pid")
  rss_max=0
  while kill -0 "$reconcile_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print int($2/1024)}' "/proc/$consumer_pid/status" 2>/dev/null || echo 0)
    [ "$rss" -gt "$rss_max" ] && rss_max=$rss
    sleep 0.5
  done
  wait "$reconcile_pid" || note "reconcile exited with $?: $(tail -n 3 "$RUN/reconcile.log")"
  for _ in $(seq 1 600); do [ "$(rcount)" -ge $((RECONCILE_MESSAGES * 3)) ] && break; sleep 0.5; done
  cpu1=$(cpu_ticks "$consumer_pid")
  rps=$(json_get twilio.requestsPerSecond <"$RUN/reconcile.json")
  elapsed=$(json_get elapsedSeconds <"$RUN/reconcile.json")
  consumer_cpu=$("$PY" -c "print(f'{($cpu1-$cpu0)/$(getconf CLK_TCK):.1f}')")
  curl -fsS "http://127.0.0.1:$standin_port/_control/state" >"$RUN/reconcile-standin.json"
  row "Reconcile $RECONCILE_MESSAGES stuck messages, stand-in +50 ms/request, --concurrency 8" \
    "$(printf '%.1f' "$rps") requests/s = $(ratio "$rps" 160) of the ideal 160/s ($(json_get changed <"$RUN/reconcile.json") changed, $(json_get failed <"$RUN/reconcile.json") failed, $(printf '%.1f' "$elapsed") s); consumer meanwhile: $consumer_cpu s CPU, RSS ≤ $rss_max MiB; $(rcount) history rows" \
    "≥ 0.9 of 160/s" "statusrelay bench prefill --topic bench-reconcile --messages $RECONCILE_MESSAGES --statuses queued,sent; statusrelay-consumer --sink sqlite:PATH; scripts/bench/reconcile_standin_load.py --latency-ms 50; $RECONCILE_CMD"
  stop_pid "$standin_pid"
  stop_pid "$consumer_pid"
  rss_summary reconcile-consumer
  row "Consumer memory over the reconcile run (prefilled events, then the reconciliation events)" "$RSS_TEXT" "bounded" \
    "scripts/bench/rss_sampler.py --pid PID --interval 0.5"
  done_step
fi

# --- Report -----------------------------------------------------------------------------------------
RUN_LINE="Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr), $BUILD_KIND"
# The Targets table: each target as a ratio to its ceiling from the same run (issue 21).
targets_table() {
  echo "| What | Figure | Ceiling (same run) | Ratio | Target | Met | Load avg (1/5/15 min) |"
  echo "|---|---|---|---|---|---|---|"
  if [ ${#TARGETS[@]} -eq 0 ]; then echo "| (no target's steps ran: see BENCH_ONLY) | | | | | | |"; else printf '%s\n' "${TARGETS[@]}"; fi
}
{
  echo "<!-- bench-results/README-table.md, written by scripts/bench.sh ($(basename "$RUN")) -->"
  echo "$RUN_LINE; raw outputs in \`bench-results/$(basename "$RUN")/\`."
  echo "Each ceiling ran right before or after its figure; the load average is the machine's when the row was taken."
  echo
  targets_table
} >"$RESULTS/README-table.md"
{
  echo "# StatusRelay benchmarks"
  echo
  echo "$RUN_LINE."
  echo "Everything on loopback: one Tansu broker (in-memory), PostgreSQL $("$STATUSRELAY_PG_BIN/postgres" --version | awk '{print $3}'), librdkafka $(pkg-config --modversion rdkafka 2>/dev/null || echo '?')."
  echo "Load: wrk $(wrk -v 2>&1 | awk 'NR==1 {print $2}') for saturation (-t2 -c$CONNECTIONS -d${DURATION}s, requests pre-signed by the official twilio library and rotated by scripts/bench/wrk_signed.lua);"
  echo "\`statusrelay bench load\` for fixed rates (open loop, latency from the intended send time: no coordinated omission; Debian has no wrk2)."
  echo "The load generator shares the $(nproc) cores with the server, broker and consumer. Load average at the start: $LOADAVG_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg). Raw outputs: $(basename "$RUN")/."
  echo
  echo "## Targets"
  echo
  echo "Every target is a ratio to a ceiling measured in the same run, back to back with its figure (also in README-table.md)."
  echo
  targets_table
  echo
  echo "## All figures"
  echo
  echo "| Measurement | Result | Target | Load avg (1/5/15 min) | Command |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  if [ ${#NOTES[@]} -gt 0 ]; then echo; echo "Notes:"; printf '%s\n' "${NOTES[@]}"; fi
} >"$RESULTS/BENCHMARKS.md"
cp "$RESULTS/BENCHMARKS.md" "$RESULTS/README-table.md" "$RUN/"
step "Wrote $RESULTS/BENCHMARKS.md"
cat "$RESULTS/BENCHMARKS.md"
