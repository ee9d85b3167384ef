#!/usr/bin/env python3
"""The end-to-end step's Kafka leg alone: how long after the ingress received a callback its record
reaches a reader of the topic (librdkafka via confluent-kafka, fetching as eagerly as it can). The
consumer cannot release an event before its record arrives, so `window + this` is the floor of the
end-to-end latency, measured in the same run beside it.

Reads TOPIC from its end (a group of its own) until --idle seconds without a record pass after the
first one, and records `arrival - receivedAt` (both the machine's clock) for every event, split at
the record's producer timestamp: receipt -> produce call (inside the ingress) and produce call ->
read (librdkafka's producer, the broker, the fetch).
Touches --ready-file once assigned. Prints one JSON object with p50/p99/max in ms.
"""
import argparse, json, time, uuid
from confluent_kafka import TIMESTAMP_CREATE_TIME, Consumer

parser = argparse.ArgumentParser()
parser.add_argument("--brokers", required=True)
parser.add_argument("--topic", required=True)
parser.add_argument("--idle", type=float, default=5.0, help="stop after this many seconds without a record")
parser.add_argument("--timeout", type=float, default=180.0)
parser.add_argument("--ready-file")
args = parser.parse_args()


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[max(1, min(len(values), -(-len(values) * p // 100))) - 1]


assigned = []
consumer = Consumer({
    "bootstrap.servers": args.brokers, "group.id": "transit-" + uuid.uuid4().hex,
    "auto.offset.reset": "latest", "enable.auto.commit": False,
    "session.timeout.ms": 6000, "max.poll.interval.ms": 10000,
    "fetch.wait.max.ms": 10, "fetch.queue.backoff.ms": 1,
})
consumer.subscribe([args.topic], on_assign=lambda c, partitions: assigned.append(time.time()))
latencies, in_ingress, after_produce = [], [], []
last = None
deadline = time.time() + args.timeout
while time.time() < deadline:
    batch = consumer.consume(num_messages=1000, timeout=0.2)
    now_ms = time.time() * 1000
    if assigned and args.ready_file:
        open(args.ready_file, "w").close()
        args.ready_file = None
    for message in batch:
        if message.error() is None:
            try:
                received = json.loads(message.value())["receivedAt"]
            except (ValueError, KeyError, TypeError):
                continue
            latencies.append(now_ms - received)
            kind, produced = message.timestamp()
            if kind == TIMESTAMP_CREATE_TIME:
                in_ingress.append(produced - received)
                after_produce.append(now_ms - produced)
            last = time.time()
    if last is not None and time.time() - last > args.idle:
        break
consumer.close()
rounded = lambda v: None if v is None else round(v)
print(json.dumps({"records": len(latencies), "p50_ms": rounded(percentile(latencies, 50)),
                  "p99_ms": rounded(percentile(latencies, 99)), "max_ms": rounded(max(latencies, default=None)),
                  "ingress_p50_ms": rounded(percentile(in_ingress, 50)), "ingress_p99_ms": rounded(percentile(in_ingress, 99)),
                  "after_produce_p50_ms": rounded(percentile(after_produce, 50)),
                  "after_produce_p99_ms": rounded(percentile(after_produce, 99))}))
