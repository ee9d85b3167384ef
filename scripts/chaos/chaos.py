#!/usr/bin/env python3
"""StatusRelay reliability (fault-injection) suite.

Runs the real binaries (statusrelay-ingress, statusrelay-consumer) against a private Tansu broker,
PostgreSQL and HTTP targets, injects one fault per scenario under load, and ends each scenario with an
exact accounting by event id:

    accepted callbacks (answered 200)  ⊆  distinct events in the topic  =  rows in every sink

(the topic may also hold callbacks that were published but whose 200 never reached the client, e.g.
when the ingress is killed between the ack and the answer; those must then be in the sinks too).
Every topic record must be a callback the load generator sent.

Scenarios: broker-freeze, broker-kill, ingress-kill, consumer-kill, rebalance, postgres-down,
http-storm, http-slow, spool-full, poison-records. `--scenario all` runs them in order.
Environment (scripts/chaos.sh and scripts/test.sh export it): STATUSRELAY_BIN_DIR, STATUSRELAY_TANSU,
STATUSRELAY_PG_BIN. Exit status 0 only when every scenario passed. --json FILE writes the summary.
"""
import argparse
import asyncio
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from urllib.parse import urlencode

from confluent_kafka import Consumer as KConsumer, Producer as KProducer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from twilio.request_validator import RequestValidator

TOKEN = "chaos" + "0" * 27
POISON_HEADER = "chaos-poison"
RANK = {"queued": 1, "sent": 3, "delivered": 4, "read": 5}


def log(*parts):
    print("    " + " ".join(str(p) for p in parts), file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


class Proc:
    """A child process with its output in a log file."""

    def __init__(self, name, argv, workdir, env=None):
        self.name = name
        self.argv = argv
        self.logpath = os.path.join(workdir, f"{name}.log")
        self.env = dict(os.environ, **(env or {}))
        self.popen = None
        self.start()

    def start(self):
        out = open(self.logpath, "a")
        out.write(f"\n=== start {time.strftime('%H:%M:%S')}: {' '.join(self.argv)}\n")
        out.flush()
        self.popen = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, env=self.env,
                                      stdin=subprocess.DEVNULL)
        out.close()
        return self

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def kill9(self):
        if self.alive():
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait()

    def signal(self, sig):
        if self.alive():
            self.popen.send_signal(sig)

    def stop(self, timeout=20):
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()

    def tail(self, n=30):
        try:
            with open(self.logpath) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


class Load:
    """Sends signed callbacks at a fixed rate over keep-alive connections from a background thread and
    records every answer by (MessageSid, status)."""

    def __init__(self, port, rate, seed, connections=8):
        self.port = port
        self.rate = rate
        self.connections = connections
        self.rng = random.Random(seed)
        self.url = f"http://127.0.0.1:{port}/twilio/message-status"
        self.validator = RequestValidator(TOKEN)
        self.account = "AC" + "%032x" % self.rng.getrandbits(128)
        self.sent = {}  # (sid, status) -> answer (int status, "error")
        self.answered_at = {}  # (sid, status) -> time.monotonic() of the answer
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.thread = None
        self.messages = []  # open messages: [sid, next status index]
        self.serial = 0

    def next_callback(self):
        # Mostly in lifecycle order, sometimes swapped, so the consumer reorders.
        statuses = ["queued", "sent", "delivered", "read"]
        if not self.messages or (len(self.messages) < 200 and self.rng.random() < 0.3):
            self.serial += 1
            self.messages.append(["SM%032x" % (self.rng.getrandbits(96) << 32 | self.serial), 0])
        m = self.rng.choice(self.messages)
        status = statuses[m[1]]
        m[1] += 1
        if m[1] == len(statuses):
            self.messages.remove(m)
        pairs = [("AccountSid", self.account), ("MessageSid", m[0]), ("MessageStatus", status),
                 ("SmsSid", m[0]), ("SmsStatus", status), ("From", "+15017122661"), ("To", "+15558675310"),
                 ("ApiVersion", "2010-04-01")]
        sig = self.validator.compute_signature(self.url, dict(pairs))
        body = urlencode(pairs).encode()
        head = (f"POST /twilio/message-status HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: {sig}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        return (m[0], status), head + body

    async def _connection(self, queue):
        conn = None
        while True:
            item = await queue.get()
            if item is None:
                break
            key, data = item
            answer = "error"
            try:
                if conn is None:
                    conn = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), 3)
                reader, writer = conn
                writer.write(data)
                await writer.drain()
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 15)
                answer = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if length:
                    await asyncio.wait_for(reader.readexactly(length), 15)
                if b"connection: close" in head.lower():
                    writer.close()
                    conn = None
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
                if conn:
                    conn[1].close()
                conn = None
            with self.lock:
                self.sent[key] = answer
                self.answered_at[key] = time.monotonic()

    async def _run(self, duration):
        queue = asyncio.Queue()
        workers = [asyncio.create_task(self._connection(queue)) for _ in range(self.connections)]
        start = time.monotonic()
        n = 0
        while not self.stop_flag.is_set() and time.monotonic() - start < duration:
            due = int((time.monotonic() - start) * self.rate)
            while n < due:
                with self.lock:
                    item = self.next_callback()
                queue.put_nowait(item)
                n += 1
            await asyncio.sleep(0.005)
        for _ in workers:
            queue.put_nowait(None)
        await asyncio.gather(*workers)

    def start(self, duration):
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run(duration)), daemon=True)
        self.thread.start()
        return self

    def wait(self):
        self.thread.join()

    def stop(self):
        self.stop_flag.set()
        self.wait()

    def summary(self):
        with self.lock:
            answers = {}
            for a in self.sent.values():
                answers[str(a)] = answers.get(str(a), 0) + 1
            return answers

    def accepted(self):
        with self.lock:
            return {k for k, a in self.sent.items() if a == 200}

    def all_sent(self):
        with self.lock:
            return set(self.sent)


def read_topic(brokers, topic, timeout=60):
    """(sid, status) -> set of event ids, plus problems (malformed records, key mismatches)."""
    c = KConsumer({"bootstrap.servers": brokers, "group.id": "chaos-reader-%d" % random.getrandbits(32),
                   "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    md = c.list_topics(topic, timeout=10)
    if topic not in md.topics or md.topics[topic].error is not None:
        c.close()
        return {}, [f"topic {topic} missing"], 0
    ends, assign = {}, []
    for p in md.topics[topic].partitions:
        low, high = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        ends[p] = high
        if high > low:
            assign.append(TopicPartition(topic, p, low))
    c.assign(assign)
    # Tansu's high watermark can be the last batch's base offset + 1, short of the real end: read
    # past it until the partitions stay quiet.
    remaining = {tp.partition for tp in assign}
    events, problems, records = {}, [], 0
    deadline = time.monotonic() + timeout
    last_message = time.monotonic()
    while assign and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is None or m.error():
            if not remaining and time.monotonic() - last_message > 2:
                break
            continue
        last_message = time.monotonic()
        if m.offset() + 1 >= ends[m.partition()]:
            remaining.discard(m.partition())
        if any(k == POISON_HEADER for k, _ in (m.headers() or [])):
            continue  # written by the poison-records scenario, checked there
        records += 1
        try:
            e = json.loads(m.value())
            if m.key().decode() != e["messageSid"]:
                problems.append(f"key {m.key()} != messageSid {e['messageSid']}")
            events.setdefault((e["messageSid"], e["status"]), set()).add(e["id"])
        except Exception as error:  # noqa: BLE001 - any unreadable record is a problem
            problems.append(f"unreadable record at {m.partition()}/{m.offset()}: {error!r}")
    c.close()
    if remaining:
        problems.append(f"could not read partitions {sorted(remaining)} to their end")
    return events, problems, records


def group_positions(brokers, topic, group):
    """partition -> (committed offset, low, high) for diagnosing a consumer that does not catch up."""
    c = KConsumer({"bootstrap.servers": brokers, "group.id": group, "enable.auto.commit": False})
    try:
        parts = [TopicPartition(topic, p) for p in c.list_topics(topic, timeout=10).topics[topic].partitions]
        committed = {tp.partition: tp.offset for tp in c.committed(parts, timeout=10)}
        return {p.partition: (committed.get(p.partition), *c.get_watermark_offsets(p, timeout=10)) for p in parts}
    except Exception as error:  # noqa: BLE001 - diagnostics only
        return repr(error)
    finally:
        c.close()


def sqlite_rows(path):
    if not os.path.exists(path):
        return {}, []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        rows = db.execute("SELECT event_id, message_sid, status FROM message_status_events").fetchall()
        problems = []
        bad = db.execute("""SELECT s.message_sid FROM message_status s
                            JOIN (SELECT message_sid, count(*) n FROM message_status_events GROUP BY message_sid) h
                            ON h.message_sid = s.message_sid WHERE h.n != s.event_count LIMIT 5""").fetchall()
        if bad:
            problems.append(f"message_status.event_count disagrees with the history for {bad}")
    except sqlite3.OperationalError:
        return {}, []
    finally:
        db.close()
    return {r[0]: (r[1], r[2]) for r in rows}, problems


class PG:
    def __init__(self, pg_bin, workdir):
        self.pg_bin = pg_bin
        self.dir = os.path.join(workdir, "pg")
        self.port = free_port()
        self.url = None

    def _script(self, *args):
        repo = os.environ.get("STATUSRELAY_REPO_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        r = subprocess.run(["bash", os.path.join(repo, "scripts/postgres.sh"), *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"postgres.sh {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()[-1500:]}")
        return r.stdout.strip()

    def start(self):
        self.url = self._script("start", self.dir, str(self.port))
        return self.url

    def stop(self):
        self._script("stop", self.dir)

    def psql(self, sql):
        cmd = [os.path.join(self.pg_bin, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "statusrelay",
               "-qAtX", "-F", "|", "-c", sql, "statusrelay"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return None
        return [line.split("|") for line in r.stdout.splitlines() if line]

    def rows(self):
        rows = self.psql("SELECT event_id, message_sid, status FROM message_status_events") or []
        return {r[0]: (r[1], r[2]) for r in rows}, []


class Scenario:
    def __init__(self, args, name):
        self.args = args
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"chaos-{name}-", dir=args.workdir)
        os.chmod(self.dir, 0o755)  # PostgreSQL runs as its own user and keeps its data dir in here
        self.procs = []
        self.topic = f"chaos-{name}-{random.getrandbits(24):06x}"
        self.brokers = None
        self.broker = None
        self.broker_port = free_port()
        self.ingress = None
        self.ingress_port = None
        self.consumers = []
        self.result = {"scenario": name, "checks": [], "passed": False}
        self.extra_topic_ok = set()

    # --- processes ---
    def start_broker(self):
        self.broker = Proc("tansu", [self.args.tansu, "broker", "--listener-url", f"tcp://127.0.0.1:{self.broker_port}",
                                     "--advertised-listener-url", f"tcp://127.0.0.1:{self.broker_port}"], self.dir)
        self.procs.append(self.broker)
        if not wait_port(self.broker_port, 30):
            raise RuntimeError("broker did not listen:\n" + self.broker.tail())
        self.brokers = f"127.0.0.1:{self.broker_port}"

    def create_topics(self, partitions=4):
        admin = AdminClient({"bootstrap.servers": self.brokers})
        topics = [NewTopic(self.topic, partitions, 1), NewTopic(self.topic + ".rejected", 1, 1),
                  NewTopic(self.topic + ".dlq", 1, 1),
                  NewTopic(self.topic + ".state", partitions, 1, config={"cleanup.policy": "compact"})]
        for t, f in admin.create_topics(topics).items():
            try:
                f.result()
            except Exception as error:  # noqa: BLE001 - "already exists" is fine
                if "exist" not in str(error).lower():
                    raise

    def start_ingress(self, *extra):
        if self.ingress_port is None:
            self.ingress_port = free_port()
        argv = [os.path.join(self.args.bin_dir, "statusrelay-ingress"), "--listen", f"127.0.0.1:{self.ingress_port}",
                "--brokers", self.brokers, "--topic", self.topic, "--spool-dir", os.path.join(self.dir, "spool"),
                "--publish-timeout", "500ms", "--log-level", "info", *extra]
        if self.ingress is None:
            self.ingress = Proc("ingress", argv, self.dir, env={"TWILIO_AUTH_TOKEN": TOKEN})
            self.procs.append(self.ingress)
        else:
            self.ingress.argv = argv
            self.ingress.start()
        if not wait_port(self.ingress_port, 60):
            raise RuntimeError("ingress did not listen:\n" + self.ingress.tail())

    def start_consumer(self, sinks, group=None, extra=()):
        index = len(self.consumers)
        argv = [os.path.join(self.args.bin_dir, "statusrelay-consumer"), "--brokers", self.brokers,
                "--topic", self.topic, "--group", group or f"{self.topic}-group",
                "--admin-listen", f"127.0.0.1:{free_port()}", "--reorder-window", "1s", "--log-level", "info",
                "--kafka-config", "session.timeout.ms=6000", "--kafka-config", "max.poll.interval.ms=10000",
                "--kafka-config", "heartbeat.interval.ms=1000"]
        for sink in sinks:
            argv += ["--sink", sink]
        argv += list(extra)
        proc = Proc(f"consumer-{index}", argv, self.dir, env={"STATUSRELAY_FORWARD_AUTH_TOKEN": TOKEN})
        self.procs.append(proc)
        self.consumers.append(proc)
        return proc

    def cleanup(self):
        for p in reversed(self.procs):
            p.stop(10)

    # --- checks ---
    def check(self, name, ok, detail=""):
        self.result["checks"].append({"check": name, "ok": bool(ok), "detail": detail})
        log(("PASS" if ok else "FAIL"), name, detail)
        return ok

    def wait_sink(self, rows_fn, expected_ids, timeout=None):
        """Waits until the sink holds exactly the expected ids (or the timeout)."""
        deadline = time.monotonic() + (timeout or self.args.drain_timeout)
        rows = {}
        last = -1
        while time.monotonic() < deadline:
            rows, _ = rows_fn()
            if set(rows) >= expected_ids:
                break
            if len(rows) != last:
                log(f"{self.name}: sink has {len(rows)}/{len(expected_ids)} events")
                last = len(rows)
            time.sleep(1)
        time.sleep(1.5)  # anything extra would show up now
        return rows_fn()

    def account(self, load, sinks, allow_unanswered=True):
        """The exact accounting: accepted ⊆ topic ⊆ sent; topic ids = sink ids for every sink."""
        accepted = load.accepted()
        sent = load.all_sent()
        self.result["answers"] = load.summary()
        # The spool drains in the background after a fault: wait (bounded) for the accepted callbacks.
        deadline = time.monotonic() + self.args.drain_timeout
        while True:
            events, problems, records = read_topic(self.brokers, self.topic)
            if accepted <= set(events) or time.monotonic() > deadline:
                break
            log(f"{self.name}: topic has {len(accepted & set(events))}/{len(accepted)} accepted callbacks")
            time.sleep(3)
        topic_pairs = set(events)
        topic_ids = set().union(*events.values()) if events else set()
        self.result.update({"accepted": len(accepted), "topic_records": records, "topic_events": len(topic_ids)})
        ok = self.check("topic readable and well-formed", not problems, "; ".join(problems[:3]))
        missing = accepted - topic_pairs
        ok &= self.check("every accepted callback is on the topic", not missing,
                         f"{len(accepted)} accepted, {len(missing)} missing {sorted(missing)[:3]}")
        unknown = topic_pairs - sent
        ok &= self.check("nothing on the topic that was not sent", not unknown, f"{len(unknown)} unknown")
        multi = {k: v for k, v in events.items() if len(v) > 1}
        ok &= self.check("one event id per callback", not multi, f"{len(multi)} callbacks with several ids")
        extra = topic_pairs - accepted
        if extra:
            log(f"{self.name}: {len(extra)} callbacks on the topic without a 200 (published, answer lost)")
        for name, rows_fn in sinks:
            rows, sink_problems = self.wait_sink(rows_fn, topic_ids)
            sink_ids = {i for i in rows if not i.startswith("poison-")}
            ok &= self.check(f"{name}: rows = topic events (by event id)", sink_ids == topic_ids,
                             f"{len(sink_ids)} rows, {len(topic_ids)} events, missing {len(topic_ids - sink_ids)}, "
                             f"unexpected {len(sink_ids - topic_ids)}")
            ok &= self.check(f"{name}: state consistent", not sink_problems, "; ".join(sink_problems))
            self.result[f"{name}_rows"] = len(sink_ids)
        return ok


def scenario_broker_freeze(s, a):
    """Broker unreachable (SIGSTOP) for 15 s under load: the ingress keeps answering 200 from the spool."""
    s.start_broker()
    s.create_topics()
    s.start_ingress()
    s.start_consumer([f"sqlite:{s.dir}/events.sqlite"])
    load = Load(s.ingress_port, a.rate, seed=1).start(a.duration)
    time.sleep(a.duration * 0.25)
    log("broker: SIGSTOP")
    s.broker.signal(signal.SIGSTOP)
    frozen_from = len(load.sent)
    time.sleep(min(15, a.duration * 0.4))
    during = load.summary()
    log("broker: SIGCONT", during)
    s.broker.signal(signal.SIGCONT)
    load.wait()
    answers = load.summary()
    s.check("every callback answered 200 while the broker was frozen", set(answers) == {"200"},
            f"answers {answers} (sent {frozen_from} before the freeze)")
    return s.account(load, [("sqlite", lambda: sqlite_rows(f"{s.dir}/events.sqlite"))])


def scenario_broker_kill(s, a):
    """Broker kill -9 and restart (empty: Tansu keeps data in memory) under load. The ingress spools while
    it is down and drains into the new broker by itself (its idempotent producer is fenced / unknown there and
    gets a new handle); every callback accepted after the kill is on the new topic and in SQLite."""
    s.start_broker()
    s.create_topics()
    s.start_ingress()
    s.start_consumer([f"sqlite:{s.dir}/events.sqlite"])
    load = Load(s.ingress_port, a.rate, seed=2).start(a.duration)
    time.sleep(a.duration * 0.3)
    log("broker: kill -9")
    killed_at = time.monotonic()
    s.broker.kill9()
    time.sleep(5)
    log("broker: restart (empty) and recreate the topics")
    s.broker.start()
    wait_port(s.broker_port, 30)
    s.create_topics()
    load.wait()
    answers = load.summary()
    s.check("every callback answered 200 (Kafka or spool) through the kill and restart", set(answers) <= {"200"},
            f"answers {answers}")
    accepted = load.accepted()
    sent = load.all_sent()
    # The pre-kill topic died with the in-memory broker (replication factor 1: its own durability). A 200
    # read within a second of the kill can carry the dying broker's ack; every later 200 came with a spool
    # fsync or an ack from the new broker, so it must be on the new topic.
    with load.lock:
        after = {k for k in accepted if load.answered_at.get(k, 0) > killed_at + 1.0}
    deadline = time.monotonic() + a.drain_timeout
    while True:
        events, problems, records = read_topic(s.brokers, s.topic)
        if after <= set(events) or time.monotonic() > deadline:
            break
        log(f"{s.name}: new topic has {len(after & set(events))}/{len(after)} callbacks accepted after the kill")
        time.sleep(3)
    topic_pairs = set(events)
    topic_ids = set().union(*events.values()) if events else set()
    missing_topic = after - topic_pairs
    s.result.update({"accepted": len(accepted), "accepted_after_kill": len(after), "topic_records": records,
                     "topic_events": len(topic_ids), "answers": answers})
    ok = s.check("the ingress drains its spool into the restarted broker by itself", not missing_topic,
                 f"{len(after)} accepted after the kill, {len(missing_topic)} not on the new topic "
                 f"{sorted(missing_topic)[:3]}")
    ok &= s.check("new topic readable and well-formed", not problems, "; ".join(problems[:3]))
    ok &= s.check("nothing on the new topic that was not sent", topic_pairs <= sent,
                  f"{len(topic_pairs - sent)} unknown")
    multi = {k: v for k, v in events.items() if len(v) > 1}
    ok &= s.check("one event id per callback on the new topic", not multi, f"{len(multi)} callbacks with several ids")

    # The sink: every event of the new topic, plus what was consumed from the old broker before the kill.
    rows, sink_problems = s.wait_sink(lambda: sqlite_rows(f"{s.dir}/events.sqlite"), topic_ids)
    pairs = list(rows.values())
    missing_rows = topic_ids - set(rows)
    s.result["sqlite_rows"] = len(rows)
    ok &= s.check("sqlite: every event on the new topic is a row (by event id)", not missing_rows,
                  f"{len(rows)} rows, {len(topic_ids)} topic events, {len(missing_rows)} missing")
    if missing_rows:
        log(f"{s.name}: consumer group offsets vs the new topic: {group_positions(s.brokers, s.topic, f'{s.topic}-group')}")
    ok &= s.check("sqlite: every callback accepted after the kill is a row", not (after - set(pairs)),
                  f"{len(after - set(pairs))} of {len(after)} missing")
    ok &= s.check("sqlite: no callback twice", len(pairs) == len(set(pairs)), f"{len(pairs) - len(set(pairs))} duplicates")
    ok &= s.check("sqlite: only callbacks that were sent", set(pairs) <= sent)
    ok &= s.check("sqlite: state consistent", not sink_problems, "; ".join(sink_problems))
    lost = accepted - after - set(pairs)
    s.result["lost_with_the_in_memory_broker"] = len(lost)
    log(f"{s.name}: {len(lost)} callbacks acked by the in-memory broker before the kill were lost with it "
        "(not consumed yet)")
    return ok


def scenario_ingress_kill(s, a):
    """kill -9 the ingress twice under load and restart it on the same spool."""
    s.start_broker()
    s.create_topics()
    s.start_ingress()
    s.start_consumer([f"sqlite:{s.dir}/events.sqlite"])
    load = Load(s.ingress_port, a.rate, seed=3).start(a.duration)
    for fraction in (0.3, 0.6):
        time.sleep(a.duration * 0.3)
        log("ingress: kill -9")
        s.ingress.kill9()
        time.sleep(1)
        s.start_ingress()
    load.wait()
    return s.account(load, [("sqlite", lambda: sqlite_rows(f"{s.dir}/events.sqlite"))])


def scenario_consumer_kill(s, a):
    """kill -9 the consumer three times at random points while callbacks flow; restart it each time."""
    s.start_broker()
    s.create_topics()
    s.start_ingress()
    c = s.start_consumer([f"sqlite:{s.dir}/events.sqlite"])
    load = Load(s.ingress_port, a.rate, seed=4).start(a.duration)
    rng = random.Random(4)
    for _ in range(3):
        time.sleep(a.duration / 4 * rng.uniform(0.5, 1.0))
        log("consumer: kill -9")
        c.kill9()
        time.sleep(0.5)
        c.start()
    load.wait()
    return s.account(load, [("sqlite", lambda: sqlite_rows(f"{s.dir}/events.sqlite"))])


def scenario_rebalance(s, a):
    """Two consumers in one group, a third joins, then one leaves (SIGTERM) and one is killed, under load."""
    s.start_broker()
    s.create_topics(partitions=6)
    s.start_ingress()
    pg = PG(a.pg_bin, s.dir)
    url = pg.start()
    try:
        group = f"{s.topic}-group"
        c1 = s.start_consumer([url], group)
        c2 = s.start_consumer([url], group)
        load = Load(s.ingress_port, a.rate, seed=5).start(a.duration)
        time.sleep(a.duration * 0.25)
        log("rebalance: third consumer joins")
        s.start_consumer([url], group)
        time.sleep(a.duration * 0.25)
        log("rebalance: first consumer leaves (SIGTERM)")
        c1.stop()
        time.sleep(a.duration * 0.25)
        log("rebalance: second consumer killed (kill -9)")
        c2.kill9()
        load.wait()
        return s.account(load, [("postgres", pg.rows)])
    finally:
        s.cleanup()
        pg.stop()


def scenario_postgres_down(s, a):
    """PostgreSQL stopped mid-stream (--pg-down, default 30 s), then started again."""
    s.start_broker()
    s.create_topics()
    s.start_ingress()
    pg = PG(a.pg_bin, s.dir)
    url = pg.start()
    try:
        s.start_consumer([url, f"sqlite:{s.dir}/events.sqlite"])
        load = Load(s.ingress_port, a.rate, seed=6).start(a.duration + a.pg_down)
        time.sleep(a.duration * 0.3)
        log(f"postgres: stop for {a.pg_down:.0f} s")
        pg.stop()
        time.sleep(a.pg_down)
        log("postgres: start")
        pg.start()
        load.wait()
        return s.account(load, [("postgres", pg.rows), ("sqlite", lambda: sqlite_rows(f"{s.dir}/events.sqlite"))])
    finally:
        s.cleanup()
        pg.stop()


def http_scenario(s, a, receiver_args, seed):
    s.start_broker()
    s.create_topics()
    s.start_ingress()
    rport = free_port()
    here = os.path.dirname(os.path.abspath(__file__))
    receiver = Proc("receiver", [sys.executable, os.path.join(here, "receiver.py"), "--port", str(rport),
                                 "--auth-token", TOKEN, *receiver_args], s.dir)
    s.procs.append(receiver)
    wait_port(rport, 30)
    target = f"http://127.0.0.1:{rport}/status"
    s.start_consumer([target], extra=["--forward-max-attempts", "100"])
    load = Load(s.ingress_port, a.rate, seed=seed).start(a.duration)
    load.wait()

    def received():
        with urllib.request.urlopen(f"http://127.0.0.1:{rport}/_state", timeout=10) as r:
            st = json.load(r)
        s.result["receiver"] = {"responses": st["responses"], "invalid_signatures": st["invalid_signatures"]}
        return {i: None for i in st["accepted"]}, ([] if st["invalid_signatures"] == 0 else ["invalid signatures"])

    ok = s.account(load, [("http", received)])
    # Dead-lettered events would also be accounted for; with 100 attempts none should be.
    dlq, _, dlq_records = read_topic(s.brokers, s.topic + ".dlq", timeout=10)
    ok &= s.check("nothing dead-lettered (retries outlast the storm)", dlq_records == 0, f"{dlq_records} in the DLQ")
    return ok


def scenario_http_storm(s, a):
    """HTTP target answers only 5xx for 15 s, then 10% 500s: retries deliver everything, in order."""
    return http_scenario(s, a, ["--storm-start", str(a.duration * 0.2), "--storm-end", str(a.duration * 0.2 + 15),
                                "--p500", "0.1"], seed=7)


def scenario_http_slow(s, a):
    """HTTP target answers 20% of requests after up to 1.5 s."""
    return http_scenario(s, a, ["--slow-p", "0.2", "--slow-max", "1.5"], seed=8)


def scenario_spool_full(s, a):
    """Broker frozen and the spool on a 256 KiB tmpfs (real ENOSPC) or, without mount rights, a 128 KiB
    --spool-max-bytes: callbacks get 200 until the spool is full, then 503 with Retry-After; once the
    broker is back every 200 is on the topic and the restarted ingress recovers the spool cleanly."""
    s.start_broker()
    s.create_topics()
    spool = os.path.join(s.dir, "spool")
    os.makedirs(spool, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", spool], capture_output=True).returncode == 0
    s.result["spool_limit"] = "tmpfs 256 KiB (ENOSPC)" if mounted else "--spool-max-bytes 128KiB"
    extra = ["--spool-segment-bytes", "32KiB"] + ([] if mounted else ["--spool-max-bytes", "128KiB"])
    try:
        s.start_ingress(*extra)
        s.start_consumer([f"sqlite:{s.dir}/events.sqlite"])
        time.sleep(2)
        # Keep the freeze shorter than the ingress producer's delivery timeout (10 s): an in-flight request
        # that times out makes Tansu fence the idempotent producer (see broker-kill), a different fault.
        s.broker.signal(signal.SIGSTOP)
        load = Load(s.ingress_port, max(a.rate, 150), seed=9).start(7)
        time.sleep(5.5)
        retry_after = probe_retry_after(s.ingress_port, load)
        load.wait()
        # Every failed write (each 503) must leave no segment file behind: only segments with records.
        segments = {n: os.path.getsize(os.path.join(spool, n)) for n in os.listdir(spool) if n.endswith(".spool")}
        empty = sorted(n for n, size in segments.items() if size <= 8)
        s.check("failed spool writes leave no empty segment files", not empty,
                f"{len(segments)} segment files, {len(empty)} without records {empty[:3]}")
        s.broker.signal(signal.SIGCONT)
        answers = load.summary()
        s.check("spool full answers 503 (and only 200/503)", "503" in answers and set(answers) <= {"200", "503"},
                f"answers {answers}")
        s.check("503 carries Retry-After", retry_after is not None, f"Retry-After: {retry_after}")
        ok = s.account(load, [("sqlite", lambda: sqlite_rows(f"{s.dir}/events.sqlite"))])
        s.ingress.stop()
        s.start_ingress(*extra)
        time.sleep(3)
        log_text = s.ingress.tail(200).lower()
        ok &= s.check("restarted ingress recovers the spool without corruption",
                      "crc" not in log_text and "torn" not in log_text and "corrupt" not in log_text,
                      "no CRC/torn-tail warnings after restart")
        return ok
    finally:
        s.cleanup()
        if mounted:
            subprocess.run(["umount", "-l", spool], capture_output=True)


def probe_retry_after(port, load):
    """Sends one more signed callback of `load` (so it is accounted for); returns the Retry-After header of
    a 503, else None."""
    with load.lock:
        key, data = load.next_callback()
        load.sent[key] = "error"
    try:
        with socket.create_connection(("127.0.0.1", port), 5) as sock:
            sock.sendall(data)
            sock.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                head += chunk
    except OSError:
        return None
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split(b" ")[1])
    except (IndexError, ValueError):
        status = "error"
    with load.lock:
        load.sent[key] = status
    if status != 503:
        return None
    for line in lines[1:]:
        if line.lower().startswith(b"retry-after:"):
            return line.split(b":", 1)[1].strip().decode()
    return None


def poison_event(event_id, sid, **extra):
    event = {"schemaVersion": 1, "id": event_id, "messageSid": sid, "accountSid": "AC" + "0" * 32, "status": "sent",
             "statusRank": 40, "receivedAt": int(time.time() * 1000), "source": "status-callback",
             "params": {"MessageSid": sid, "MessageStatus": "sent"}}
    event.update(extra)
    return json.dumps(event, separators=(",", ":"))


def inject_poison(s, load):
    """Writes issue 16's hostile records straight to the topic, and sends a signed callback carrying a
    NUL byte through the ingress. Returns (dead-letter records expected, poison event ids to be stored)."""
    producer = KProducer({"bootstrap.servers": s.brokers, "message.max.bytes": 2_000_000})
    poison = [(POISON_HEADER, b"1")]
    sid = "SM" + "%032x" % random.getrandbits(128)
    keyed = poison_event("poison-mis-keyed", sid)
    number = poison_event("poison-number", "SM" + "%032x" % random.getrandbits(128)).replace('"schemaVersion"', '"aFutureMember":1e999999,"schemaVersion"')
    nul_sid = "SM" + "%032x" % random.getrandbits(128)
    nul = poison_event("poison-nul", nul_sid, **{"from": "before\x00after"})
    long_sid = "SM" + "ab" * 1500
    # Event times at the end of Int64 and ten years ahead (an ingress with a wrong clock): stored, never a crash.
    min_time = poison_event("poison-time-min", "SM" + "%032x" % random.getrandbits(128), receivedAt=-(2 ** 63))
    future = poison_event("poison-time-future", "SM" + "%032x" % random.getrandbits(128),
                          receivedAt=int(time.time() * 1000) + 10 * 365 * 86_400_000)
    records = [
        (b"SMgarbage", b"x" * 1_000_000),  # larger than the dead-letter topic takes as is
        (sid.encode(), keyed.encode()),  # stored
        (b"SMsomeoneelse", keyed.encode()),  # key is not its messageSid
        (None, keyed.encode()),  # null key
        (json.loads(number)["messageSid"].encode(), number.encode()),  # jsonb cannot hold 1e999999
        (nul_sid.encode(), nul.encode()),  # text cannot hold NUL
        (long_sid.encode(), poison_event("poison-long-sid", long_sid).encode()),  # too long for an index
        (json.loads(min_time)["messageSid"].encode(), min_time.encode()),
        (json.loads(future)["messageSid"].encode(), future.encode()),
    ]
    for key, value in records:
        producer.produce(s.topic, key=key, value=value, headers=poison)
    producer.flush(30)
    # The same NUL through the ingress: a signed callback, accounted like the load's own.
    callback_sid = "SM" + "%032x" % random.getrandbits(128)
    pairs = [("AccountSid", load.account), ("MessageSid", callback_sid), ("MessageStatus", "sent"),
             ("ChannelStatusMessage", "before\x00after"), ("From", "before\x00after"), ("ApiVersion", "2010-04-01")]
    request = urllib.request.Request(load.url, data=urlencode(pairs).encode(), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(load.url, dict(pairs))})
    with urllib.request.urlopen(request, timeout=10) as answer:
        status = answer.status
    with load.lock:
        load.sent[(callback_sid, "sent")] = status
    s.check("signed callback with a NUL byte answered 200", status == 200, str(status))
    return 4, {"poison-mis-keyed", "poison-number", "poison-nul", "poison-time-min", "poison-time-future"}


def dead_letters(brokers, topic, expected, timeout=60):
    c = KConsumer({"bootstrap.servers": brokers, "group.id": "chaos-dlq-%d" % random.getrandbits(32),
                   "enable.auto.commit": False, "auto.offset.reset": "earliest", "fetch.message.max.bytes": 2_000_000})
    c.subscribe([topic])
    found = []
    deadline = time.monotonic() + timeout
    while len(found) < expected and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            found.append({k: (v or b"").decode(errors="replace") for k, v in (m.headers() or [])} | {"size": len(m.value() or b"")})
    c.close()
    return found


def scenario_poison_records(s, a):
    """Hostile records in the topic under load (1 MB of garbage, mis-keyed and null-keyed copies, a number jsonb
    cannot hold, a 3,002-character sid, event times of Int64.min and ten years ahead, NUL bytes also through
    the ingress): each is stored or dead-lettered with
    its reason, and PostgreSQL and SQLite end with exactly the accepted callbacks."""
    s.start_broker()
    s.create_topics()
    s.start_ingress()
    pg = PG(a.pg_bin, s.dir)
    url = pg.start()
    try:
        s.start_consumer([url, f"sqlite:{s.dir}/events.sqlite"])
        load = Load(s.ingress_port, a.rate, seed=10).start(a.duration)
        time.sleep(a.duration * 0.3)
        expected_dead, stored = inject_poison(s, load)
        load.wait()
        sinks = [("postgres", pg.rows), ("sqlite", lambda: sqlite_rows(f"{s.dir}/events.sqlite"))]
        ok = s.account(load, sinks)
        for name, rows_fn in sinks:
            rows, _ = rows_fn()
            held = {i for i in rows if i.startswith("poison-")}
            ok &= s.check(f"{name}: stores the hostile events it can", held == stored, f"{sorted(held)}")
        dead = dead_letters(s.brokers, s.topic + ".dlq", expected_dead)
        kinds = sorted(d.get("statusrelay-dlq-kind", "?") for d in dead)
        ok &= s.check("dead-letter topic holds the records that cannot be handled",
                      kinds == ["key_mismatch", "key_mismatch", "undecodable", "undecodable"], f"{kinds}")
        big = [d for d in dead if d.get("statusrelay-dlq-original-size") == "1000000"]
        ok &= s.check("the 1 MB record was dead-lettered truncated",
                      len(big) == 1 and big[0].get("statusrelay-dlq-truncated") == "true" and big[0]["size"] < 1_000_000,
                      f"{[(d.get('statusrelay-dlq-source'), d['size']) for d in dead]}")
        return ok
    finally:
        s.cleanup()
        pg.stop()


SCENARIOS = {
    "broker-freeze": scenario_broker_freeze,
    "broker-kill": scenario_broker_kill,
    "ingress-kill": scenario_ingress_kill,
    "consumer-kill": scenario_consumer_kill,
    "rebalance": scenario_rebalance,
    "postgres-down": scenario_postgres_down,
    "http-storm": scenario_http_storm,
    "http-slow": scenario_http_slow,
    "spool-full": scenario_spool_full,
    "poison-records": scenario_poison_records,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", action="append", help="name (repeatable) or all", default=[])
    parser.add_argument("--rate", type=float, default=200, help="callbacks per second")
    parser.add_argument("--duration", type=float, default=40, help="seconds of load per scenario")
    parser.add_argument("--pg-down", type=float, default=30, help="seconds PostgreSQL stays down")
    parser.add_argument("--drain-timeout", type=float, default=240,
                        help="after the load, how long the topic and sinks may take to catch up")
    parser.add_argument("--bin-dir", default=os.environ.get("STATUSRELAY_BIN_DIR"))
    parser.add_argument("--tansu", default=os.environ.get("STATUSRELAY_TANSU"))
    parser.add_argument("--pg-bin", default=os.environ.get("STATUSRELAY_PG_BIN"))
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--json")
    args = parser.parse_args()
    for name in ("bin_dir", "tansu", "pg_bin"):
        if not getattr(args, name):
            parser.error(f"--{name.replace('_', '-')} (or its STATUSRELAY_* variable) is required")
    # SIGTERM/SIGINT unwind through the scenarios' cleanup, so no child process outlives the suite.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="statusrelay-chaos-")
    os.chmod(args.workdir, 0o755)
    names = list(SCENARIOS) if not args.scenario or "all" in args.scenario else args.scenario
    results = []
    for name in names:
        print(f"\033[1m==> chaos: {name}\033[0m  {SCENARIOS[name].__doc__.strip().splitlines()[0]}", file=sys.stderr, flush=True)
        s = Scenario(args, name)
        started = time.monotonic()
        try:
            s.result["passed"] = bool(SCENARIOS[name](s, args)) and all(c["ok"] for c in s.result["checks"])
        except Exception as error:  # noqa: BLE001 - report and go on with the next scenario
            s.result["error"] = repr(error)
            log(f"ERROR {name}: {error!r}")
        finally:
            s.cleanup()
        s.result["seconds"] = round(time.monotonic() - started, 1)
        s.result["logs"] = s.dir
        print(f"    {'passed' if s.result['passed'] else 'FAILED'} in {s.result['seconds']} s (logs: {s.dir})",
              file=sys.stderr, flush=True)
        results.append(s.result)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text)
    sys.exit(0 if all(r["passed"] for r in results) else 1)


if __name__ == "__main__":
    main()
