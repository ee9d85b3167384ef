#!/usr/bin/env python3
"""Twilio-style HTTP target for the chaos suite's HTTP-sink scenarios.

Validates X-Twilio-Signature with the official twilio RequestValidator, then misbehaves on purpose:
  --storm-start/--storm-end (seconds after start): every request in that window gets a 5xx (500/502/503);
  --p500: probability of a 500 outside the storm;
  --slow-p / --slow-max: probability of answering after a random delay up to slow-max seconds.
Records every event id it answered 200 (X-StatusRelay-Event-Id). GET /_state returns JSON:
{"accepted": [ids...], "responses": {code: n}, "invalid_signatures": n}.
"""
import argparse
import random
import threading
import time

from flask import Flask, jsonify, request
from twilio.request_validator import RequestValidator

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--auth-token", required=True)
parser.add_argument("--storm-start", type=float, default=-1)
parser.add_argument("--storm-end", type=float, default=-1)
parser.add_argument("--p500", type=float, default=0.0)
parser.add_argument("--slow-p", type=float, default=0.0)
parser.add_argument("--slow-max", type=float, default=0.0)
parser.add_argument("--seed", type=int, default=3)
args = parser.parse_args()

app = Flask(__name__)
validator = RequestValidator(args.auth_token)
rng = random.Random(args.seed)
lock = threading.Lock()
started = time.monotonic()
accepted = []
responses = {}
invalid = [0]


def answer(code):
    with lock:
        responses[str(code)] = responses.get(str(code), 0) + 1
    return ("ok" if code == 200 else "chaos"), code


@app.post("/status")
def status():
    if not validator.validate(request.url, request.form, request.headers.get("X-Twilio-Signature", "")):
        with lock:
            invalid[0] += 1
        return answer(403)
    now = time.monotonic() - started
    with lock:
        slow = rng.random() < args.slow_p
        delay = rng.random() * args.slow_max
        fail = rng.random() < args.p500
        storm_code = rng.choice([500, 502, 503])
    if args.storm_start <= now < args.storm_end:
        return answer(storm_code)
    if fail:
        return answer(500)
    if slow:
        time.sleep(delay)
    with lock:
        accepted.append(request.headers.get("X-StatusRelay-Event-Id", ""))
    return answer(200)


@app.get("/_state")
def state():
    with lock:
        return jsonify({"accepted": list(accepted), "responses": dict(responses), "invalid_signatures": invalid[0]})


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=args.port, threaded=True)
