#!/usr/bin/env python3
"""What SQLite alone can do with the sink's tables on this machine: no Kafka, no Swift.

Copies the history rows a consumer run stored (SOURCE, read in rowid order, i.e. release order)
into a fresh database with the same schema and pragmas as the sink (WAL, synchronous, 64 MiB
cache, 16,384-page autocheckpoint), BATCH rows per transaction, each transaction also upserting
message_status with the sink's guard (one row per message of the batch). Prints one JSON object.
--primary-keys-only drops the secondary indexes: the floor the issue's tables impose.
"""
import argparse, json, os, sqlite3, sys, time

from sink_sql import status_conflict_clause

parser = argparse.ArgumentParser()
parser.add_argument("source")
parser.add_argument("target")
parser.add_argument("--batch", type=int, default=20000)
parser.add_argument("--synchronous", default="FULL")
parser.add_argument("--primary-keys-only", action="store_true")
args = parser.parse_args()

for suffix in ("", "-wal", "-shm"):
    try:
        os.remove(args.target + suffix)
    except FileNotFoundError:
        pass
src = sqlite3.connect(args.source)
schema = [sql for (name, sql) in src.execute(
    "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'grdb%' ORDER BY rowid")
    if not (args.primary_keys_only and sql.lstrip().upper().startswith("CREATE INDEX"))]
total = src.execute("SELECT max(rowid) FROM message_status_events").fetchone()[0] or 0
src.close()

db = sqlite3.connect(args.target, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute(f"PRAGMA synchronous = {args.synchronous}")
db.execute("PRAGMA cache_size = -65536")
db.execute("PRAGMA wal_autocheckpoint = 16384")
for statement in schema:
    db.execute(statement)
db.execute("ATTACH ? AS src", (args.source,))
columns = ",".join(f'"{row[1]}"' for row in db.execute("PRAGMA src.table_info(message_status_events)"))
conflict = status_conflict_clause()
started = time.time()
last = started
for low in range(1, total + 1, args.batch):
    high = low + args.batch - 1
    db.execute("BEGIN")
    db.execute(f"INSERT INTO message_status_events ({columns}) SELECT {columns} FROM src.message_status_events "
               "WHERE rowid BETWEEN ? AND ? ON CONFLICT (event_id) DO NOTHING", (low, high))
    db.execute(f"""INSERT INTO message_status (message_sid, account_sid, status, status_rank, error_code, channel,
                     updated_at, last_event_id, event_count, sender, messaging_service_sid)
                   SELECT message_sid, 'AC', status, max(status_rank), error_code, 'sms', received_at, event_id,
                     count(*), NULL, NULL
                   FROM src.message_status_events WHERE rowid BETWEEN ? AND ? GROUP BY message_sid
                   {conflict}""", (low, high))
    db.execute("COMMIT")
    if time.time() - last >= 5:
        last = time.time()
        print(f"    sqlite ceiling: {min(high, total)}/{total} rows", file=sys.stderr, flush=True)
elapsed = time.time() - started
print(json.dumps({"rows": total, "seconds": round(elapsed, 2), "rows_per_s": round(total / elapsed),
                  "batch": args.batch, "primary_keys_only": args.primary_keys_only}))
