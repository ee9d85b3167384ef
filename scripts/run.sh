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
step "Build (release)"
"$REPO_ROOT/scripts/swift.sh" build -c release
BIN=$("$REPO_ROOT/scripts/swift.sh" build -c release --show-bin-path)
done_step

run_dir="$LOCAL_DIR/run"
mkdir -p "$run_dir" "$REPO_ROOT/data"
pids=()
cleanup() {
  trap - INT TERM EXIT
  step "Stopping"
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash "$REPO_ROOT/scripts/broker.sh" stop "$run_dir/broker"
  info "stopped"
}
trap cleanup INT TERM EXIT

step "Broker (Tansu) on 127.0.0.1:$BROKER_PORT"
if (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null; then
  die "port $BROKER_PORT is busy; set STATUSRELAY_RUN_BROKER_PORT"
fi
bash "$REPO_ROOT/scripts/broker.sh" start "$BROKER_PORT" "$run_dir/broker" >/dev/null
done_step

export STATUSRELAY_BROKERS="127.0.0.1:$BROKER_PORT"
step "statusrelay-ingress on $LISTEN"
"$BIN/statusrelay-ingress" --listen "$LISTEN" --create-topic \
  --spool-dir "$REPO_ROOT/data/spool" > >(sed -u 's/^/[ingress]  /') 2>&1 &
pids+=($!)
host=${LISTEN%:*} port=${LISTEN##*:}
wait_for_port "$port" 30 || die "ingress did not start; see output above"
done_step

step "statusrelay-consumer -> sqlite:./data/statusrelay.sqlite (admin on $ADMIN)"
"$BIN/statusrelay-consumer" --sink "sqlite:$REPO_ROOT/data/statusrelay.sqlite" \
  --admin-listen "$ADMIN" > >(sed -u 's/^/[consumer] /') 2>&1 &
pids+=($!)
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
    --web.listen-address="$PROMETHEUS_LISTEN" --log.level=warn > >(sed -u 's/^/[prometheus] /') 2>&1 &
  pids+=($!)
  wait_for_port "${PROMETHEUS_LISTEN##*:}" 30 || die "prometheus did not start; see output above"
  prometheus_line="  Prometheus (alerts):      http://$PROMETHEUS_LISTEN/alerts"
  done_step
fi

cat <<MSG

StatusRelay is running.
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
