#!/usr/bin/env python3
"""How fast librdkafka alone reads the pre-filled topic from this broker (confluent-kafka, C
underneath): every record fetched, decompressed, its value copied out once, and dropped. Counted
from partition assignment, like the consumer benchmark, with the fetch settings the consumer uses
(`statusrelay-consumer` defaults; pass the same `--kafka-config` overrides as the consumer run).
Prints one JSON object, with the process's CPU time per record beside the rate."""
import argparse, json, time, uuid
from confluent_kafka import Consumer

parser = argparse.ArgumentParser()
parser.add_argument("--brokers", required=True)
parser.add_argument("--topic", required=True)
parser.add_argument("--records", type=int, required=True)
parser.add_argument("--kafka-config", action="append", default=[], metavar="KEY=VALUE",
                    help="librdkafka property, applied last (as statusrelay-consumer --kafka-config)")
args = parser.parse_args()
config = {
    "bootstrap.servers": args.brokers, "group.id": "read-ceiling-" + uuid.uuid4().hex,
    "auto.offset.reset": "earliest", "enable.auto.commit": False, "enable.auto.offset.store": False,
    # As bench.sh runs the consumer (Tansu needs short group timeouts for a prompt first join).
    "session.timeout.ms": 6000, "max.poll.interval.ms": 10000,
    # The consumer's defaults (KafkaConsumerConfiguration, ConsumerApplication): fetch again soon
    # after the local queue drains, and the same pre-fetch bound (a larger one reads faster).
    "fetch.queue.backoff.ms": 20, "queued.max.messages.kbytes": 16384,
}
for item in args.kafka_config:
    key, _, value = item.partition("=")
    config[key] = value
assigned = []
consumer = Consumer(config)
consumer.subscribe([args.topic], on_assign=lambda c, partitions: assigned.append((time.time(), time.process_time())))
count = size = 0
deadline = time.time() + 300
while count < args.records and time.time() < deadline:
    # Batches of the size the consumer reads (EventPipeline.readBatchSize).
    for message in consumer.consume(num_messages=1000, timeout=1.0):
        if message.error() is None:
            count += 1
            size += len(message.value())
elapsed = time.time() - assigned[0][0]
cpu = time.process_time() - assigned[0][1]
consumer.close()
print(json.dumps({
    "records": count, "bytes": size, "seconds": round(elapsed, 2), "records_per_s": round(count / elapsed),
    "cpu_s_from_assignment": round(cpu, 2), "cpu_us_per_record": round(cpu * 1e6 / max(1, count), 2),
}))
