#!/usr/bin/env python3
"""What SQLite alone can do with the sink's tables on this machine: no Kafka, no Swift.

Copies the history rows a consumer run stored (SOURCE, read in rowid order, i.e. release order)
into a fresh database with the same schema and pragmas as the sink (WAL, synchronous, 64 MiB
cache, 16,384-page autocheckpoint and journal size limit, a second connection checkpointing
passively every second), BATCH rows per transaction, each transaction also upserting
message_status with the sink's guard (sink_sql.py reads it from SinkSQL.swift): one row per
message of the batch, the row the sink's MessageStatusUpdate.fold builds (candidate by
CurrentStatusRule's key, last non-null channel/sender/service, event count), staged in memory
before the clock starts. Prints one JSON object.
--primary-keys-only drops the secondary indexes: the floor the issue's tables impose.
"""
import argparse, json, os, sqlite3, sys, threading, time

from sink_sql import status_columns, status_conflict_clause

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


def status_rows(source, batch):
    """Per batch, one message_status row per message: what MessageStatusUpdate.fold gives the sink."""
    src = sqlite3.connect(source)
    rows = []
    cursor = src.execute("SELECT rowid, event_id, message_sid, status, status_rank, error_code, received_at, "
                         "twilio_time, payload FROM message_status_events ORDER BY rowid")
    updates = {}
    current = None
    for rowid, event_id, sid, status, rank, error, received, twilio, payload in cursor:
        index = (rowid - 1) // batch
        if index != current:
            rows.extend((current, *u[:-1]) for u in updates.values())
            updates, current = {}, index
        event = json.loads(payload)
        key = (-1 if rank is None else rank, received if twilio is None else twilio, event_id.encode())
        u = updates.get(sid)
        if u is None:
            updates[sid] = [sid, event.get("accountSid"), status, rank, error, event.get("channel"), received,
                            event_id, 1, event.get("from"), event.get("messagingServiceSid"), key[1], key]
            continue
        u[8] += 1
        for field, slot in (("channel", 5), ("from", 9), ("messagingServiceSid", 10)):
            if event.get(field) is not None:
                u[slot] = event[field]
        if key > u[12]:
            u[2:5] = [status, rank, error]
            u[6:8] = [received, event_id]
            u[11:13] = [key[1], key]
    rows.extend((current, *u[:-1]) for u in updates.values())
    src.close()
    return rows


def open_sink_connection(path):
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA synchronous = {args.synchronous}")
    return connection


db = sqlite3.connect(args.target, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute(f"PRAGMA synchronous = {args.synchronous}")
db.execute("PRAGMA cache_size = -65536")
db.execute("PRAGMA wal_autocheckpoint = 16384")
db.execute(f"PRAGMA journal_size_limit = {16384 * 4096}")
for statement in schema:
    db.execute(statement)
db.execute("ATTACH ? AS src", (args.source,))
db.execute("ATTACH ':memory:' AS stage")
columns = ",".join(f'"{row[1]}"' for row in db.execute("PRAGMA src.table_info(message_status_events)"))
status = status_columns()
db.execute(f"CREATE TABLE stage.status_rows (batch INTEGER, {status})")
db.executemany(f"INSERT INTO stage.status_rows VALUES ({','.join('?' * (1 + len(status.split(','))))})",
               status_rows(args.source, args.batch))
db.execute("CREATE INDEX stage.status_rows_batch ON status_rows (batch)")
conflict = status_conflict_clause("sqlite")

# The sink's background checkpointer: a second connection, a passive checkpoint every second.
stop = threading.Event()
checkpointer = open_sink_connection(args.target)


def checkpoint():
    while not stop.wait(1.0):
        checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")


thread = threading.Thread(target=checkpoint, daemon=True)

started = time.time()
last = started
cpu_started = time.thread_time(), time.process_time()
thread.start()
for low in range(1, total + 1, args.batch):
    high = low + args.batch - 1
    db.execute("BEGIN")
    db.execute(f"INSERT INTO message_status_events ({columns}) SELECT {columns} FROM src.message_status_events "
               "WHERE rowid BETWEEN ? AND ? ON CONFLICT (event_id) DO NOTHING", (low, high))
    db.execute(f"INSERT INTO message_status ({status}) SELECT {status} FROM stage.status_rows WHERE batch = ? "
               f"ORDER BY rowid {conflict}", ((low - 1) // args.batch,))
    db.execute("COMMIT")
    if time.time() - last >= 5:
        last = time.time()
        print(f"    sqlite ceiling: {min(high, total)}/{total} rows", file=sys.stderr, flush=True)
elapsed = time.time() - started
# CPU per row, the load-independent figure: of the writing thread, and of the process (with the checkpointer).
writer_cpu, process_cpu = time.thread_time() - cpu_started[0], time.process_time() - cpu_started[1]
stop.set()
thread.join()
print(json.dumps({"rows": total, "seconds": round(elapsed, 2), "rows_per_s": round(total / elapsed),
                  "writer_cpu_us_per_row": round(writer_cpu * 1e6 / max(1, total), 1),
                  "cpu_us_per_row": round(process_cpu * 1e6 / max(1, total), 1),
                  "batch": args.batch, "primary_keys_only": args.primary_keys_only}))
