#!/usr/bin/env python3
"""Hostile-input generator for a running statusrelay-ingress.

Sends --count generated requests (random bytes, truncated and huge bodies, broken percent-encoding,
invalid UTF-8, header floods, wrong methods/paths/content types, signed-but-invalid callbacks, signature
bypass attempts, parameter floods in the costliest sort orders, replays with a repeated parameter, ambiguous
repeated fields, oversized and invalid Event Streams batches) mixed with valid signed callbacks, plus slow-loris
connections, and checks:
  - every answer is one the spec allows for that case (see EXPECTED), never a 5xx except as listed;
  - the ingress process stays alive and /healthz answers;
  - its RSS stays bounded (sampled from /proc/PID/status);
  - the topic holds exactly the valid callbacks that got 200 (by MessageSid+status, every record
    well-formed, key = MessageSid), and nothing else.
Signature bypass cases are first checked against the official twilio RequestValidator (it must reject
them too), so the expectation is the reference library's, not ours.

Exit status 0 when every check passed. Prints a JSON summary (--json FILE writes it too).
"""
import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import random
import sys
import time
from urllib.parse import quote, urlencode, urlparse

from twilio.request_validator import RequestValidator

CLOSED = "closed"  # connection closed without an HTTP answer
TIMEOUT = "timeout"

# Case -> answers the spec allows. "closed" is allowed where the HTTP parser must give up on the stream.
EXPECTED = {
    "valid": {200},
    "valid_unicode": {200},
    "unsigned": {400},
    "bad_signature": {403},
    "random_bytes": {400, CLOSED},
    "random_body_unsigned": {400},
    "random_body_random_signature": {400, 403},
    "truncated_body": {400, 408, CLOSED},
    "huge_body": {413, CLOSED},
    "huge_declared_length": {413, CLOSED},
    "broken_percent_encoding": {400},
    "invalid_utf8": {400},
    "wrong_content_type": {415},
    "header_flood_count": {400, 431, CLOSED},
    "header_flood_size": {400, 431, CLOSED},
    "wrong_method": {405},
    "unknown_path": {404},
    "signed_missing_field": {400},
    "signed_invalid_field": {400},
    "bypass_wrong_port": {403},
    "bypass_unsorted_concatenation": {403},
    "bypass_duplicated_param": {403},
    "bypass_added_param": {403},
    "bypass_changed_value": {403},
    "bypass_fragment_in_signed_url": {403},
    "bypass_forwarded_host_untrusted": {403},
    "bypass_forwarded_rfc7239_untrusted": {403},
    "bypass_alternate_host": {403},
    "bypass_case_changed_name": {403},
    # Issue 16: bounded work before the signature, one event per signed form, bounded batches.
    "param_flood_descending": {413},
    "params_long_prefix_unsigned": {403},
    "valid_replayed_repeated": {200},
    "signed_ambiguous_core": {400},
    "es_batch_flood": {413},
    "es_batch_invalid": {400},
    "es_batch_mixed": {200},
    # Signed events of other types (the Sink Test, other subscribed types): answered 200, counted.
    "es_batch_other": {200},
}

WEIGHTS = {
    "valid": 20, "valid_unicode": 3, "unsigned": 5, "bad_signature": 5, "random_bytes": 4,
    "random_body_unsigned": 5, "random_body_random_signature": 5, "truncated_body": 3, "huge_body": 0.3,
    "huge_declared_length": 1, "broken_percent_encoding": 5, "invalid_utf8": 5, "wrong_content_type": 3,
    "header_flood_count": 1, "header_flood_size": 1, "wrong_method": 2, "unknown_path": 2,
    "signed_missing_field": 3, "signed_invalid_field": 3,
    "bypass_wrong_port": 2, "bypass_unsorted_concatenation": 2, "bypass_duplicated_param": 2,
    "bypass_added_param": 2, "bypass_changed_value": 2, "bypass_fragment_in_signed_url": 2,
    "bypass_forwarded_host_untrusted": 2, "bypass_forwarded_rfc7239_untrusted": 2, "bypass_alternate_host": 2,
    "bypass_case_changed_name": 2,
    "param_flood_descending": 0.5, "params_long_prefix_unsigned": 1, "valid_replayed_repeated": 3,
    "signed_ambiguous_core": 2, "es_batch_flood": 0.5, "es_batch_invalid": 1, "es_batch_mixed": 2,
    "es_batch_other": 1,
}

# Cases after which the connection is not reusable (the parser state is unknown).
ONE_SHOT = {"random_bytes", "truncated_body", "huge_body", "huge_declared_length",
            "header_flood_count", "header_flood_size"}


def twilio_sign(token, url, pairs):
    """Signature exactly as twilio-python computes it for a multi-valued form."""
    s = url
    names = sorted(set(n for n, _ in pairs))
    for name in names:
        for value in sorted(set(v for n, v in pairs if n == name)):
            s += name + value
    return base64.b64encode(hmac.new(token.encode(), s.encode("utf-8"), hashlib.sha1).digest()).decode()


class Generator:
    def __init__(self, args, rng):
        self.args = args
        self.rng = rng
        self.token = args.token
        parsed = urlparse(args.url)
        self.host = parsed.hostname
        self.port = parsed.port
        self.path = args.path
        # The URL the ingress reconstructs (public URL when configured, else from Host).
        self.signing_url = (args.public_url.rstrip("/") if args.public_url else f"http://{self.host}:{self.port}") + self.path
        self.validator = RequestValidator(self.token)
        self.account = "AC" + "%032x" % rng.getrandbits(128)
        self.serial = 0
        self.accepted = set()  # (sid, status) of valid callbacks answered 200

    def sid(self):
        self.serial += 1
        return "SM%032x" % (self.rng.getrandbits(96) << 32 | self.serial)

    def callback(self, unicode=False):
        sid = self.sid()
        status = self.rng.choice(["queued", "sent", "delivered", "undelivered", "failed", "read", "weird_new"])
        pairs = [("ApiVersion", "2010-04-01"), ("AccountSid", self.account), ("MessageSid", sid),
                 ("MessageStatus", status), ("SmsSid", sid), ("SmsStatus", status),
                 ("From", "+15017122661"), ("To", "+15558675310")]
        if unicode:
            pairs += [("Body", self.rng.choice(["héllo 👋", "你好，世界", "a+b=c&d", " spaced  ", "", "%27%2B"])),
                      ("NewParam%d" % self.rng.randrange(100), "x" * self.rng.randrange(0, 300)),
                      ("Repeated", "b"), ("Repeated", "a"), ("Empty", "")]
        return sid, status, pairs

    def request(self, body, signature=None, content_type="application/x-www-form-urlencoded", method="POST",
                path=None, extra_headers=(), host=None, content_length=None):
        head = [f"{method} {path or self.path} HTTP/1.1", f"Host: {host or f'{self.host}:{self.port}'}"]
        if content_type is not None:
            head.append(f"Content-Type: {content_type}")
        if signature is not None:
            head.append(f"X-Twilio-Signature: {signature}")
        head += list(extra_headers)
        head.append(f"Content-Length: {len(body) if content_length is None else content_length}")
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body

    def random_bytes(self, n):
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    def make(self, case):
        """Returns (request bytes, accepted key or None, half_close)."""
        rng = self.rng
        if case in ("valid", "valid_unicode"):
            sid, status, pairs = self.callback(unicode=case == "valid_unicode")
            sig = twilio_sign(self.token, self.signing_url, pairs)
            return self.request(urlencode(pairs).encode(), sig), (sid, status), False
        if case == "unsigned":
            _, _, pairs = self.callback()
            return self.request(urlencode(pairs).encode()), None, False
        if case == "bad_signature":
            _, _, pairs = self.callback()
            sig = base64.b64encode(self.random_bytes(20)).decode()
            return self.request(urlencode(pairs).encode(), sig), None, False
        if case == "random_bytes":
            return self.random_bytes(rng.randrange(1, 4000)), None, True
        if case == "random_body_unsigned":
            return self.request(self.random_bytes(rng.randrange(0, 3000))), None, False
        if case == "random_body_random_signature":
            return self.request(self.random_bytes(rng.randrange(0, 3000)), base64.b64encode(self.random_bytes(20)).decode()), None, False
        if case == "truncated_body":
            _, _, pairs = self.callback()
            body = urlencode(pairs).encode()
            cut = rng.randrange(0, len(body))
            req = self.request(body, twilio_sign(self.token, self.signing_url, pairs), content_length=len(body))
            return req[: len(req) - len(body) + cut], None, True
        if case == "huge_body":
            size = rng.choice([65 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024])
            return self.request(b"a=" + b"x" * size), None, True
        if case == "huge_declared_length":
            return self.request(b"a=b", content_length=rng.choice([10**6, 10**9, 2**63 - 1])), None, True
        if case == "broken_percent_encoding":
            _, _, pairs = self.callback()
            body = urlencode(pairs) + "&Bad=" + rng.choice(["%", "%4", "%zz", "%G1", "abc%", "%%", "%-1"])
            return self.request(body.encode(), twilio_sign(self.token, self.signing_url, pairs)), None, False
        if case == "invalid_utf8":
            _, _, pairs = self.callback()
            bad = rng.choice([b"%FF", b"%C3%28", b"%ED%A0%80", b"%F8%88%80%80%80", b"\xff\xfe", b"%C0%AF"])
            body = urlencode(pairs).encode() + b"&Body=" + bad
            return self.request(body, twilio_sign(self.token, self.signing_url, pairs)), None, False
        if case == "wrong_content_type":
            _, _, pairs = self.callback()
            ct = rng.choice(["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/octet-stream"])
            return self.request(urlencode(pairs).encode(), twilio_sign(self.token, self.signing_url, pairs), content_type=ct), None, False
        if case == "header_flood_count":
            headers = [f"X-Flood-{i}: {'v' * 40}" for i in range(rng.choice([500, 2000, 5000]))]
            return self.request(b"a=b", extra_headers=headers), None, True
        if case == "header_flood_size":
            return self.request(b"a=b", extra_headers=[f"X-Big: {'v' * rng.choice([20000, 70000, 300000])}"]), None, True
        if case == "wrong_method":
            return self.request(b"", method=rng.choice(["GET", "PUT", "DELETE", "PATCH"]), content_type=None), None, False
        if case == "unknown_path":
            return self.request(b"a=b", path=rng.choice(["/", "/twilio", "/twilio/message-status/x", "/admin", "/%2e%2e/etc"])), None, False
        if case == "param_flood_descending":
            # The probe: ~12,000 names in descending order in 60 KiB; refused before any sort.
            body = "&".join("%x" % (0x3000 - i) for i in range(12000))
            return self.request(body.encode(), base64.b64encode(self.random_bytes(20)).decode()), None, False
        if case == "params_long_prefix_unsigned":
            # Within the parameter limit, names sharing a 200-byte prefix, descending: still cheap, then 403.
            body = "&".join("%s%05d=v" % ("n" * 200, 250 - i) for i in range(rng.randrange(100, 250)))
            return self.request(body.encode(), base64.b64encode(self.random_bytes(20)).decode()), None, False
        if case == "valid_replayed_repeated":
            # A signed callback with a repeated identical parameter appended verifies and is the same event.
            sid, status, pairs = self.callback()
            sig = twilio_sign(self.token, self.signing_url, pairs)
            return self.request((urlencode(pairs) + "&To=%2B15558675310").encode(), sig), (sid, status), False
        if case == "signed_ambiguous_core":
            # Signed over both values: which status holds would depend on arrival order, so it is refused.
            _, status, pairs = self.callback()
            other = "failed" if status != "failed" else "delivered"
            pairs = pairs + [(rng.choice(["MessageStatus", "To"]), other)]
            return self.request(urlencode(pairs).encode(), twilio_sign(self.token, self.signing_url, pairs)), None, False
        if case in ("es_batch_flood", "es_batch_invalid", "es_batch_mixed", "es_batch_other"):
            key = None
            if case == "es_batch_flood":
                elements = ["{}"] * 10000
            elif case == "es_batch_invalid":
                # Only invalid message events: an event of another type makes the batch a 200.
                elements = [rng.choice(["{}", "1", '"x"', '{"type":"com.twilio.messaging.message.delivered"}'])
                            for _ in range(rng.randrange(1, 200))]
            elif case == "es_batch_other":
                elements = [rng.choice(['{"type":"com.twilio.voice.call.completed","id":"x","data":{}}',
                                        '{"specversion":"1.0","type":"com.twilio.eventstreams.test-event","source":"Sink",'
                                        '"id":"t","data":{"test_id":"fuzz"}}'])
                            for _ in range(rng.randrange(1, 50))]
            else:
                sid = self.sid()
                status = rng.choice(["sent", "delivered", "undelivered"])
                valid = json.dumps({"specversion": "1.0", "type": "com.twilio.messaging.message." + status, "source": "/fuzz",
                                    "id": "EZ" + sid[2:], "data": {"messageSid": sid, "accountSid": self.account,
                                                                   "messageStatus": status.upper()}})
                elements = ["{}"] * rng.randrange(1, 50) + [valid] + ["[]"] * rng.randrange(0, 50)
                key = (sid, status)
            return self.event_streams("[" + ",".join(elements) + "]"), key, False
        if case in ("signed_missing_field", "signed_invalid_field"):
            _, _, pairs = self.callback()
            if case == "signed_missing_field":
                drop = rng.choice(["MessageSid", "AccountSid", "status"])
                if drop == "status":
                    pairs = [p for p in pairs if p[0] not in ("MessageStatus", "SmsStatus")]
                else:
                    pairs = [p for p in pairs if p[0] != drop and not (drop == "MessageSid" and p[0] == "SmsSid")]
            else:
                field = rng.choice(["MessageSid", "AccountSid"])
                bad = rng.choice(["", "SM123", "XX" + "0" * 32, "AC" + "g" * 32, "SM" + "0" * 33])
                pairs = [(n, bad if n == field else v) for n, v in pairs]
            return self.request(urlencode(pairs).encode(), twilio_sign(self.token, self.signing_url, pairs)), None, False
        return self.bypass(case)

    def event_streams(self, body):
        """A signed Event Streams request: the URL carries bodySHA256 and is signed alone."""
        body = body.encode()
        path = self.args.event_streams_path + "?bodySHA256=" + hashlib.sha256(body).hexdigest()
        base = self.args.public_url.rstrip("/") if self.args.public_url else f"http://{self.host}:{self.port}"
        sig = base64.b64encode(hmac.new(self.token.encode(), (base + path).encode(), hashlib.sha1).digest()).decode()
        return self.request(body, sig, content_type="application/json", path=path)

    def bypass(self, case):
        """A genuinely signed callback, altered. The reference library must reject each variant too."""
        rng = self.rng
        _, _, pairs = self.callback()
        url = self.signing_url
        headers = []
        host = None
        body_pairs = pairs
        if case == "bypass_wrong_port":
            p = urlparse(url)
            # Any port but the real one and the scheme's default (which the libraries accept either way).
            default = 443 if p.scheme == "https" else 80
            candidates = [8080, 8443, 444, 81, 1, 65535, rng.randrange(1024, 65535)]
            other = rng.choice([c for c in candidates if c not in (p.port or default, default)])
            signed_url = f"{p.scheme}://{p.hostname}:{other}{p.path}"
            sig = twilio_sign(self.token, signed_url, pairs)
        elif case == "bypass_unsorted_concatenation":
            # What a naive implementation would compute: parameters in body order, unsorted.
            s = url + "".join(n + v for n, v in pairs)
            sig = base64.b64encode(hmac.new(self.token.encode(), s.encode(), hashlib.sha1).digest()).decode()
            rng.shuffle(body_pairs)
        elif case == "bypass_duplicated_param":
            sig = twilio_sign(self.token, url, pairs)
            current = dict(pairs)["MessageStatus"]
            body_pairs = pairs + [("MessageStatus", "failed" if current != "failed" else "delivered")]
        elif case == "bypass_added_param":
            sig = twilio_sign(self.token, url, pairs)
            body_pairs = pairs + [("ErrorCode", "30008")]
        elif case == "bypass_changed_value":
            sig = twilio_sign(self.token, url, pairs)
            body_pairs = [(n, ("failed" if v != "failed" else "delivered") if n == "MessageStatus" else v) for n, v in pairs]
        elif case == "bypass_fragment_in_signed_url":
            sig = twilio_sign(self.token, url + "#rc=3&rp=all", pairs)
        elif case in ("bypass_forwarded_host_untrusted", "bypass_forwarded_rfc7239_untrusted", "bypass_alternate_host"):
            evil = "https://evil.example.com" + self.path
            sig = twilio_sign(self.token, evil, pairs)
            if case == "bypass_forwarded_host_untrusted":
                headers = ["X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example.com", "X-Forwarded-Port: 443"]
            elif case == "bypass_forwarded_rfc7239_untrusted":
                headers = ["Forwarded: for=1.2.3.4;host=evil.example.com;proto=https"]
            else:
                if not self.args.public_url:
                    # Without a configured public URL the Host header is the documented source; the
                    # attack only applies when a public URL is configured.
                    sig = base64.b64encode(self.random_bytes(20)).decode()
                host = "evil.example.com"
        elif case == "bypass_case_changed_name":
            sig = twilio_sign(self.token, url, pairs)
            body_pairs = [(n.lower() if n == "MessageStatus" else n, v) for n, v in pairs]
        else:
            raise ValueError(case)
        # Reference check: the official validator must reject what the ingress is about to see.
        actual_url = url
        if self.validator.validate(actual_url, _multi(body_pairs), sig):
            raise SystemExit(f"fuzz generator bug: official RequestValidator accepts bypass case {case}")
        return self.request(urlencode(body_pairs).encode(), sig, extra_headers=headers, host=host), None, False


class _multi(dict):
    """A MultiDict for RequestValidator.get_values (getall), like Flask's request.form."""

    def __init__(self, pairs):
        super().__init__()
        self._pairs = pairs
        for n, v in pairs:
            self.setdefault(n, v)

    def getall(self, name):
        return [v for n, v in self._pairs if n == name]


async def read_response(reader, timeout):
    """Returns (status, keep_alive) or (CLOSED|TIMEOUT, False)."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    except asyncio.TimeoutError:
        return TIMEOUT, False
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        return CLOSED, False
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ")[1])
    except (IndexError, ValueError):
        return CLOSED, False
    length = 0
    keep = True
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        value = value.strip().lower()
        if name == "content-length":
            length = int(value or 0)
        elif name == "connection" and "close" in value:
            keep = False
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
    try:
        if chunked:
            while True:
                size = int((await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout)).split(b";")[0], 16)
                await asyncio.wait_for(reader.readexactly(size + 2), timeout)
                if size == 0:
                    break
        elif length:
            await asyncio.wait_for(reader.readexactly(length), timeout)
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError):
        keep = False
    return status, keep


class Runner:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.gen = Generator(args, self.rng)
        self.cases = [c for c in WEIGHTS if not args.cases or any(c.startswith(p) for p in args.cases.split(","))]
        if not self.cases:
            raise SystemExit(f"--cases {args.cases} selects no case")
        self.weights = [WEIGHTS[c] for c in self.cases]
        self.outcomes = {}  # case -> {answer: count}
        self.violations = []
        self.sent = 0
        self.max_rss_kib = 0
        self.rss_samples = []

    def record(self, case, answer, key):
        by = self.outcomes.setdefault(case, {})
        by[str(answer)] = by.get(str(answer), 0) + 1
        if answer not in EXPECTED[case]:
            if len(self.violations) < 50:
                self.violations.append({"case": case, "answer": answer})
            else:
                self.violations.append(None)
        if answer == 200 and key is not None:
            self.gen.accepted.add(key)

    async def worker(self, quota):
        host, port = self.gen.host, self.gen.port
        conn = None
        for _ in range(quota):
            case = self.rng.choices(self.cases, self.weights)[0]
            data, key, one_shot = self.gen.make(case)
            if conn is None or one_shot:
                if conn is not None:
                    conn[1].close()
                try:
                    conn = await asyncio.open_connection(host, port)
                except OSError as error:
                    self.record(case, CLOSED, None)
                    self.violations.append({"case": case, "answer": f"connect failed: {error}"})
                    conn = None
                    await asyncio.sleep(0.1)
                    continue
            reader, writer = conn
            try:
                writer.write(data)
                await writer.drain()
                if one_shot:
                    writer.write_eof()
            except (ConnectionError, OSError):
                # The server may close mid-upload (413 on a huge body): read what it answered.
                pass
            answer, keep = await read_response(reader, self.args.timeout)
            self.record(case, answer, key)
            self.sent += 1
            if not keep or one_shot:
                writer.close()
                conn = None
        if conn is not None:
            conn[1].close()

    async def slowloris(self, n, results):
        """Opens n connections that dribble a header byte every second; records how long each survived."""
        async def one():
            start = time.monotonic()
            try:
                reader, writer = await asyncio.open_connection(self.gen.host, self.gen.port)
            except OSError:
                results.append(("connect_failed", 0))
                return
            payload = f"POST {self.gen.path} HTTP/1.1\r\nHost: x\r\nX-Slow: ".encode() + b"a" * 100000
            try:
                for byte in payload:
                    writer.write(bytes([byte]))
                    await writer.drain()
                    try:
                        data = await asyncio.wait_for(reader.read(1024), 1.0)
                        if data == b"" or data:
                            results.append(("closed" if not data else data.split(b" ")[1].decode(), time.monotonic() - start))
                            writer.close()
                            return
                    except asyncio.TimeoutError:
                        pass
                    if time.monotonic() - start > self.args.slowloris_deadline:
                        results.append(("still_open", time.monotonic() - start))
                        writer.close()
                        return
            except (ConnectionError, OSError):
                results.append(("closed", time.monotonic() - start))

        await asyncio.gather(*(one() for _ in range(n)))

    async def sample_rss(self, stop):
        path = f"/proc/{self.args.pid}/status"
        while not stop.is_set():
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            kib = int(line.split()[1])
                            self.max_rss_kib = max(self.max_rss_kib, kib)
                            self.rss_samples.append(kib)
            except FileNotFoundError:
                self.violations.append({"case": "process", "answer": "ingress process disappeared"})
                return
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass

    async def run(self):
        stop = asyncio.Event()
        sampler = asyncio.create_task(self.sample_rss(stop)) if self.args.pid else None
        loris_results = []
        loris = asyncio.create_task(self.slowloris(self.args.slowloris, loris_results)) if self.args.slowloris else None
        started = time.monotonic()
        per = self.args.count // self.args.concurrency
        quotas = [per] * self.args.concurrency
        quotas[0] += self.args.count - per * self.args.concurrency

        async def progress():
            while True:
                await asyncio.sleep(5)
                print(f"    fuzz: {self.sent}/{self.args.count} requests, {len(self.violations)} violations, "
                      f"max RSS {self.max_rss_kib // 1024} MiB", file=sys.stderr, flush=True)

        reporter = asyncio.create_task(progress())
        await asyncio.gather(*(self.worker(q) for q in quotas))
        elapsed = time.monotonic() - started
        if loris:
            await loris
        reporter.cancel()
        # Still alive and healthy?
        alive = True
        if self.args.pid and not os.path.exists(f"/proc/{self.args.pid}"):
            alive = False
        health = None
        try:
            reader, writer = await asyncio.open_connection(self.gen.host, self.gen.port)
            writer.write(f"GET /healthz HTTP/1.1\r\nHost: {self.gen.host}\r\n\r\n".encode())
            await writer.drain()
            health, _ = await read_response(reader, 5)
            writer.close()
        except OSError:
            health = CLOSED
        if health != 200:
            self.violations.append({"case": "healthz", "answer": health})
        stop.set()
        if sampler:
            await sampler
        hwm = None
        if self.args.pid and alive:
            with open(f"/proc/{self.args.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = int(line.split()[1])
        if hwm and self.args.max_rss_mib and hwm > self.args.max_rss_mib * 1024:
            self.violations.append({"case": "memory", "answer": f"VmHWM {hwm // 1024} MiB > {self.args.max_rss_mib} MiB"})
        loris_summary = {}
        for outcome, _ in loris_results:
            loris_summary[outcome] = loris_summary.get(outcome, 0) + 1
        if loris_summary.get("still_open"):
            self.violations.append({"case": "slowloris", "answer": f"{loris_summary['still_open']} connections still open after {self.args.slowloris_deadline}s"})
        return {
            "requests": self.sent,
            "seconds": round(elapsed, 1),
            "requests_per_second": round(self.sent / elapsed) if elapsed else 0,
            "alive": alive,
            "healthz": health,
            "max_rss_mib": round(self.max_rss_kib / 1024, 1),
            "vmhwm_mib": round(hwm / 1024, 1) if hwm else None,
            "accepted_valid": len(self.gen.accepted),
            "slowloris": loris_summary,
            "slowloris_max_seconds": round(max((t for o, t in loris_results if o != "still_open"), default=0), 1),
            "outcomes": self.outcomes,
        }


def check_topic(args, accepted):
    """Every record on the topic must be a well-formed event of a valid callback answered 200, and every
    such callback must be there."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": args.brokers, "group.id": "fuzz-check-%d" % os.getpid(),
                         "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    metadata = consumer.list_topics(args.topic, timeout=10)
    partitions = list(metadata.topics[args.topic].partitions)
    ends = {}
    assignment = []
    for p in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=10)
        ends[p] = high
        if high > low:
            assignment.append(TopicPartition(args.topic, p, low))
    consumer.assign(assignment)
    seen = set()
    invalid = []
    records = 0
    # Tansu's high watermark can be the last batch's base offset + 1, short of the real end: read
    # past it until the partitions stay quiet.
    remaining = {tp.partition for tp in assignment}
    deadline = time.monotonic() + 120
    last_message = time.monotonic()
    while assignment and time.monotonic() < deadline:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            if not remaining and time.monotonic() - last_message > 2:
                break
            continue
        last_message = time.monotonic()
        records += 1
        try:
            event = json.loads(msg.value())
            key = msg.key().decode()
            pair = (event["messageSid"], event["status"])
            if key != event["messageSid"] or event.get("schemaVersion") is None or not event.get("id"):
                invalid.append({"offset": msg.offset(), "why": "key/schemaVersion/id"})
            elif pair not in accepted:
                invalid.append({"offset": msg.offset(), "why": f"not an accepted callback: {pair}"})
            seen.add(pair)
        except Exception as error:  # noqa: BLE001 - any failure to read it is an invalid record
            invalid.append({"offset": msg.offset(), "why": repr(error)})
        if msg.offset() + 1 >= ends[msg.partition()]:
            remaining.discard(msg.partition())
    consumer.close()
    missing = accepted - seen
    return {"records": records, "distinct": len(seen), "invalid": invalid[:20], "invalid_count": len(invalid),
            "missing_count": len(missing), "missing": sorted(missing)[:10]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="where the ingress listens, http://127.0.0.1:PORT")
    parser.add_argument("--path", default="/twilio/message-status")
    parser.add_argument("--event-streams-path", default="/twilio/event-streams")
    parser.add_argument("--public-url", help="the ingress's --public-url, if configured")
    parser.add_argument("--token", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for each answer")
    parser.add_argument("--pid", type=int, help="ingress PID, to sample RSS and check it survives")
    parser.add_argument("--max-rss-mib", type=float, default=0, help="fail when VmHWM exceeds this (0: report only)")
    parser.add_argument("--slowloris", type=int, default=50, help="slow-loris connections held during the run")
    parser.add_argument("--slowloris-deadline", type=float, default=60.0)
    parser.add_argument("--brokers", help="check the topic afterwards (host:port)")
    parser.add_argument("--topic")
    parser.add_argument("--cases", help="only cases whose name starts with one of these comma-separated prefixes")
    parser.add_argument("--json", help="also write the summary here")
    args = parser.parse_args()

    runner = Runner(args)
    summary = asyncio.run(runner.run())
    summary["violations"] = [v for v in runner.violations if v is not None][:50]
    summary["violation_count"] = len(runner.violations)
    if args.brokers and args.topic:
        # Give in-flight spool drains a moment; the ingress only answered 200 once durable.
        summary["topic"] = check_topic(args, runner.gen.accepted)
        if summary["topic"]["invalid_count"] or summary["topic"]["missing_count"]:
            summary["violation_count"] += 1
    text = json.dumps(summary, indent=2, sort_keys=True)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text)
    sys.exit(0 if summary["violation_count"] == 0 else 1)


if __name__ == "__main__":
    main()
