#!/usr/bin/env python3
"""Pre-signs Twilio status callbacks with the official twilio RequestValidator.

Writes one request per line: `<X-Twilio-Signature>\t<form body>`. Every line is a distinct
(MessageSid, MessageStatus) pair, so the ingress publishes distinct events. The wrk script
(wrk_signed.lua) and `statusrelay bench load` rotate through the file.

    sign_requests.py --url http://127.0.0.1:8080/twilio/message-status --token T --messages 20000 --out FILE
"""
import argparse
import random
import sys
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

STATUSES = ["accepted", "queued", "sent", "delivered", "read"]


def callbacks(messages, statuses, seed):
    rng = random.Random(seed)
    account = "AC" + "%032x" % rng.getrandbits(128)
    service = "MG" + "%032x" % rng.getrandbits(128)
    for _ in range(messages):
        sid = "SM" + "%032x" % rng.getrandbits(128)
        to = "+1555%07d" % rng.randrange(10_000_000)
        for status in statuses:
            # A typical 9-parameter status callback, parameter order as Twilio sends it.
            yield [
                ("ApiVersion", "2010-04-01"),
                ("AccountSid", account),
                ("MessageSid", sid),
                ("MessageStatus", status),
                ("SmsSid", sid),
                ("SmsStatus", status),
                ("From", "+15017122661"),
                ("To", to),
                ("MessagingServiceSid", service),
            ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the public URL the ingress reconstructs")
    parser.add_argument("--token", required=True, help="auth token to sign with")
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--statuses", default=",".join(STATUSES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--interleave", action="store_true",
                        help="round-robin messages so one message's statuses are spread out (default: grouped)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    validator = RequestValidator(args.token)
    statuses = args.statuses.split(",")
    rows = list(callbacks(args.messages, statuses, args.seed))
    if args.interleave:
        # Status k of every message, then status k+1: a message's lifecycle spans the whole file.
        n = len(statuses)
        rows = [rows[m * n + k] for k in range(n) for m in range(args.messages)]
    with open(args.out, "w") as out:
        for params in rows:
            # Twilio signs the parameters as a dict (names unique here).
            signature = validator.compute_signature(args.url, dict(params))
            body = urlencode(params)
            assert "\t" not in body and "\n" not in body
            out.write(f"{signature}\t{body}\n")
    print(f"signed {len(rows)} callbacks for {args.url} -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
