#!/usr/bin/env python3
"""End-to-end latency probe: how long after the ingress received a callback its row is visible in a sink.

Watches a sample of MessageSids (taken from a sign_requests.py file) in `message_status_events` of a
SQLite file or a PostgreSQL database, polling every --poll seconds, and records for each sampled event
`first time seen - received_at` (received_at is the ingress clock when the callback arrived, i.e. at or
before its 200, so the figure is conservative by the publish time). Stops when every sampled event of
the run was seen or --timeout passed. Prints JSON with p50/p90/p99/p99.9/max in ms.

    e2e_latency.py --requests FILE --sample 1000 --sqlite PATH | --postgres-psql 'psql -h .. -p .. -U .. db'
"""
import argparse
import json
import random
import sqlite3
import subprocess
import sys
import time
from urllib.parse import parse_qs


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    rank = max(1, min(len(values), int(-(-p / 100 * len(values) // 1))))
    return values[rank - 1]


class SQLiteSource:
    def __init__(self, path):
        while True:
            try:
                self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
                self.db.execute("SELECT 1 FROM message_status_events LIMIT 1")
                return
            except sqlite3.OperationalError:
                time.sleep(0.2)

    def rows(self, sids):
        marks = ",".join("?" * len(sids))
        return self.db.execute(
            f"SELECT message_sid, status, received_at FROM message_status_events WHERE message_sid IN ({marks})",
            list(sids)).fetchall()


class PostgresSource:
    """A persistent psql process: one query per poll, answers delimited by a sentinel line."""

    def __init__(self, command):
        self.proc = subprocess.Popen(command + " -qAtX -F '|'", shell=True, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def rows(self, sids):
        values = ",".join(f"'{s}'" for s in sids)
        self.proc.stdin.write(
            f"SELECT message_sid, status, received_at FROM message_status_events WHERE message_sid IN ({values});\n"
            "\\echo __END__\n")
        self.proc.stdin.flush()
        out = []
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if line == "__END__":
                break
            parts = line.split("|")
            if len(parts) == 3:
                out.append((parts[0], parts[1], int(parts[2])))
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", required=True, help="the signed-request file the load generator sends")
    parser.add_argument("--sent", type=int, required=True, help="how many requests of the file the run sends")
    parser.add_argument("--sample", type=int, default=1000, help="messages to watch")
    parser.add_argument("--sqlite")
    parser.add_argument("--postgres-psql", help="psql command line for the database")
    parser.add_argument("--poll", type=float, default=0.02)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--ready-file", help="touched once the probe watches")
    args = parser.parse_args()

    expected = {}
    with open(args.requests) as f:
        for i, line in enumerate(f):
            if i >= args.sent:
                break
            params = parse_qs(line.split("\t", 1)[1].rstrip("\n"))
            expected.setdefault(params["MessageSid"][0], set()).add(params["MessageStatus"][0])
    rng = random.Random(7)
    sids = rng.sample(sorted(expected), min(args.sample, len(expected)))
    pending = {(s, st) for s in sids for st in expected[s]}
    source = SQLiteSource(args.sqlite) if args.sqlite else PostgresSource(args.postgres_psql)
    if args.ready_file:
        open(args.ready_file, "w").close()
    latencies = []
    deadline = time.monotonic() + args.timeout
    last_report = time.monotonic()
    while pending and time.monotonic() < deadline:
        unseen_sids = sorted({s for s, _ in pending})
        now_ms = time.time() * 1000
        for sid, status, received_at in source.rows(unseen_sids):
            if (sid, status) in pending:
                pending.discard((sid, status))
                latencies.append(now_ms - int(received_at))
        if time.monotonic() - last_report > 5:
            print(f"    e2e probe: {len(latencies)} seen, {len(pending)} pending", file=sys.stderr, flush=True)
            last_report = time.monotonic()
        time.sleep(args.poll)
    result = {
        "sampled_events": len(latencies) + len(pending),
        "seen": len(latencies),
        "missing": len(pending),
        "poll_ms": args.poll * 1000,
    }
    for name, p in (("p50_ms", 50), ("p90_ms", 90), ("p99_ms", 99), ("p999_ms", 99.9), ("max_ms", 100)):
        value = percentile(latencies, p)
        result[name] = round(value) if value is not None else None
    print(json.dumps(result))


if __name__ == "__main__":
    main()
