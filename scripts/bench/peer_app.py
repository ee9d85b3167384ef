"""The peer a Twilio user would otherwise write: Flask + twilio RequestValidator + confluent-kafka.

Run under gunicorn (bench.sh does):
    PEER_TOKEN=... PEER_BROKERS=127.0.0.1:9092 PEER_TOPIC=t gunicorn -w 4 -b 127.0.0.1:P peer_app:app

It answers 200 only after the broker acknowledged the record (acks=all, idempotent producer, as the
ingress does): produce with a delivery callback, then flush until that callback fired.
"""
import json
import os
import time

from confluent_kafka import Producer
from flask import Flask, abort, request
from twilio.request_validator import RequestValidator

app = Flask(__name__)
validator = RequestValidator(os.environ["PEER_TOKEN"])
topic = os.environ["PEER_TOPIC"]
_producer = None


def producer():
    # One producer per gunicorn worker, created after the fork.
    global _producer
    if _producer is None:
        _producer = Producer({
            "bootstrap.servers": os.environ["PEER_BROKERS"],
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": 0,
        })
    return _producer


@app.post("/twilio/message-status")
def message_status():
    signature = request.headers.get("X-Twilio-Signature")
    if not signature:
        abort(400)
    if not validator.validate(request.url, request.form, signature):
        abort(403)
    sid = request.form.get("MessageSid")
    status = request.form.get("MessageStatus") or request.form.get("SmsStatus")
    if not sid or not status:
        abort(400)
    event = {
        "messageSid": sid,
        "status": status.lower(),
        "receivedAt": int(time.time() * 1000),
        "params": request.form.to_dict(flat=False),
    }
    outcome = {}

    def delivered(err, msg):
        outcome["error"] = err

    p = producer()
    p.produce(topic, key=sid, value=json.dumps(event), on_delivery=delivered)
    deadline = time.monotonic() + 10
    while "error" not in outcome and time.monotonic() < deadline:
        p.poll(0.05)
    if outcome.get("error", "timeout") is not None:
        return "broker unavailable", 503
    return "", 200
