#!/usr/bin/env python3
"""A stand-in for Twilio's Messages API (2010-04-01), for tests and the benchmark.

It serves the two read endpoints of Twilio's OpenAPI description (see
scripts/testing/derive_twilio_fixtures.py) and validates every body it serves against the contract
fixtures in Tests/Fixtures/twilio-api/, so it cannot drift from Twilio's contract:

  GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json
  GET /2010-04-01/Accounts/{AccountSid}/Messages.json   (To, From, DateSent, DateSent<, DateSent>,
                                                         PageSize 1..1000, Page, PageToken)

Basic auth as Twilio checks it: the account SID with its auth token, or an API key SID (SK…) with
its secret; a subaccount is readable with its parent's credentials. Credentials come from the
environment (STANDIN_ACCOUNT_SID, STANDIN_AUTH_TOKEN, STANDIN_API_KEY, STANDIN_API_SECRET,
STANDIN_SUBACCOUNTS comma-separated), never from flags.

Control endpoints (no auth; tests only):
  POST /_control/messages   JSON list of Message resources (or partial ones: the rest is filled
                            in); upserted by sid
  POST /_control/faults     JSON list of rules, applied to the API requests in order, each
                            {"status": 429|500|503|404|401|403|"invalid_json"|"slow"|"page_loop",
                             "count": N (requests it affects; -1 forever), "probability": p,
                             "retry_after": "1", "delay_ms": 3000, "sid": "SM…" (only that message)};
                            page_loop: a list page whose next_page_uri is the page itself
  POST /_control/latency    {"ms": 50}: added to every API request
  POST /_control/reset      forget faults, counters (messages stay)
  GET  /_control/state      counters: requests (by endpoint), by_sid, responses by status,
                            auth_failures, contract_violations, max_in_flight, authorizations seen
"""
import argparse
import base64
import datetime
import email.utils
import json
import os
import random
import threading
import time
import urllib.parse

from flask import Flask, Response, g, request
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--fixtures", default=os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "Tests", "Fixtures", "twilio-api"))
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--quiet", action="store_true")
args = parser.parse_args()

with open(os.path.join(args.fixtures, "message.schema.json")) as f:
    MESSAGE_SCHEMA = json.load(f)
with open(os.path.join(args.fixtures, "message-page.schema.json")) as f:
    PAGE_SCHEMA = json.load(f)
with open(os.path.join(args.fixtures, "contract.json")) as f:
    CONTRACT = json.load(f)
REGISTRY = Registry().with_resource(MESSAGE_SCHEMA["$id"], Resource.from_contents(MESSAGE_SCHEMA))
MESSAGE_VALIDATOR = Draft202012Validator(MESSAGE_SCHEMA)
PAGE_VALIDATOR = Draft202012Validator(PAGE_SCHEMA, registry=REGISTRY)

ACCOUNT = os.environ.get("STANDIN_ACCOUNT_SID", "")
TOKEN = os.environ.get("STANDIN_AUTH_TOKEN", "")
API_KEY = os.environ.get("STANDIN_API_KEY", "")
API_SECRET = os.environ.get("STANDIN_API_SECRET", "")
SUBACCOUNTS = [s for s in os.environ.get("STANDIN_SUBACCOUNTS", "").split(",") if s]

app = Flask(__name__)
lock = threading.Lock()
rng = random.Random(args.seed)
messages = {}
faults = []
latency = {"ms": 0}
state = {}


def reset_state():
    state.clear()
    state.update({
        "requests": {"fetch": 0, "list": 0},
        "by_sid": {},
        "responses": {},
        "auth_failures": 0,
        "contract_violations": [],
        "in_flight": 0,
        "max_in_flight": 0,
        "usernames": [],
        "list_queries": [],
    })


reset_state()


def rfc2822(ts):
    return email.utils.format_datetime(datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)).replace("-0000", "+0000")


def parse_date(text):
    """YYYY-MM-DD, ISO 8601 (what helper libraries send) or RFC 2822, as a UTC timestamp."""
    text = text.strip()
    for form in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f"):
        try:
            return datetime.datetime.strptime(text, form).replace(tzinfo=datetime.timezone.utc).timestamp(), form == "%Y-%m-%d"
        except ValueError:
            pass
    return email.utils.parsedate_to_datetime(text).timestamp(), False


def complete(partial):
    """A full Message resource from a partial one (defaults for what the test did not give)."""
    sid = partial["sid"]
    account = partial.get("account_sid", ACCOUNT)
    now = time.time()
    message = {
        "account_sid": account,
        "api_version": "2010-04-01",
        "body": "stand-in message",
        "date_created": rfc2822(now),
        "date_sent": rfc2822(now),
        "date_updated": rfc2822(now),
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": "+15005550006",
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json",
            "feedback": f"/2010-04-01/Accounts/{account}/Messages/{sid}/Feedback.json",
        },
        "to": "+15558675310",
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
    }
    message.update(partial)
    return message


def twilio_error(status, code, text, headers=None):
    body = {"code": code, "message": text, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}
    return Response(json.dumps(body), status=status, headers=headers or {}, mimetype="application/json")


def authorized(account_sid):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except Exception:
        return False
    with lock:
        if user not in state["usernames"]:
            state["usernames"].append(user)
    owned = account_sid == ACCOUNT or account_sid in SUBACCOUNTS
    if user == ACCOUNT and TOKEN and password == TOKEN:
        return owned
    if API_KEY and user == API_KEY and password == API_SECRET:
        return owned
    return False


def pick_fault(sid):
    with lock:
        for rule in faults:
            if rule.get("count", -1) == 0:
                continue
            if rule.get("sid") and rule["sid"] != sid:
                continue
            if "probability" in rule and rng.random() >= rule["probability"]:
                continue
            if rule.get("count", -1) > 0:
                rule["count"] -= 1
            return dict(rule)
    return None


def serve_json(body, validator, what):
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    if errors:
        with lock:
            state["contract_violations"].append(f"{what}: {errors[0].message}")
        return twilio_error(500, 20500, "stand-in contract violation")
    return Response(json.dumps(body), status=200, mimetype="application/json")


def around(kind, account_sid, sid, handler):
    with lock:
        state["requests"][kind] += 1
        if sid:
            state["by_sid"][sid] = state["by_sid"].get(sid, 0) + 1
        state["in_flight"] += 1
        state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
    try:
        if latency["ms"]:
            time.sleep(latency["ms"] / 1000)
        response = respond(kind, account_sid, sid, handler)
    finally:
        with lock:
            state["in_flight"] -= 1
    with lock:
        key = str(response.status_code)
        state["responses"][key] = state["responses"].get(key, 0) + 1
    return response


def respond(kind, account_sid, sid, handler):
    fault = pick_fault(sid)
    status = fault and fault.get("status")
    if status == 401 or not authorized(account_sid):
        with lock:
            state["auth_failures"] += 1
        return twilio_error(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})
    if status == "slow":
        time.sleep(fault.get("delay_ms", 3000) / 1000)
    elif status == 429:
        return twilio_error(429, 20429, "Too Many Requests", {"Retry-After": str(fault.get("retry_after", "1"))})
    elif status == 503:
        return twilio_error(503, 20503, "Service Unavailable", {"Retry-After": str(fault.get("retry_after", "1"))})
    elif status == 500:
        return twilio_error(500, 20500, "Internal Server Error")
    elif status == 403:
        return twilio_error(403, 20403, "Forbidden")
    elif status == 404:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    elif status == "invalid_json":
        return Response('{"sid": "SM', status=200, mimetype="application/json")
    g.page_loop = status == "page_loop"
    return handler()


@app.get("/2010-04-01/Accounts/<account_sid>/Messages/<sid>.json")
def fetch(account_sid, sid):
    def handler():
        with lock:
            message = messages.get(sid)
        if message is None or message["account_sid"] != account_sid:
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        return serve_json(message, MESSAGE_VALIDATOR, f"fetch {sid}")
    return around("fetch", account_sid, sid, handler)


@app.get("/2010-04-01/Accounts/<account_sid>/Messages.json")
def list_messages(account_sid):
    def handler():
        query = request.args
        unknown = [name for name in query if name not in CONTRACT["listQuery"]]
        if unknown:
            return twilio_error(400, 20001, f"unknown parameter {unknown[0]}")
        try:
            size = int(query.get("PageSize", "50"))
            page = int(query.get("Page", "0"))
        except ValueError:
            return twilio_error(400, 20001, "PageSize and Page must be integers")
        if not CONTRACT["pageSizeMinimum"] <= size <= CONTRACT["pageSizeMaximum"]:
            return twilio_error(400, 20001, "PageSize out of range")
        with lock:
            state["list_queries"].append(request.query_string.decode())
            candidates = [m for m in messages.values() if m["account_sid"] == account_sid]
        for name, compare in (("DateSent>", lambda sent, bound, day: sent >= bound),
                              ("DateSent<", lambda sent, bound, day: sent < bound + (86400 if day else 1)),
                              ("DateSent", lambda sent, bound, day: bound <= sent < bound + (86400 if day else 1))):
            if name in query:
                bound, day = parse_date(query[name])
                candidates = [m for m in candidates if m["date_sent"] and
                              compare(email.utils.parsedate_to_datetime(m["date_sent"]).timestamp(), bound, day)]
        for name, field in (("To", "to"), ("From", "from")):
            if name in query:
                candidates = [m for m in candidates if m[field] == query[name]]
        # Newest first, as Twilio lists; the sid breaks ties so pages are stable.
        candidates.sort(key=lambda m: (email.utils.parsedate_to_datetime(m["date_created"]).timestamp(), m["sid"]), reverse=True)
        offset = 0
        if "PageToken" in query:
            token = query["PageToken"]
            if not token.startswith("PA") or not token[2:].isdigit():
                return twilio_error(400, 20001, "invalid PageToken")
            offset = int(token[2:])
        elif page:
            return twilio_error(400, 20001, "Page without PageToken")
        items = candidates[offset:offset + size]
        base = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        kept = [(k, v) for k, v in query.items(multi=True) if k not in ("Page", "PageToken", "PageSize")]

        def uri(page_number, token=None):
            pairs = kept + [("PageSize", str(size)), ("Page", str(page_number))]
            if token is not None:
                pairs.append(("PageToken", token))
            return base + "?" + urllib.parse.urlencode(pairs)

        has_next = offset + size < len(candidates)
        body = {
            "end": offset + len(items) - 1 if items else 0,
            "first_page_uri": uri(0),
            "next_page_uri": request.full_path if g.get("page_loop") else uri(page + 1, f"PA{offset + size}") if has_next else None,
            "page": page,
            "page_size": size,
            "previous_page_uri": uri(page - 1, f"PA{max(0, offset - size)}") if page > 0 else None,
            "messages": items,
            "start": offset,
            "uri": request.full_path.rstrip("?"),
        }
        return serve_json(body, PAGE_VALIDATOR, "list")
    return around("list", account_sid, None, handler)


@app.post("/_control/messages")
def control_messages():
    added = 0
    for partial in request.get_json():
        message = complete(partial)
        errors = list(MESSAGE_VALIDATOR.iter_errors(message))
        if errors:
            return Response(f"not a Message resource: {errors[0].message}", status=400)
        with lock:
            messages[message["sid"]] = message
        added += 1
    return {"added": added}


@app.post("/_control/faults")
def control_faults():
    with lock:
        faults[:] = request.get_json()
    return {"rules": len(faults)}


@app.post("/_control/latency")
def control_latency():
    latency["ms"] = float(request.get_json()["ms"])
    return latency


@app.post("/_control/reset")
def control_reset():
    with lock:
        faults.clear()
        reset_state()
    return {}


@app.get("/_control/state")
def control_state():
    with lock:
        return json.loads(json.dumps(state))


if __name__ == "__main__":
    import logging
    from werkzeug.serving import WSGIRequestHandler, make_server

    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # HTTP/1.1 keep-alive, as api.twilio.com serves: a client reuses its connections.
    WSGIRequestHandler.protocol_version = "HTTP/1.1"
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print(f"twilio stand-in listening on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()
