#!/usr/bin/env python3
"""What PostgreSQL alone can do with the sink's tables on this machine: no Kafka, no Swift.

TARGET is an empty database with the sink's schema. The rows a consumer run stored (SOURCE) are
loaded into an unlogged table there first, then moved in transactions of BATCH rows, each a
guarded history insert (payload parsed to jsonb, as the sink does) and one message_status upsert
per message of the batch, by SESSIONS psql sessions at once, each taking every SESSIONS-th batch
of whole messages (rows are split by a hash of the MessageSid, as the sink splits a batch).
Prints one JSON object.
"""
import argparse, json, shlex, subprocess, sys, time

from sink_sql import status_conflict_clause

parser = argparse.ArgumentParser()
parser.add_argument("--source-psql", required=True, help="psql command line for the source database")
parser.add_argument("--psql", required=True, help="psql command line for the target database")
parser.add_argument("--batch", type=int, default=20000)
parser.add_argument("--sessions", type=int, default=1)
args = parser.parse_args()
psql = shlex.split(args.psql) + ["-qX", "-v", "ON_ERROR_STOP=1"]
source = shlex.split(args.source_psql) + ["-qX", "-v", "ON_ERROR_STOP=1"]

history = ('event_id, message_sid, sequence, status, status_rank, error_code, event_type, late, received_at, '
           'raw_dlr_done_date, topic, "partition", "offset"')
subprocess.run(psql + ["-c", f"""CREATE UNLOGGED TABLE ceiling_source (n BIGINT, lane INT, event_id TEXT,
    message_sid TEXT, sequence BIGINT, status TEXT, status_rank INTEGER, error_code TEXT, event_type TEXT,
    late BOOLEAN, received_at BIGINT, raw_dlr_done_date TEXT, topic TEXT, "partition" INTEGER,
    "offset" BIGINT, payload TEXT)"""], check=True)
export = subprocess.Popen(source + ["-c", f"""\\copy (SELECT row_number() OVER (ORDER BY "partition", "offset"),
    abs(hashtext(message_sid)) % {args.sessions}, {history}, payload::text FROM message_status_events) TO STDOUT"""],
    stdout=subprocess.PIPE)
subprocess.run(psql + ["-c", "\\copy ceiling_source FROM STDIN"], stdin=export.stdout, check=True)
export.wait()
subprocess.run(psql + ["-c", "CREATE INDEX ON ceiling_source (lane, n)", "-c", "VACUUM ANALYZE ceiling_source"],
               check=True)
total = int(subprocess.run(psql + ["-Atc", "SELECT count(*) FROM ceiling_source"], check=True,
                           capture_output=True, text=True).stdout)
conflict = status_conflict_clause("postgres")

def script(lane):
    lines = []
    for low in range(1, total + 1, args.batch):
        high = low + args.batch - 1
        where = f"lane = {lane} AND n BETWEEN {low} AND {high}"
        lines += ["BEGIN;",
                  f"INSERT INTO message_status_events ({history}, payload) SELECT {history}, payload::jsonb "
                  f"FROM ceiling_source WHERE {where} ON CONFLICT (event_id) DO NOTHING;",
                  "INSERT INTO message_status (message_sid, account_sid, status, status_rank, error_code, channel, "
                  "updated_at, last_event_id, event_count, sender, messaging_service_sid) "
                  "SELECT DISTINCT ON (message_sid) message_sid, 'AC', status, status_rank, error_code, 'sms', "
                  f"received_at, event_id, 1, NULL, NULL FROM ceiling_source WHERE {where} "
                  f"ORDER BY message_sid, status_rank DESC {conflict};",
                  "COMMIT;"]
    return "\n".join(lines) + "\n"

started = time.time()
workers = [subprocess.Popen(psql, stdin=subprocess.PIPE, text=True) for _ in range(args.sessions)]
for lane, worker in enumerate(workers):
    worker.stdin.write(script(lane))
    worker.stdin.close()
for worker in workers:
    if worker.wait() != 0:
        sys.exit("a ceiling session failed")
elapsed = time.time() - started
stored = int(subprocess.run(psql + ["-Atc", "SELECT count(*) FROM message_status_events"], check=True,
                            capture_output=True, text=True).stdout)
print(json.dumps({"rows": stored, "seconds": round(elapsed, 2), "rows_per_s": round(stored / elapsed),
                  "batch": args.batch, "sessions": args.sessions}))
