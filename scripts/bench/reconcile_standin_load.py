#!/usr/bin/env python3
"""Loads the Twilio API stand-in for the reconciliation benchmark: every message of a SQLite sink
becomes a Message resource at Twilio with status `delivered` (the sink has it at `sent`), and the
stand-in adds --latency-ms to every API request.

  reconcile_standin_load.py --sink PATH --standin http://127.0.0.1:PORT --latency-ms 50
"""
import argparse
import json
import sqlite3
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--sink", required=True)
parser.add_argument("--standin", required=True)
parser.add_argument("--latency-ms", type=float, default=50)
args = parser.parse_args()


def post(path, body):
    request = urllib.request.Request(args.standin + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


rows = sqlite3.connect(f"file:{args.sink}?mode=ro", uri=True).execute(
    "SELECT message_sid, account_sid FROM message_status").fetchall()
for start in range(0, len(rows), 1000):
    post("/_control/messages", [{"sid": sid, "account_sid": account, "status": "delivered"}
                                for sid, account in rows[start:start + 1000]])
post("/_control/latency", {"ms": args.latency_ms})
print(json.dumps({"messages": len(rows), "account": rows[0][1] if rows else None}))
