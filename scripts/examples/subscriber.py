#!/usr/bin/env python3
"""A worked example of an independent StatusRelay subscriber (Python, confluent-kafka).

Reads the raw event topic (`twilio.message-status`) or the ordered stream the consumer's `kafka:`
sink writes (`twilio.message-status.ordered`), and for every record:

  * checks the CloudEvents binary-mode headers (ce_specversion, ce_type, ce_id == id,
    ce_subject == record key == messageSid, ce_dataschema);
  * rejects schema versions it does not know (`schemaVersion` must be 1);
  * validates the JSON against the committed JSON Schema (--schema, needs `jsonschema`);
  * on the ordered stream, checks that each message's `sequence` goes up by one;
  * deduplicates by event id (delivery is at least once), then "processes" the event
    (here: prints one line), and commits offsets only after processing.

It exits after --max-records records or --idle-timeout seconds without a record, printing a JSON
summary line last: {"records": N, "invalid": N, "duplicates": N, "order_violations": N, ...}.
Exit status 1 when a record was invalid (or none were read with --require-records).

    pip install confluent-kafka jsonschema
    python scripts/examples/subscriber.py --brokers localhost:9092 \
        --topic twilio.message-status.ordered --schema config/schema/status-event-ordered.v1.json
"""

import argparse
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError

try:
    import jsonschema
except ImportError:  # validation is optional for the example, required for --schema
    jsonschema = None

CE_TYPE = "io.statusrelay.message.status.v1"
CE_DATASCHEMA = "urn:statusrelay:schema:status-event:v1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--brokers", default="localhost:9092")
    parser.add_argument("--topic", default="twilio.message-status.ordered")
    parser.add_argument("--group", default=None, help="consumer group (default: a new random one, reading from the start)")
    parser.add_argument("--schema", default=None, help="JSON Schema file to validate every record against")
    parser.add_argument("--max-records", type=int, default=0, help="stop after this many records (0: no limit)")
    parser.add_argument("--idle-timeout", type=float, default=0, help="stop after this many seconds without a record (0: never)")
    parser.add_argument("--require-records", action="store_true", help="exit 1 when no record was read")
    parser.add_argument("--quiet", action="store_true", help="no line per record")
    parser.add_argument("-X", dest="config", action="append", default=[], metavar="KEY=VALUE", help="extra librdkafka setting")
    return parser.parse_args()


def header_map(message):
    return {key: (value.decode("utf-8") if value is not None else None) for key, value in (message.headers() or [])}


def check_record(message, event, validator, problems):
    """Appends to `problems` what is wrong with one record; returns nothing."""
    if event.get("schemaVersion") != 1:
        problems.append("unknown schemaVersion %r" % event.get("schemaVersion"))
        return
    if validator is not None:
        for error in validator.iter_errors(event):
            problems.append("schema: %s at /%s" % (error.message, "/".join(str(p) for p in error.path)))
    headers = header_map(message)
    key = message.key().decode("utf-8") if message.key() is not None else None
    expected = {
        "ce_specversion": "1.0",
        "ce_type": CE_TYPE,
        "ce_id": event.get("id"),
        "ce_subject": event.get("messageSid"),
        "ce_dataschema": CE_DATASCHEMA,
        "content-type": "application/json",
    }
    for name, value in expected.items():
        if headers.get(name) != value:
            problems.append("header %s is %r, expected %r" % (name, headers.get(name), value))
    if key != event.get("messageSid"):
        problems.append("record key %r is not the messageSid %r" % (key, event.get("messageSid")))
    if "sequence" in event:  # the ordered stream
        if headers.get("statusrelay-sequence") != str(event["sequence"]):
            problems.append("header statusrelay-sequence does not match sequence")
        if headers.get("statusrelay-late") != ("true" if event.get("late") else "false"):
            problems.append("header statusrelay-late does not match late")


def main():
    args = parse_args()
    validator = None
    if args.schema:
        if jsonschema is None:
            sys.exit("--schema needs the jsonschema package")
        with open(args.schema, encoding="utf-8") as handle:
            schema = json.load(handle)
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())

    config = {
        "bootstrap.servers": args.brokers,
        "group.id": args.group or "statusrelay-example-" + uuid.uuid4().hex[:12],
        "auto.offset.reset": "earliest",
        # Commit explicitly after processing: at-least-once, so deduplicate by event id.
        "enable.auto.commit": False,
    }
    for pair in args.config:
        key, _, value = pair.partition("=")
        config[key] = value
    consumer = Consumer(config)
    consumer.subscribe([args.topic])

    summary = {"topic": args.topic, "records": 0, "invalid": 0, "duplicates": 0, "order_violations": 0,
               "messages": 0, "late": 0, "statuses": {}, "problems": []}
    seen_ids = set()           # a real subscriber keeps this bounded (e.g. per message, recent ids)
    last_sequence = {}         # messageSid -> last sequence processed (ordered stream)
    message_sids = set()
    last_record_at = time.monotonic()
    try:
        while True:
            if args.max_records and summary["records"] >= args.max_records:
                break
            if args.idle_timeout and time.monotonic() - last_record_at > args.idle_timeout:
                break
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise SystemExit("Kafka error: %s" % message.error())
            last_record_at = time.monotonic()
            summary["records"] += 1
            problems = []
            try:
                event = json.loads(message.value())
            except ValueError as error:
                event, problems = None, ["not JSON: %s" % error]
            if event is not None:
                check_record(message, event, validator, problems)
            if problems:
                summary["invalid"] += 1
                if len(summary["problems"]) < 20:
                    summary["problems"].append({"partition": message.partition(), "offset": message.offset(),
                                                "problems": problems[:5]})
                consumer.commit(message=message, asynchronous=False)
                continue
            if event["id"] in seen_ids:
                summary["duplicates"] += 1
            else:
                seen_ids.add(event["id"])
                sid = event["messageSid"]
                message_sids.add(sid)
                if "sequence" in event:
                    previous = last_sequence.get(sid, 0)
                    if event["sequence"] != previous + 1:
                        summary["order_violations"] += 1
                    last_sequence[sid] = max(previous, event["sequence"])
                summary["late"] += 1 if event.get("late") else 0
                summary["statuses"][event["status"]] = summary["statuses"].get(event["status"], 0) + 1
                if not args.quiet:
                    print("%s %-11s rank=%s seq=%s late=%s error=%s" % (
                        sid, event["status"], event["statusRank"], event.get("sequence", "-"),
                        event.get("late", "-"), event["errorCode"]))
            consumer.commit(message=message, asynchronous=False)
    finally:
        consumer.close()
    summary["messages"] = len(message_sids)
    print(json.dumps(summary, sort_keys=True))
    if summary["invalid"] or (args.require_records and summary["records"] == 0):
        sys.exit(1)


if __name__ == "__main__":
    main()
