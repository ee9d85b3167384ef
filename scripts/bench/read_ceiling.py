#!/usr/bin/env python3
"""How fast librdkafka alone reads the pre-filled topic from this broker (confluent-kafka, C
underneath): every record fetched, decompressed and dropped. Counted from partition assignment,
like the consumer benchmark. Prints one JSON object."""
import argparse, json, sys, time, uuid
from confluent_kafka import Consumer

parser = argparse.ArgumentParser()
parser.add_argument("--brokers", required=True)
parser.add_argument("--topic", required=True)
parser.add_argument("--records", type=int, required=True)
args = parser.parse_args()
assigned = []
consumer = Consumer({
    "bootstrap.servers": args.brokers, "group.id": "read-ceiling-" + uuid.uuid4().hex,
    "auto.offset.reset": "earliest", "enable.auto.commit": False,
    "session.timeout.ms": 6000, "max.poll.interval.ms": 10000,
    # As the consumer sets it: fetch again soon after the local queue drains.
    "fetch.queue.backoff.ms": 20,
})
consumer.subscribe([args.topic], on_assign=lambda c, partitions: assigned.append(time.time()))
count = size = 0
deadline = time.time() + 300
while count < args.records and time.time() < deadline:
    for message in consumer.consume(num_messages=10000, timeout=1.0):
        if message.error() is None:
            count += 1
            size += len(message.value())
elapsed = time.time() - assigned[0]
consumer.close()
print(json.dumps({"records": count, "bytes": size, "seconds": round(elapsed, 2), "records_per_s": round(count / elapsed)}))
