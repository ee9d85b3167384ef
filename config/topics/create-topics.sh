#!/bin/sh
# Creates (if missing) and configures StatusRelay's Kafka topics with Apache Kafka's own tools.
# Idempotent: re-running applies changed settings (retention, min.insync.replicas, ...) with
# kafka-configs.sh. Partition counts are only set at creation (Kafka cannot shrink them, and growing
# the events topic moves MessageSids to other partitions: plan the count up front).
#
# Used by docker/compose*.yaml (topic-init service, apache/kafka image) and runnable by hand:
#   BOOTSTRAP_SERVERS=kafka-1:9092 PARTITIONS=24 REPLICATION_FACTOR=3 sh config/topics/create-topics.sh
# See config/topics/README.md for the reasoning behind every number.
set -eu

BOOTSTRAP_SERVERS=${BOOTSTRAP_SERVERS:-localhost:9092}
TOPIC=${TOPIC:-twilio.message-status}
# The consumer group (statusrelay-consumer --group): its state changelog is <topic>.state.<group>.
# Run once per group.
GROUP=${GROUP:-statusrelay}
PARTITIONS=${PARTITIONS:-12}
REPLICATION_FACTOR=${REPLICATION_FACTOR:-3}
MIN_INSYNC_REPLICAS=${MIN_INSYNC_REPLICAS:-2}
# 35 days: a month of replayable history plus a margin to notice and fix a broken sink.
RETENTION_MS=${RETENTION_MS:-3024000000}
# Rejected callbacks and dead letters are rare and are evidence: keep them 90 days.
FORENSIC_RETENTION_MS=${FORENSIC_RETENTION_MS:-7776000000}
# Smaller partition count for the low-volume forensic topics.
FORENSIC_PARTITIONS=${FORENSIC_PARTITIONS:-3}
KAFKA_BIN=${KAFKA_BIN:-/opt/kafka/bin}
# Optional client properties file for TLS/SASL clusters (--command-config).
COMMAND_CONFIG=${COMMAND_CONFIG:-}
WAIT_SECONDS=${WAIT_SECONDS:-120}

set -- --bootstrap-server "$BOOTSTRAP_SERVERS"
if [ -n "$COMMAND_CONFIG" ]; then set -- "$@" --command-config "$COMMAND_CONFIG"; fi

echo "waiting for Kafka at $BOOTSTRAP_SERVERS (up to ${WAIT_SECONDS}s)"
waited=0
until "$KAFKA_BIN/kafka-topics.sh" "$@" --list >/dev/null 2>&1; do
  waited=$((waited + 2))
  if [ "$waited" -ge "$WAIT_SECONDS" ]; then
    echo "Kafka at $BOOTSTRAP_SERVERS not reachable after ${WAIT_SECONDS}s" >&2
    exit 1
  fi
  sleep 2
done

# topic NAME PARTITIONS CONFIG...: create if missing, then enforce CONFIGs on it.
topic() {
  name=$1 partitions=$2
  shift 2
  configs=""
  for c in "$@"; do configs="${configs:+$configs,}$c"; done
  create_args=""
  for c in "$@"; do create_args="$create_args --config $c"; done
  # shellcheck disable=SC2086 # create_args is a list of --config KEY=VALUE words without spaces.
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP_SERVERS" \
    ${COMMAND_CONFIG:+--command-config "$COMMAND_CONFIG"} \
    --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" $create_args
  "$KAFKA_BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP_SERVERS" \
    ${COMMAND_CONFIG:+--command-config "$COMMAND_CONFIG"} \
    --alter --entity-type topics --entity-name "$name" --add-config "$configs" >/dev/null
  echo "topic $name: partitions=$partitions replication=$REPLICATION_FACTOR $configs"
}

# Callback events from the ingress, keyed by MessageSid: the source of truth, replayable.
topic "$TOPIC" "$PARTITIONS" \
  cleanup.policy=delete retention.ms="$RETENTION_MS" min.insync.replicas="$MIN_INSYNC_REPLICAS"

# Signed callbacks the ingress could not parse or normalize (raw body + reason headers).
topic "$TOPIC.rejected" "$FORENSIC_PARTITIONS" \
  cleanup.policy=delete retention.ms="$FORENSIC_RETENTION_MS" min.insync.replicas="$MIN_INSYNC_REPLICAS"

# Events a consumer sink gave up on, and records the consumer could not decode.
topic "$TOPIC.dlq" "$FORENSIC_PARTITIONS" \
  cleanup.policy=delete retention.ms="$FORENSIC_RETENTION_MS" min.insync.replicas="$MIN_INSYNC_REPLICAS"

# Consumer per-message state changelog: one record per MessageSid survives compaction. Same
# partition count as the events topic: partition N's state is restored with source partition N.
topic "$TOPIC.state.$GROUP" "$PARTITIONS" \
  cleanup.policy=compact min.insync.replicas="$MIN_INSYNC_REPLICAS" \
  segment.ms=86400000 min.cleanable.dirty.ratio=0.2 delete.retention.ms=86400000

# Ordered, deduplicated stream (kafka: sink) for analytics subscribers: full history, so delete
# with long retention rather than compaction (compaction would leave only each message's last status).
topic "$TOPIC.ordered" "$PARTITIONS" \
  cleanup.policy=delete retention.ms="$RETENTION_MS" min.insync.replicas="$MIN_INSYNC_REPLICAS"

echo "topics ready"
