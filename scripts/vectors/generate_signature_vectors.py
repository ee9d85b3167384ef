#!/usr/bin/env python3
"""Generate Tests/StatusEventsTests/Vectors/signature-vectors.json with Twilio's official helper.

Every signature and every accept/reject decision comes from twilio-python's RequestValidator
(compute_signature / validate / get_signature_algorithm), so the Swift verifier is checked against
the reference, not against itself. Deterministic: a fixed seed, no clock.

Run: $STATUSRELAY_PYTHON scripts/vectors/generate_signature_vectors.py [output]
"""
import hashlib
import json
import os
import random
import sys
from urllib.parse import urlencode, urlparse, quote

import twilio
from twilio.request_validator import (
    RequestValidator,
    add_port,
    get_signature_algorithm,
    remove_port,
)
from werkzeug.datastructures import MultiDict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUTPUT = os.path.join(ROOT, "Tests", "StatusEventsTests", "Vectors", "signature-vectors.json")

rng = random.Random(20261129)

SECRETS = [
    "12345678901234567890123456789012",
    "abcdef0123456789abcdef0123456789",
    "s3cr3t-with-symbols!@#$%^&*()_+=",
    "ünïcødé-secret-✓",
    "x",
]
SHARED_KEYS = [
    ("webhooks_sharedkey_0123456789abcdef", "shared-secret-one-0123456789abcdef"),
    ("KS0123456789abcdef0123456789abcdef", "another shared secret, with spaces"),
]

HOSTS = ["example.com", "relay.example.com", "Relay.Example.COM", "127.0.0.1", "sub.domain-with-dash.io"]
PATHS = [
    "/twilio/status",
    "/",
    "",
    "/callbacks/sms/status",
    "/a%20b/c%2Fd",
    "/unicode/caf%C3%A9",
    "/raw/café/🚀",
    "/path;matrix=1",
    "/trailing/",
    "/cb/status.php",
]
QUERIES = [
    None,
    "",
    "foo=bar",
    "name=O%27Brien",
    "q=a+b",
    "q=a%2Bb",
    "a=1&a=2&b=",
    "msg=caf%C3%A9&emoji=%F0%9F%98%80",
    "raw=日本語",
    "x=%27&y=%22&z=%3C%3E",
    "token=abc123&region=us1&edge=ashburn",
    "flag",
    "empty=&also_empty=",
    "sig=Zm9v%3D%3D",
]

SID_HEX = "0123456789abcdef"


def sid(prefix):
    return prefix + "".join(rng.choice(SID_HEX) for _ in range(32))


def status_callback():
    message_prefix = rng.choice(["SM", "SM", "MM"])
    status = rng.choice(["queued", "sent", "delivered", "undelivered", "failed", "read", "accepted", "sending"])
    params = [
        ("ApiVersion", "2010-04-01"),
        ("AccountSid", sid("AC")),
        ("MessageSid", sid(message_prefix)),
        ("MessageStatus", status),
        ("SmsSid", ""),
        ("SmsStatus", status),
        ("From", rng.choice(["+15017122661", "whatsapp:+14155238886", "rcs:brand_agent", "MyBrand"])),
        ("To", rng.choice(["+15558675310", "whatsapp:+447700900123", "+81312345678"])),
        ("MessagingServiceSid", sid("MG")),
    ]
    params[4] = ("SmsSid", params[2][1])
    if status in ("undelivered", "failed"):
        params.append(("ErrorCode", rng.choice(["30003", "30005", "30008", "63016"])))
    if rng.random() < 0.3:
        params.append(("RawDlrDoneDate", "2611291340"))
    if rng.random() < 0.2:
        params.append(("ChannelPrefix", rng.choice(["whatsapp", "rcs", "sms"])))
    rng.shuffle(params)
    return params


UNICODE_VALUES = [
    "caf\u00e9",
    "cafe\u0301",
    "\U0001F600 grinning",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
    "\uff21 fullwidth",
    "\U0001F680\U0001F680",
    "mixed \u00e9\U0001F600\u4e2d",
    "line\nbreak\ttab",
    "  leading and trailing  ",
    "plus+sign and %25 literal",
    "a&b=c",
    "quote's \"double\"",
    "",
]


def special_params():
    kind = rng.randrange(8)
    if kind == 0:
        # repeated names with duplicates and unsorted values
        return [("Tag", "b"), ("Tag", "a"), ("Tag", "b"), ("Other", "x"), ("Tag", "")]
    if kind == 1:
        return [("Body", rng.choice(UNICODE_VALUES)), ("Emoji", "\U0001F600"), ("CJK", "\u4e2d\u6587")]
    if kind == 2:
        # names that sort differently by UTF-16 and by code point
        return [("\uff21", "fullwidth"), ("\U0001F600", "emoji"), ("Z", "ascii"), ("a", "lower")]
    if kind == 3:
        # NFC and NFD forms are different strings to Python (and must be to Swift)
        return [("V", "caf\u00e9"), ("V", "cafe\u0301"), ("V", "caf\u00e9")]
    if kind == 4:
        return [("Empty", ""), ("AlsoEmpty", ""), ("NoValue", "")]
    if kind == 5:
        long_value = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 +&=%\u00e9\U0001F600") for _ in range(rng.randrange(2000, 9000)))
        return [("Body", long_value), ("NumSegments", "7")]
    if kind == 6:
        return [("case", "lower"), ("Case", "upper"), ("CASE", "all"), ("_underscore", "u"), ("1digit", "d")]
    return [(f"Param{i}", rng.choice(UNICODE_VALUES)) for i in range(rng.randrange(1, 30))]


def encode_body(params):
    style = rng.randrange(3)
    if style == 0:
        return urlencode(params)  # quote_plus: spaces as +
    if style == 1:
        return "&".join(quote(k, safe="") + "=" + quote(v, safe="") for k, v in params)  # %20
    # lower-case hex escapes
    return "&".join(_lower_escapes(quote(k, safe="")) + "=" + _lower_escapes(quote_plus_keep(v)) for k, v in params)


def quote_plus_keep(v):
    return quote(v, safe="").replace("%20", "+")


def _lower_escapes(text):
    result = []
    i = 0
    while i < len(text):
        if text[i] == "%":
            result.append(text[i : i + 3].lower())
            i += 3
        else:
            result.append(text[i])
            i += 1
    return "".join(result)


def build_url(scheme, host, port, path, query):
    netloc = host if port is None else f"{host}:{port}"
    url = f"{scheme}://{netloc}{path}"
    if query is not None:
        url += "?" + query
    return url


def validate(secret, url, params, signature, algorithm):
    """RequestValidator.validate. Where it raises (a URL port it cannot parse: ValueError; a JSON
    body whose URL lacks bodySHA256: TypeError) the request counts as rejected."""
    validator = RequestValidator(secret)
    try:
        if isinstance(params, str):
            return bool(validator.validate(url, params, signature, algorithm))
        return bool(validator.validate(url, MultiDict(params), signature, algorithm))
    except (ValueError, TypeError):
        return False


def variants(url):
    parsed = urlparse(url)
    return {"withoutPort": remove_port(parsed), "withPort": add_port(parsed)}


def mutate_text(text):
    if not text:
        return "x"
    i = rng.randrange(len(text))
    replacement = "Q" if text[i] != "Q" else "R"
    return text[:i] + replacement + text[i + 1 :]


def mutate_path_or_query(url):
    parsed = urlparse(url)
    start = len(parsed.scheme) + 3 + len(parsed.netloc)
    tail = url[start:]
    if not tail:
        return url + "/"
    i = rng.randrange(len(tail))
    ch = tail[i]
    replacement = "Q" if ch != "Q" else "R"
    return url[:start] + tail[:i] + replacement + tail[i + 1 :]


vectors = []


def add_form_vector(name, secret, signed_url, seen_url, params, algorithm=None, key_id=None, settings=None):
    validator = RequestValidator(secret)
    signature = validator.compute_signature(signed_url, MultiDict(params), algorithm)
    if settings is None and key_id is not None:
        settings = f"key={key_id},algorithm={algorithm or 'HMAC_SHA1'}"
    effective_algorithm = get_signature_algorithm(settings) if settings is not None else algorithm
    body = encode_body(params)
    vector = {
        "name": name,
        "kind": "form",
        "signedUrl": signed_url,
        "url": seen_url,
        "params": [[k, v] for k, v in params],
        "body": body,
        "secret": secret,
        "keyId": key_id,
        "settings": settings,
        "algorithm": (effective_algorithm or "HMAC_SHA1").upper(),
        "signature": signature,
        "valid": validate(secret, seen_url, params, signature, effective_algorithm),
        "variants": variants(seen_url),
    }
    mutations = []
    # One-character changes to the URL's path/query, a name, a value and the secret.
    mutated_url = mutate_path_or_query(seen_url)
    # Mutations name only what changed: a URL, a secret, or parameter `index`'s new name/value.
    mutations.append({"what": "url", "url": mutated_url,
                      "valid": validate(secret, mutated_url, params, signature, effective_algorithm)})
    if params:
        i = rng.randrange(len(params))
        mutated = list(params)
        new_name = mutate_text(params[i][0])
        mutated[i] = (new_name, params[i][1])
        mutations.append({"what": "name", "index": i, "text": new_name,
                          "valid": validate(secret, seen_url, mutated, signature, effective_algorithm)})
        mutated = list(params)
        new_value = mutate_text(params[i][1])
        mutated[i] = (params[i][0], new_value)
        mutations.append({"what": "value", "index": i, "text": new_value,
                          "valid": validate(secret, seen_url, mutated, signature, effective_algorithm)})
    mutated_secret = mutate_text(secret)
    mutations.append({"what": "secret", "secret": mutated_secret,
                      "valid": validate(mutated_secret, seen_url, params, signature, effective_algorithm)})
    vector["mutations"] = mutations
    vectors.append(vector)


def add_json_vector(name, secret, scheme, host, port, path, body, extra_query=None, algorithm=None, key_id=None,
                    tamper_hash=False, seen_port=None):
    body_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()
    if tamper_hash:
        body_hash = ("0" if body_hash[0] != "0" else "1") + body_hash[1:]
    query = "bodySHA256=" + body_hash
    if extra_query:
        query = extra_query + "&" + query
    signed_url = build_url(scheme, host, port, path, query)
    seen_url = signed_url if seen_port is None else build_url(scheme, host, seen_port, path, query)
    validator = RequestValidator(secret)
    signature = validator.compute_signature(signed_url, {}, algorithm)
    settings = f"key={key_id},algorithm={algorithm or 'HMAC_SHA1'}" if key_id else None
    vector = {
        "name": name,
        "kind": "json",
        "signedUrl": signed_url,
        "url": seen_url,
        "params": [],
        "body": body,
        "secret": secret,
        "keyId": key_id,
        "settings": settings,
        "algorithm": (algorithm or "HMAC_SHA1").upper(),
        "signature": signature,
        "valid": validate(secret, seen_url, body, signature, algorithm),
        "variants": variants(seen_url),
    }
    mutated_body = body.replace("delivered", "deliverez", 1) if "delivered" in body else body + " "
    mutations = [
        {"what": "body", "body": mutated_body, "valid": validate(secret, seen_url, mutated_body, signature, algorithm)},
    ]
    mutated_url = mutate_path_or_query(seen_url)
    mutations.append({"what": "url", "url": mutated_url, "valid": validate(secret, mutated_url, body, signature, algorithm)})
    mutated_secret = mutate_text(secret)
    mutations.append({"what": "secret", "secret": mutated_secret,
                      "valid": validate(mutated_secret, seen_url, body, signature, algorithm)})
    vector["mutations"] = mutations
    vectors.append(vector)


def event_streams_body(count):
    events = []
    for _ in range(count):
        status = rng.choice(["delivered", "sent", "failed", "undelivered", "read", "queued"])
        events.append({
            "specversion": "1.0",
            "type": f"com.twilio.messaging.message.{status}",
            "source": "/2010-04-01/Accounts/" + sid("AC") + "/Messages/" + sid("SM") + ".json",
            "id": "EZ" + "".join(rng.choice(SID_HEX) for _ in range(32)),
            "dataschema": "https://events-schemas.twilio.com/Messaging.MessageStatus/8",
            "datacontenttype": "application/json",
            "time": "2026-11-29T13:40:05.123Z",
            "data": {
                "messageSid": sid("SM"),
                "accountSid": sid("AC"),
                "messagingServiceSid": sid("MG"),
                "from": "+15017122661",
                "to": "+15558675310",
                "messageStatus": status.upper(),
                "errorCode": 30003 if status in ("failed", "undelivered") else None,
                "timestamp": "2026-11-29T13:40:05.000Z",
                "body": rng.choice(UNICODE_VALUES),
                "numberOfSegments": 1,
            },
        })
    indent = rng.choice([None, 2])
    return json.dumps(events, ensure_ascii=rng.random() < 0.5, indent=indent)


# 1. The cross product of schemes, explicit/default/custom ports and URL shapes, signed as seen.
PORTS = {"https": [None, 443, 8443, 80], "http": [None, 80, 8080, 443]}
for scheme in ("https", "http"):
    for port in PORTS[scheme]:
        for path in PATHS:
            query = rng.choice(QUERIES)
            host = rng.choice(HOSTS)
            url = build_url(scheme, host, port, path, query)
            secret = rng.choice(SECRETS)
            add_form_vector(f"{scheme} port={port} path={path!r} query={query!r}", secret, url, url, status_callback())

# 2. Twilio signed one form, the server sees another (default-port differences and quirks).
PORT_PAIRS = [
    ("https", None, 443), ("https", 443, None), ("http", None, 80), ("http", 80, None),
    ("https", None, 8443), ("https", 8443, None), ("https", 8443, 9443), ("http", 80, 8080),
    ("https", 80, None), ("http", 443, None), ("https", None, 80), ("http", None, 443),
    ("https", 443, 443), ("http", 8080, 8080),
]
for scheme, signed_port, seen_port in PORT_PAIRS:
    for query in QUERIES:
        host = rng.choice(HOSTS)
        path = rng.choice(PATHS)
        signed = build_url(scheme, host, signed_port, path, query)
        seen = build_url(scheme, host, seen_port, path, query)
        add_form_vector(f"signed port={signed_port} seen port={seen_port} {scheme} query={query!r}",
                        rng.choice(SECRETS), signed, seen, status_callback())

# 3. Parameter edge cases: repeated names, empties, unicode, long bodies, sort-order traps.
for i in range(120):
    scheme = rng.choice(["https", "http"])
    url = build_url(scheme, rng.choice(HOSTS), rng.choice([None, None, 8443]), rng.choice(PATHS), rng.choice(QUERIES))
    params = special_params()
    if rng.random() < 0.5:
        params = status_callback() + params
        rng.shuffle(params)
    add_form_vector(f"params #{i}", rng.choice(SECRETS), url, url, params)

# 4. Query-string encodings in the URL must be signed byte for byte (no re-encoding).
for raw, other in [("name=O%27Brien", "name=O'Brien"), ("q=a+b", "q=a%20b"), ("q=a%2Bb", "q=a+b"),
                   ("q=%e2%9c%93", "q=%E2%9C%93"), ("q=%E2%9C%93", "q=\u2713")]:
    signed = build_url("https", "example.com", None, "/status", raw)
    seen = build_url("https", "example.com", None, "/status", other)
    add_form_vector(f"query encoding {raw} seen as {other}", SECRETS[0], signed, seen, status_callback())
    add_form_vector(f"query encoding {raw} exact", SECRETS[0], signed, signed, status_callback())

# 5. Shared keys: HMAC_SHA256 and HMAC_SHA1, settings header variations (case, spaces, order).
for i in range(60):
    key_id, secret = rng.choice(SHARED_KEYS)
    algorithm = rng.choice(["HMAC_SHA256", "HMAC_SHA256", "HMAC_SHA1"])
    settings = rng.choice([
        f"key={key_id},algorithm={algorithm}",
        f"algorithm={algorithm},key={key_id}",
        f"key={key_id}, algorithm={algorithm.lower()}",
        f" key = {key_id} , algorithm = {algorithm} ",
    ])
    scheme = rng.choice(["https", "http"])
    signed_port, seen_port = rng.choice([(None, None), (None, 443 if scheme == "https" else 80), (8443, 8443)])
    path, query = rng.choice(PATHS), rng.choice(QUERIES)
    params = status_callback() if rng.random() < 0.7 else special_params()
    add_form_vector(f"shared key {algorithm} #{i}", secret,
                    build_url(scheme, "relay.example.com", signed_port, path, query),
                    build_url(scheme, "relay.example.com", seen_port, path, query),
                    params, algorithm=algorithm, key_id=key_id, settings=settings)

# 6. JSON bodies (Event Streams): bodySHA256 in the URL, signed without parameters.
for i in range(50):
    key = rng.choice([None, None, SHARED_KEYS[0]])
    algorithm = "HMAC_SHA256" if key and rng.random() < 0.8 else None
    scheme = rng.choice(["https", "http"])
    port = rng.choice([None, None, 8443])
    seen = rng.choice([None, "same", "same", 443 if scheme == "https" else 80]) if port is None else "same"
    add_json_vector(
        f"json #{i}", key[1] if key else rng.choice(SECRETS), scheme, "events.example.com", port,
        rng.choice(["/twilio/events", "/es", "/hooks/event-streams"]), event_streams_body(rng.randrange(1, 6)),
        extra_query=rng.choice([None, "sink=primary", "a=%27b%27"]), algorithm=algorithm,
        key_id=key[0] if key else None, tamper_hash=(i % 10 == 9), seen_port=None if seen == "same" else seen,
    )

output = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUTPUT
os.makedirs(os.path.dirname(output), exist_ok=True)
document = {
    "generator": "scripts/vectors/generate_signature_vectors.py",
    "twilioVersion": twilio.__version__,
    "notes": "url = what the server reconstructs; signedUrl = what Twilio signed; valid = RequestValidator.validate(url, ...).",
    "vectors": vectors,
}
# One vector per line keeps diffs of regenerated files readable.
with open(output, "w", encoding="utf-8") as handle:
    header = {k: v for k, v in document.items() if k != "vectors"}
    handle.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "vectors": [\n')
    handle.write(",\n".join(json.dumps(v, ensure_ascii=False) for v in vectors))
    handle.write("\n]}\n")
valid = sum(1 for v in vectors if v["valid"])
mutations = sum(len(v["mutations"]) for v in vectors)
print(f"wrote {len(vectors)} vectors ({valid} valid, {len(vectors) - valid} invalid, {mutations} mutations) to {output}")
