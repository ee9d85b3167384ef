#!/usr/bin/env python3
"""A Twilio-style status callback handler for the HTTP forwarding sink tests.

It validates X-Twilio-Signature with the official twilio RequestValidator (as an unchanged app
would), fails at random with 500 and 429 (with Retry-After), and records what it accepted, in order.

Behaviour per request, chosen by the forwarded `TestBehavior` parameter:
  reject400  -> always 400 (the sink must dead-letter at once)
  always500  -> always 500 (the sink must retry, then dead-letter)
  429once    -> 429 with Retry-After on an event's first attempt, then 200
  (absent)   -> 500 with probability --p500, 429 with probability --p429, else 200

It reads the fields an Express handler reads (`req.body.MessageSid`, `req.body.MessageStatus`):
a request without them counts as `unreadable` and is answered 400.

GET /_state returns JSON: accepted (in acceptance order), attempts per event id, invalid
signatures, unreadable requests, and ordering violations (a second request for a message while one is in flight, or a
sequence that goes backwards).
"""
import argparse
import json
import random
import threading
import time

from flask import Flask, jsonify, request
from twilio.request_validator import RequestValidator

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--auth-token", required=True)
parser.add_argument("--p500", type=float, default=0.2)
parser.add_argument("--p429", type=float, default=0.05)
parser.add_argument("--retry-after", default="1")
parser.add_argument("--seed", type=int, default=None)
args = parser.parse_args()

app = Flask(__name__)
validator = RequestValidator(args.auth_token)
rng = random.Random(args.seed)
lock = threading.Lock()
state = {
    "accepted": [],
    "attempts": {},
    "invalid_signatures": 0,
    "unreadable": 0,
    "violations": [],
    "responses": {},
    "attempt_times": {},
    "max_in_flight": 0,
}
in_flight = set()
last_sequence = {}


@app.post("/status")
def status():
    signature = request.headers.get("X-Twilio-Signature", "")
    event_id = request.headers.get("X-StatusRelay-Event-Id", "")
    sequence = int(request.headers.get("X-StatusRelay-Sequence", "0"))
    late = request.headers.get("X-StatusRelay-Late", "")
    sid = request.form.get("MessageSid", "")
    message_status = request.form.get("MessageStatus", "")
    if not validator.validate(request.url, request.form, signature):
        with lock:
            state["invalid_signatures"] += 1
        return "invalid signature", 403
    if not sid or not message_status:
        with lock:
            state["unreadable"] += 1
        return "no MessageSid or MessageStatus", 400
    with lock:
        state["attempts"][event_id] = state["attempts"].get(event_id, 0) + 1
        state["attempt_times"].setdefault(event_id, []).append(time.monotonic())
        attempt = state["attempts"][event_id]
        if sid in in_flight:
            state["violations"].append(f"concurrent requests for {sid}")
        in_flight.add(sid)
        state["max_in_flight"] = max(state["max_in_flight"], len(in_flight))
    try:
        behaviour = request.form.get("TestBehavior", "")
        if behaviour == "reject400":
            code = 400
        elif behaviour == "always500":
            code = 500
        elif behaviour == "429once":
            code = 429 if attempt == 1 else 200
        else:
            with lock:
                roll = rng.random()
            code = 500 if roll < args.p500 else (429 if roll < args.p500 + args.p429 else 200)
        with lock:
            key = str(code)
            state["responses"][key] = state["responses"].get(key, 0) + 1
            if code == 200:
                if sequence <= last_sequence.get(sid, 0):
                    state["violations"].append(f"{sid}: sequence {sequence} after {last_sequence[sid]}")
                last_sequence[sid] = sequence
                state["accepted"].append(
                    {
                        "event_id": event_id,
                        "message_sid": sid,
                        "message_status": message_status,
                        "sequence": sequence,
                        "late": late,
                        "params": {k: request.form.getlist(k) for k in request.form.keys()},
                    }
                )
        if code == 429:
            return "slow down", 429, {"Retry-After": args.retry_after}
        if code == 200:
            return "", 200
        return "failure", code
    finally:
        with lock:
            in_flight.discard(sid)


@app.get("/_state")
def get_state():
    with lock:
        return jsonify(json.loads(json.dumps(state)))


if __name__ == "__main__":
    print(f"forward receiver listening on 127.0.0.1:{args.port}", flush=True)
    app.run(host="127.0.0.1", port=args.port, threaded=True)
