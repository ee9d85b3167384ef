#!/usr/bin/env bash
# `make run`: everything StatusRelay needs, locally, with the embedded defaults (no config file):
# a Tansu broker on 127.0.0.1:9092, statusrelay-ingress on 127.0.0.1:8080 and statusrelay-consumer
# writing to SQLite under ./data/. Ctrl-C stops everything.
# PROMETHEUS=1 (`make run PROMETHEUS=1`) also starts Prometheus on 127.0.0.1:9090 scraping both, with
# config/prometheus/statusrelay-rules.yml loaded.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LISTEN=${STATUSRELAY_LISTEN:-127.0.0.1:8080}
BROKER_PORT=${STATUSRELAY_RUN_BROKER_PORT:-9092}
ADMIN=${STATUSRELAY_RUN_ADMIN_LISTEN:-127.0.0.1:9464}
PROMETHEUS=${PROMETHEUS:-0}
PROMETHEUS_LISTEN=${STATUSRELAY_RUN_PROMETHEUS_LISTEN:-127.0.0.1:9090}
export TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN:-local-dev-auth-token}
export STATUSRELAY_PUBLIC_URL=${STATUSRELAY_PUBLIC_URL:-http://$LISTEN}

bash "$REPO_ROOT/scripts/bootstrap.sh"
# SwiftPM needs ~30 s even for a no-op build (it loads the package graph and checks every
# target): skip it when the binaries are newer than everything they are built from.
# REBUILD=1 builds anyway.
BIN="$REPO_ROOT/.build/release"
stamp="$BIN/.make-run-built"
if [ "${REBUILD:-0}" != 1 ] && [ -f "$stamp" ] && [ -x "$BIN/statusrelay-consumer" ] && [ -x "$BIN/statusrelay-ingress" ] \
  && [ -z "$(find "$REPO_ROOT/Sources" "$REPO_ROOT/Package.swift" "$REPO_ROOT/Package.resolved" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  info "binaries in .build/release are current; not building (REBUILD=1 builds anyway)"
else
  step "Build (release)"
  "$REPO_ROOT/scripts/swift.sh" build -c release
  touch "$stamp"
  done_step
fi

run_dir="$LOCAL_DIR/run"
mkdir -p "$run_dir" "$REPO_ROOT/data"
sqlite="$REPO_ROOT/data/statusrelay.sqlite"
# The local broker keeps its topics in memory, so a restarted `make run` starts from an empty topic
# and an empty consumer state; kept rows would then collide with new ones (a message with two
# history rows of sequence 1). So each run starts with an empty database: the previous one is
# moved aside, not deleted. (The spool in data/spool is kept: it holds callbacks accepted but not
# yet published, which go to the new broker.)
if [ -e "$sqlite" ]; then
  previous="$REPO_ROOT/data/previous-runs/statusrelay-$(date -u +%Y%m%dT%H%M%SZ).sqlite"
  mkdir -p "$(dirname "$previous")"
  for suffix in "" -wal -shm; do [ -e "$sqlite$suffix" ] && mv "$sqlite$suffix" "$previous$suffix"; done
  info "the local broker does not keep data across runs, so the database starts empty;"
  info "the previous one is in ${previous#"$REPO_ROOT"/}"
fi
pids=()
cleanup() {
  trap - INT TERM EXIT
  step "Stopping (each service drains and commits; its own lines follow)"
  # Newest first: the consumer writes and commits what it has released while the broker is still up.
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash "$REPO_ROOT/scripts/broker.sh" stop "$run_dir/broker"
  sleep 0.2  # let the output filters print the services' last lines
  info "stopped"
}
trap cleanup INT TERM EXIT
# Ctrl-C reaches every process in the terminal's process group. The services ignore it here (the
# trap above sends them SIGTERM in order), and so do the filters that prefix their output, which
# would otherwise exit first and swallow the services' shutdown lines.
prefix() { trap '' INT; exec sed -u "s/^/$1/"; }

step "Broker (Tansu) on 127.0.0.1:$BROKER_PORT"
if (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null; then
  die "port $BROKER_PORT is busy; set STATUSRELAY_RUN_BROKER_PORT"
fi
# In its own session, so that Ctrl-C does not stop the broker before the services have committed.
setsid bash "$REPO_ROOT/scripts/broker.sh" start "$BROKER_PORT" "$run_dir/broker" >/dev/null
done_step

export STATUSRELAY_BROKERS="127.0.0.1:$BROKER_PORT"
step "statusrelay-ingress on $LISTEN"
"$BIN/statusrelay-ingress" --listen "$LISTEN" --create-topic \
  --spool-dir "$REPO_ROOT/data/spool" > >(prefix '[ingress]  ') 2>&1 &
pids+=($!)
host=${LISTEN%:*} port=${LISTEN##*:}
wait_for_port "$port" 30 || die "ingress did not start; see output above"
done_step

step "statusrelay-consumer -> sqlite:./data/statusrelay.sqlite (admin on $ADMIN); waiting for its partitions"
consumer_log="$run_dir/consumer.log"
: >"$consumer_log"
# Tansu answers a consumer's first JoinGroup only after about half the session timeout (librdkafka's
# default 45 s: ~23 s until the consumer has partitions); 6 s, Kafka's smallest allowed, makes it ~4 s.
"$BIN/statusrelay-consumer" --sink "sqlite:$sqlite" --kafka-config session.timeout.ms=6000 \
  --admin-listen "$ADMIN" > >(trap '' INT; tee -a "$consumer_log" | prefix '[consumer] ') 2>&1 &
consumer_pid=$!
pids+=("$consumer_pid")
# Ready means the consumer owns its partitions (group joined, state restored): a callback sent now
# reaches SQLite within the reorder window.
deadline=$(( $(date +%s) + 120 ))
until grep -q 'partitions assigned partitions=' "$consumer_log"; do
  kill -0 "$consumer_pid" 2>/dev/null || die "the consumer exited; see its output above"
  [ "$(date +%s)" -lt "$deadline" ] || die "the consumer has no partitions after 120 s; see its output above"
  sleep 0.2
done
done_step

prometheus_line=""
if [ "$PROMETHEUS" = 1 ]; then
  step "Prometheus on $PROMETHEUS_LISTEN (rules from config/prometheus)"
  command -v prometheus >/dev/null || die "prometheus not found (scripts/bootstrap.sh installs it)"
  cat > "$run_dir/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ["$REPO_ROOT/config/prometheus/statusrelay-rules.yml"]
scrape_configs:
  - {job_name: statusrelay-ingress, static_configs: [{targets: ["$LISTEN"]}]}
  - {job_name: statusrelay-consumer, static_configs: [{targets: ["$ADMIN"]}]}
YAML
  prometheus --config.file="$run_dir/prometheus.yml" --storage.tsdb.path="$run_dir/prometheus-data" \
    --web.listen-address="$PROMETHEUS_LISTEN" --log.level=warn > >(prefix '[prometheus] ') 2>&1 &
  pids+=($!)
  wait_for_port "${PROMETHEUS_LISTEN##*:}" 30 || die "prometheus did not start; see output above"
  prometheus_line="  Prometheus (alerts):      http://$PROMETHEUS_LISTEN/alerts"
  done_step
fi

cat <<MSG

StatusRelay is ready: the consumer owns its partitions.
  Twilio status callbacks:  POST $STATUSRELAY_PUBLIC_URL/twilio/message-status
                            (sign for exactly this URL; --public-url / STATUSRELAY_PUBLIC_URL sets it)
  Ingress health/metrics:   $STATUSRELAY_PUBLIC_URL/readyz  $STATUSRELAY_PUBLIC_URL/metrics
  Consumer health/metrics:  http://$ADMIN/readyz  http://$ADMIN/metrics
$prometheus_line
  SQLite:                   $REPO_ROOT/data/statusrelay.sqlite

Send a signed test callback:
  $BIN/statusrelay send --url $STATUSRELAY_PUBLIC_URL/twilio/message-status \\
      --auth-token $TWILIO_AUTH_TOKEN --sid SM$(printf '%032d' 1) --status delivered

Then: sqlite3 data/statusrelay.sqlite 'select * from message_status'
Ctrl-C stops everything.
MSG
# Exit (and stop the rest) as soon as any component exits.
wait -n "${pids[@]}" || true
