#!/usr/bin/env python3
"""Derives the project's Twilio Messages API contract fixtures from Twilio's OpenAPI description.

Input: the cut of Twilio's official OpenAPI description (twilio/twilio-oai, twilio_api_v2010.json)
that holds the two Message read endpoints (see ../shared/reference/twilio-api/README.md).
Output (Tests/Fixtures/twilio-api/, kept in the repository so tests need nothing outside it):

  message.schema.json       one Message resource (JSON Schema 2020-12)
  message-page.schema.json  one page of the list endpoint
  contract.json             status and direction enums, date format, paths, paging limits
  fetch-example.json        Twilio's own example bodies, validated against the schemas above
  list-example.json

Mapping from OpenAPI 3.0 to JSON Schema:
- `nullable: true` becomes a `null` member of `type`; `$ref`s to the enums are inlined with `null`
  allowed too (Twilio's Go/Python helpers read them as nullable);
- `format: date-time-rfc-2822` becomes a pattern for the form Twilio writes
  (`Fri, 24 May 2019 17:44:46 +0000`);
- minLength/maxLength/pattern are kept;
- stricter than the description, on purpose: every listed property is required and no other is
  allowed, so the stand-in cannot serve a body Twilio's description does not define.

Run: python3 scripts/testing/derive_twilio_fixtures.py [OPENAPI] [OUTDIR]; `--check` compares
instead of writing (exit 1 when a fixture is out of date).
"""
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_SPEC = os.path.join(os.path.dirname(REPO), "shared", "reference", "twilio-api", "messages-read.openapi.json")
DEFAULT_OUT = os.path.join(REPO, "Tests", "Fixtures", "twilio-api")

LIST_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
FETCH_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
RFC2822 = (
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"[0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] \+0000$"
)


def convert(prop, components):
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        target = components[name]
        out = {"enum": list(target["enum"]) + [None]} if "enum" in target else convert(target, components)
        return out
    out = {}
    kind = prop.get("type")
    if kind:
        out["type"] = [kind, "null"] if prop.get("nullable") else kind
    for key in ("minLength", "maxLength", "pattern", "minimum", "maximum"):
        if key in prop:
            out[key] = prop[key]
    if prop.get("format") == "date-time-rfc-2822":
        # A null date has no pattern to match: the pattern applies to strings only.
        out["pattern"] = RFC2822
    if "enum" in prop:
        out["enum"] = list(prop["enum"])
    if kind == "array" and "items" in prop:
        out["items"] = convert(prop["items"], components)
    if kind == "object" and "properties" in prop:
        out["properties"] = {k: convert(v, components) for k, v in prop["properties"].items()}
        out["required"] = sorted(prop["properties"])
        out["additionalProperties"] = False
    return out


def derive(spec):
    schemas = spec["components"]["schemas"]
    message = convert(schemas["api.v2010.account.message"], schemas)
    message["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    message["$id"] = "urn:statusrelay:twilio-api:message"
    message["title"] = "Twilio Message resource (api.v2010.account.message), derived from Twilio's OpenAPI description"

    list_get = spec["paths"][LIST_PATH]["get"]
    page_schema = list_get["responses"]["200"]["content"]["application/json"]["schema"]
    page = {"type": "object", "properties": {}, "additionalProperties": False}
    for name, prop in page_schema["properties"].items():
        if name == "messages":
            page["properties"][name] = {"type": "array", "items": {"$ref": "urn:statusrelay:twilio-api:message"}}
        else:
            page["properties"][name] = convert(prop, schemas)
    page["required"] = sorted(page_schema["properties"])
    page["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    page["$id"] = "urn:statusrelay:twilio-api:message-page"
    page["title"] = "One page of Twilio's Message list (ListMessageResponse), derived from Twilio's OpenAPI description"

    params = {p["name"]: p for p in list_get["parameters"]}
    fetch_get = spec["paths"][FETCH_PATH]["get"]
    contract = {
        "source": "twilio/twilio-oai spec/json/twilio_api_v2010.json (commit d50069b), the Message read endpoints",
        "fetchPath": FETCH_PATH,
        "listPath": LIST_PATH,
        "listQuery": sorted(params),
        "pageSizeMinimum": params["PageSize"]["schema"]["minimum"],
        "pageSizeMaximum": params["PageSize"]["schema"]["maximum"],
        "accountSidPattern": params["AccountSid"]["schema"]["pattern"],
        "messageSidPattern": {p["name"]: p for p in fetch_get["parameters"]}["Sid"]["schema"]["pattern"],
        "statuses": schemas["message_enum_status"]["enum"],
        "directions": schemas["message_enum_direction"]["enum"],
        "dateFormat": "RFC 2822 in GMT, as Twilio writes it: " + RFC2822,
        "dateFields": sorted(k for k, v in schemas["api.v2010.account.message"]["properties"].items()
                             if v.get("format") == "date-time-rfc-2822"),
        "security": spec["components"]["securitySchemes"]["accountSid_authToken"],
    }
    fetch_example = fetch_get["responses"]["200"]["content"]["application/json"]["examples"]["fetch"]["value"]
    list_example = list_get["responses"]["200"]["content"]["application/json"]["examples"]["readFullPage1"]["value"]
    return {
        "message.schema.json": message,
        "message-page.schema.json": page,
        "contract.json": contract,
        "fetch-example.json": fetch_example,
        "list-example.json": list_example,
    }


def main(argv):
    check = "--check" in argv
    argv = [a for a in argv if a != "--check"]
    spec_path = argv[0] if argv else DEFAULT_SPEC
    out_dir = argv[1] if len(argv) > 1 else DEFAULT_OUT
    with open(spec_path) as handle:
        outputs = derive(json.load(handle))
    stale = []
    for name, value in outputs.items():
        text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
        path = os.path.join(out_dir, name)
        if check:
            current = open(path).read() if os.path.exists(path) else None
            if current != text:
                stale.append(name)
        else:
            os.makedirs(out_dir, exist_ok=True)
            with open(path, "w") as handle:
                handle.write(text)
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
