#!/usr/bin/env python3
"""What PostgreSQL alone can do with the sink's tables on this machine: no Kafka, no Swift.

TARGET is an empty database with the sink's schema. The history rows a consumer run stored (SOURCE,
in partition/offset order) are cut into the consumer's batches (its default largest batch), each
batch split by MessageSid into the sink's lanes (same hash, same minimum part, the sink's default
number of sessions), and every part is written the way the sink writes it, with the sink's own
statements (`statusrelay bench sink-sql`): in one transaction, the staging tables' CREATE ... IF
NOT EXISTS, COPY into the staging table, the guarded history insert, COPY of the part's folded
message_status rows (one per message, the candidate by CurrentStatusRule's key) and the guarded
upsert. One psql
session per lane, all at once; the scripts are prepared before the clock starts. Prints one JSON
object: rows, seconds, rows_per_s, sessions, batch.
"""
import argparse, json, os, shlex, subprocess, sys, tempfile, time

from sink_sql import statements

parser = argparse.ArgumentParser()
parser.add_argument("--source-psql", required=True, help="psql command line for the source database")
parser.add_argument("--psql", required=True, help="psql command line for the target database")
parser.add_argument("--bin-dir", help="directory of the statusrelay binary (default: $STATUSRELAY_BIN_DIR or this clone's build)")
parser.add_argument("--sessions", type=int, help="default: the sink's write concurrency")
parser.add_argument("--batch", type=int, help="default: the consumer's largest batch")
args = parser.parse_args()
sql = statements(args.bin_dir)
sessions = args.sessions or sql["sessions"]
batch = args.batch or sql["max_batch_size"]
psql = shlex.split(args.psql) + ["-qX", "-v", "ON_ERROR_STOP=1"]
source = shlex.split(args.source_psql) + ["-qX", "-v", "ON_ERROR_STOP=1"]

columns = sql["history_staging_columns"]
select = ", ".join("payload::text" if c == "payload" else f'"{c}"' for c in columns)
fold = "payload->>'accountSid', payload->>'channel', payload->>'from', payload->>'messagingServiceSid'"
index = {c: i for i, c in enumerate(columns)}
extra = len(columns)


def fnv1a(data: bytes) -> int:
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def unescape(value: str):
    """COPY text field -> Python value for comparisons (None for NULL)."""
    return None if value == "\\N" else value


def status_rows(rows):
    """MessageStatusUpdate.fold of one part (all rows new in a fresh database), as COPY lines."""
    order, folded = [], {}
    for r in rows:
        sid = r[index["message_sid"]]
        rank = unescape(r[index["status_rank"]])
        twilio = unescape(r[index["twilio_time"]])
        key = (int(rank) if rank is not None else -1,
               int(twilio) if twilio is not None else int(r[index["received_at"]]),
               r[index["event_id"]].encode())
        account, channel, sender, service = r[extra:extra + 4]
        f = folded.get(sid)
        if f is None:
            order.append(sid)
            folded[sid] = {"account": account, "channel": channel, "sender": sender, "service": service,
                           "row": r, "key": key, "count": 1}
            continue
        f["count"] += 1
        if channel != "\\N": f["channel"] = channel
        if sender != "\\N": f["sender"] = sender
        if service != "\\N": f["service"] = service
        if key > f["key"]:
            f["row"], f["key"] = r, key
    lines = []
    for sid in order:
        f = folded[sid]
        c = f["row"]
        lines.append("\t".join([sid, f["account"], c[index["status"]], c[index["status_rank"]], c[index["error_code"]],
                                f["channel"], c[index["received_at"]], c[index["event_id"]], str(f["count"]),
                                f["sender"], f["service"], str(f["key"][1])]))
    return lines


history_copy = f'COPY {sql["history_staging"]} ({", ".join(chr(34) + c + chr(34) for c in columns)}) FROM STDIN;'
status_copy = (f'COPY {sql["status_staging"]} ({", ".join(sql["status_staging_columns"])}) FROM STDIN;')
work = tempfile.mkdtemp(prefix="postgres-ceiling.")
scripts = [open(os.path.join(work, f"lane-{n}.sql"), "w") for n in range(sessions)]
for script in scripts:
    # Not the "already exists, skipping" notice of every transaction on stderr.
    script.write("SET client_min_messages = warning;\n")
setup = "".join(s + ";\n" for s in sql["setup"])


def write_batch(rows):
    count = max(1, min(sessions, len(rows) // sql["minimum_lane_events"]))
    lanes = [[] for _ in range(count)]
    for r in rows:
        lanes[fnv1a(r[index["message_sid"]].encode()) % count].append(r)
    for script, part in zip(scripts, lanes):
        if not part:
            continue
        # As the sink: staging tables made sure of in every transaction.
        script.write("BEGIN;\n" + setup + history_copy + "\n")
        script.write("".join("\t".join(r[:extra]) + "\n" for r in part) + "\\.\n")
        script.write(sql["history_insert"] + ";\n" + status_copy + "\n")
        script.write("".join(line + "\n" for line in status_rows(part)) + "\\.\n")
        script.write(sql["status_upsert"] + ";\nCOMMIT;\n")


export = subprocess.Popen(source + ["-c", f'\\copy (SELECT {select}, {fold} FROM message_status_events '
                                          f'ORDER BY "partition", "offset") TO STDOUT'],
                          stdout=subprocess.PIPE, text=True)
total, pending = 0, []
for line in export.stdout:
    pending.append(line.rstrip("\n").split("\t"))
    total += 1
    if len(pending) == batch:
        write_batch(pending)
        pending = []
if pending:
    write_batch(pending)
if export.wait() != 0:
    sys.exit("export from the source database failed")
for script in scripts:
    script.close()

started = time.time()
workers = [subprocess.Popen(psql + ["-f", script.name]) for script in scripts]
for worker in workers:
    if worker.wait() != 0:
        sys.exit("a ceiling session failed")
elapsed = time.time() - started
for script in scripts:
    os.remove(script.name)
os.rmdir(work)
stored = int(subprocess.run(psql + ["-Atc", "SELECT count(*) FROM message_status_events"], check=True,
                            capture_output=True, text=True).stdout)
if stored != total:
    sys.exit(f"ceiling stored {stored} of {total} rows")
print(json.dumps({"rows": stored, "seconds": round(elapsed, 2), "rows_per_s": round(stored / elapsed),
                  "sessions": sessions, "batch": batch}))
